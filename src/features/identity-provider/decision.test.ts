/** The decision API and service clients (issue 17): the same answers as the pages' policy (R15, R17), tokens checked, refusals audited. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { buildTestApp, type TestApp } from '../../../test/test-app.js';
import { buildActiveAccount, buildEstablishment, buildHabilitation, buildUnit } from '../../../test/factories.js';
import { adminPrincipal, clientCredentials, PASSWORD, registerTestClient, type TestClient } from '../../../test/idp-world.js';
import { can, canActFor, DELEGATION_AREAS, type Principal } from '../habilitations/habilitation.policy.js';
import { RIGHT_CODES } from '../habilitations/habilitation.rights.js';
import { principalOf } from '../auth/session.service.js';

let t: TestApp;
let admin: Principal;
let module: TestClient;
let token: string;

beforeAll(async () => {
  t = await buildTestApp();
  admin = await adminPrincipal(t.deps);
  module = await registerTestClient(t.deps, admin, { scopes: ['access.evaluate'], domains: ['SANITAIRE'], redirect: '' });
  const issued = await clientCredentials(t.app, module, 'access.evaluate');
  expect(issued.status).toBe(200);
  token = issued.body.access_token!;
});
afterAll(async () => {
  await t.close();
});

const person = () => buildActiveAccount(t.deps.db, PASSWORD, { email: `${randomUUID()}@exemple.test` });

async function ask(body: unknown, path = '/api/v1/access/evaluation', bearer = token) {
  const response = await t.app.inject({ method: 'POST', url: path, headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' }, payload: JSON.stringify(body) });
  return { status: response.statusCode, body: response.json() as Record<string, unknown>, headers: response.headers };
}

const user = (id: number) => ({ type: 'user', id: String(id) });

/** The principal the pages would have for this account (a complete strong session). */
async function pagesPrincipal(accountId: number, liberal = false, delegations: Principal['delegations'] = []) {
  return principalOf(t.deps, {
    idHash: Buffer.alloc(32),
    accountId,
    strength: 'strong',
    authMethod: 'password',
    pendingStep: null,
    authenticatedAt: new Date(),
    amr: [],
    viewer: { firstName: '', lastName: '', username: '' },
    liberal,
    delegations: [...(delegations ?? [])],
  });
}

describe('service clients (client credentials)', () => {
  it('gives a short JWT access token with the registered scopes only; refuses a wrong secret and an unregistered scope', async () => {
    const issued = await clientCredentials(t.app, module, 'access.evaluate');
    expect(issued.body.token_type).toBe('Bearer');
    expect(Number(issued.body.expires_in)).toBeLessThanOrEqual(300);
    expect(issued.body.access_token!.split('.')).toHaveLength(3);
    expect((await clientCredentials(t.app, { ...module, secret: 'faux' }, 'access.evaluate')).body.error).toBe('invalid_client');
    expect((await clientCredentials(t.app, module, 'esms.import')).body.error).toBe('invalid_scope');
  });

  it('refuses a call without token, with a forged or expired token, or without the scope (401/403 with WWW-Authenticate)', async () => {
    const body = { subject: user(1), action: { name: 'directory.read' }, resource: { type: 'region', id: '76' } };
    const none = await t.app.inject({ method: 'POST', url: '/api/v1/access/evaluation', headers: { 'content-type': 'application/json' }, payload: JSON.stringify(body) });
    expect(none.statusCode).toBe(401);
    expect(none.json().message).toContain('Jeton d’accès absent');
    const [h, p, s] = token.split('.');
    const claims = JSON.parse(Buffer.from(p!, 'base64url').toString());
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...claims, scope: 'access.evaluate esms.import' })).toString('base64url')}.${s}`;
    const refused = await ask(body, undefined, forged);
    expect(refused.status).toBe(401);
    expect(refused.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
    // Expired: a token whose exp is past (signed by Habilis's own key, as an old token would be).
    const { loadSigningKeys } = await import('./idp-keys.service.js');
    const { importJWK, SignJWT } = await import('jose');
    const [key] = await loadSigningKeys(t.deps);
    const expired = await new SignJWT({ ...claims, exp: Math.floor(Date.now() / 1000) - 10 }).setProtectedHeader({ alg: 'RS256', kid: key!.kid, typ: 'at+jwt' }).sign(await importJWK(key as never, 'RS256'));
    expect((await ask(body, undefined, expired)).status).toBe(401);
    const other = await registerTestClient(t.deps, admin, { scopes: ['directory.read'], domains: [], redirect: '' });
    const otherToken = (await clientCredentials(t.app, other, 'directory.read')).body.access_token!;
    const noScope = await ask(body, undefined, otherToken);
    expect(noScope.status).toBe(403);
    expect(noScope.headers['www-authenticate']).toBe('Bearer error="insufficient_scope"');
  });

  it('a disabled client gets no new token', async () => {
    const { setClientEnabled } = await import('./idp-clients.service.js');
    const gone = await registerTestClient(t.deps, admin, { scopes: ['access.evaluate'], domains: [], redirect: '' });
    const row = await t.deps.db.selectFrom('idp_clients').select('id').where('client_id', '=', gone.clientId).executeTakeFirstOrThrow();
    await setClientEnabled(t.deps, admin, row.id, false, null);
    expect((await clientCredentials(t.app, gone, 'access.evaluate')).body.error).toBe('invalid_client');
  });
});

describe('decision API (AuthZEN evaluation)', () => {
  it('R17 answers can() as the pages do, over rights × places (property: the decision equals the pages’ own check)', async () => {
    const establishment = await buildEstablishment(t.deps.db, { domain: 'SANITAIRE' });
    const unit = await buildUnit(t.deps.db, establishment.id);
    const elsewhere = await buildEstablishment(t.deps.db, { department: '30', domain: 'SANITAIRE' });
    const otherUnit = await buildUnit(t.deps.db, elsewhere.id);
    const referent = await person();
    await buildHabilitation(t.deps.db, { accountId: referent.id, profile: 'REFERENT_STRUCTURE', establishmentId: establishment.id });
    const coordinator = await person();
    await buildHabilitation(t.deps.db, { accountId: coordinator.id, profile: 'SANITAIRE_COORDINATION', departmentCode: '34' });
    const nobody = await person();
    const accounts = [referent, coordinator, nobody];
    const principals = new Map(await Promise.all(accounts.map(async (a) => [a.id, await pagesPrincipal(a.id)] as const)));
    const places = [
      { resource: { type: 'establishment', id: String(establishment.id) }, place: { level: 'establishment' as const, establishmentId: establishment.id, departmentCode: '34', regionCode: '76' } },
      { resource: { type: 'finess', id: establishment.finess }, place: { level: 'establishment' as const, establishmentId: establishment.id, departmentCode: '34', regionCode: '76' } },
      { resource: { type: 'unit', id: String(unit.id) }, place: { level: 'unit' as const, unitId: unit.id, establishmentId: establishment.id, departmentCode: '34', regionCode: '76' } },
      { resource: { type: 'unit', id: String(otherUnit.id) }, place: { level: 'unit' as const, unitId: otherUnit.id, establishmentId: elsewhere.id, departmentCode: '30', regionCode: '76' } },
      { resource: { type: 'department', id: '34' }, place: { level: 'department' as const, departmentCode: '34', regionCode: '76' } },
      { resource: { type: 'region', id: '76' }, place: { level: 'region' as const, regionCode: '76' } },
    ];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...accounts), fc.constantFrom(...RIGHT_CODES), fc.constantFrom(...places), async (account, right, { resource, place }) => {
        const answer = await ask({ subject: user(account.id), action: { name: right }, resource });
        expect(answer.status).toBe(200);
        expect(answer.body.decision).toBe(can(principals.get(account.id)!, right, place));
      }),
      { numRuns: 60 },
    );
    // And in one batch: every combination, in order.
    const combos = accounts.flatMap((a) => RIGHT_CODES.flatMap((right) => places.map((p) => ({ a, right, p }))));
    for (let i = 0; i < combos.length; i += 100) {
      const chunk = combos.slice(i, i + 100);
      const batch = await ask({ evaluations: chunk.map(({ a, right, p }) => ({ subject: user(a.id), action: { name: right }, resource: p.resource })) }, '/api/v1/access/evaluations');
      expect(batch.status).toBe(200);
      expect((batch.body.evaluations as { decision: boolean }[]).map((e) => e.decision)).toEqual(chunk.map(({ a, right, p }) => can(principals.get(a.id)!, right, p.place)));
    }
  });

  it('R15 answers canActFor as the pages do: professional, assistants × areas × levels, nobody else', async () => {
    const professional = await person();
    await t.deps.db.insertInto('liberal_practices').values({ account_id: professional.id, address: '1 rue des Lilas', postcode: '34000', city: 'Montpellier', created_at: new Date() }).execute();
    const assistant = await person();
    const stranger = await person();
    const delegation = await t.deps.db
      .insertInto('assistant_delegations')
      .values({ professional_account_id: professional.id, assistant_account_id: assistant.id, invited_last_name: assistant.last_name, invited_first_name: assistant.first_name, invited_email: assistant.email, files: 'write', medical: 'read', autonomy: 'none', status: 'active', invitation_expires_at: new Date(), accepted_at: new Date(), created_at: new Date(), updated_at: new Date() } as never)
      .returning('id')
      .executeTakeFirstOrThrow();
    const delegations = [{ delegationId: delegation.id, professionalAccountId: professional.id, files: 'write' as const, medical: 'read' as const, autonomy: 'none' as const }];
    const principals = new Map([
      [professional.id, await pagesPrincipal(professional.id, true)],
      [assistant.id, await pagesPrincipal(assistant.id, false, delegations)],
      [stranger.id, await pagesPrincipal(stranger.id)],
    ]);
    const evaluations = [...principals.keys()].flatMap((id) => DELEGATION_AREAS.flatMap((area) => (['read', 'write'] as const).map((access) => ({ id, area, access }))));
    const batch = await ask(
      { resource: { type: 'professional', id: String(professional.id), properties: { area: 'files' } }, evaluations: evaluations.map(({ id, area, access }) => ({ subject: user(id), action: { name: access }, resource: { type: 'professional', id: String(professional.id), properties: { area } } })) },
      '/api/v1/access/evaluations',
    );
    expect((batch.body.evaluations as { decision: boolean }[]).map((e) => e.decision)).toEqual(evaluations.map(({ id, area, access }) => canActFor(principals.get(id)!, professional.id, area, access)));
    expect((batch.body.evaluations as { decision: boolean }[]).filter((e) => e.decision)).toHaveLength(6 + 3);
    // Revoked: the next decision says no at once.
    await t.deps.db.updateTable('assistant_delegations').set({ status: 'revoked', revoked_at: new Date() } as never).where('id', '=', delegation.id).execute();
    const after = await ask({ subject: user(assistant.id), action: { name: 'read' }, resource: { type: 'professional', id: String(professional.id), properties: { area: 'files' } } });
    expect(after.body.decision).toBe(false);
  });

  it('R17 a revoked habilitation is gone from the decision at once; a refusal is audited, a permit is not', async () => {
    const establishment = await buildEstablishment(t.deps.db, { domain: 'SANITAIRE' });
    const account = await person();
    const habilitation = await buildHabilitation(t.deps.db, { accountId: account.id, profile: 'REFERENT_STRUCTURE', establishmentId: establishment.id });
    const body = { subject: user(account.id), action: { name: 'accounts.manage' }, resource: { type: 'establishment', id: String(establishment.id) } };
    expect((await ask(body)).body).toEqual({ decision: true });
    const audits = () => t.deps.db.selectFrom('audit_events').select(['code', 'description', 'details']).where('subject_account_id', '=', account.id).where('code', '=', 'ACCESS_DENIED').execute();
    expect(await audits()).toHaveLength(0);
    await t.deps.db.updateTable('habilitations').set({ deleted_at: new Date() }).where('id', '=', habilitation.id).execute();
    expect((await ask(body)).body).toEqual({ decision: false, context: { reason: 'NOT_PERMITTED' } });
    const [event] = await audits();
    expect(event!.description).toContain(`Décision refusée à l’application ${module.clientId} : accounts.manage`);
  });

  it('answers 400 with French messages at the fields for a malformed request, never a 500', async () => {
    const bad = await ask({ subject: { type: 'user', id: '0' }, action: { name: 'accounts.manage' }, resource: { type: 'planete', id: 'x' } });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('DECISION_INVALID');
    expect(Object.keys(bad.body.fields as object)).toEqual(expect.arrayContaining(['subject.id']));
    const unknownPlace = await ask({ subject: user(1), action: { name: 'accounts.manage' }, resource: { type: 'unit', id: '2147483647' } });
    expect(unknownPlace.body.decision).toBe(false);
    const huge = await ask({ subject: user(1), action: { name: 'x' }, resource: { type: 'unit', id: '99999999999' } });
    expect(huge.status).toBe(400);
    const missing = await ask({ evaluations: [{ subject: user(1) }] }, '/api/v1/access/evaluations');
    expect(missing.status).toBe(400);
    expect(Object.keys(missing.body.fields as object)[0]).toMatch(/^evaluations\.0\./);
  });
});

describe('rate limit per client', () => {
  it('answers 429 beyond IDP_CLIENT_RATE_PER_SECOND requests of one client in a second', async () => {
    const limited = await buildTestApp({ env: { IDP_CLIENT_RATE_PER_SECOND: '3' } });
    try {
      const client = await registerTestClient(limited.deps, await (await import('../../../test/idp-world.js')).adminPrincipal(limited.deps), { scopes: ['access.evaluate'], domains: [], redirect: '' });
      const bearer = (await clientCredentials(limited.app, client, 'access.evaluate')).body.access_token!;
      const body = JSON.stringify({ subject: user(1), action: { name: 'directory.read' }, resource: { type: 'region', id: '76' } });
      const statuses = [];
      // Ten requests span at most two one-second windows: at most 6 pass.
      for (let i = 0; i < 10; i++) {
        statuses.push((await limited.app.inject({ method: 'POST', url: '/api/v1/access/evaluation', headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' }, payload: body })).statusCode);
      }
      expect(statuses).toContain(429);
      expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(3 * 2);
    } finally {
      await limited.close();
    }
  });
});
