/**
 * Registration of the provider's clients by a region administrator (right `clients.manage`):
 * register, edit, disable and enable, renew the secret. A secret is 256 random bits shown once and
 * kept as its SHA-256; each change writes its audit event in its transaction.
 */
import type { Deps } from '../../deps.js';
import { randomToken } from '../../platform/crypto.js';
import { recordAudit } from '../../platform/audit/audit.js';
import type { Principal } from '../habilitations/habilitation.policy.js';
import { principalActor } from '../habilitations/habilitation.service.js';
import { idpErrors } from './idp.errors.js';
import { hashSecret } from './idp.provider.js';
import { CLIENT_SCOPES, redirectUriProblem, USER_SCOPES } from './idp.rules.js';
import { linesOf, type ClientForm } from './idp-clients.schemas.js';
import * as repo from './idp-client.repository.js';

export type AuthMethod = 'client_secret_basic' | 'private_key_jwt' | 'none';

export interface ClientInput {
  name: string;
  clientId: string;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  backchannelLogoutUri: string | null;
  scopes: string[];
  domains: string[];
  authMethod: AuthMethod;
  jwks: { keys: Record<string, unknown>[] } | null;
}

/** The form checked field by field (French messages at the fields); nothing is written on a refusal. */
export async function checkClientForm(deps: Deps, form: ClientForm, options: { creating: boolean }): Promise<ClientInput> {
  const fields: Record<string, string> = {};
  const production = deps.config.isProduction;
  const name = form.name.trim();
  if (!name || name.length > 120) fields.name = 'Indiquez le nom de l’application (120 caractères au plus).';
  const clientId = form.clientId.trim().toLowerCase();
  if (options.creating && !/^[a-z0-9][a-z0-9-]{2,62}$/.test(clientId)) fields.clientId = 'Identifiant : 3 à 63 caractères, lettres minuscules, chiffres et tirets.';
  const uriList = (key: 'redirectUris' | 'postLogoutRedirectUris') => {
    const uris = linesOf(form[key]);
    const bad = uris.map((uri) => [uri, redirectUriProblem(uri, production)] as const).find(([, problem]) => problem);
    if (bad) fields[key] = `« ${bad[0].slice(0, 80)} » : ${bad[1]}.`;
    if (uris.length > 10) fields[key] = 'Dix adresses au plus.';
    return uris;
  };
  const redirectUris = uriList('redirectUris');
  const postLogoutRedirectUris = uriList('postLogoutRedirectUris');
  const backchannel = form.backchannelLogoutUri.trim();
  if (backchannel && redirectUriProblem(backchannel, production)) fields.backchannelLogoutUri = `Adresse de déconnexion : ${redirectUriProblem(backchannel, production)}.`;
  const scopes = [...new Set(form.scopes)].filter((s) => CLIENT_SCOPES.includes(s));
  if (scopes.length !== new Set(form.scopes).size) fields.scopes = 'Une portée demandée n’existe pas.';
  const userFlow = scopes.some((s) => (USER_SCOPES as readonly string[]).includes(s));
  if (userFlow && !scopes.includes('openid')) fields.scopes = 'La connexion des utilisateurs demande la portée « openid ».';
  if (userFlow && redirectUris.length === 0) fields.redirectUris = 'Indiquez au moins une adresse de retour pour la connexion des utilisateurs.';
  if (!userFlow && redirectUris.length > 0) fields.scopes = 'Des adresses de retour sans la portée « openid » : cochez « openid » ou retirez-les.';
  if (scopes.length === 0) fields.scopes = 'Cochez au moins une portée.';
  const known = new Set((await repo.listDomains(deps.db)).map((d) => d.code));
  const domains = [...new Set(form.domains)];
  if (domains.some((d) => !known.has(d))) fields.domains = 'Un domaine coché n’existe pas.';
  if (scopes.includes('habilitations') && domains.length === 0) fields.domains = 'La portée « habilitations » demande au moins un domaine.';
  const authMethod = (['client_secret_basic', 'private_key_jwt', 'none'] as const).find((m) => m === form.authMethod);
  if (!authMethod) fields.authMethod = 'Choisissez comment l’application s’authentifie.';
  if (authMethod === 'none' && scopes.some((s) => !(USER_SCOPES as readonly string[]).includes(s))) fields.authMethod = 'Une application publique (sans secret) ne peut pas appeler l’API : choisissez un secret ou une clé.';
  let jwks: ClientInput['jwks'] = null;
  if (authMethod === 'private_key_jwt') {
    try {
      const parsed = JSON.parse(form.jwks) as { keys?: unknown };
      const keys = Array.isArray(parsed.keys) ? (parsed.keys as Record<string, unknown>[]) : [];
      if (keys.length === 0 || keys.length > 5 || keys.some((k) => typeof k !== 'object' || k === null || 'd' in k || !['RSA', 'EC'].includes(String(k.kty)))) throw new Error('jwks');
      jwks = { keys };
    } catch {
      fields.jwks = 'Collez le JWKS public de l’application : {"keys":[…]} avec 1 à 5 clés RSA ou EC publiques.';
    }
  }
  if (Object.keys(fields).length > 0) throw idpErrors.CLIENT_INVALID(fields);
  return { name, clientId, redirectUris, postLogoutRedirectUris, backchannelLogoutUri: backchannel || null, scopes, domains, authMethod: authMethod!, jwks };
}

const describe = (input: ClientInput) => `${input.name} (${input.clientId}) : portées ${input.scopes.join(', ')} ; domaines ${input.domains.join(', ') || 'aucun'}`;

/** Registers a client; returns its secret, shown once (null for a key or a public client). */
export async function registerClient(deps: Deps, principal: Principal, input: ClientInput, ip: string | null): Promise<{ id: number; secret: string | null }> {
  if (await repo.getByClientId(deps.db, input.clientId)) throw idpErrors.CLIENT_ID_TAKEN.at('clientId');
  const secret = input.authMethod === 'client_secret_basic' ? randomToken(32) : null;
  const id = await deps.db.transaction().execute(async (trx) => {
    const newId = await repo.insert(trx, {
      client_id: input.clientId,
      name: input.name,
      redirect_uris: input.redirectUris,
      post_logout_redirect_uris: input.postLogoutRedirectUris,
      backchannel_logout_uri: input.backchannelLogoutUri,
      scopes: input.scopes,
      domains: input.domains,
      auth_method: input.authMethod,
      secret_hash: secret ? hashSecret(secret) : null,
      jwks: input.jwks ? (JSON.stringify(input.jwks) as never) : null,
      created_by: principal.accountId,
    });
    await recordAudit(trx, { actor: principalActor(principal), code: 'IDP_CLIENT_REGISTERED', description: `Enregistrement de l’application ${describe(input)}`, details: { clientId: input.clientId }, ip });
    return newId;
  });
  return { id, secret };
}

async function existing(deps: Deps, id: number): Promise<repo.ClientRow> {
  const row = await repo.getById(deps.db, id);
  if (!row) throw idpErrors.CLIENT_NOT_FOUND();
  return row;
}

/** Edits a client (its identifier stays); a change of method to a secret gives a new secret, shown once. */
export async function updateClient(deps: Deps, principal: Principal, id: number, input: ClientInput, ip: string | null): Promise<{ secret: string | null }> {
  const before = await existing(deps, id);
  const secret = input.authMethod === 'client_secret_basic' && before.auth_method !== 'client_secret_basic' ? randomToken(32) : null;
  await deps.db.transaction().execute(async (trx) => {
    await repo.update(trx, id, {
      name: input.name,
      redirect_uris: input.redirectUris,
      post_logout_redirect_uris: input.postLogoutRedirectUris,
      backchannel_logout_uri: input.backchannelLogoutUri,
      scopes: input.scopes,
      domains: input.domains,
      auth_method: input.authMethod,
      ...(secret ? { secret_hash: hashSecret(secret) } : input.authMethod === 'client_secret_basic' ? {} : { secret_hash: null }),
      jwks: input.jwks ? (JSON.stringify(input.jwks) as never) : null,
      updated_at: deps.clock.now(),
    });
    await recordAudit(trx, { actor: principalActor(principal), code: 'IDP_CLIENT_UPDATED', description: `Modification de l’application ${describe({ ...input, clientId: before.client_id })}`, details: { clientId: before.client_id }, ip });
  });
  return { secret };
}

/** A new secret (the old one stops at once), shown once. */
export async function renewSecret(deps: Deps, principal: Principal, id: number, ip: string | null): Promise<string> {
  const before = await existing(deps, id);
  if (before.auth_method !== 'client_secret_basic') throw idpErrors.CLIENT_INVALID({ authMethod: 'Cette application ne s’authentifie pas par un secret.' });
  const secret = randomToken(32);
  await deps.db.transaction().execute(async (trx) => {
    await repo.update(trx, id, { secret_hash: hashSecret(secret), updated_at: deps.clock.now() });
    await recordAudit(trx, { actor: principalActor(principal), code: 'IDP_CLIENT_SECRET_RENEWED', description: `Nouveau secret pour l’application ${before.name} (${before.client_id})`, details: { clientId: before.client_id }, ip });
  });
  return secret;
}

/** Disables (no new sign-in nor token at once) or enables a client. */
export async function setClientEnabled(deps: Deps, principal: Principal, id: number, enabled: boolean, ip: string | null): Promise<void> {
  const before = await existing(deps, id);
  await deps.db.transaction().execute(async (trx) => {
    await repo.update(trx, id, { disabled_at: enabled ? null : deps.clock.now(), updated_at: deps.clock.now() });
    await recordAudit(trx, {
      actor: principalActor(principal),
      code: enabled ? 'IDP_CLIENT_ENABLED' : 'IDP_CLIENT_DISABLED',
      description: `${enabled ? 'Réactivation' : 'Désactivation'} de l’application ${before.name} (${before.client_id})`,
      details: { clientId: before.client_id },
      ip,
    });
  });
}

export async function listClients(deps: Deps) {
  return repo.list(deps.db);
}

export async function getClient(deps: Deps, id: number) {
  return existing(deps, id);
}

export async function listDomains(deps: Deps) {
  return repo.listDomains(deps.db);
}
