/** Routes of card and e-CPS login (R12, R13): parse, call one service function, present. */
import { readBrowserHash } from '../auth/auth.routes.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { VNode } from 'preact';
import { z } from 'zod';
import type { Deps } from '../../deps.js';
import { isLocalBaseUrl } from '../../config.js';
import { DomainError } from '../../platform/errors.js';
import { cookieOptions, endSession, openSession, type PendingStep } from '../../http/session.js';
import { PENDING_STEP_URLS, safeReturnPath } from '../../http/guard.js';
import { renderPage } from '../../views/render.js';
import * as service from './card-login.service.js';
import { EmailValidatedPage, EmailValidationPage, ExternalLoginErrorPage, LiberalAccountPage, PairingPage, PscLoggedOutPage } from './card-login.pages.js';
import * as liberal from './card-login.liberal.js';
import { presentedCertificate } from './card-login.certificate.js';
import { PASSWORD_RULE_TEXT } from '../auth/auth.rules.js';
import { FLOW_TTL_MS } from './card-login.rules.js';
import * as assistant from './card-login.assistant.js';
import { AssistantAccountPage } from '../assistants/assistants.pages.js';
import { clearInvitation, pendingInvitation } from '../assistants/assistants.routes.js';
import { sendAcceptanceCode } from '../assistants/assistants.service.js';

const text = (max: number) => z.string().max(max).catch('');
const pairingForm = z.object({ username: text(200), password: text(1000) });
const liberalForm = z.object({
  profession: text(200),
  specialty: text(200),
  email: text(400),
  phone: text(50),
  address: text(400),
  postcode: text(20),
  city: text(200),
  password: text(1000),
  confirmation: text(1000),
});
const CREATE_URL = '/connexion/psc/creer-mon-compte';
const assistantForm = z.object({ code: text(20), profession: text(200), password: text(1000), confirmation: text(1000) });
/** R15: where an invited assistant whose identity has no account yet creates it. */
const ASSISTANT_URLS = { psc: '/connexion/psc/assistant', cps: '/connexion/carte/assistant' } as const;

function html(reply: FastifyReply, page: VNode, status = 200): FastifyReply {
  return reply.status(status).type('text/html; charset=utf-8').send(renderPage(page));
}

/** The random id of this browser's e-CPS login in progress (its hash keys the server-side state). */
function pscCookieName(deps: Deps): string {
  return isLocalBaseUrl(deps.config) ? 'habilis_psc' : '__Host-habilis_psc';
}

function cardCookieName(deps: Deps): string {
  return isLocalBaseUrl(deps.config) ? 'habilis_cps' : '__Host-habilis_cps';
}

function partnerCookieName(deps: Deps): string {
  return isLocalBaseUrl(deps.config) ? 'habilis_partner' : '__Host-habilis_partner';
}

type PartnerRequest = FastifyRequest<{ Params: { id: string }; Querystring: { retour?: string } }>;

function afterLogin(pendingStep: PendingStep | null, retour: string): string {
  return pendingStep ? PENDING_STEP_URLS[pendingStep] : safeReturnPath(retour);
}

const PSC_ERROR_TITLE = 'Connexion par Pro Santé Connect impossible';
const PSC_MEANS = 'e-CPS (Pro Santé Connect)';
const CARD_ERROR_TITLE = 'Connexion par carte CPS impossible';
const CARD_MEANS = 'carte CPS';
const PARTNER_ERROR_TITLE = 'Connexion depuis le site partenaire impossible';

export function cardLoginHandlers(deps: Deps) {
  const errorPage = (request: FastifyRequest, reply: FastifyReply, error: DomainError) =>
    html(reply, ExternalLoginErrorPage({ csrfToken: request.csrfToken, title: PSC_ERROR_TITLE, message: error.message }), error.status);

  const clearFlowCookie = (reply: FastifyReply) => reply.clearCookie(pscCookieName(deps), cookieOptions(deps.config));

  const flowCookieName = (kind: 'psc' | 'cps') => (kind === 'psc' ? pscCookieName(deps) : cardCookieName(deps));
  const assistantPageFrame = (request: FastifyRequest, kind: 'psc' | 'cps') => ({
    csrfToken: request.csrfToken,
    action: ASSISTANT_URLS[kind],
    resendAction: `${ASSISTANT_URLS[kind]}/code`,
    means: kind === 'psc' ? PSC_MEANS : CARD_MEANS,
    passwordRule: PASSWORD_RULE_TEXT,
  });
  /** R15: a refusal of the assistant's creation; a name that is not the invited one also makes this browser forget the invitation. */
  const assistantError = (request: FastifyRequest, reply: FastifyReply, error: unknown) => {
    if (!(error instanceof DomainError)) throw error;
    if (error.code === 'INVITATION_OTHER_NAME') clearInvitation(deps, reply);
    return html(reply, ExternalLoginErrorPage({ csrfToken: request.csrfToken, title: 'Invitation d’assistant', message: error.message }), error.status);
  };

  /** Which pairing a request is about: the kind of identity, its flow cookie, its page's words. */
  interface PairingTarget {
    kind: service.IdentityKind;
    cookie: string;
    action: string;
    means: string;
    errorTitle: string;
    /** R14: an RPPS identity of an e-CPS login may create its account instead. */
    offersAccount: boolean;
  }
  const PSC_PAIRING: PairingTarget = { kind: 'psc', cookie: pscCookieName(deps), action: '/connexion/psc/association', means: PSC_MEANS, errorTitle: PSC_ERROR_TITLE, offersAccount: true };
  const CARD_PAIRING: PairingTarget = { kind: 'cps', cookie: cardCookieName(deps), action: '/connexion/carte/association', means: CARD_MEANS, errorTitle: CARD_ERROR_TITLE, offersAccount: false };
  const partnerPairing = (request: PartnerRequest): PairingTarget => {
    const partner = service.findPartner(deps, request.params.id);
    return { kind: `partner:${partner.id}`, cookie: partnerCookieName(deps), action: `/connexion/partenaire/${partner.id}/association`, means: `identité ${partner.name}`, errorTitle: PARTNER_ERROR_TITLE, offersAccount: false };
  };

  /**
   * R12, R13, R16: the first login with an identity not yet paired shows it and asks the account's
   * password once; the same page and the same use case for a card, an e-CPS and a partner identity.
   */
  const pairing = <R extends FastifyRequest>(targetOf: (request: R) => PairingTarget) => {
    const page = async (request: R, reply: FastifyReply, target: PairingTarget, failed?: { username: string; error: DomainError }) => {
      const identity = await service.pendingIdentity(deps, { flowToken: request.cookies[target.cookie], kind: target.kind });
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
      submit: async (request: R, reply: FastifyReply) => {
        const form = pairingForm.parse(request.body ?? {});
        let target: PairingTarget;
        try {
          target = targetOf(request);
        } catch (error) {
          return refused(request, reply, PARTNER_ERROR_TITLE, error);
        }
        const flowToken = request.cookies[target.cookie];
        try {
          const result = await service.pairIdentity(deps, { flowToken, kind: target.kind, username: form.username, password: form.password, ip: request.ip, browserHash: readBrowserHash(deps, request) });
          const idHash = await openSession(deps, request, reply, { accountId: result.accountId, strength: 'strong', authMethod: target.kind, pendingStep: result.pendingStep });
          // The e-CPS flow keeps its ID token: the end-session hint at logout.
          if (target.kind === 'psc') await service.bindFlowToSession(deps, flowToken!, idHash);
          reply.clearCookie(target.cookie, cookieOptions(deps.config));
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
      },
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
    showPartnerPairing: partnerPairingHandlers.show,
    submitPartnerPairing: partnerPairingHandlers.submit,

    /** "Se connecter avec Pro Santé Connect": off to the provider, with state, nonce and PKCE kept here. */
    startPsc: async (request: FastifyRequest<{ Querystring: { retour?: string } }>, reply: FastifyReply) => {
      if (!deps.config.psc) return reply.redirect('/connexion', 303);
      try {
        const { flowToken, url } = await service.startPscLogin(deps, { returnPath: safeReturnPath(request.query.retour), ip: request.ip });
        reply.setCookie(pscCookieName(deps), flowToken, { ...cookieOptions(deps.config), maxAge: FLOW_TTL_MS / 1000 });
        return reply.redirect(url, 303);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        return errorPage(request, reply, error);
      }
    },

    /** The provider sends the browser back here with a code (or an error). */
    pscCallback: async (request: FastifyRequest, reply: FastifyReply) => {
      if (!deps.config.psc) return reply.redirect('/connexion', 303);
      const flowToken = request.cookies[pscCookieName(deps)];
      try {
        const result = await service.finishPscLogin(deps, { flowToken, currentUrl: new URL(request.url, deps.config.baseUrl), ip: request.ip });
        if (result.kind === 'pairing_required') return reply.redirect(pendingInvitation(deps, request) ? ASSISTANT_URLS.psc : '/connexion/psc/association', 303);
        const idHash = await openSession(deps, request, reply, { accountId: result.accountId, strength: 'strong', authMethod: 'psc', pendingStep: result.pendingStep });
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
        const identity = await liberal.liberalIdentity(deps, request.cookies[pscCookieName(deps)]);
        return html(reply, LiberalAccountPage({ csrfToken: request.csrfToken, identity, values: {}, errors: {}, passwordRule: PASSWORD_RULE_TEXT }));
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        return errorPage(request, reply, error);
      }
    },

    submitLiberalAccount: async (request: FastifyRequest, reply: FastifyReply) => {
      const form = liberalForm.parse(request.body ?? {});
      const flowToken = request.cookies[pscCookieName(deps)];
      try {
        const result = await liberal.createLiberalAccount(deps, { flowToken, form, ip: request.ip });
        const idHash = await openSession(deps, request, reply, { accountId: result.accountId, strength: 'strong', authMethod: 'psc', pendingStep: result.pendingStep });
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
    },

    showEmailValidation: async (request: FastifyRequest<{ Querystring: { jeton?: string } }>, reply: FastifyReply) =>
      html(reply, EmailValidationPage({ csrfToken: request.csrfToken, token: String(request.query.jeton ?? '').slice(0, 100) })),

    submitEmailValidation: async (request: FastifyRequest, reply: FastifyReply) => {
      const form = z.object({ jeton: text(200) }).parse(request.body ?? {});
      try {
        await liberal.validateEmail(deps, form.jeton, request.ip);
        return html(reply, EmailValidatedPage({ csrfToken: request.csrfToken }));
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        return html(reply, ExternalLoginErrorPage({ csrfToken: request.csrfToken, title: 'Lien non valable', message: error.message }), error.status);
      }
    },

    /** R15: the invited assistant's account, from this browser's verified card or e-CPS identity; a code goes to the invited address. */
    showAssistantAccount: (kind: 'psc' | 'cps') => async (request: FastifyRequest<{ Querystring: { etat?: string } }>, reply: FastifyReply) => {
      const invitationToken = pendingInvitation(deps, request);
      try {
        const shown = await assistant.assistantIdentity(deps, { flowToken: request.cookies[flowCookieName(kind)], kind, invitationToken });
        const maskedEmail = await sendAcceptanceCode(deps, invitationToken, { again: false });
        const notice = request.query.etat === 'code' ? `Un nouveau code vient d’être envoyé à ${maskedEmail}.` : undefined;
        return html(reply, AssistantAccountPage({ ...assistantPageFrame(request, kind), ...shown, maskedEmail, notice, values: {}, errors: {} }));
      } catch (error) {
        return assistantError(request, reply, error);
      }
    },

    resendAssistantCode: (kind: 'psc' | 'cps') => async (request: FastifyRequest, reply: FastifyReply) => {
      try {
        await assistant.assistantIdentity(deps, { flowToken: request.cookies[flowCookieName(kind)], kind, invitationToken: pendingInvitation(deps, request) });
        await sendAcceptanceCode(deps, pendingInvitation(deps, request), { again: true });
        return reply.redirect(`${ASSISTANT_URLS[kind]}?etat=code`, 303);
      } catch (error) {
        return assistantError(request, reply, error);
      }
    },

    submitAssistantAccount: (kind: 'psc' | 'cps') => async (request: FastifyRequest, reply: FastifyReply) => {
      const cookieName = flowCookieName(kind);
      const flowToken = request.cookies[cookieName];
      const invitationToken = pendingInvitation(deps, request);
      const form = assistantForm.parse(request.body ?? {});
      try {
        const result = await assistant.createAssistantAccount(deps, { flowToken, kind, invitationToken, form, ip: request.ip });
        const idHash = await openSession(deps, request, reply, { accountId: result.accountId, strength: 'strong', authMethod: kind, pendingStep: result.pendingStep });
        if (kind === 'psc') await service.bindFlowToSession(deps, flowToken!, idHash);
        reply.clearCookie(cookieName, cookieOptions(deps.config));
        clearInvitation(deps, reply);
        return reply.redirect(afterLogin(result.pendingStep, '/mes-delegations'), 303);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        let shown;
        let maskedEmail;
        try {
          shown = await assistant.assistantIdentity(deps, { flowToken, kind, invitationToken });
          maskedEmail = await sendAcceptanceCode(deps, invitationToken, { again: false });
        } catch {
          return assistantError(request, reply, error);
        }
        const values = { profession: form.profession };
        return html(reply, AssistantAccountPage({ ...assistantPageFrame(request, kind), ...shown, maskedEmail, values, errors: { ...error.fields }, general: error.message }), error.status);
      }
    },

    /** R12: "Connexion par carte CPS": the client certificate of the TLS handshake or of the trusted proxy. */
    cardLogin: async (request: FastifyRequest, reply: FastifyReply) => {
      const cardError = (error: DomainError) =>
        html(reply, ExternalLoginErrorPage({ csrfToken: request.csrfToken, title: CARD_ERROR_TITLE, message: error.message }), error.status);
      try {
        if (!deps.config.card) return reply.redirect('/connexion', 303);
        const { flowToken, result } = await service.cardLogin(deps, { source: presentedCertificate(deps.config.card, request), ip: request.ip });
        const invited = pendingInvitation(deps, request) !== undefined;
        if (result.kind === 'pairing_required') {
          reply.setCookie(cardCookieName(deps), flowToken, { ...cookieOptions(deps.config), maxAge: FLOW_TTL_MS / 1000 });
          return reply.redirect(invited ? ASSISTANT_URLS.cps : '/connexion/carte/association', 303);
        }
        await openSession(deps, request, reply, { accountId: result.accountId, strength: 'strong', authMethod: 'cps', pendingStep: result.pendingStep });
        return reply.redirect(afterLogin(result.pendingStep, invited ? '/assistant/accepter' : '/'), 303);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        return cardError(error);
      }
    },

    /** R16: sign-in from a partner site: the partner's provider must prove a recent strong authentication. */
    startPartner: async (request: PartnerRequest, reply: FastifyReply) => {
      try {
        const { flowToken, url } = await service.startPartnerLogin(deps, { partnerId: request.params.id, returnPath: safeReturnPath(request.query.retour), ip: request.ip });
        reply.setCookie(partnerCookieName(deps), flowToken, { ...cookieOptions(deps.config), maxAge: FLOW_TTL_MS / 1000 });
        return reply.redirect(url, 303);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        return html(reply, ExternalLoginErrorPage({ csrfToken: request.csrfToken, title: PARTNER_ERROR_TITLE, message: error.message }), error.status);
      }
    },

    partnerCallback: async (request: PartnerRequest, reply: FastifyReply) => {
      const flowToken = request.cookies[partnerCookieName(deps)];
      try {
        const result = await service.finishPartnerLogin(deps, {
          partnerId: request.params.id,
          flowToken,
          currentUrl: new URL(request.url, deps.config.baseUrl),
          ip: request.ip,
        });
        if (result.kind === 'pairing_required') return reply.redirect(`/connexion/partenaire/${request.params.id}/association`, 303);
        await openSession(deps, request, reply, { accountId: result.accountId, strength: 'strong', authMethod: `partner:${request.params.id}`, pendingStep: result.pendingStep });
        reply.clearCookie(partnerCookieName(deps), cookieOptions(deps.config));
        return reply.redirect(afterLogin(result.pendingStep, result.returnPath), 303);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        return html(reply, ExternalLoginErrorPage({ csrfToken: request.csrfToken, title: PARTNER_ERROR_TITLE, message: error.message }), error.status);
      }
    },

    /** Logout of an e-CPS session: ends it here, then offers Pro Santé Connect's end-session endpoint when published. */
    pscLogout: async (request: FastifyRequest, reply: FastifyReply) => {
      const target = await service.pscLogoutUrl(deps, request.authSession?.idHash ?? null);
      await endSession(deps, request, reply);
      clearInvitation(deps, reply);
      if (!target) return reply.redirect('/', 303);
      return html(reply, PscLoggedOutPage({ csrfToken: request.csrfToken, endSessionUrl: target }));
    },
  };
}
