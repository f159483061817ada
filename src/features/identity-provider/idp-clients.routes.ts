/** "Applications clientes" (right clients.manage): parse, call one service function, present. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../../deps.js';
import { DomainError } from '../../platform/errors.js';
import { sendPage as html } from '../../http/reply.js';
import { idpErrors } from './idp.errors.js';
import { clientForm, type ClientForm } from './idp-clients.schemas.js';
import * as service from './idp-clients.service.js';
import { ClientFormPage, ClientsPage, SecretPage, valuesOf, type ClientFormValues } from './idp-clients.pages.js';

type IdRequest = FastifyRequest<{ Params: { id: string } }>;

const NOTICES: Record<string, string> = {
  enregistree: 'L’application est enregistrée.',
  modifiee: 'Les modifications de l’application sont enregistrées.',
  desactivee: 'L’application est désactivée.',
  reactivee: 'L’application est réactivée.',
};

/** Ids are strict positive decimal integers; anything else is a missing page. */
function parseId(value: string): number {
  if (!/^[1-9]\d{0,9}$/.test(value) || Number(value) > 2_147_483_647) throw idpErrors.CLIENT_NOT_FOUND();
  return Number(value);
}

const EMPTY: ClientFormValues = { name: '', clientId: '', redirectUris: '', postLogoutRedirectUris: '', backchannelLogoutUri: '', scopes: ['openid', 'profile', 'email'], domains: [], authMethod: 'client_secret_basic', jwks: '' };

const formValues = (form: ClientForm): ClientFormValues => ({ ...form });

export function clientAdminHandlers(deps: Deps) {
  const frame = (request: FastifyRequest) => ({ viewer: request.principal!.viewer, csrfToken: request.csrfToken });

  return {
    list: async (request: FastifyRequest<{ Querystring: { fait?: string } }>, reply: FastifyReply) => {
      const notice = NOTICES[String(request.query.fait)];
      return html(reply, ClientsPage({ ...frame(request), clients: await service.listClients(deps), ...(notice ? { notice } : {}) }));
    },

    showCreate: async (request: FastifyRequest, reply: FastifyReply) =>
      html(reply, ClientFormPage({ ...frame(request), mode: 'create', values: EMPTY, domains: await service.listDomains(deps), errors: {} })),

    create: async (request: FastifyRequest, reply: FastifyReply) => {
      const form = clientForm.parse(request.body ?? {});
      try {
        const input = await service.checkClientForm(deps, form, { creating: true });
        const { id, secret } = await service.registerClient(deps, request.principal!, input, request.ip);
        if (secret) return html(reply, SecretPage({ ...frame(request), name: input.name, clientId: input.clientId, secret, id }));
        return reply.redirect('/administration/applications?fait=enregistree', 303);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        return html(reply, ClientFormPage({ ...frame(request), mode: 'create', values: formValues(form), domains: await service.listDomains(deps), errors: { ...error.fields }, general: error.message }), error.status);
      }
    },

    show: async (request: IdRequest, reply: FastifyReply) => {
      const client = await service.getClient(deps, parseId(request.params.id));
      return html(reply, ClientFormPage({ ...frame(request), mode: 'edit', id: client.id, values: valuesOf(client), domains: await service.listDomains(deps), errors: {}, disabled: client.disabled_at !== null }));
    },

    update: async (request: IdRequest, reply: FastifyReply) => {
      const id = parseId(request.params.id);
      const client = await service.getClient(deps, id);
      const form = clientForm.parse(request.body ?? {});
      try {
        const input = await service.checkClientForm(deps, { ...form, clientId: client.client_id }, { creating: false });
        const { secret } = await service.updateClient(deps, request.principal!, id, { ...input, clientId: client.client_id }, request.ip);
        if (secret) return html(reply, SecretPage({ ...frame(request), name: input.name, clientId: client.client_id, secret, id }));
        return reply.redirect(`/administration/applications?fait=modifiee`, 303);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        const values = { ...formValues(form), clientId: client.client_id };
        return html(reply, ClientFormPage({ ...frame(request), mode: 'edit', id, values, domains: await service.listDomains(deps), errors: { ...error.fields }, general: error.message, disabled: client.disabled_at !== null }), error.status);
      }
    },

    renewSecret: async (request: IdRequest, reply: FastifyReply) => {
      const id = parseId(request.params.id);
      const client = await service.getClient(deps, id);
      const secret = await service.renewSecret(deps, request.principal!, id, request.ip);
      return html(reply, SecretPage({ ...frame(request), name: client.name, clientId: client.client_id, secret, id }));
    },

    setEnabled: (enabled: boolean) => async (request: IdRequest, reply: FastifyReply) => {
      await service.setClientEnabled(deps, request.principal!, parseId(request.params.id), enabled, request.ip);
      return reply.redirect(`/administration/applications?fait=${enabled ? 'reactivee' : 'desactivee'}`, 303);
    },
  };
}
