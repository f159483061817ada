/** "Applications clientes" (issue 17): the region administrator registers, edits and disables clients; secret shown once, stored hashed, audited. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash, randomUUID } from 'node:crypto';
import { buildTestApp, type TestApp } from '../../../test/test-app.js';
import { Agent } from '../../../test/agent.js';
import { buildActiveAccount, buildHabilitation, ensureTerritory, openTestSession } from '../../../test/factories.js';
import { clientCredentials, PASSWORD } from '../../../test/idp-world.js';

let t: TestApp;
let admin: Agent;

beforeAll(async () => {
  t = await buildTestApp();
  await ensureTerritory(t.deps.db);
  const account = await buildActiveAccount(t.deps.db, PASSWORD, { email: `${randomUUID()}@exemple.test` });
  await buildHabilitation(t.deps.db, { accountId: account.id, profile: 'SANITAIRE_REGION', regionCode: '76' });
  admin = new Agent(t.app);
  const [name, value] = (await openTestSession(t.deps.db, account.id)).split('=');
  admin.cookies.set(name!, value!);
});
afterAll(async () => {
  await t.close();
});

const form = (clientId: string, overrides: Record<string, string> = {}) => ({
  name: 'Module Handicap',
  clientId,
  redirectUris: 'https://handicap.exemple.fr/retour',
  postLogoutRedirectUris: '',
  backchannelLogoutUri: '',
  authMethod: 'client_secret_basic',
  jwks: '',
  ...overrides,
});

async function postForm(agent: Agent, url: string, fields: Record<string, string>, repeated: Record<string, string[]>) {
  // Checkboxes repeat their name, as a browser sends them.
  const { hmac } = await import('../../platform/crypto.js');
  const { TEST_SECRET } = await import('../../../test/test-app.js');
  if (!agent.cookies.has('habilis_csrf')) await agent.get('/');
  const body = new URLSearchParams({ _csrf: hmac(Buffer.from(TEST_SECRET), `csrf:${agent.cookies.get('habilis_csrf')}`), ...fields });
  for (const [key, values] of Object.entries(repeated)) for (const value of values) body.append(key, value);
  return t.app.inject({ method: 'POST', url, remoteAddress: agent.ip, headers: { accept: 'text/html', origin: 'http://localhost:3000', cookie: agent.cookieHeader, 'content-type': 'application/x-www-form-urlencoded' }, payload: body.toString() });
}

describe('Applications clientes (clients.manage)', () => {
  it('registers a client: the secret is shown once, stored as its SHA-256 only, and the registration is audited', async () => {
    const clientId = `handicap-${randomUUID().slice(0, 8)}`;
    const created = await postForm(admin, '/administration/applications/nouvelle', form(clientId), { scopes: ['openid', 'profile', 'habilitations', 'access.evaluate'], domains: ['HANDICAP'] });
    expect(created.statusCode).toBe(200);
    const secret = /<code id="secret">([^<]+)<\/code>/.exec(created.body)![1]!;
    const row = await t.deps.db.selectFrom('idp_clients').selectAll().where('client_id', '=', clientId).executeTakeFirstOrThrow();
    expect(row.secret_hash).toBe(createHash('sha256').update(secret).digest('hex'));
    expect(JSON.stringify(row)).not.toContain(secret);
    expect(row.domains).toEqual(['HANDICAP']);
    const page = await admin.get(`/administration/applications/${row.id}`);
    expect(page.body).not.toContain(secret);
    const event = await t.deps.db.selectFrom('audit_events').select('description').where('code', '=', 'IDP_CLIENT_REGISTERED').where('details', '@>', JSON.stringify({ clientId }) as never).executeTakeFirstOrThrow();
    expect(event.description).toContain('Module Handicap');
    // The secret works at the token endpoint.
    expect((await clientCredentials(t.app, { clientId, secret }, 'access.evaluate')).status).toBe(200);

    // Disabled: no token any more; enabled again: tokens again. Both audited.
    expect((await admin.post(`/administration/applications/${row.id}/desactiver`)).headers.location).toBe('/administration/applications?fait=desactivee');
    expect((await clientCredentials(t.app, { clientId, secret }, 'access.evaluate')).body.error).toBe('invalid_client');
    await admin.post(`/administration/applications/${row.id}/reactiver`);
    expect((await clientCredentials(t.app, { clientId, secret }, 'access.evaluate')).status).toBe(200);
    // A new secret: the old one stops at once.
    const renewed = await admin.post(`/administration/applications/${row.id}/secret`);
    const newSecret = /<code id="secret">([^<]+)<\/code>/.exec(renewed.body)![1]!;
    expect((await clientCredentials(t.app, { clientId, secret }, 'access.evaluate')).body.error).toBe('invalid_client');
    expect((await clientCredentials(t.app, { clientId, secret: newSecret }, 'access.evaluate')).status).toBe(200);
    const codes = await t.deps.db.selectFrom('audit_events').select('code').where('details', '@>', JSON.stringify({ clientId }) as never).orderBy('id').execute();
    expect(codes.map((c) => c.code)).toEqual(['IDP_CLIENT_REGISTERED', 'IDP_CLIENT_DISABLED', 'IDP_CLIENT_ENABLED', 'IDP_CLIENT_SECRET_RENEWED']);
  });

  it('offers the scope esms.read (F5 statuses of an ESMS) at registration; a client registered with it gets a token for it', async () => {
    const page = await admin.get('/administration/applications/nouvelle');
    expect(page.statusCode).toBe(200);
    expect(page.body).toMatch(/<input[^>]*value="esms\.read"/);
    expect(page.body).toContain('esms.read — lecture des statuts des notifications ESMS (palier 1)');
    const clientId = `logiciel-esms-${randomUUID().slice(0, 8)}`;
    const created = await postForm(admin, '/administration/applications/nouvelle', form(clientId, { redirectUris: '' }), { scopes: ['esms.read'], domains: [] });
    expect(created.statusCode).toBe(200);
    const secret = /<code id="secret">([^<]+)<\/code>/.exec(created.body)![1]!;
    const row = await t.deps.db.selectFrom('idp_clients').select('scopes').where('client_id', '=', clientId).executeTakeFirstOrThrow();
    expect(row.scopes).toEqual(['esms.read']);
    const token = await clientCredentials(t.app, { clientId, secret }, 'esms.read');
    expect(token.status).toBe(200);
    expect(token.body.scope).toBe('esms.read');
  });

  it('refuses bad input at the fields (400), with nothing written', async () => {
    const clientId = `Mauvais id!`;
    const refused = await postForm(admin, '/administration/applications/nouvelle', form(clientId, { redirectUris: 'http://ailleurs.exemple.fr/retour#x' }), { scopes: ['openid', 'inconnue'], domains: ['MARS'] });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('Identifiant : 3 à 63 caractères');
    expect(refused.body).toContain('sans fragment (#)');
    expect(refused.body).toContain('Une portée demandée n’existe pas.');
    expect(refused.body).toContain('Un domaine coché n’existe pas.');
    expect(await t.deps.db.selectFrom('idp_clients').select('id').where('name', '=', 'Mauvais id!').execute()).toEqual([]);
    const duplicate = `double-${randomUUID().slice(0, 8)}`;
    expect((await postForm(admin, '/administration/applications/nouvelle', form(duplicate), { scopes: ['openid'], domains: [] })).statusCode).toBe(200);
    expect((await postForm(admin, '/administration/applications/nouvelle', form(duplicate), { scopes: ['openid'], domains: [] })).statusCode).toBe(409);
    expect((await admin.get('/administration/applications/abc')).statusCode).toBe(404);
    expect((await admin.get('/administration/applications/0')).statusCode).toBe(404);
  });

  it('is refused to anyone without clients.manage', async () => {
    const referent = await buildActiveAccount(t.deps.db, PASSWORD, { email: `${randomUUID()}@exemple.test` });
    const agent = new Agent(t.app);
    const [name, value] = (await openTestSession(t.deps.db, referent.id)).split('=');
    agent.cookies.set(name!, value!);
    expect((await agent.get('/administration/applications')).statusCode).toBe(403);
    expect((await admin.get('/administration/applications')).body).toContain('Applications clientes');
  });
});
