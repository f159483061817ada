/** The login journey through HTTP, as a browser and an attacker see it (R01–R11). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { solveChallenge } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/pbkdf2';
import { buildTestApp, type TestApp } from '../../../test/test-app.js';
import { Agent } from '../../../test/agent.js';
import { buildActiveAccount, type buildAccount } from '../../../test/factories.js';
import { latestCode, latestLink, messagesTo } from '../../../test/mails.js';
import { fixedClock } from '../../platform/clock.js';
import { sha256 } from '../../platform/crypto.js';
import { createAccount } from '../account-admin/account-admin.service.js';
import { SYSTEM_ACTOR } from '../../platform/audit/audit.js';
import { PASSWORD_RULE_TEXT } from './auth.rules.js';
import { TERMS_VERSION } from './terms.js';
import type { Account } from '../../db/schema.js';

const PASSWORD = 'Tulipe-Verte-42';
const clock = fixedClock(new Date());
let verifyCalls = 0;
let t: TestApp;

beforeAll(async () => {
  t = await buildTestApp({ deps: { clock } });
  const { verify } = t.deps.passwords;
  t.deps.passwords = {
    hash: t.deps.passwords.hash,
    verify: async (hash, password) => {
      verifyCalls += 1;
      return verify(hash, password);
    },
  };
  t.app.route({ method: 'GET', url: '/test/espace', config: { access: 'authenticated' }, handler: async (request) => `compte ${request.principal!.accountId}` });
});
afterAll(async () => {
  await t.close();
});

const uniqueEmail = () => `${randomUUID()}@exemple.test`;

async function person(overrides: Partial<Parameters<typeof buildAccount>[1]> = {}): Promise<Account> {
  return buildActiveAccount(t.deps.db, PASSWORD, { email: uniqueEmail(), ...overrides });
}

async function audit(accountId: number, code: string) {
  return t.deps.db.selectFrom('audit_events').selectAll().where('subject_account_id', '=', accountId).where('code', '=', code).execute();
}

/** Password then code, as a user does; returns the agent holding a strong session. */
async function fullLogin(account: Account, agent = new Agent(t.app)): Promise<Agent> {
  const step1 = await agent.post('/connexion', { username: account.username, password: PASSWORD });
  expect(step1.statusCode).toBe(303);
  if (step1.headers.location!.startsWith('/connexion/code')) {
    const step2 = await agent.post('/connexion/code', { code: await latestCode(t.deps.db, account.email) });
    expect(step2.statusCode).toBe(303);
  }
  return agent;
}

/** Strips what differs between two renderings of the same page (CSRF token). */
const normalise = (body: string) => body.replace(/name="_csrf" value="[^"]+"/g, '');

describe('R01 login with username and password', () => {
  it('R01 a wrong password and an unknown username get the same generic answer, after the same hashing work', async () => {
    const account = await person();
    verifyCalls = 0;
    const wrong = await new Agent(t.app).post('/connexion', { username: account.username, password: 'Mauvais-Mot-2026' });
    expect(verifyCalls).toBe(1);
    verifyCalls = 0;
    const unknown = await new Agent(t.app).post('/connexion', { username: `inconnu${randomUUID().slice(0, 8)}`, password: 'Mauvais-Mot-2026' });
    expect(verifyCalls).toBe(1);
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.body).toContain('Nom d’utilisateur ou mot de passe incorrect.');
    // Same page, the typed username aside.
    expect(normalise(wrong.body).replace(account.username, 'X')).toBe(normalise(unknown.body).replace(/inconnu[0-9a-f]{8}/, 'X'));
  });

  it('R01 compares the username trimmed and case-insensitively', async () => {
    const account = await person();
    const response = await new Agent(t.app).post('/connexion', { username: `  ${account.username.toUpperCase()} `, password: PASSWORD });
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toMatch(/^\/connexion\/code/);
  });

  it('R01 refuses a password longer than 128 characters without error', async () => {
    const account = await person();
    const response = await new Agent(t.app).post('/connexion', { username: account.username, password: `${PASSWORD}${'x'.repeat(200)}` });
    expect(response.statusCode).toBe(401);
  });
});

describe('R02 lockout after 5 consecutive failures', () => {
  it('R02 blocks at the fifth failure; the right password then fails with the referent message', async () => {
    const account = await person();
    const agent = new Agent(t.app);
    for (let i = 0; i < 5; i += 1) expect((await agent.post('/connexion', { username: account.username, password: 'Mauvais-Mot-2026' })).statusCode).toBe(401);
    const refused = await agent.post('/connexion', { username: account.username, password: PASSWORD });
    expect(refused.statusCode).toBe(403);
    expect(refused.body).toContain('Compte bloqué');
    expect(refused.body).toContain('Contactez le référent de votre structure');
    expect(await audit(account.id, 'ACCOUNT_BLOCKED')).toHaveLength(1);
    expect(await messagesTo(t.deps.db, account.email)).toHaveLength(0);
  });

  it('R02 a successful login resets the counter', async () => {
    const account = await person();
    const agent = new Agent(t.app);
    for (let i = 0; i < 4; i += 1) await agent.post('/connexion', { username: account.username, password: 'Mauvais-Mot-2026' });
    expect((await agent.post('/connexion', { username: account.username, password: PASSWORD })).statusCode).toBe(303);
    const row = await t.deps.db.selectFrom('accounts').select(['failed_login_count', 'blocked_at']).where('id', '=', account.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ failed_login_count: 0, blocked_at: null });
  });

  it('R02 20 parallel wrong attempts leave the account blocked with a consistent counter and one block event', async () => {
    const account = await person();
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => new Agent(t.app).post('/connexion', { username: account.username, password: 'Mauvais-Mot-2026' })),
    );
    expect(responses.every((r) => r.statusCode === 401)).toBe(true);
    const row = await t.deps.db.selectFrom('accounts').select(['failed_login_count', 'blocked_at']).where('id', '=', account.id).executeTakeFirstOrThrow();
    expect(row.failed_login_count).toBe(5);
    expect(row.blocked_at).not.toBeNull();
    expect(await audit(account.id, 'ACCOUNT_BLOCKED')).toHaveLength(1);
    expect((await new Agent(t.app).post('/connexion', { username: account.username, password: PASSWORD })).statusCode).toBe(403);
  });

  it('R02 a wrong password on a blocked account says nothing more than any wrong password', async () => {
    const account = await person({ blocked_at: new Date(), failed_login_count: 5 });
    const response = await new Agent(t.app).post('/connexion', { username: account.username, password: 'Mauvais-Mot-2026' });
    expect(response.statusCode).toBe(401);
    expect(response.body).not.toContain('bloqué');
  });

  it('R02 after repeated failures from one address, the anti-robot check is required', async () => {
    const agent = new Agent(t.app);
    for (let i = 0; i < 10; i += 1) await agent.post('/connexion', { username: `inconnu${i}`, password: 'Mauvais-Mot-2026' });
    const page = await agent.get('/connexion');
    expect(page.body).toContain('<altcha-widget');
    const account = await person();
    const refused = await agent.post('/connexion', { username: account.username, password: PASSWORD });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('Je ne suis pas un robot');
    const challenge = await (await agent.get('/altcha/challenge', { accept: 'application/json' })).json();
    const solution = await solveChallenge({ challenge, deriveKey });
    const altcha = Buffer.from(JSON.stringify({ challenge, solution })).toString('base64');
    expect((await agent.post('/connexion', { username: account.username, password: PASSWORD, altcha })).statusCode).toBe(303);
    // A solved challenge works once.
    expect((await agent.post('/connexion', { username: account.username, password: PASSWORD, altcha })).statusCode).toBe(400);
  });
});

describe('R04 R06 one-time code', () => {
  it('R06 a password alone opens nothing: the session can only reach the code page', async () => {
    const account = await person();
    const agent = new Agent(t.app);
    await agent.post('/connexion', { username: account.username, password: PASSWORD });
    const page = await agent.get('/test/espace');
    expect(page.statusCode).toBe(303);
    expect(page.headers.location).toMatch(/^\/connexion\?retour=/);
  });

  it('R04 R06 the password step writes the password session, its code, the mail and the OTP_SENT event together', async () => {
    const account = await person();
    const agent = new Agent(t.app);
    const response = await agent.post('/connexion', { username: account.username, password: PASSWORD });
    expect(response.statusCode).toBe(303);
    const idHash = sha256(agent.cookies.get('habilis_session')!);
    const session = await t.deps.db.selectFrom('sessions').select(['account_id', 'strength', 'auth_method']).where('id_hash', '=', idHash).executeTakeFirstOrThrow();
    expect(session).toEqual({ account_id: account.id, strength: 'password', auth_method: 'password' });
    const codes = await t.deps.db.selectFrom('one_time_codes').select(['account_id', 'purpose']).where('session_id_hash', '=', idHash).execute();
    expect(codes).toEqual([{ account_id: account.id, purpose: 'login' }]);
    expect(await messagesTo(t.deps.db, account.email)).toHaveLength(1);
    const [event] = await audit(account.id, 'OTP_SENT');
    expect(event).toMatchObject({ actor_account_id: null, ip: agent.ip });
    expect(event!.description).toContain('par e-mail');
  });

  it('R04 sends a 6-digit code by e-mail and shows the masked address; the code opens a strong session', async () => {
    const account = await person({ email: `nicolas.${randomUUID().slice(0, 6)}@sante-exemple.fr` });
    const agent = new Agent(t.app);
    await agent.post('/connexion', { username: account.username, password: PASSWORD });
    const page = await agent.get('/connexion/code');
    expect(page.body).toContain('par e-mail à n…@s….fr');
    const [mail] = await messagesTo(t.deps.db, account.email);
    expect(mail!.subject).toBe('Votre code de connexion Habilis');
    expect(mail!.sensitive).toBe(true);
    const stored = await t.deps.db.selectFrom('one_time_codes').select('code_hash').where('account_id', '=', account.id).executeTakeFirstOrThrow();
    expect(stored.code_hash).not.toContain(await latestCode(t.deps.db, account.email));
    const passwordCookie = agent.cookies.get('habilis_session');
    const done = await agent.post('/connexion/code', { code: await latestCode(t.deps.db, account.email) });
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe('/');
    // The session id changed at the privilege change.
    expect(agent.cookies.get('habilis_session')).not.toBe(passwordCookie);
    expect((await agent.get('/test/espace')).body).toBe(`compte ${account.id}`);
    expect(await audit(account.id, 'LOGIN_SUCCEEDED')).toHaveLength(1);
    // R70: the method is recorded for the Observatoire's count of strong-authentication methods.
    expect((await audit(account.id, 'LOGIN_SUCCEEDED'))[0]!.details).toEqual({ method: 'code-email' });
  });

  it('R04 sends the code by SMS to a verified mobile when the user chose SMS', async () => {
    const mobile = `06${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
    const account = await person({ otp_channel: 'SMS', mobile_phone: mobile, mobile_verified_at: new Date() });
    const agent = new Agent(t.app);
    await agent.post('/connexion', { username: account.username, password: PASSWORD });
    expect((await agent.get('/connexion/code')).body).toContain(`par SMS au 06 •• •• •• ${mobile.slice(-2)}`);
    const [sms] = await messagesTo(t.deps.db, mobile);
    expect(sms!.channel).toBe('sms');
    expect((await agent.post('/connexion/code', { code: await latestCode(t.deps.db, mobile) })).statusCode).toBe(303);
    expect(await messagesTo(t.deps.db, account.email)).toHaveLength(0);
    expect((await audit(account.id, 'LOGIN_SUCCEEDED'))[0]!.details).toEqual({ method: 'code-sms' });
  });

  it('R04 the code expires after 10 minutes', async () => {
    const account = await person();
    const agent = new Agent(t.app);
    await agent.post('/connexion', { username: account.username, password: PASSWORD });
    const code = await latestCode(t.deps.db, account.email);
    clock.advance(10 * 60_000 + 1000);
    try {
      const response = await agent.post('/connexion/code', { code });
      expect(response.statusCode).toBe(400);
      expect(response.body).toContain('Ce code n’est plus valable');
    } finally {
      clock.advance(-(10 * 60_000 + 1000));
    }
  });

  it('R04 a code works once', async () => {
    const account = await person();
    const agent = new Agent(t.app);
    await agent.post('/connexion', { username: account.username, password: PASSWORD });
    const code = await latestCode(t.deps.db, account.email);
    const passwordSession = agent.cookies.get('habilis_session')!;
    expect((await agent.post('/connexion/code', { code })).statusCode).toBe(303);
    // Replaying the code with the password-step session: that session is gone, and the code is spent.
    const replay = new Agent(t.app);
    replay.cookies.set('habilis_session', passwordSession);
    expect((await replay.post('/connexion/code', { code })).statusCode).toBe(303);
    expect((await replay.post('/connexion/code', { code })).headers.location).toBe('/connexion');
    const rows = await t.deps.db.selectFrom('one_time_codes').select('consumed_at').where('account_id', '=', account.id).execute();
    expect(rows.filter((r) => r.consumed_at !== null)).toHaveLength(1);
  });

  it('R04 five wrong entries invalidate the code, even the right one afterwards', async () => {
    const account = await person();
    const agent = new Agent(t.app);
    await agent.post('/connexion', { username: account.username, password: PASSWORD });
    const code = await latestCode(t.deps.db, account.email);
    const wrong = code === '000000' ? '111111' : '000000';
    const first = await agent.post('/connexion/code', { code: wrong });
    expect(first.statusCode).toBe(400);
    expect(first.body).toContain('Il vous reste 4 essais');
    for (let i = 0; i < 4; i += 1) await agent.post('/connexion/code', { code: wrong });
    const late = await agent.post('/connexion/code', { code });
    expect(late.statusCode).toBe(400);
    expect(late.body).toContain('Ce code n’est plus valable');
    expect(await audit(account.id, 'OTP_INVALIDATED')).toHaveLength(1);
  });

  it('R04 "cliquez ici" sends a new code, replaces the old one, and is throttled', async () => {
    const account = await person();
    const agent = new Agent(t.app);
    await agent.post('/connexion', { username: account.username, password: PASSWORD });
    const first = await latestCode(t.deps.db, account.email);
    const tooSoon = await agent.post('/connexion/code/renvoyer');
    expect(tooSoon.statusCode).toBe(429);
    expect(tooSoon.body).toContain('Patientez');
    clock.advance(61_000);
    const resent = await agent.post('/connexion/code/renvoyer');
    expect(resent.statusCode).toBe(303);
    expect((await agent.get(resent.headers.location!)).body).toContain('Un nouveau code vient de vous être envoyé.');
    expect(await messagesTo(t.deps.db, account.email)).toHaveLength(2);
    const second = await latestCode(t.deps.db, account.email);
    if (first !== second) expect((await agent.post('/connexion/code', { code: first })).statusCode).toBe(400);
    expect((await agent.post('/connexion/code', { code: second })).statusCode).toBe(303);
  });

  it('R04 refuses a malformed code with a French message', async () => {
    const account = await person();
    const agent = new Agent(t.app);
    await agent.post('/connexion', { username: account.username, password: PASSWORD });
    const response = await agent.post('/connexion/code', { code: 'abc' });
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('Le code se compose de 6 chiffres.');
  });
});

describe('R05 trusted browser', () => {
  it('R05 within 8 hours, even after Déconnexion, the same browser skips the code; another browser does not', async () => {
    const account = await person();
    const agent = await fullLogin(account);
    await agent.post('/deconnexion');
    const again = await agent.post('/connexion', { username: account.username, password: PASSWORD });
    expect(again.headers.location).toBe('/');
    expect(await messagesTo(t.deps.db, account.email)).toHaveLength(1);
    const other = await new Agent(t.app).post('/connexion', { username: account.username, password: PASSWORD });
    expect(other.headers.location).toMatch(/^\/connexion\/code/);
  });

  it('R05 after 8 hours the code is asked again', async () => {
    const account = await person();
    const agent = await fullLogin(account);
    await agent.post('/deconnexion');
    clock.advance(8 * 3_600_000 + 1000);
    const later = await agent.post('/connexion', { username: account.username, password: PASSWORD });
    expect(later.headers.location).toMatch(/^\/connexion\/code/);
  });
});

describe('R08 password expiry', () => {
  it('R08 after 6 months the login leads, after the code, to a mandatory change; recent passwords are refused', async () => {
    const old = new Date(clock.now().getTime() - 200 * 24 * 3_600_000);
    const account = await person({ password_changed_at: old });
    const agent = await fullLogin(account);
    expect((await agent.get('/test/espace')).headers.location).toBe('/connexion/nouveau-mot-de-passe');
    const page = await agent.get('/connexion/nouveau-mot-de-passe');
    expect(page.body).toContain(PASSWORD_RULE_TEXT);
    const reused = await agent.post('/connexion/nouveau-mot-de-passe', { password: PASSWORD, confirmation: PASSWORD, endOthers: '1' });
    expect(reused.statusCode).toBe(400);
    expect(reused.body).toContain('déjà été utilisé');
    const weak = await agent.post('/connexion/nouveau-mot-de-passe', { password: 'court', confirmation: 'court' });
    expect(weak.statusCode).toBe(400);
    expect(weak.body).toContain('au moins 12 caractères');
    const mismatch = await agent.post('/connexion/nouveau-mot-de-passe', { password: 'Orage-Calme-2027', confirmation: 'Orage-Calme-2028' });
    expect(mismatch.body).toContain('Les deux mots de passe saisis sont différents.');
    const done = await agent.post('/connexion/nouveau-mot-de-passe', { password: 'Orage-Calme-2027', confirmation: 'Orage-Calme-2027', endOthers: '1' });
    expect(done.statusCode).toBe(303);
    expect((await agent.get('/test/espace')).body).toBe(`compte ${account.id}`);
    expect(await audit(account.id, 'PASSWORD_CHANGED')).toHaveLength(1);
  });
});

describe('R09 forgotten password', () => {
  const solved = async (agent: Agent) => {
    const challenge = await (await agent.get('/altcha/challenge', { accept: 'application/json' })).json();
    const solution = await solveChallenge({ challenge, deriveKey });
    return Buffer.from(JSON.stringify({ challenge, solution })).toString('base64');
  };

  it('R09 answers the same for a known and an unknown username, and only the known one gets a mail', async () => {
    const account = await person();
    const agent = new Agent(t.app);
    const known = await agent.post('/mot-de-passe-oublie', { username: account.username, altcha: await solved(agent) });
    const unknown = await agent.post('/mot-de-passe-oublie', { username: `inconnu${randomUUID().slice(0, 8)}`, altcha: await solved(agent) });
    expect(known.statusCode).toBe(200);
    expect(unknown.statusCode).toBe(200);
    expect(normalise(known.body)).toBe(normalise(unknown.body));
    expect(known.body).toContain('Si ce nom d’utilisateur correspond à un compte');
    expect(await messagesTo(t.deps.db, account.email)).toHaveLength(1);
  });

  it('R09 refuses an anti-robot answer without a valid solution', async () => {
    const agent = new Agent(t.app);
    const forged = Buffer.from(JSON.stringify({ challenge: { parameters: {}, signature: 'faux' }, solution: { counter: 1, derivedKey: '00' } })).toString('base64');
    const response = await agent.post('/mot-de-passe-oublie', { username: 'quelquun', altcha: forged });
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('La vérification anti-robot a échoué');
  });

  it('R09 without JavaScript the request still works, under a stricter limit per username', async () => {
    const account = await person();
    const agent = new Agent(t.app);
    expect((await agent.post('/mot-de-passe-oublie', { username: account.username })).statusCode).toBe(200);
    expect((await agent.post('/mot-de-passe-oublie', { username: account.username })).statusCode).toBe(200);
    const third = await agent.post('/mot-de-passe-oublie', { username: account.username });
    expect(third.statusCode).toBe(429);
    expect(third.body).toContain('Trop de tentatives');
  });

  it('R09 the single-use link sets a password typed twice, ends every session, sends a confirmation, and the code is still asked', async () => {
    const account = await person();
    const elsewhere = await fullLogin(account);
    const agent = new Agent(t.app);
    await agent.post('/mot-de-passe-oublie', { username: account.username, altcha: await solved(agent) });
    const link = await latestLink(t.deps.db, account.email);
    const form = await agent.get(link);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain(PASSWORD_RULE_TEXT);
    const token = new URLSearchParams(link.split('?')[1]).get('jeton')!;
    const done = await agent.post('/mot-de-passe/nouveau', { jeton: token, password: 'Orage-Calme-2027', confirmation: 'Orage-Calme-2027' });
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe('/connexion?etat=reinitialise');
    expect((await elsewhere.get('/test/espace')).statusCode).toBe(303);
    const mails = await messagesTo(t.deps.db, account.email);
    expect(mails.at(-1)!.subject).toBe('Votre mot de passe Habilis a été modifié');
    // Single use.
    expect((await agent.post('/mot-de-passe/nouveau', { jeton: token, password: 'Autre-Orage-2028', confirmation: 'Autre-Orage-2028' })).statusCode).toBe(400);
    // The trusted browser was revoked: the code is asked again.
    const login = await elsewhere.post('/connexion', { username: account.username, password: 'Orage-Calme-2027' });
    expect(login.headers.location).toMatch(/^\/connexion\/code/);
    expect(await audit(account.id, 'PASSWORD_RESET_DONE')).toHaveLength(1);
  });

  it('R09 a reset dissociates the cards and e-CPS paired with the account', async () => {
    const account = await person();
    await t.deps.db.insertInto('professional_identities').values({ kind: 'psc', subject: `8${Date.now()}`.slice(0, 12), account_id: account.id, paired_at: new Date(), last_login_at: new Date() }).execute();
    const agent = new Agent(t.app);
    await agent.post('/mot-de-passe-oublie', { username: account.username, altcha: await solved(agent) });
    const token = new URLSearchParams((await latestLink(t.deps.db, account.email)).split('?')[1]).get('jeton')!;
    await agent.post('/mot-de-passe/nouveau', { jeton: token, password: 'Orage-Calme-2027', confirmation: 'Orage-Calme-2027' });
    expect(await t.deps.db.selectFrom('professional_identities').select('kind').where('account_id', '=', account.id).execute()).toEqual([]);
    expect((await audit(account.id, 'PASSWORD_RESET_DONE'))[0]!.description).toContain('dissociées');
  });

  it('R09 the link is valid 24 hours', async () => {
    const account = await person();
    const agent = new Agent(t.app);
    await agent.post('/mot-de-passe-oublie', { username: account.username, altcha: await solved(agent) });
    const link = await latestLink(t.deps.db, account.email);
    clock.advance(24 * 3_600_000 + 1000);
    const late = await agent.get(link);
    expect(late.statusCode).toBe(400);
    expect(late.body).toContain('Ce lien n’est plus valable');
  });

  it('R09 a reset does not unblock a blocked account', async () => {
    const account = await person({ blocked_at: new Date(), failed_login_count: 5 });
    const agent = new Agent(t.app);
    await agent.post('/mot-de-passe-oublie', { username: account.username, altcha: await solved(agent) });
    const token = new URLSearchParams((await latestLink(t.deps.db, account.email)).split('?')[1]).get('jeton')!;
    await agent.post('/mot-de-passe/nouveau', { jeton: token, password: 'Orage-Calme-2027', confirmation: 'Orage-Calme-2027' });
    expect((await agent.post('/connexion', { username: account.username, password: 'Orage-Calme-2027' })).statusCode).toBe(403);
  });
});

describe('R10 R11 activation and first login', () => {
  it('R11 a new account gets its username and a link; activation, first login, code, terms, then the application', async () => {
    const email = uniqueEmail();
    const created = await createAccount(t.deps, SYSTEM_ACTOR, { lastName: 'Dupré', firstName: 'Élise', email });
    const [mail] = await messagesTo(t.deps.db, email);
    expect(mail!.subject).toBe('Votre compte Habilis est créé');
    expect(mail!.text_body).toContain(`Votre nom d’utilisateur : ${created.username}`);
    const agent = new Agent(t.app);
    const link = await latestLink(t.deps.db, email);
    expect((await agent.get(link)).body).toContain('Activer votre compte');
    const token = new URLSearchParams(link.split('?')[1]).get('jeton')!;
    const activated = await agent.post('/activation', { jeton: token, password: 'Lune-Pleine-2026', confirmation: 'Lune-Pleine-2026' });
    expect(activated.headers.location).toBe('/connexion?etat=active');
    const row = await t.deps.db.selectFrom('accounts').select(['password_hash', 'email_verified_at']).where('id', '=', created.id).executeTakeFirstOrThrow();
    // R10: only a slow salted hash is stored.
    expect(row.password_hash).toMatch(/^\$argon2id\$/);
    expect(row.password_hash).not.toContain('Lune-Pleine-2026');
    expect(row.email_verified_at).not.toBeNull();

    await agent.post('/connexion', { username: created.username, password: 'Lune-Pleine-2026' });
    const afterCode = await agent.post('/connexion/code', { code: await latestCode(t.deps.db, email) });
    expect(afterCode.headers.location).toBe('/connexion/conditions');
    const terms = await agent.get('/connexion/conditions');
    expect(terms.body).toContain('Conditions générales d’utilisation');
    const unchecked = await agent.post('/connexion/conditions', {});
    expect(unchecked.statusCode).toBe(400);
    const accepted = await agent.post('/connexion/conditions', { accept: '1' });
    expect(accepted.headers.location).toBe('/');
    expect((await agent.get('/test/espace')).body).toBe(`compte ${created.id}`);
    const [event] = await audit(created.id, 'TERMS_ACCEPTED');
    expect(event!.description).toContain('Charte validée');
    expect(await audit(created.id, 'ACCOUNT_ACTIVATED')).toHaveLength(1);
  });

  it('R11 a new version of the terms is accepted again at the next login', async () => {
    const account = await person({ terms_version_accepted: '2020-01' });
    const agent = await fullLogin(account);
    expect((await agent.get('/test/espace')).headers.location).toBe('/connexion/conditions');
    await agent.post('/connexion/conditions', { accept: '1' });
    const row = await t.deps.db.selectFrom('accounts').select('terms_version_accepted').where('id', '=', account.id).executeTakeFirstOrThrow();
    expect(row.terms_version_accepted).toBe(TERMS_VERSION);
  });

  it('R11 the activation link is valid 7 days and refuses a weak password in French', async () => {
    const email = uniqueEmail();
    await createAccount(t.deps, SYSTEM_ACTOR, { lastName: 'Morel', firstName: 'Jean', email });
    const link = await latestLink(t.deps.db, email);
    const token = new URLSearchParams(link.split('?')[1]).get('jeton')!;
    const agent = new Agent(t.app);
    const weak = await agent.post('/activation', { jeton: token, password: 'motdepasse', confirmation: 'motdepasse' });
    expect(weak.statusCode).toBe(400);
    expect(weak.body).toContain('Il doit contenir au moins une lettre majuscule.');
    clock.advance(7 * 24 * 3_600_000 + 1000);
    expect((await agent.get(link)).statusCode).toBe(400);
  });

  it('R20 refuses to create a second active account with the same e-mail', async () => {
    const email = uniqueEmail();
    await createAccount(t.deps, SYSTEM_ACTOR, { lastName: 'Petit', firstName: 'Anne', email });
    await expect(createAccount(t.deps, SYSTEM_ACTOR, { lastName: 'Petit', firstName: 'Anne', email: email.toUpperCase() })).rejects.toMatchObject({
      code: 'ACCOUNT_EMAIL_ALREADY_EXISTS',
      status: 409,
    });
  });
});

describe('Déconnexion', () => {
  it('ends the session server-side; the old cookie, replayed, opens nothing', async () => {
    const account = await person();
    const agent = await fullLogin(account);
    const cookie = agent.cookies.get('habilis_session')!;
    const response = await agent.post('/deconnexion');
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/');
    expect(agent.cookies.has('habilis_session')).toBe(false);
    const replay = new Agent(t.app);
    replay.cookies.set('habilis_session', cookie);
    expect((await replay.get('/test/espace')).statusCode).toBe(303);
  });

  it('cannot be triggered by another site', async () => {
    const account = await person();
    const agent = await fullLogin(account);
    const forged = await t.app.inject({
      method: 'POST', url: '/deconnexion',
      headers: { cookie: agent.cookieHeader, origin: 'https://attaquant.example', 'content-type': 'application/x-www-form-urlencoded' }, payload: '',
    });
    expect(forged.statusCode).toBe(403);
    expect((await agent.get('/test/espace')).statusCode).toBe(200);
  });
});

describe('R08 password history', () => {
  it('R08 refuses each of the last 5 passwords, accepts the sixth oldest', async () => {
    const account = await person({ password_changed_at: new Date(clock.now().getTime() - 200 * 24 * 3_600_000) });
    const agent = await fullLogin(account);
    const { changeExpiredPassword } = await import('./auth.service.js');
    const passwords = ['Orage-Calme-2001', 'Orage-Calme-2002', 'Orage-Calme-2003', 'Orage-Calme-2004', 'Orage-Calme-2005'];
    // First change through the page, then four more through the service (each a new password).
    await agent.post('/connexion/nouveau-mot-de-passe', { password: passwords[0]!, confirmation: passwords[0]! });
    const session = { idHash: Buffer.alloc(32), accountId: account.id, strength: 'strong' as const, authMethod: 'password+otp', pendingStep: null, authenticatedAt: new Date(), amr: ['pwd', 'otp', 'mfa'], liberal: false, delegations: [], viewer: { firstName: '', lastName: '', username: account.username } };
    for (const next of passwords.slice(1)) await changeExpiredPassword(t.deps, { session, newPassword: next, confirmation: next, endOtherSessions: false, ip: '10.0.0.1' });
    for (const recent of passwords) {
      await expect(changeExpiredPassword(t.deps, { session, newPassword: recent, confirmation: recent, endOtherSessions: false, ip: '10.0.0.1' })).rejects.toMatchObject({ code: 'PASSWORD_REUSED' });
    }
    // The original password is the sixth most recent: allowed again.
    await expect(changeExpiredPassword(t.deps, { session, newPassword: PASSWORD, confirmation: PASSWORD, endOtherSessions: false, ip: '10.0.0.1' })).resolves.toBeDefined();
  });
});
