/** Routes of "Mon compte" (R41) and "Mes référents" (R42): parse, call one service function, present. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../../deps.js';
import { DomainError } from '../../platform/errors.js';
import { sendPage as html } from '../../http/reply.js';
import { readBrowserHash } from '../auth/auth.cookies.js';
import { formatDuration } from '../../views/durations.js';
import { EMAIL_CHANGE_TTL_MS } from '../accounts/account.rules.js';
import * as service from './self-service.service.js';
import * as identity from './self-identity.service.js';
import * as mobileCodes from './self-mobile.service.js';
import * as password from './self-password.service.js';
import * as habilitations from './self-habilitations.service.js';
import * as sessions from './self-sessions.service.js';
import * as referents from './self-referents.service.js';
import * as emailChange from '../accounts/email-change.service.js';
import { codeForm, emailFlagForm, identityForm, mobileCodeRequestForm, otpChannelForm, parseId, parseRef, passwordForm, tokenForm } from './self-service.schemas.js';
import { withInput } from '../../platform/input.js';
import { refuseInput } from '../../http/input-gate.js';
import {
  AccountPage,
  DeleteHabilitationPage,
  EmailChangedPage,
  EmailChangePage,
  EmailLinkInvalidPage,
  HistoryPage,
  MobileCodePage,
  PasswordPage,
  type AccountPageProps,
} from './self-service.pages.js';
import { ReferentsPage } from './self-referents.pages.js';

type Params = { Params: { id?: string; ref?: string } };


/** What a success says, read back after the redirect (post/redirect/get). */
const NOTICES: Record<string, string> = {
  informations: 'Vos informations personnelles sont enregistrées.',
  'email-demande':
    `Un lien de validation vient d’être envoyé à votre nouvelle adresse e-mail (valable ${formatDuration(EMAIL_CHANGE_TTL_MS)}). Votre adresse actuelle reste celle du compte tant que la nouvelle n’est pas validée.`,
  'informations-email':
    `Vos informations personnelles sont enregistrées. Un lien de validation vient d’être envoyé à votre nouvelle adresse e-mail (valable ${formatDuration(EMAIL_CHANGE_TTL_MS)}) : votre adresse actuelle reste celle du compte tant que la nouvelle n’est pas validée.`,
  inchange: 'Aucune modification : vos informations étaient déjà à jour.',
  'email-valide': 'Votre nouvelle adresse e-mail est validée : elle est désormais celle de votre compte.',
  'mobile-verifie': 'Votre téléphone mobile est vérifié : vous pouvez choisir d’y recevoir le code de connexion par SMS.',
  canal: 'Votre préférence de réception du code de connexion est enregistrée. Le code vous sera demandé par ce canal à votre prochaine connexion.',
  'mot-de-passe': 'Votre mot de passe est modifié. Un e-mail de confirmation vous a été envoyé.',
  mails: 'Votre choix de réception des mails est enregistré.',
  'habilitation-supprimee': 'L’habilitation est supprimée. Elle reste visible dans la liste, avec sa date de suppression.',
  'session-terminee': 'La session est terminée.',
  'sessions-terminees': 'Vos autres sessions sont terminées et vos autres navigateurs ne sont plus de confiance.',
  'navigateur-retire': 'Ce navigateur n’est plus de confiance : le code vous y sera demandé à la prochaine connexion.',
};

export function selfServiceHandlers(deps: Deps) {
  const context = (request: FastifyRequest): service.SelfContext => ({
    accountId: request.principal!.accountId,
    sessionIdHash: request.authSession!.idHash,
    browserHash: readBrowserHash(deps, request),
    ip: request.ip,
  });
  const frame = (request: FastifyRequest) => ({ csrfToken: request.csrfToken, viewer: request.principal!.viewer });

  const accountPage = async (request: FastifyRequest, reply: FastifyReply, state: Partial<AccountPageProps>, status = 200) =>
    html(reply, AccountPage({ ...frame(request), overview: await service.getAccountOverview(deps, context(request)), ...state }), status);

  /** Domain errors of a form go back to the page; a blocked account's session is over: the error page says why. */
  const formError = (error: unknown): DomainError => {
    if (!(error instanceof DomainError) || error.code === 'ACCOUNT_BLOCKED') throw error;
    return error;
  };

  const mobileCodePage = async (request: FastifyRequest, reply: FastifyReply, props: { error?: string; notice?: string }, status = 200) => {
    const mobile = await mobileCodes.describeMobile(deps, request.principal!.accountId);
    if (!mobile.masked || mobile.verified) return reply.redirect('/mon-compte#mobile', 303);
    return html(reply, MobileCodePage({ ...frame(request), masked: mobile.masked, ...props }), status);
  };

  return {
    show: async (request: FastifyRequest<{ Querystring: { etat?: string } }>, reply: FastifyReply) => {
      const etat = String(request.query.etat);
      const notice = Object.hasOwn(NOTICES, etat) ? NOTICES[etat] : undefined;
      return accountPage(request, reply, { ...(notice ? { notice } : {}), offerEndSessions: etat === 'mot-de-passe' });
    },

    updateIdentity: withInput({ body: identityForm, rendersRefusals: true }, async (request: FastifyRequest, reply: FastifyReply) => {
      const form = identityForm.parse(request.body ?? {});
      try {
        refuseInput(request);
        const result = await identity.updateIdentity(deps, context(request), form);
        const onlyEmail = result.changed.length === 1 && result.emailChangeRequested;
        const etat = result.changed.length === 0 ? 'inchange' : onlyEmail ? 'email-demande' : result.emailChangeRequested ? 'informations-email' : 'informations';
        return reply.redirect(`/mon-compte?etat=${etat}#informations`, 303);
      } catch (error) {
        const e = formError(error);
        // A password is never written back into a page.
        const values = { ...form, currentPassword: '' };
        return accountPage(request, reply, { identity: { values, errors: { ...e.fields }, general: e.message } }, e.status);
      }
    }),

    sendMobileCode: withInput({ body: mobileCodeRequestForm }, async (request: FastifyRequest, reply: FastifyReply) => {
      const fromCodePage = mobileCodeRequestForm.parse(request.body ?? {}).depuis === 'code';
      try {
        await mobileCodes.sendMobileCode(deps, context(request));
        return reply.redirect(fromCodePage ? '/mon-compte/mobile/code?renvoye=1' : '/mon-compte/mobile/code', 303);
      } catch (error) {
        const e = formError(error);
        if (fromCodePage) return mobileCodePage(request, reply, { error: e.message }, e.status);
        return accountPage(request, reply, { mobileError: e.message }, e.status);
      }
    }),

    showMobileCode: async (request: FastifyRequest<{ Querystring: { renvoye?: string } }>, reply: FastifyReply) =>
      mobileCodePage(request, reply, request.query.renvoye === '1' ? { notice: 'Un nouveau code vient de vous être envoyé.' } : {}),

    submitMobileCode: withInput({ body: codeForm }, async (request: FastifyRequest, reply: FastifyReply) => {
      const form = codeForm.parse(request.body ?? {});
      try {
        await mobileCodes.verifyMobileCode(deps, context(request), form.code);
        return reply.redirect('/mon-compte?etat=mobile-verifie#mobile', 303);
      } catch (error) {
        const e = formError(error);
        return mobileCodePage(request, reply, { error: e.message }, e.status);
      }
    }),

    changeOtpChannel: withInput({ body: otpChannelForm }, async (request: FastifyRequest, reply: FastifyReply) => {
      const form = otpChannelForm.parse(request.body ?? {});
      try {
        const { changed } = await mobileCodes.changeOtpChannel(deps, context(request), { channel: form.channel, password: form.channelPassword });
        return reply.redirect(`/mon-compte?etat=${changed ? 'canal' : 'inchange'}#mobile`, 303);
      } catch (error) {
        const e = formError(error);
        return accountPage(request, reply, { channel: { errors: { ...e.fields }, general: e.message } }, e.status);
      }
    }),

    showPassword: async (request: FastifyRequest, reply: FastifyReply) => html(reply, PasswordPage({ ...frame(request), errors: {} })),

    changePassword: withInput({ body: passwordForm }, async (request: FastifyRequest, reply: FastifyReply) => {
      const form = passwordForm.parse(request.body ?? {});
      try {
        await password.changePassword(deps, context(request), form);
        return reply.redirect('/mon-compte?etat=mot-de-passe#sessions', 303);
      } catch (error) {
        const e = formError(error);
        return html(reply, PasswordPage({ ...frame(request), errors: { ...e.fields }, general: e.message }), e.status);
      }
    }),

    setEmailFlag: withInput({ body: emailFlagForm }, async (request: FastifyRequest<Params>, reply: FastifyReply) => {
      const form = emailFlagForm.parse(request.body ?? {});
      await habilitations.setHabilitationEmailFlag(deps, context(request), parseId(request.params.id), form.mails === '1');
      return reply.redirect('/mon-compte?etat=mails#habilitations', 303);
    }),

    showDeleteHabilitation: async (request: FastifyRequest<Params>, reply: FastifyReply) => {
      const habilitation = await habilitations.getOwnHabilitation(deps, context(request), parseId(request.params.id));
      if (habilitation.deletedAt) return reply.redirect('/mon-compte#habilitations', 303);
      return html(reply, DeleteHabilitationPage({ ...frame(request), habilitation }));
    },

    deleteHabilitation: async (request: FastifyRequest<Params>, reply: FastifyReply) => {
      await habilitations.deleteOwnHabilitation(deps, context(request), parseId(request.params.id));
      return reply.redirect('/mon-compte?etat=habilitation-supprimee#habilitations', 303);
    },

    endSession: async (request: FastifyRequest<Params>, reply: FastifyReply) => {
      await sessions.endOwnSession(deps, context(request), parseRef(request.params.ref));
      return reply.redirect('/mon-compte?etat=session-terminee#sessions', 303);
    },

    endOtherSessions: async (request: FastifyRequest, reply: FastifyReply) => {
      await sessions.endOtherSessions(deps, context(request));
      return reply.redirect('/mon-compte?etat=sessions-terminees#sessions', 303);
    },

    revokeBrowser: async (request: FastifyRequest<Params>, reply: FastifyReply) => {
      await sessions.revokeOwnTrustedBrowser(deps, context(request), parseRef(request.params.ref));
      return reply.redirect('/mon-compte?etat=navigateur-retire#sessions', 303);
    },

    showHistory: async (request: FastifyRequest<{ Querystring: { page?: string } }>, reply: FastifyReply) => {
      const history = await service.getHistoryPage(deps, request.principal!.accountId, request.query.page);
      return html(reply, HistoryPage({ ...frame(request), ...history }));
    },

    /** The link of the e-mail change: a page to confirm (a GET changes nothing), public like the other links. */
    showEmailChange: async (request: FastifyRequest<{ Querystring: { jeton?: string; etat?: string } }>, reply: FastifyReply) => {
      const viewer = request.principal?.viewer ?? null;
      if (request.query.etat === 'validee') return html(reply, EmailChangedPage({ csrfToken: request.csrfToken, viewer }));
      try {
        const change = await emailChange.describeEmailChange(deps, request.query.jeton);
        return html(reply, EmailChangePage({ csrfToken: request.csrfToken, viewer, token: request.query.jeton!, ...change }));
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        return html(reply, EmailLinkInvalidPage({ csrfToken: request.csrfToken, viewer, message: error.message }), error.status);
      }
    },

    confirmEmailChange: withInput({ body: tokenForm }, async (request: FastifyRequest, reply: FastifyReply) => {
      const form = tokenForm.parse(request.body ?? {});
      try {
        const { accountId } = await emailChange.confirmEmailChange(deps, form.jeton, request.ip);
        return reply.redirect(request.principal?.accountId === accountId ? '/mon-compte?etat=email-valide#informations' : '/mon-compte/adresse-email/valider?etat=validee', 303);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        return html(reply, EmailLinkInvalidPage({ csrfToken: request.csrfToken, viewer: request.principal?.viewer ?? null, message: error.message }), error.status);
      }
    }),

    showReferents: async (request: FastifyRequest, reply: FastifyReply) =>
      html(reply, ReferentsPage({ ...frame(request), groups: await referents.listMyReferents(deps, request.principal!.accountId) })),
  };
}
