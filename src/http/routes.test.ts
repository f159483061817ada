/** Every route declares who may call it (STYLE 9): listed here, and refused at start when it does not. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../test/test-app.js';
import { buildEstablishment, buildAccount, buildHabilitation, openTestSession, buildUnit } from '../../test/factories.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
  // Test-only routes, declared like real ones, before the first request starts the app.
  t.app.route({ method: 'GET', url: '/test/connecte', config: { access: 'authenticated' }, handler: async (request) => ({ account: request.principal?.accountId }) });
  t.app.route({ method: 'GET', url: '/test/referent', config: { access: { right: 'accounts.manage' } }, handler: async () => ({ ok: true }) });
  t.app.route({ method: 'GET', url: '/test/qui', config: { access: 'public' }, handler: async (request) => ({ account: request.principal?.accountId ?? null }) });
});
afterAll(async () => {
  await t.close();
});

describe('the route table', () => {
  it('lists every route with its declared access, and every one declares one', () => {
    expect(t.app.routeTable.length).toBeGreaterThan(0);
    for (const route of t.app.routeTable) {
      expect(route.access, `${route.method} ${route.url}`).toBeDefined();
      expect(t.app.hasRoute({ method: route.method, url: route.url })).toBe(true);
    }
    // Every route Fastify knows (HEAD twins aside) is in the table.
    const printed = t.app.printRoutes({ commonPrefix: false, includeMeta: false });
    const table = new Set(t.app.routeTable.map((r) => r.url));
    for (const url of ['/', '/health/live', '/health/ready', '/static/:hash/:name', '/dev/mails', '/dev/sms']) {
      expect(table.has(url), url).toBe(true);
      expect(printed).toContain(url.split('/').pop());
    }
  });

  it('refuses to register a route that declares no access', async () => {
    const fresh = await buildTestApp();
    try {
      expect(() => fresh.app.route({ method: 'GET', url: '/test/sans-droit', handler: async () => 'non' })).toThrow(/ne déclare pas son droit/);
    } finally {
      await fresh.close();
    }
  });
});

describe('guard', () => {
  it('sends an anonymous browser to the login page, keeping only a local return path', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/test/connecte', headers: { accept: 'text/html' } });
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/connexion?retour=%2Ftest%2Fconnecte');
  });

  it('answers 401 in JSON to an anonymous API client', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/test/connecte', headers: { accept: 'application/json' } });
    expect(response.statusCode).toBe(401);
    expect(response.json().code).toBe('UNAUTHENTICATED');
  });

  it('R06 a session that is not strong opens nothing', async () => {
    const account = await buildAccount(t.deps.db);
    const cookie = await openTestSession(t.deps.db, account.id, { strength: 'password' });
    const response = await t.app.inject({ method: 'GET', url: '/test/connecte', headers: { cookie, accept: 'application/json' } });
    expect(response.statusCode).toBe(401);
  });

  it('lets a strong session in, and a right is required where declared', async () => {
    const account = await buildAccount(t.deps.db);
    const cookie = await openTestSession(t.deps.db, account.id);
    const ok = await t.app.inject({ method: 'GET', url: '/test/connecte', headers: { cookie, accept: 'application/json' } });
    expect(ok.json()).toEqual({ account: account.id });
    const refused = await t.app.inject({ method: 'GET', url: '/test/referent', headers: { cookie, accept: 'text/html' } });
    expect(refused.statusCode).toBe(403);
    expect(refused.body).toContain('Accès refusé');
  });

  it('grants a right through an active habilitation, not an expired or deleted one', async () => {
    const establishment = await buildEstablishment(t.deps.db);
    const unit = await buildUnit(t.deps.db, establishment.id);
    const referent = await buildAccount(t.deps.db);
    await buildHabilitation(t.deps.db, { accountId: referent.id, profile: 'REFERENT_UNITE', unitId: unit.id });
    const former = await buildAccount(t.deps.db);
    await buildHabilitation(t.deps.db, { accountId: former.id, profile: 'REFERENT_UNITE', unitId: unit.id, start: '2020-01-01', end: '2021-01-01' });
    await buildHabilitation(t.deps.db, { accountId: former.id, profile: 'REFERENT_UNITE', unitId: unit.id, deletedAt: new Date() });
    const call = async (accountId: number) =>
      t.app.inject({ method: 'GET', url: '/test/referent', headers: { cookie: await openTestSession(t.deps.db, accountId), accept: 'application/json' } });
    expect((await call(referent.id)).statusCode).toBe(200);
    expect((await call(former.id)).statusCode).toBe(403);
  });
});

describe('sessions', () => {
  const who = async (cookie: string) => (await t.app.inject({ method: 'GET', url: '/test/qui', headers: { cookie } })).json().account;

  it('shows the signed-in person in the header with Déconnexion and the menus their rights open', async () => {
    const establishment = await buildEstablishment(t.deps.db);
    const referent = await buildAccount(t.deps.db, { first_name: 'Hélène', last_name: 'Martin' });
    await buildHabilitation(t.deps.db, { accountId: referent.id, profile: 'REFERENT_STRUCTURE', establishmentId: establishment.id });
    const response = await t.app.inject({ method: 'GET', url: '/', headers: { cookie: await openTestSession(t.deps.db, referent.id) } });
    expect(response.body).toContain('Hélène MARTIN');
    expect(response.body).toContain('Déconnexion');
    expect(response.body).toContain('href="/administration/comptes"');
    expect(response.body).toContain('href="/administration/revue"');
    expect(response.body).toContain('href="/mes-referents"');
    // A profile without those rights does not see links that would answer 403.
    const user = await buildAccount(t.deps.db);
    await buildHabilitation(t.deps.db, { accountId: user.id, profile: 'SANITAIRE_PRESCRIPTEUR', establishmentId: establishment.id }).catch(() => undefined);
    const plain = await t.app.inject({ method: 'GET', url: '/', headers: { cookie: await openTestSession(t.deps.db, user.id) } });
    expect(plain.body).toContain('href="/mon-compte"');
    expect(plain.body).not.toContain('href="/administration/comptes"');
    expect(plain.body).not.toContain('href="/observatoire/commander"');
  });

  it('ends after the idle timeout and at the absolute deadline', async () => {
    const account = await buildAccount(t.deps.db);
    expect(await who(await openTestSession(t.deps.db, account.id))).toBe(account.id);
    expect(await who(await openTestSession(t.deps.db, account.id, { lastSeenAt: new Date(Date.now() - 31 * 60_000) }))).toBeNull();
    expect(await who(await openTestSession(t.deps.db, account.id, { expiresAt: new Date(Date.now() - 1000) }))).toBeNull();
  });

  it('R02 a blocked or deactivated account loses its sessions at once', async () => {
    const account = await buildAccount(t.deps.db);
    const cookie = await openTestSession(t.deps.db, account.id);
    expect(await who(cookie)).toBe(account.id);
    await t.deps.db.updateTable('accounts').set({ blocked_at: new Date() }).where('id', '=', account.id).execute();
    expect(await who(cookie)).toBeNull();
  });

  it('a forged or unknown session id opens nothing', async () => {
    expect(await who('habilis_session=inconnu')).toBeNull();
    expect(await who(`habilis_session=${'a'.repeat(500)}`)).toBeNull();
  });
});
