/** Habilis as the OpenID provider of the orientation modules (issue 17): sign-in, acr/amr, step-up, claims (R17). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { buildTestApp, type TestApp } from '../../../test/test-app.js';
import { Agent } from '../../../test/agent.js';
import { buildActiveAccount } from '../../../test/factories.js';
import { adminPrincipal, authorizeUrl, codeOf, exchangeCode, follow, PASSWORD, pkce, registerTestClient, signInWithCode, verifyIdToken, type TestClient } from '../../../test/idp-world.js';
import type { Principal } from '../habilitations/habilitation.policy.js';

let t: TestApp;
let admin: Principal;
let client: TestClient;

beforeAll(async () => {
  t = await buildTestApp();
  admin = await adminPrincipal(t.deps);
  client = await registerTestClient(t.deps, admin);
});
afterAll(async () => {
  await t.close();
});

const person = () => buildActiveAccount(t.deps.db, PASSWORD, { email: `${randomUUID()}@exemple.test` });

describe('R17 sign-in of a module through Habilis', () => {
  it('R17 password + e-mail code: the ID token says acr mfa, amr pwd otp mfa, and the real auth_time', async () => {
    const account = await person();
    const agent = new Agent(t.app);
    const { verifier, challenge } = pkce();
    const toLogin = await follow(agent, authorizeUrl(client, challenge));
    expect(toLogin.statusCode).toBe(303);
    expect(toLogin.headers.location).toMatch(/^\/connexion\?retour=%2Foidc%2Finteraction%2F/);
    const retour = decodeURIComponent(toLogin.headers.location!.split('retour=')[1]!);
    const before = Math.floor(Date.now() / 1000);
    const back = await signInWithCode(t.deps, agent, account, retour);
    expect(back).toBe(retour);
    const atModule = await follow(agent, back);
    expect(atModule.statusCode).toBe(303);
    expect(atModule.headers.location).toMatch(/^http:\/\/localhost:4000\/retour\?code=/);
    const tokens = await exchangeCode(t.app, client, codeOf(atModule.headers.location!), verifier);
    expect(tokens.status).toBe(200);
    const claims = await verifyIdToken(t.app, tokens.body.id_token!);
    expect(claims.sub).toBe(String(account.id));
    expect(claims.acr).toBe('urn:habilis:acr:mfa');
    expect(claims.amr).toEqual(['pwd', 'otp', 'mfa']);
    expect(claims.auth_time).toBeGreaterThanOrEqual(before - 1);
    expect(claims.nonce).toBe('nonce-1');
  });
});

/** A session opened by the test as a sign-in method would leave it (a trusted browser, an older password session), with its cookie. */
async function sessionOf(agent: Agent, accountId: number, authMethod: string, amr: string[], authenticatedAt = new Date()) {
  const { randomToken, sha256 } = await import('../../platform/crypto.js');
  const token = randomToken();
  await t.deps.db
    .insertInto('sessions')
    .values({ id_hash: sha256(token), account_id: accountId, strength: 'strong', auth_method: authMethod, amr, authenticated_at: authenticatedAt, last_seen_at: new Date(), expires_at: new Date(Date.now() + 3_600_000) })
    .execute();
  agent.cookies.set('habilis_session', token);
}

async function signInAtModule(agent: Agent, extra: Record<string, string> = {}, target = client) {
  const { verifier, challenge } = pkce();
  const answer = await follow(agent, authorizeUrl(target, challenge, extra));
  return { answer, verifier };
}

async function idTokenOf(answer: { headers: Record<string, unknown> }, verifier: string, target = client) {
  const tokens = await exchangeCode(t.app, target, codeOf(String(answer.headers.location)), verifier);
  expect(tokens.status).toBe(200);
  return { claims: await verifyIdToken(t.app, tokens.body.id_token!), accessToken: tokens.body.access_token! };
}

describe('R17 acr and amr tell the truth about the session', () => {
  // The card and e-CPS sign in through their real routes in idp.methods.test.ts.
  it('R17 a trusted browser: acr trusted-browser, amr pwd', async () => {
    const account = await person();
    const trusted = new Agent(t.app);
    await sessionOf(trusted, account.id, 'password+trusted-browser', ['pwd']);
    const viaTrusted = await signInAtModule(trusted);
    const trustedClaims = (await idTokenOf(viaTrusted.answer, viaTrusted.verifier)).claims;
    expect(trustedClaims.acr).toBe('urn:habilis:acr:trusted-browser');
    expect(trustedClaims.amr).toEqual(['pwd']);
  });

  it('R17 SMS code: amr pwd sms mfa', async () => {
    const { uniqueMobile } = await import('../../../test/factories.js');
    const mobile = uniqueMobile();
    const account = await buildActiveAccount(t.deps.db, PASSWORD, { email: `${randomUUID()}@exemple.test`, mobile_phone: mobile, mobile_verified_at: new Date(), otp_channel: 'SMS' });
    const agent = new Agent(t.app);
    const { answer, verifier } = await signInAtModule(agent);
    const retour = decodeURIComponent(answer.headers.location!.split('retour=')[1]!);
    await agent.post('/connexion', { username: account.username, password: PASSWORD, retour });
    const sms = await t.deps.db.selectFrom('outbox_messages').select('text_body').where('recipient', '=', mobile).orderBy('id', 'desc').executeTakeFirstOrThrow();
    await agent.post('/connexion/code', { code: /\b(\d{6})\b/.exec(sms.text_body)![1]!, retour });
    const back = await follow(agent, retour);
    const { claims } = await idTokenOf(back, verifier);
    expect(claims.amr).toEqual(['pwd', 'sms', 'mfa']);
    expect(claims.acr).toBe('urn:habilis:acr:mfa');
  });

  it('R17 a client asking mfa of a trusted-browser session gets a step-up: the code again, never the weaker session', async () => {
    const account = await person();
    const agent = new Agent(t.app);
    await sessionOf(agent, account.id, 'password+trusted-browser', ['pwd']);
    const { answer, verifier } = await signInAtModule(agent, { acr_values: 'urn:habilis:acr:mfa' });
    expect(answer.statusCode).toBe(200);
    expect(answer.body).toContain('Authentification renforcée demandée');
    const uid = /action="\/oidc\/interaction\/([\w-]+)\/renforcer"/.exec(answer.body)![1]!;
    const stepUp = await agent.post(`/oidc/interaction/${uid}/renforcer`);
    expect(stepUp.headers.location).toBe(`/connexion?renforcer=1&retour=${encodeURIComponent(`/oidc/interaction/${uid}`)}`);
    const login = await agent.get(stepUp.headers.location!);
    expect(login.body).toContain('name="renforcer" value="1"');
    // A trusted browser: without the step-up flag the password alone would do; here the code is asked.
    const { trustBrowserOf } = await import('../../../test/factories.js');
    await trustBrowserOf(t.deps.db, agent, account.id);
    const back = await signInWithCode(t.deps, agent, account, `/oidc/interaction/${uid}`, { renforcer: '1' });
    const done = await follow(agent, back);
    const { claims } = await idTokenOf(done, verifier);
    expect(claims.acr).toBe('urn:habilis:acr:mfa');
    expect(claims.amr).toEqual(['pwd', 'otp', 'mfa']);
  });

  it('R17 max_age older than the session, or prompt=login, asks a new authentication; a card demand is never met by a code', async () => {
    const account = await person();
    const agent = new Agent(t.app);
    await sessionOf(agent, account.id, 'password', ['pwd', 'otp', 'mfa'], new Date(Date.now() - 3_600_000));
    const old = await signInAtModule(agent, { max_age: '600' });
    expect(old.answer.body).toContain('demande que vous vous authentifiiez de nouveau');
    const fresh = await signInAtModule(agent, { max_age: '7200' });
    const { claims } = await idTokenOf(fresh.answer, fresh.verifier);
    expect(claims.auth_time).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) - 3590);
    const forced = await signInAtModule(agent, { prompt: 'login' });
    expect(forced.answer.body).toContain('Authentification renforcée demandée');
    const card = await signInAtModule(agent, { acr_values: 'urn:habilis:acr:card' });
    expect(card.answer.body).toContain('demande une connexion par carte CPS');
    expect(card.answer.headers.location).toBeUndefined();
  });
});

describe('R17 refusals of the provider', () => {
  it('R17 refuses a wrong redirect URI, a missing PKCE, a replayed code and an unknown client', async () => {
    const account = await person();
    const agent = new Agent(t.app);
    await sessionOf(agent, account.id, 'password', ['pwd', 'otp', 'mfa']);
    const { challenge } = pkce();
    const wrongUri = await follow(agent, authorizeUrl(client, challenge, { redirect_uri: 'http://localhost:4000/ailleurs' }));
    expect(wrongUri.statusCode).toBe(400);
    expect(wrongUri.body).toContain('L’adresse de retour demandée par l’application n’est pas celle qui a été enregistrée.');
    const noPkce = await follow(agent, authorizeUrl(client, challenge).replace(/&code_challenge=[^&]+&code_challenge_method=S256/, ''));
    expect(noPkce.headers.location ?? '').toContain('error=invalid_request');
    const unknown = await follow(agent, authorizeUrl({ clientId: 'module-inconnu', secret: '' }, challenge));
    expect(unknown.statusCode).toBe(400);
    const { answer, verifier } = await signInAtModule(agent);
    const code = codeOf(answer.headers.location!);
    expect((await exchangeCode(t.app, client, code, verifier)).status).toBe(200);
    const replay = await exchangeCode(t.app, client, code, verifier);
    expect(replay.status).toBe(400);
    expect(replay.body.error).toBe('invalid_grant');
    const { answer: again, verifier: v2 } = await signInAtModule(agent);
    expect((await exchangeCode(t.app, client, codeOf(again.headers.location!), 'mauvais-verificateur-mauvais-verificateur-123')).body.error).toBe('invalid_grant');
    expect((await exchangeCode(t.app, { ...client, secret: 'faux' }, codeOf(again.headers.location!), v2)).body.error).toBe('invalid_client');
  });
});

describe('R17 claims: identity, verified e-mail, RPPS, habilitations of the client’s domains', () => {
  it('R17 userinfo answers from the database: a revoked habilitation is gone at once; a Handicap client never receives Sanitaire habilitations', async () => {
    const { buildEstablishment, buildHabilitation } = await import('../../../test/factories.js');
    const sanitaire = await buildEstablishment(t.deps.db, { domain: 'SANITAIRE' });
    const handicap = await buildEstablishment(t.deps.db, { domain: 'HANDICAP' });
    const account = await buildActiveAccount(t.deps.db, PASSWORD, { email: `${randomUUID()}@exemple.test`, rpps: '10001234567' });
    const referent = await buildHabilitation(t.deps.db, { accountId: account.id, profile: 'REFERENT_STRUCTURE', establishmentId: sanitaire.id });
    await buildHabilitation(t.deps.db, { accountId: account.id, profile: 'HANDICAP_ESMS_ADMINISTRATIF', establishmentId: handicap.id });
    const handicapClient = await registerTestClient(t.deps, admin, { domains: ['HANDICAP'] });
    const agent = new Agent(t.app);
    await sessionOf(agent, account.id, 'password', ['pwd', 'otp', 'mfa']);

    // The ID token says who and how (conformant: scope claims go to userinfo, read from the database at each call).
    const userinfo = async (accessToken: string) => (await t.app.inject({ method: 'GET', url: '/oidc/me', headers: { authorization: `Bearer ${accessToken}` } })).json() as Record<string, unknown>;
    const sanitaireLogin = await signInAtModule(agent);
    const { claims: idClaims, accessToken } = await idTokenOf(sanitaireLogin.answer, sanitaireLogin.verifier);
    expect(idClaims.sub).toBe(String(account.id));
    const claims = await userinfo(accessToken);
    expect(claims).toMatchObject({ sub: String(account.id), given_name: account.first_name, family_name: account.last_name, preferred_username: account.username, email: account.email, email_verified: true, rpps: '10001234567' });
    const habilitations = claims.habilitations as { profile: { code: string }; domain: string; place: { finess: string }; rights: string[]; endDate: string }[];
    expect(habilitations.map((h) => h.profile.code)).toEqual(['REFERENT_STRUCTURE']);
    expect(habilitations[0]).toMatchObject({ domain: 'SANITAIRE', place: { level: 'establishment', finess: sanitaire.finess, department: '34', region: '76' }, endDate: referent.end_date });
    expect(habilitations[0]!.rights).toContain('accounts.manage');
    await t.deps.db.updateTable('habilitations').set({ deleted_at: new Date() }).where('id', '=', referent.id).execute();
    expect((await userinfo(accessToken)).habilitations).toEqual([]);

    const handicapLogin = await signInAtModule(agent, {}, handicapClient);
    const handicapToken = (await idTokenOf(handicapLogin.answer, handicapLogin.verifier, handicapClient)).accessToken;
    expect(((await userinfo(handicapToken)).habilitations as { domain: string }[]).map((h) => h.domain)).toEqual(['HANDICAP']);
  });

  it('R17 an unverified e-mail address is never stated', async () => {
    const account = await buildActiveAccount(t.deps.db, PASSWORD, { email: `${randomUUID()}@exemple.test`, email_verified_at: null });
    const agent = new Agent(t.app);
    await sessionOf(agent, account.id, 'password', ['pwd', 'otp', 'mfa']);
    const { answer, verifier } = await signInAtModule(agent);
    const { accessToken } = await idTokenOf(answer, verifier);
    const claims = (await t.app.inject({ method: 'GET', url: '/oidc/me', headers: { authorization: `Bearer ${accessToken}` } })).json() as Record<string, unknown>;
    expect(claims.given_name).toBe(account.first_name);
    expect(claims.email).toBeUndefined();
    expect(claims.email_verified).toBeUndefined();
  });
});

describe('R17 logout', () => {
  it('R17 a sign-out at Habilis ends the provider sessions: the next authorization asks the login again, and the userinfo token dies with its grant', async () => {
    const account = await person();
    const agent = new Agent(t.app);
    const first = await signInAtModule(agent);
    const retour = decodeURIComponent(first.answer.headers.location!.split('retour=')[1]!);
    await follow(agent, await signInWithCode(t.deps, agent, account, retour));
    const { answer, verifier } = await signInAtModule(agent);
    const { accessToken } = await idTokenOf(answer, verifier);
    expect((await t.app.inject({ method: 'GET', url: '/oidc/me', headers: { authorization: `Bearer ${accessToken}` } })).statusCode).toBe(200);
    await agent.post('/deconnexion');
    const sessions = await t.deps.db.selectFrom('idp_payloads').select('id').where('model', '=', 'Session').where(sql<string>`payload->>'accountId'`, '=', String(account.id)).execute();
    expect(sessions).toEqual([]);
    expect((await t.app.inject({ method: 'GET', url: '/oidc/me', headers: { authorization: `Bearer ${accessToken}` } })).statusCode).toBe(401);
    const again = await signInAtModule(agent);
    expect(again.answer.headers.location).toMatch(/^\/connexion\?retour=/);
  });

  it('R17 the clients that registered a back-channel logout URI receive a logout token for that person', async () => {
    const { createServer } = await import('node:http');
    const received: string[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        received.push(body);
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as { port: number }).port;
      const notified = await registerTestClient(t.deps, admin, { backchannel: `http://localhost:${port}/deconnexion` });
      const account = await person();
      const agent = new Agent(t.app);
      const first = await signInAtModule(agent, {}, notified);
      const retour = decodeURIComponent(first.answer.headers.location!.split('retour=')[1]!);
      const back = await follow(agent, await signInWithCode(t.deps, agent, account, retour));
      await idTokenOf(back, first.verifier, notified);
      await agent.post('/deconnexion');
      expect(received).toHaveLength(1);
      const logoutToken = new URLSearchParams(received[0]).get('logout_token')!;
      const claims = await verifyIdToken(t.app, logoutToken);
      expect(claims.sub).toBe(String(account.id));
      expect(claims.aud).toBe(notified.clientId);
      expect(claims.events).toHaveProperty(['http://schemas.openid.net/event/backchannel-logout']);
    } finally {
      server.close();
    }
  });
});
