/** Routes of R15 (assistants of a liberal professional): parse, call one service function, present. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../../deps.js';
import { form, secret, text, withInput } from '../../platform/input.js';
import { DomainError } from '../../platform/errors.js';
import { openSession } from '../../http/session.js';
import { afterSignIn } from '../../http/guard.js';
import { sendPage as html } from '../../http/reply.js';
import { refuseInput } from '../../http/input-gate.js';
import { PASSWORD_RULE_TEXT } from '../auth/auth.rules.js';
import { formatDuration } from '../../views/durations.js';
import { INVITATION_TTL_MS } from './assistants.rules.js';
import { ExternalLoginErrorPage } from '../card-login/card-login.pages.js';
import { clearFlowCookie, readFlowToken } from '../card-login/card-login.cookies.js';
import { bindFlowToSession } from '../card-login/card-login.service.js';
import * as service from './assistants.service.js';
import * as assistantAccount from './assistant-account.service.js';
import { ASSISTANT_ACCOUNT_URLS, clearInvitation, keepInvitation, pendingInvitation } from './assistants.cookies.js';
import { AcceptPage, AssistantAccountPage, AssistantsPage, InvitationPage, MyDelegationsPage, RevokeConfirmPage } from './assistants.pages.js';
import { httpErrors } from '../../http/errors.js';

type IdParams = { Params: { id: string } };

// Input gate (issue 12): each field's length is declared here; a longer value is refused at the field.
const levels = { files: text('L’accès aux dossiers', 10), medical: text('L’accès aux données médicales', 10), autonomy: text('L’accès aux données d’autonomie', 10) };
const levelsForm = form(levels);
const invitationForm = form({ ...levels, lastName: text('Le nom', 100), firstName: text('Le prénom', 100), email: text('L’adresse e-mail', 254) });

const assistantForm = form({ code: text('Le code', 20), profession: text('La profession', 100), password: secret('Le mot de passe'), confirmation: secret('La confirmation') });
const PSC_MEANS = 'e-CPS (Pro Santé Connect)';
const CARD_MEANS = 'carte CPS';

const NOTICES: Record<string, string> = {
  invite: `L’invitation est envoyée. Votre assistant a ${formatDuration(INVITATION_TTL_MS)} pour l’accepter.`,
  acces: 'Les accès sont enregistrés. Ils s’appliquent dès l’action suivante de votre assistant.',
  inchange: 'Aucune modification : les accès étaient déjà ceux-là.',
  retire: 'C’est fait : cette personne n’a plus aucun accès pour votre compte.',
};

/** A delegation id from the URL; anything else (or beyond PostgreSQL's integer) is 0, which matches nothing. */
const parseId = (value: string) => {
  const id = /^[1-9][0-9]{0,9}$/.test(value) ? Number(value) : 0;
  return id <= 2_147_483_647 ? id : 0;
};

const notice = (state: unknown) => (typeof state === 'string' && Object.hasOwn(NOTICES, state) ? NOTICES[state] : undefined);

export function assistantHandlers(deps: Deps) {
  const frame = (request: FastifyRequest) => ({ csrfToken: request.csrfToken, viewer: request.principal!.viewer });
  const invitationError = (request: FastifyRequest, reply: FastifyReply, error: DomainError) =>
    html(reply, ExternalLoginErrorPage({ csrfToken: request.csrfToken, title: 'Invitation d’assistant', message: error.message }), error.status);

  const assistantsPage = async (request: FastifyRequest, reply: FastifyReply, state: Partial<Parameters<typeof AssistantsPage>[0]>, status = 200) =>
    html(reply, AssistantsPage({ ...frame(request), rows: await service.listAssistants(deps, request.principal!), ...state }), status);

  const assistantPageFrame = (request: FastifyRequest, kind: 'psc' | 'cps') => ({
    csrfToken: request.csrfToken,
    action: ASSISTANT_ACCOUNT_URLS[kind],
    resendAction: `${ASSISTANT_ACCOUNT_URLS[kind]}/code`,
    means: kind === 'psc' ? PSC_MEANS : CARD_MEANS,
    passwordRule: PASSWORD_RULE_TEXT,
  });
  /** R15: a refusal of the assistant's creation; a name that is not the invited one also makes this browser forget the invitation. */
  const assistantError = (request: FastifyRequest, reply: FastifyReply, error: unknown) => {
    if (!(error instanceof DomainError)) throw error;
    if (error.code === 'INVITATION_OTHER_NAME') clearInvitation(deps, reply);
    return html(reply, ExternalLoginErrorPage({ csrfToken: request.csrfToken, title: 'Invitation d’assistant', message: error.message }), error.status);
  };

  return {
    showAssistants: async (request: FastifyRequest<{ Querystring: { etat?: string } }>, reply: FastifyReply) =>
      assistantsPage(request, reply, { notice: notice(request.query.etat) }),

    invite: withInput({ body: invitationForm, rendersRefusals: true }, async (request: FastifyRequest, reply: FastifyReply) => {
      const form = invitationForm.parse(request.body ?? {});
      try {
        refuseInput(request);
        await service.inviteAssistant(deps, request.principal!, form, request.ip);
        return reply.redirect('/mon-compte/assistants?etat=invite', 303);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        return assistantsPage(request, reply, { values: form, errors: { ...error.fields }, general: error.message }, error.status);
      }
    }),

    changeAccess: withInput({ body: levelsForm }, async (request: FastifyRequest<IdParams>, reply: FastifyReply) => {
      const id = parseId(request.params.id);
      const form = levelsForm.parse(request.body ?? {});
      try {
        const outcome = await service.changeDelegation(deps, request.principal!, id, form, request.ip);
        return reply.redirect(`/mon-compte/assistants?etat=${outcome === 'changed' ? 'acces' : 'inchange'}`, 303);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        const message = Object.values(error.fields)[0] ?? error.message;
        return assistantsPage(request, reply, { rowError: { id, message } }, error.status);
      }
    }),

    showRevoke: async (request: FastifyRequest<IdParams>, reply: FastifyReply) => {
      const id = parseId(request.params.id);
      const row = (await service.listAssistants(deps, request.principal!)).find((r) => r.id === id && r.state !== 'revoked');
      if (!row) throw httpErrors.NOT_FOUND();
      const first = row.assistant_first_name ?? row.invited_first_name;
      const last = row.assistant_first_name ? row.assistant_last_name! : row.invited_last_name;
      return html(reply, RevokeConfirmPage({ ...frame(request), id, name: `${first} ${last.toUpperCase()}`, active: row.state === 'active' }));
    },

    revoke: async (request: FastifyRequest<IdParams>, reply: FastifyReply) => {
      const id = parseId(request.params.id);
      try {
        await service.revokeDelegation(deps, request.principal!, id, request.ip);
        return reply.redirect('/mon-compte/assistants?etat=retire', 303);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        return assistantsPage(request, reply, { rowError: { id, message: error.message } }, error.status);
      }
    },

    /**
     * The e-mailed link: keeps the invitation for this browser (HttpOnly cookie) and sends the
     * browser on to the same page without the token, so that it stays out of the history and of
     * Referer headers. Nothing is accepted here: a mail scanner opening the link changes nothing.
     * The ways to sign in are links, not forms: the e-CPS login leaves for the provider's site,
     * which the CSP's form-action 'self' rightly forbids a form's redirect to reach.
     */
    showInvitation: async (request: FastifyRequest<{ Querystring: { jeton?: string } }>, reply: FastifyReply) => {
      const fromLink = request.query.jeton !== undefined;
      const token = fromLink ? String(request.query.jeton).slice(0, 200) : pendingInvitation(deps, request);
      reply.header('referrer-policy', 'no-referrer');
      try {
        const invitation = await service.describeInvitation(deps, token);
        if (fromLink) {
          keepInvitation(deps, reply, token!);
          return reply.redirect('/assistant/invitation', 303);
        }
        return html(reply, InvitationPage({ csrfToken: request.csrfToken, viewer: request.principal?.viewer ?? null, invitation, pscEnabled: Boolean(deps.config.psc), cardEnabled: Boolean(deps.config.card) }));
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        return invitationError(request, reply, error);
      }
    },

    /** "Ce n'est pas moi": this browser forgets the invitation. */
    abandon: async (_request: FastifyRequest, reply: FastifyReply) => {
      clearInvitation(deps, reply);
      return reply.redirect('/connexion', 303);
    },

    showAccept: async (request: FastifyRequest, reply: FastifyReply) => {
      try {
        const invitation = await service.describeInvitation(deps, pendingInvitation(deps, request));
        return html(reply, AcceptPage({ ...frame(request), invitation, byCard: service.ACCEPTING_METHODS.some((m) => m === request.authSession!.authMethod), pscEnabled: Boolean(deps.config.psc), cardEnabled: Boolean(deps.config.card) }));
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        return invitationError(request, reply, error);
      }
    },

    accept: async (request: FastifyRequest, reply: FastifyReply) => {
      const token = pendingInvitation(deps, request);
      const session = request.authSession!;
      try {
        await service.acceptAsSignedIn(deps, request.principal!, { token, authMethod: session.authMethod, ip: request.ip });
        clearInvitation(deps, reply);
        // A delegation is a privilege: the session id changes with it.
        await openSession(deps, request, reply, { accountId: session.accountId, strength: 'strong', authMethod: session.authMethod });
        return reply.redirect('/mes-delegations', 303);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        let invitation;
        try {
          invitation = await service.describeInvitation(deps, token);
        } catch {
          return invitationError(request, reply, error);
        }
        return html(
          reply,
          AcceptPage({ ...frame(request), invitation, error: error.message, byCard: service.ACCEPTING_METHODS.some((m) => m === session.authMethod), pscEnabled: Boolean(deps.config.psc), cardEnabled: Boolean(deps.config.card) }),
          error.status,
        );
      }
    },

    showMyDelegations: async (request: FastifyRequest, reply: FastifyReply) =>
      html(reply, MyDelegationsPage({ ...frame(request), rows: await service.listMyDelegations(deps, request.principal!) })),

    /** R15: the invited assistant's account, from this browser's verified card or e-CPS identity; a code goes to the invited address. */
    showAssistantAccount: (kind: 'psc' | 'cps') => async (request: FastifyRequest<{ Querystring: { etat?: string } }>, reply: FastifyReply) => {
      const invitationToken = pendingInvitation(deps, request);
      try {
        const shown = await assistantAccount.assistantIdentity(deps, { flowToken: readFlowToken(deps, request, kind), kind, invitationToken });
        const maskedEmail = await service.sendAcceptanceCode(deps, invitationToken, { again: false });
        const notice = request.query.etat === 'code' ? `Un nouveau code vient d’être envoyé à ${maskedEmail}.` : undefined;
        return html(reply, AssistantAccountPage({ ...assistantPageFrame(request, kind), ...shown, maskedEmail, notice, values: {}, errors: {} }));
      } catch (error) {
        return assistantError(request, reply, error);
      }
    },

    resendAssistantCode: (kind: 'psc' | 'cps') => async (request: FastifyRequest, reply: FastifyReply) => {
      try {
        await assistantAccount.assistantIdentity(deps, { flowToken: readFlowToken(deps, request, kind), kind, invitationToken: pendingInvitation(deps, request) });
        await service.sendAcceptanceCode(deps, pendingInvitation(deps, request), { again: true });
        return reply.redirect(`${ASSISTANT_ACCOUNT_URLS[kind]}?etat=code`, 303);
      } catch (error) {
        return assistantError(request, reply, error);
      }
    },

    submitAssistantAccount: (kind: 'psc' | 'cps') => withInput({ body: assistantForm }, async (request: FastifyRequest, reply: FastifyReply) => {
      const flowToken = readFlowToken(deps, request, kind);
      const invitationToken = pendingInvitation(deps, request);
      const form = assistantForm.parse(request.body ?? {});
      try {
        const result = await assistantAccount.createAssistantAccount(deps, { flowToken, kind, invitationToken, form, ip: request.ip });
        const idHash = await openSession(deps, request, reply, { accountId: result.accountId, strength: 'strong', authMethod: kind, pendingStep: result.pendingStep, ...(result.amr ? { amr: result.amr } : {}) });
        if (kind === 'psc') await bindFlowToSession(deps, flowToken!, idHash);
        clearFlowCookie(deps, reply, kind);
        clearInvitation(deps, reply);
        return reply.redirect(afterSignIn(result.pendingStep, '/mes-delegations'), 303);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        let shown;
        let maskedEmail;
        try {
          shown = await assistantAccount.assistantIdentity(deps, { flowToken, kind, invitationToken });
          maskedEmail = await service.sendAcceptanceCode(deps, invitationToken, { again: false });
        } catch {
          return assistantError(request, reply, error);
        }
        const values = { profession: form.profession };
        return html(reply, AssistantAccountPage({ ...assistantPageFrame(request, kind), ...shown, maskedEmail, values, errors: { ...error.fields }, general: error.message }), error.status);
      }
    }),
  };
}
