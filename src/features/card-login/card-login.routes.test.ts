/**
 * e-CPS login through a real OpenID provider on loopback that behaves like Pro Santé Connect (R13),
 * with the pairing rule of R12: as a professional and as an attacker see it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomInt } from 'node:crypto';
import { buildTestApp, type TestApp } from '../../../test/test-app.js';
import { Agent } from '../../../test/agent.js';
import { buildActiveAccount, trustBrowserOf } from '../../../test/factories.js';
import { messagesTo } from '../../../test/mails.js';
import { sha256 } from '../../platform/crypto.js';
import { pscEnv, startTestPsc, TEST_APP_URIS, type TestPsc } from '../../../test/psc-provider.js';

const PASSWORD = 'Tulipe-Verte-42';
const REFUSED = 'La connexion par Pro Santé Connect n’a pas pu être vérifiée';
let psc: TestPsc;
let t: TestApp;

beforeAll(async () => {
  psc = await startTestPsc(TEST_APP_URIS);
  t = await buildTestApp({ env: pscEnv(psc) });
});

afterAll(async () => {
  await t?.close();
  await psc?.close();
});

function newProfessional() {
  const rpps = `10${String(randomInt(0, 1_000_000_000)).padStart(9, '0')}`;
  const user = { subjectNameId: `8${rpps}`, givenName: 'Jeanne', familyName: 'Martin' };
  psc.addUser(user);
  return { ...user, rpps };
}

/** "Se connecter avec Pro Santé Connect", then the provider's login form: returns the redirect back to Habilis. */
async function throughPsc(agent: Agent, subjectNameId: string): Promise<string> {
  const start = await agent.get('/connexion/psc');
  expect(start.statusCode).toBe(303);
  const authorization = new URL(start.headers.location as string);
  expect(authorization.searchParams.get('acr_values')).toBe('eidas1');
  expect(authorization.searchParams.get('scope')).toBe('openid scope_all');
  expect(authorization.searchParams.get('code_challenge_method')).toBe('S256');
  const back = await psc.login(authorization.toString(), subjectNameId);
  expect(back.pathname).toBe('/connexion/psc/retour');
  return `${back.pathname}${back.search}`;
}

async function auditCodes(accountId: number): Promise<string[]> {
  const rows = await t.deps.db.selectFrom('audit_events').select('code').where('subject_account_id', '=', accountId).orderBy('id').execute();
  return rows.map((r) => r.code);
}

async function pairedIdentities(accountId: number) {
  return t.deps.db.selectFrom('professional_identities').select(['kind', 'subject']).where('account_id', '=', accountId).execute();
}

describe('R13 e-CPS login through Pro Santé Connect', () => {
  it('R13 shows the Pro Santé Connect button on the login page only when configured', async () => {
    const page = await new Agent(t.app).get('/connexion');
    expect(page.body).toContain('href="/connexion/psc?retour=%2F"');
    const bare = await buildTestApp();
    try {
      const without = await new Agent(bare.app).get('/connexion');
      expect(without.body).not.toContain('/connexion/psc');
      const start = await new Agent(bare.app).get('/connexion/psc');
      expect(start.headers.location).toBe('/connexion');
    } finally {
      await bare.close();
    }
  });

  it('R12 R13 pairs an unknown e-CPS identity after the correct password, then the e-CPS alone opens a strong session', async () => {
    const pro = newProfessional();
    const account = await buildActiveAccount(t.deps.db, PASSWORD);
    const agent = new Agent(t.app);
    const callback = await agent.get(await throughPsc(agent, pro.subjectNameId));
    expect(callback.statusCode).toBe(303);
    expect(callback.headers.location).toBe('/connexion/psc/association');

    // The pairing page shows the card identity, and a session does not exist yet.
    const pairing = await agent.get('/connexion/psc/association');
    expect(pairing.statusCode).toBe(200);
    expect(pairing.body).toContain('Martin');
    expect(pairing.body).toContain('Jeanne');
    expect(pairing.body).toContain(pro.rpps);
    expect((await agent.get('/mon-compte')).statusCode).toBe(303);

    const wrong = await agent.post('/connexion/psc/association', { username: account.username, password: 'Mauvais-Mot-2-Passe' });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.body).toContain('Nom d’utilisateur ou mot de passe incorrect.');
    expect(wrong.body).toContain(pro.rpps);
    expect(await pairedIdentities(account.id)).toEqual([]);

    // Without a code proven in this browser, the right password alone does not pair.
    const untrusted = await agent.post('/connexion/psc/association', { username: account.username, password: PASSWORD });
    expect(untrusted.statusCode).toBe(403);
    expect(untrusted.body).toContain('connectez-vous d’abord une fois sur ce poste');
    await trustBrowserOf(t.deps.db, agent, account.id);
    const paired = await agent.post('/connexion/psc/association', { username: account.username, password: PASSWORD });
    expect(paired.statusCode).toBe(303);
    expect(paired.headers.location).toBe('/');
    expect((await agent.get('/mon-compte')).statusCode).toBe(200);
    expect(await pairedIdentities(account.id)).toEqual([{ kind: 'psc', subject: pro.subjectNameId }]);
    const session = await t.deps.db.selectFrom('sessions').select(['strength', 'auth_method']).where('account_id', '=', account.id).executeTakeFirstOrThrow();
    expect(session).toEqual({ strength: 'strong', auth_method: 'psc' });
    expect(await auditCodes(account.id)).toEqual(expect.arrayContaining(['LOGIN_FAILED', 'IDENTITY_PAIRED', 'LOGIN_SUCCEEDED']));
    // No one-time code (the e-CPS is the strong factor); the holder is told of the association.
    expect((await messagesTo(t.deps.db, account.email)).map((m) => m.subject)).toEqual(['Une identité a été associée à votre compte Habilis']);

    // The pairing step served once: the same browser cannot pair again with it.
    expect((await agent.post('/connexion/psc/association', { username: account.username, password: PASSWORD })).statusCode).toBe(400);

    // Another day, another browser: the e-CPS alone logs in, no password, no code.
    const later = new Agent(t.app);
    const again = await later.get(await throughPsc(later, pro.subjectNameId));
    expect(again.statusCode).toBe(303);
    expect(again.headers.location).toBe('/');
    expect((await later.get('/mon-compte')).statusCode).toBe(200);
    // Still only the association notice: no code was sent for this login.
    expect(await messagesTo(t.deps.db, account.email)).toHaveLength(1);
  });

  it('R13 sends a paired professional who owes the terms of use to them first', async () => {
    const pro = newProfessional();
    const account = await buildActiveAccount(t.deps.db, PASSWORD, { terms_version_accepted: null, terms_accepted_at: null });
    await t.deps.db.insertInto('professional_identities').values({ kind: 'psc', subject: pro.subjectNameId, account_id: account.id, paired_at: new Date() }).execute();
    const agent = new Agent(t.app);
    const callback = await agent.get(await throughPsc(agent, pro.subjectNameId));
    expect(callback.headers.location).toBe('/connexion/conditions');
    expect((await agent.get('/mon-compte')).headers.location).toBe('/connexion/conditions');
  });

  it('R12 R13 a blocked account cannot pair, even with its correct password', async () => {
    const pro = newProfessional();
    const account = await buildActiveAccount(t.deps.db, PASSWORD, { blocked_at: new Date() });
    const agent = new Agent(t.app);
    await agent.get(await throughPsc(agent, pro.subjectNameId));
    const refused = await agent.post('/connexion/psc/association', { username: account.username, password: PASSWORD });
    expect(refused.statusCode).toBe(403);
    expect(refused.body).toContain('Compte bloqué');
    expect(await pairedIdentities(account.id)).toEqual([]);
    expect(agent.cookies.has('habilis_session')).toBe(false);
  });

  it('R13 refuses the e-CPS login of a paired account blocked since', async () => {
    const pro = newProfessional();
    const account = await buildActiveAccount(t.deps.db, PASSWORD, { blocked_at: new Date() });
    await t.deps.db.insertInto('professional_identities').values({ kind: 'psc', subject: pro.subjectNameId, account_id: account.id, paired_at: new Date() }).execute();
    const agent = new Agent(t.app);
    const refused = await agent.get(await throughPsc(agent, pro.subjectNameId));
    expect(refused.statusCode).toBe(403);
    expect(refused.body).toContain('Compte bloqué');
    expect(agent.cookies.has('habilis_session')).toBe(false);
  });

  it('R13 refuses a wrong state, and the flow cannot be retried with the right one', async () => {
    const pro = newProfessional();
    const agent = new Agent(t.app);
    const back = new URL(await throughPsc(agent, pro.subjectNameId), 'http://localhost:3000');
    const forged = new URL(back);
    forged.searchParams.set('state', 'etat-forge');
    const refused = await agent.get(`${forged.pathname}${forged.search}`);
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain(REFUSED);
    const retried = await agent.get(`${back.pathname}${back.search}`);
    expect(retried.statusCode).toBe(400);
    expect(retried.body).toContain(REFUSED);
  });

  it('R13 refuses an ID token whose nonce is not the one this browser sent', async () => {
    const pro = newProfessional();
    const agent = new Agent(t.app);
    const back = await throughPsc(agent, pro.subjectNameId);
    await t.deps.db
      .updateTable('external_login_flows')
      .set({ nonce: 'un-autre-nonce-que-celui-envoye' })
      .where('flow_hash', '=', sha256(agent.cookies.get('habilis_psc')!))
      .execute();
    const refused = await agent.get(back);
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain(REFUSED);
  });

  it('R13 refuses a missing or lower acr than eidas1', async () => {
    const pro = newProfessional();
    try {
      for (const acr of [null, 'eidas0']) {
        psc.acr = acr;
        const agent = new Agent(t.app);
        const refused = await agent.get(await throughPsc(agent, pro.subjectNameId));
        expect(refused.statusCode).toBe(403);
        expect(refused.body).toContain('n’est pas d’un niveau suffisant');
        expect(agent.cookies.has('habilis_session')).toBe(false);
      }
    } finally {
      psc.acr = 'eidas1';
    }
  });

  it('R13 refuses a replayed code, from the same browser or from another', async () => {
    const pro = newProfessional();
    const account = await buildActiveAccount(t.deps.db, PASSWORD);
    await t.deps.db.insertInto('professional_identities').values({ kind: 'psc', subject: pro.subjectNameId, account_id: account.id, paired_at: new Date() }).execute();
    const agent = new Agent(t.app);
    const back = await throughPsc(agent, pro.subjectNameId);
    const flowCookie = agent.cookies.get('habilis_psc')!;
    expect((await agent.get(back)).headers.location).toBe('/');
    // Same browser, flow cookie put back: the flow was consumed.
    agent.cookies.set('habilis_psc', flowCookie);
    const replay = await agent.get(back);
    expect(replay.statusCode).toBe(400);
    expect(replay.body).toContain(REFUSED);
    // Another browser with a flow of its own but the stolen code: its state does not match.
    const thief = new Agent(t.app);
    await thief.get('/connexion/psc');
    const stolen = await thief.get(back);
    expect(stolen.statusCode).toBe(400);
    expect(stolen.body).toContain(REFUSED);
  });

  it('R13 answers an error sent back by the provider with a French page', async () => {
    const agent = new Agent(t.app);
    await agent.get('/connexion/psc');
    const refused = await agent.get('/connexion/psc/retour?error=access_denied&state=x');
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain(REFUSED);
  });

  it('R13 logout ends the session and offers the provider’s end-session endpoint', async () => {
    const pro = newProfessional();
    const account = await buildActiveAccount(t.deps.db, PASSWORD);
    await t.deps.db.insertInto('professional_identities').values({ kind: 'psc', subject: pro.subjectNameId, account_id: account.id, paired_at: new Date() }).execute();
    const agent = new Agent(t.app);
    await agent.get(await throughPsc(agent, pro.subjectNameId));
    const out = await agent.post('/connexion/psc/deconnexion');
    expect(out.statusCode).toBe(200);
    const link = /href="([^"]*session\/end[^"]*)"/.exec(out.body)?.[1]?.replaceAll('&amp;', '&');
    expect(link).toBeDefined();
    expect(new URL(link!).searchParams.get('id_token_hint')).toBeTruthy();
    expect((await agent.get('/mon-compte')).statusCode).toBe(303);
  });

  it('R13 limits the e-CPS logins one address may start (each writes server-side state)', async () => {
    const agent = new Agent(t.app);
    for (let i = 0; i < 60; i += 1) expect((await agent.get('/connexion/psc')).statusCode).toBe(303);
    const limited = await agent.get('/connexion/psc');
    expect(limited.statusCode).toBe(429);
    expect(limited.body).toContain('Trop de tentatives en peu de temps.');
  });

  it('R13 accepts a userinfo signed as a JWT, as PSC may send it', async () => {
    const signed = await startTestPsc({ ...TEST_APP_URIS, signedUserinfo: true });
    const app = await buildTestApp({ env: pscEnv(signed) });
    try {
      const rpps = `10${String(randomInt(0, 1_000_000_000)).padStart(9, '0')}`;
      signed.addUser({ subjectNameId: `8${rpps}`, givenName: 'Anne', familyName: 'Roux' });
      const agent = new Agent(app.app);
      const start = await agent.get('/connexion/psc');
      const back = await signed.login(start.headers.location as string, `8${rpps}`);
      expect((await agent.get(`${back.pathname}${back.search}`)).headers.location).toBe('/connexion/psc/association');
      const pairing = await agent.get('/connexion/psc/association');
      expect(pairing.body).toContain(rpps);
      expect(pairing.body).toContain('Roux');
    } finally {
      await app.close();
      await signed.close();
    }
  });
});
