/** Routes of the referent administration of accounts: parse, call one service function, present. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../../deps.js';
import { DomainError } from '../../platform/errors.js';
import { form, id, ids, parseStrictId, text, texts, withInput } from '../../platform/input.js';
import { refuseInput } from '../../http/input-gate.js';
import { parisDate } from '../../platform/clock.js';
import { sendPage as html } from '../../http/reply.js';
import { changeHabilitationEndDate, deleteHabilitation, principalActor } from '../habilitations/habilitation.service.js';
import { defaultPeriod, grantOptions, grantHabilitations } from '../habilitations/habilitation-grant.service.js';
import { accountErrors } from '../accounts/account.errors.js';
import { DuplicateGrantError } from '../habilitations/habilitation.errors.js';
import * as service from './account-admin.service.js';
import { AccountPage, ConfirmPage, CreateAccountPage, GrantDonePage, GrantPage, SearchPage, type IdentityValues } from './account-admin.pages.js';

/** The identity form of an account, through the input gate (issue 12): too long is refused at the field, never cut. */
const identityForm = form({
  lastName: text('Le nom', 100),
  firstName: text('Le prénom', 100),
  email: text('L’adresse e-mail', 254),
  phone: text('Le téléphone', 30),
  mobilePhone: text('Le téléphone mobile', 30),
  profession: text('La profession', 100),
  confirmShared: text('La confirmation', 5),
  confirmHomonyms: text('La confirmation des homonymes', 5),
  removeMobile: text('Le retrait du mobile', 5),
});
const endForm = form({ fin: text('La date de fin', 20) });
/** R26: the exact usernames or e-mails a referent searched travel from the search to the grant. */
const identifierList = texts('Les identifiants recherchés', 254, 20);
const grantForm = form({
  comptes: ids('Les comptes', 1000),
  identifiant: identifierList,
  profil: id('Le profil'),
  lieu: text('Le lieu', 50),
  debut: text('La date de début', 20),
  fin: text('La date de fin', 20),
  mail: text('La réception des mails', 5),
});

function parseId(value: unknown): number {
  const parsed = parseStrictId(value);
  if (parsed === null) throw accountErrors.ACCOUNT_NOT_FOUND();
  return parsed;
}

const NOTICES: Record<string, string> = {
  cree: 'Le compte est créé. Un e-mail d’activation est parti à son adresse.',
  identite: 'L’identité est enregistrée. Une nouvelle adresse e-mail ne remplace l’ancienne qu’une fois validée par le lien qui lui est envoyé.',
  debloque: 'Le compte est débloqué.',
  bloque: 'Le compte est bloqué : ses sessions sont fermées.',
  desactive: 'Le compte est désactivé : ses sessions sont fermées.',
  reactive: 'Le compte est réactivé.',
  fin: 'La date de fin est enregistrée.',
  supprimee: 'L’habilitation est supprimée.',
  attribuee: 'L’habilitation est attribuée.',
};

type Req<P = unknown, Q = unknown> = FastifyRequest<{ Params: P; Querystring: Q }>;

export function accountHandlers(deps: Deps) {
  const frame = (request: FastifyRequest) => ({ viewer: request.principal!.viewer, csrfToken: request.csrfToken });

  const accountPage = async (
    request: FastifyRequest,
    accountId: number,
    extra: { notice?: string; error?: string; identityErrors?: Record<string, string>; identityValues?: IdentityValues; endError?: { habilitationId: number; message: string } } = {},
  ) => {
    const data = await service.getAccountForReferent(deps, request.principal!, accountId);
    return AccountPage({ ...frame(request), ...data, today: parisDate(deps.clock.now()), identityErrors: extra.identityErrors ?? {}, ...extra });
  };

  /** Runs an account action; on a domain error shows the account page with the message. */
  const act = (action: (request: FastifyRequest, accountId: number) => Promise<unknown>, done: string) =>
    async (request: Req<{ id: string }>, reply: FastifyReply) => {
      const accountId = parseId(request.params.id);
      try {
        await action(request, accountId);
        return reply.redirect(`/administration/comptes/${accountId}?fait=${done}`, 303);
      } catch (error) {
        if (!(error instanceof DomainError) || error.code === 'ACCOUNT_NOT_FOUND') throw error;
        return html(reply, await accountPage(request, accountId, { error: error.message }), error.status);
      }
    };

  /** R03, R27: the confirmation of a state change names the person and the consequence (a GET changes nothing). */
  const confirmState = (action: 'unblock' | 'block' | 'deactivate') => async (request: Req<{ id: string }>, reply: FastifyReply) => {
    const accountId = parseId(request.params.id);
    const { account } = await service.getAccountForReferent(deps, request.principal!, accountId);
    const who = `${account.first_name} ${account.last_name.toUpperCase()} (${account.username})`;
    const texts = {
      unblock: {
        title: 'Débloquer le compte',
        question: `Débloquer le compte de ${who} ? La personne pourra de nouveau se connecter ; le déblocage est inscrit dans l’historique du compte.`,
        path: 'debloquer',
        confirmLabel: 'Oui, débloquer le compte',
      },
      block: {
        title: 'Bloquer le compte',
        question: `Bloquer le compte de ${who} ? Ses sessions ouvertes se terminent aussitôt et la personne ne pourra plus se connecter tant que le compte ne sera pas débloqué.`,
        path: 'bloquer',
        confirmLabel: 'Oui, bloquer le compte',
      },
      deactivate: {
        title: 'Désactiver le compte',
        question: `Désactiver le compte de ${who} ? Ses sessions ouvertes se terminent aussitôt et la personne ne pourra plus se connecter ; ajouter une habilitation ou « Réactiver le compte » le rétablit.`,
        path: 'desactiver',
        confirmLabel: 'Oui, désactiver le compte',
      },
    }[action];
    return html(
      reply,
      ConfirmPage({ ...frame(request), title: texts.title, question: texts.question, action: `/administration/comptes/${accountId}/${texts.path}`, confirmLabel: texts.confirmLabel, cancelHref: `/administration/comptes/${accountId}` }),
    );
  };

  return {
    search: async (request: Req<unknown, { q?: string; page?: string; fait?: string }>, reply: FastifyReply) => {
      const query = String(request.query.q ?? '').slice(0, 100);
      const page = Number(request.query.page) || 1;
      const result = await service.searchAccounts(deps, request.principal!, query, page);
      return html(reply, SearchPage({ ...frame(request), query, result, notice: NOTICES[String(request.query.fait)] }));
    },

    showCreate: async (request: FastifyRequest, reply: FastifyReply) =>
      html(reply, CreateAccountPage({ ...frame(request), values: {}, errors: {}, askSharedConfirmation: false, emailTaken: false })),

    create: withInput({ body: identityForm, rendersRefusals: true }, async (request: FastifyRequest, reply: FastifyReply) => {
      const form = identityForm.parse(request.body ?? {});
      try {
        refuseInput(request);
        const created = await service.createAccount(
          deps,
          principalActor(request.principal!),
          { ...form, confirmShared: form.confirmShared === '1', confirmHomonyms: form.confirmHomonyms === '1' },
          request.ip,
        );
        return reply.redirect(`/administration/comptes/${created.id}?fait=cree`, 303);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        return html(
          reply,
          CreateAccountPage({
            ...frame(request),
            values: form,
            errors: { ...error.fields },
            general: error.message,
            askSharedConfirmation: error.code === 'ACCOUNT_EMAIL_SHARED',
            sharedConfirmed: form.confirmShared === '1',
            emailTaken: error.code === 'ACCOUNT_EMAIL_ALREADY_EXISTS',
            homonyms: error.code === 'ACCOUNT_HOMONYMS' ? await service.homonymsOf(deps, form) : [],
          }),
          error.status,
        );
      }
    }),

    show: async (request: Req<{ id: string }, { fait?: string }>, reply: FastifyReply) =>
      html(reply, await accountPage(request, parseId(request.params.id), { notice: NOTICES[String(request.query.fait)] })),

    updateIdentity: withInput({ body: identityForm, rendersRefusals: true }, async (request: Req<{ id: string }>, reply: FastifyReply) => {
      const accountId = parseId(request.params.id);
      const form = identityForm.parse(request.body ?? {});
      try {
        refuseInput(request);
        await service.updateIdentity(deps, request.principal!, accountId, { ...form, removeMobile: form.removeMobile === '1' }, request.ip);
        return reply.redirect(`/administration/comptes/${accountId}?fait=identite`, 303);
      } catch (error) {
        if (!(error instanceof DomainError) || error.code === 'ACCOUNT_NOT_FOUND') throw error;
        return html(reply, await accountPage(request, accountId, { identityErrors: { ...error.fields }, identityValues: form, error: error.message }), error.status);
      }
    }),

    showUnblock: confirmState('unblock'),
    showBlock: confirmState('block'),
    showDeactivate: confirmState('deactivate'),
    unblock: act((request, id) => service.changeAccountState(deps, request.principal!, id, 'unblock', request.ip), 'debloque'),
    block: act((request, id) => service.changeAccountState(deps, request.principal!, id, 'block', request.ip), 'bloque'),
    deactivate: act((request, id) => service.changeAccountState(deps, request.principal!, id, 'deactivate', request.ip), 'desactive'),
    reactivate: act((request, id) => service.changeAccountState(deps, request.principal!, id, 'reactivate', request.ip), 'reactive'),

    changeEnd: withInput({ body: endForm }, async (request: Req<{ id: string; hid: string }>, reply: FastifyReply) => {
      const accountId = parseId(request.params.id);
      const habilitationId = parseId(request.params.hid);
      const { fin } = endForm.parse(request.body ?? {});
      try {
        await changeHabilitationEndDate(deps, request.principal!, habilitationId, fin, request.ip, accountId);
        return reply.redirect(`/administration/comptes/${accountId}?fait=fin`, 303);
      } catch (error) {
        if (!(error instanceof DomainError) || error.status === 404) throw error;
        const endError = error.status === 400 ? { habilitationId, message: error.message } : undefined;
        return html(reply, await accountPage(request, accountId, { error: error.message, endError }), error.status);
      }
    }),

    showDelete: async (request: Req<{ id: string; hid: string }>, reply: FastifyReply) => {
      const accountId = parseId(request.params.id);
      const habilitationId = parseId(request.params.hid);
      const { account, habilitations } = await service.getAccountForReferent(deps, request.principal!, accountId);
      const h = habilitations.find((x) => x.id === habilitationId && !x.deleted_at);
      if (!h) throw accountErrors.ACCOUNT_NOT_FOUND();
      return html(
        reply,
        ConfirmPage({
          ...frame(request),
          title: 'Supprimer une habilitation',
          question: `Supprimer l’habilitation « ${h.profile_name} » de ${account.first_name} ${account.last_name.toUpperCase()} (${account.username}) ? Elle cesse aussitôt de donner ses droits ; elle restera visible comme supprimée.`,
          action: `/administration/comptes/${accountId}/habilitations/${habilitationId}/supprimer`,
          confirmLabel: 'Oui, supprimer l’habilitation',
          cancelHref: `/administration/comptes/${accountId}`,
        }),
      );
    },

    delete: async (request: Req<{ id: string; hid: string }>, reply: FastifyReply) => {
      const accountId = parseId(request.params.id);
      const habilitationId = parseId(request.params.hid);
      try {
        await deleteHabilitation(deps, request.principal!, habilitationId, request.ip, accountId);
        return reply.redirect(`/administration/comptes/${accountId}?fait=supprimee`, 303);
      } catch (error) {
        if (!(error instanceof DomainError) || error.status === 404) throw error;
        return html(reply, await accountPage(request, accountId, { error: error.message }), error.status);
      }
    },

    showGrant: async (request: Req<unknown, { comptes?: string | string[]; identifiant?: string | string[] }>, reply: FastifyReply) => {
      const ids = [request.query.comptes ?? []].flat().map(parseStrictId).filter((n) => n !== null).slice(0, 200);
      const searched = identifierList.safeParse(request.query.identifiant);
      return html(reply, await grantPage(request, ids, searched.success ? searched.data : [], { ...defaultPeriod(deps.clock.now()), email: true }, {}));
    },

    grant: withInput({ body: grantForm }, async (request: FastifyRequest, reply: FastifyReply) => {
      const form = grantForm.parse(request.body ?? {});
      const ids = form.comptes.slice(0, 201);
      const values = { profileId: form.profil ?? undefined, placeKey: form.lieu, start: form.debut, end: form.fin, email: form.mail === '1' };
      const identifiers = form.identifiant;
      try {
        const outcome = await grantHabilitations(
          deps,
          request.principal!,
          { accountIds: ids, profileId: form.profil ?? 0, placeKey: form.lieu, startDate: form.debut, endDate: form.fin, emailNotifications: form.mail === '1', identifiers },
          request.ip,
        );
        if (ids.length === 1) return reply.redirect(`/administration/comptes/${ids[0]}?fait=attribuee`, 303);
        // R34: after a grant to several accounts, the page lists who received what.
        const received = await service.accountsForGrant(deps, request.principal!, outcome.accountIds, identifiers);
        return html(reply, GrantDonePage({ ...frame(request), outcome, accounts: received.map((a) => ({ id: a.id, label: `${a.first_name} ${a.last_name.toUpperCase()} (${a.username})` })) }));
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        const duplicate = error instanceof DuplicateGrantError ? error.existing : undefined;
        return html(reply, await grantPage(request, ids, identifiers, values, { ...error.fields }, error.message, duplicate), error.status);
      }
    }),
  };

  async function grantPage(
    request: FastifyRequest,
    ids: number[],
    identifiers: string[],
    values: { profileId?: number; placeKey?: string; start: string; end: string; email: boolean },
    errors: Record<string, string>,
    general?: string,
    duplicate?: { accountId: number; habilitationId: number },
  ) {
    const principal = request.principal!;
    // Only accounts of the scope are listed; a forged id is dropped here and refused at the grant.
    const [granted, { profiles, places }] = await Promise.all([service.accountsForGrant(deps, principal, ids, identifiers), grantOptions(deps, principal)]);
    const accounts = granted.map((a) => ({ id: a.id, label: `${a.first_name} ${a.last_name.toUpperCase()} (${a.username})${a.in_scope ? '' : ` – ${a.email}, hors de votre périmètre`}` }));
    return GrantPage({ ...frame(request), accounts, identifiers, profiles, places, values, errors: accounts.length === 0 ? { ...errors, comptes: errors.comptes ?? 'Choisissez au moins un compte dans les résultats de recherche.' } : errors, ...(general ? { general } : {}), ...(duplicate ? { duplicate } : {}) });
  }
}
