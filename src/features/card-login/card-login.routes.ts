/** Routes of card, e-CPS and partner login (R12, R13, R14, R16): parse, call one service function, present. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../../deps.js';
import { form, secret, text, withInput } from '../../platform/input.js';
import { refuseInput } from '../../http/input-gate.js';
import { DomainError } from '../../platform/errors.js';
import { endSession, openSession } from '../../http/session.js';
import { afterSignIn as afterLogin, safeReturnPath } from '../../http/guard.js';
import { sendPage as html } from '../../http/reply.js';
import { readBrowserHash } from '../auth/auth.cookies.js';
import { NO_SIGN_IN_HOOKS, type SignInHooks } from '../auth/auth.hooks.js';
import { PASSWORD_RULE_TEXT } from '../auth/auth.rules.js';
import * as service from './card-login.service.js';
import { EmailValidatedPage, EmailValidationPage, ExternalLoginErrorPage, LiberalAccountPage, PairingPage, PscLoggedOutPage } from './card-login.pages.js';
import * as liberal from './card-login.liberal.js';
import { presentedCertificate } from './card-login.certificate.js';
import { clearFlowCookie as clearFlow, readFlowToken, setFlowCookie, type FlowCookie } from './card-login.cookies.js';

// Input gate (issue 12): each field's length is declared here; a longer value is refused at the field.
const pairingForm = form({ username: text('Le nom d’utilisateur', 100), password: secret('Le mot de passe') });
const liberalForm = form({
  profession: text('La profession', 100),
  specialty: text('La spécialité', 100),
  email: text('L’adresse e-mail', 254),
  phone: text('Le téléphone', 30),
  address: text('L’adresse', 200),
  postcode: text('Le code postal', 10),
  city: text('La commune', 100),
  password: secret('Le mot de passe'),
  confirmation: secret('La confirmation'),
});
const tokenForm = form({ jeton: text('Le lien', 200) });
/** A partner's id in its URLs is a name from the configuration, not a number. */
const PARTNER_PARAMS = { textParams: ['id'] } as const;
const CREATE_URL = '/connexion/psc/creer-mon-compte';

type PartnerRequest = FastifyRequest<{ Params: { id: string }; Querystring: { retour?: string } }>;

const PSC_ERROR_TITLE = 'Connexion par Pro Santé Connect impossible';
const PSC_MEANS = 'e-CPS (Pro Santé Connect)';
const CARD_ERROR_TITLE = 'Connexion par carte CPS impossible';
const CARD_MEANS = 'carte CPS';
const PARTNER_ERROR_TITLE = 'Connexion depuis le site partenaire impossible';

export function cardLoginHandlers(deps: Deps, hooks: SignInHooks = NO_SIGN_IN_HOOKS) {
  const errorPage = (request: FastifyRequest, reply: FastifyReply, error: DomainError) =>
    html(reply, ExternalLoginErrorPage({ csrfToken: request.csrfToken, title: PSC_ERROR_TITLE, message: error.message }), error.status);

  const clearFlowCookie = (reply: FastifyReply) => clearFlow(deps, reply, 'psc');

  /** Which pairing a request is about: the kind of identity, its flow cookie, its page's words. */
  interface PairingTarget {
    kind: service.IdentityKind;
    flow: FlowCookie;
    action: string;
    means: string;
    errorTitle: string;
    /** R14: an RPPS identity of an e-CPS login may create its account instead. */
    offersAccount: boolean;
  }
  const PSC_PAIRING: PairingTarget = { kind: 'psc', flow: 'psc', action: '/connexion/psc/association', means: PSC_MEANS, errorTitle: PSC_ERROR_TITLE, offersAccount: true };
  const CARD_PAIRING: PairingTarget = { kind: 'cps', flow: 'cps', action: '/connexion/carte/association', means: CARD_MEANS, errorTitle: CARD_ERROR_TITLE, offersAccount: false };
  const partnerPairing = (request: PartnerRequest): PairingTarget => {
    const partner = service.findPartner(deps, request.params.id);
    return { kind: `partner:${partner.id}`, flow: 'partner', action: `/connexion/partenaire/${partner.id}/association`, means: `identité ${partner.name}`, errorTitle: PARTNER_ERROR_TITLE, offersAccount: false };
  };

  /**
   * R12, R13, R16: the first login with an identity not yet paired shows it and asks the account's
   * password once; the same page and the same use case for a card, an e-CPS and a partner identity.
   */
  const pairing = <R extends FastifyRequest>(targetOf: (request: R) => PairingTarget) => {
    const page = async (request: R, reply: FastifyReply, target: PairingTarget, failed?: { username: string; error: DomainError }) => {
      const identity = await service.pendingIdentity(deps, { flowToken: readFlowToken(deps, request, target.flow), kind: target.kind });
      return html(
        reply,
        PairingPage({
          csrfToken: request.csrfToken,
          action: target.action,
          means: target.means,
          identity,
          createAccountUrl: target.offersAccount && identity.idType === 'RPPS' ? CREATE_URL : null,
          ...(failed ? { username: failed.username.trim().slice(0, 60), error: failed.error.message } : {}),
        }),
        failed?.error.status ?? 200,
      );
    };
    const refused = (request: R, reply: FastifyReply, title: string, error: unknown) => {
      if (!(error instanceof DomainError)) throw error;
      return html(reply, ExternalLoginErrorPage({ csrfToken: request.csrfToken, title, message: error.message }), error.status);
    };
    return {
      show: async (request: R, reply: FastifyReply) => {
        let target: PairingTarget | undefined;
        try {
          target = targetOf(request);
          return await page(request, reply, target);
        } catch (error) {
          return refused(request, reply, target?.errorTitle ?? PARTNER_ERROR_TITLE, error);
        }
      },
      submit: withInput({ body: pairingForm }, async (request: R, reply: FastifyReply) => {
        const form = pairingForm.parse(request.body ?? {});
        let target: PairingTarget;
        try {
          target = targetOf(request);
        } catch (error) {
          return refused(request, reply, PARTNER_ERROR_TITLE, error);
        }
        const flowToken = readFlowToken(deps, request, target.flow);
        try {
          const result = await service.pairIdentity(deps, { flowToken, kind: target.kind, username: form.username, password: form.password, ip: request.ip, browserHash: readBrowserHash(deps, request) });
          const idHash = await openSession(deps, request, reply, { accountId: result.accountId, strength: 'strong', authMethod: target.kind, pendingStep: result.pendingStep, ...(result.amr ? { amr: result.amr } : {}) });
          // The e-CPS flow keeps its ID token: the end-session hint at logout.
          if (target.kind === 'psc') await service.bindFlowToSession(deps, flowToken!, idHash);
          clearFlow(deps, reply, target.flow);
          return reply.redirect(afterLogin(result.pendingStep, result.returnPath), 303);
        } catch (error) {
          if (!(error instanceof DomainError)) throw error;
          try {
            return await page(request, reply, target, { username: form.username, error });
          } catch {
            // The identity is gone (expired, used): the refusal says so, with a way out.
            return refused(request, reply, target.errorTitle, error);
          }
        }
      }),
    };
  };
  const pscPairing = pairing(() => PSC_PAIRING);
  const cardPairing = pairing(() => CARD_PAIRING);
  const partnerPairingHandlers = pairing(partnerPairing);

  return {
    showPscPairing: pscPairing.show,
    submitPscPairing: pscPairing.submit,
    showCardPairing: cardPairing.show,
    submitCardPairing: cardPairing.submit,
    showPartnerPairing: withInput(PARTNER_PARAMS, partnerPairingHandlers.show),
    submitPartnerPairing: withInput({ body: pairingForm, ...PARTNER_PARAMS }, partnerPairingHandlers.submit),

    /** "Se connecter avec Pro Santé Connect": off to the provider, with state, nonce and PKCE kept here. */
    startPsc: async (request: FastifyRequest<{ Querystring: { retour?: string } }>, reply: FastifyReply) => {
      if (!deps.config.psc) return reply.redirect('/connexion', 303);
      try {
        const { flowToken, url } = await service.startPscLogin(deps, { returnPath: safeReturnPath(request.query.retour), ip: request.ip });
        setFlowCookie(deps, reply, 'psc', flowToken);
        return reply.redirect(url, 303);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        return errorPage(request, reply, error);
      }
    },

    /** The provider sends the browser back here with a code (or an error). */
    pscCallback: async (request: FastifyRequest, reply: FastifyReply) => {
      if (!deps.config.psc) return reply.redirect('/connexion', 303);
      const flowToken = readFlowToken(deps, request, 'psc');
      try {
        const result = await service.finishPscLogin(deps, { flowToken, currentUrl: new URL(request.url, deps.config.baseUrl), ip: request.ip });
        if (result.kind === 'pairing_required') return reply.redirect(hooks.unknownIdentityUrl(request, 'psc') ?? '/connexion/psc/association', 303);
        const idHash = await openSession(deps, request, reply, { accountId: result.accountId, strength: 'strong', authMethod: 'psc', pendingStep: result.pendingStep, ...(result.amr ? { amr: result.amr } : {}) });
        await service.bindFlowToSession(deps, flowToken!, idHash);
        clearFlowCookie(reply);
        return reply.redirect(afterLogin(result.pendingStep, result.returnPath), 303);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        return errorPage(request, reply, error);
      }
    },

    /** R14: "Créer mon compte", for an RPPS identity of this browser's e-CPS login. */
    showLiberalAccount: async (request: FastifyRequest, reply: FastifyReply) => {
      try {
        const identity = await liberal.liberalIdentity(deps, readFlowToken(deps, request, 'psc'));
        return html(reply, LiberalAccountPage({ csrfToken: request.csrfToken, identity, values: {}, errors: {}, passwordRule: PASSWORD_RULE_TEXT }));
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        return errorPage(request, reply, error);
      }
    },

    submitLiberalAccount: withInput({ body: liberalForm, rendersRefusals: true }, async (request: FastifyRequest, reply: FastifyReply) => {
      const form = liberalForm.parse(request.body ?? {});
      const flowToken = readFlowToken(deps, request, 'psc');
      try {
        refuseInput(request);
        const result = await liberal.createLiberalAccount(deps, { flowToken, form, ip: request.ip });
        const idHash = await openSession(deps, request, reply, { accountId: result.accountId, strength: 'strong', authMethod: 'psc', pendingStep: result.pendingStep, amr: result.amr });
        await service.bindFlowToSession(deps, flowToken!, idHash);
        clearFlowCookie(reply);
        return reply.redirect(afterLogin(result.pendingStep, '/'), 303);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        let identity;
        try {
          identity = await liberal.liberalIdentity(deps, flowToken);
        } catch {
          return errorPage(request, reply, error);
        }
        const values = { ...form, password: '', confirmation: '' };
        return html(reply, LiberalAccountPage({ csrfToken: request.csrfToken, identity, values, errors: { ...error.fields }, general: error.message, passwordRule: PASSWORD_RULE_TEXT }), error.status);
      }
    }),

    showEmailValidation: async (request: FastifyRequest<{ Querystring: { jeton?: string } }>, reply: FastifyReply) =>
      html(reply, EmailValidationPage({ csrfToken: request.csrfToken, token: String(request.query.jeton ?? '').slice(0, 100) })),

    submitEmailValidation: withInput({ body: tokenForm }, async (request: FastifyRequest, reply: FastifyReply) => {
      const form = tokenForm.parse(request.body ?? {});
      try {
        await liberal.validateEmail(deps, form.jeton, request.ip);
        return html(reply, EmailValidatedPage({ csrfToken: request.csrfToken }));
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        return html(reply, ExternalLoginErrorPage({ csrfToken: request.csrfToken, title: 'Lien non valable', message: error.message }), error.status);
      }
    }),

    /**
     * R12: "Connexion par carte CPS": the client certificate of the TLS handshake or of the trusted
     * proxy. `retour` brings the browser back where the login was asked (an application signing in
     * through Habilis, R17), at once or after the pairing.
     */
    cardLogin: async (request: FastifyRequest<{ Querystring: { retour?: string } }>, reply: FastifyReply) => {
      const cardError = (error: DomainError) =>
        html(reply, ExternalLoginErrorPage({ csrfToken: request.csrfToken, title: CARD_ERROR_TITLE, message: error.message }), error.status);
      try {
        if (!deps.config.card) return reply.redirect('/connexion', 303);
        const returnPath = safeReturnPath(request.query.retour);
        const { flowToken, result } = await service.cardLogin(deps, { source: presentedCertificate(deps.config.card, request), returnPath, ip: request.ip });
        if (result.kind === 'pairing_required') {
          setFlowCookie(deps, reply, 'cps', flowToken);
          return reply.redirect(hooks.unknownIdentityUrl(request, 'cps') ?? '/connexion/carte/association', 303);
        }
        await openSession(deps, request, reply, { accountId: result.accountId, strength: 'strong', authMethod: 'cps', pendingStep: result.pendingStep });
        return reply.redirect(afterLogin(result.pendingStep, hooks.afterCardLoginUrl(request, returnPath)), 303);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        return cardError(error);
      }
    },

    /** R16: sign-in from a partner site: the partner's provider must prove a recent strong authentication. */
    startPartner: withInput(PARTNER_PARAMS, async (request: PartnerRequest, reply: FastifyReply) => {
      try {
        const { flowToken, url } = await service.startPartnerLogin(deps, { partnerId: request.params.id, returnPath: safeReturnPath(request.query.retour), ip: request.ip });
        setFlowCookie(deps, reply, 'partner', flowToken);
        return reply.redirect(url, 303);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        return html(reply, ExternalLoginErrorPage({ csrfToken: request.csrfToken, title: PARTNER_ERROR_TITLE, message: error.message }), error.status);
      }
    }),

    partnerCallback: withInput(PARTNER_PARAMS, async (request: PartnerRequest, reply: FastifyReply) => {
      const flowToken = readFlowToken(deps, request, 'partner');
      try {
        const result = await service.finishPartnerLogin(deps, {
          partnerId: request.params.id,
          flowToken,
          currentUrl: new URL(request.url, deps.config.baseUrl),
          ip: request.ip,
        });
        if (result.kind === 'pairing_required') return reply.redirect(`/connexion/partenaire/${request.params.id}/association`, 303);
        await openSession(deps, request, reply, { accountId: result.accountId, strength: 'strong', authMethod: `partner:${request.params.id}`, pendingStep: result.pendingStep, ...(result.amr ? { amr: result.amr } : {}) });
        clearFlow(deps, reply, 'partner');
        return reply.redirect(afterLogin(result.pendingStep, result.returnPath), 303);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        return html(reply, ExternalLoginErrorPage({ csrfToken: request.csrfToken, title: PARTNER_ERROR_TITLE, message: error.message }), error.status);
      }
    }),

    /** Logout of an e-CPS session: ends it here, then offers Pro Santé Connect's end-session endpoint when published. */
    pscLogout: async (request: FastifyRequest, reply: FastifyReply) => {
      const target = await service.pscLogoutUrl(deps, request.authSession?.idHash ?? null);
      await endSession(deps, request, reply);
      hooks.onSignOut(reply);
      if (!target) return reply.redirect('/', 303);
      return html(reply, PscLoggedOutPage({ csrfToken: request.csrfToken, endSessionUrl: target }));
    },
  };
}
