/** "Mon compte" and "Mes référents" through HTTP, as a professional and an attacker see them (R40, R41, R42). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { buildTestApp, TEST_SECRET, type TestApp } from '../../../test/test-app.js';
import { Agent } from '../../../test/agent.js';
import { buildActiveAccount, buildEstablishment, buildHabilitation, buildUnit, uniqueMobile, type buildAccount } from '../../../test/factories.js';
import { latestCode, latestLink, messagesTo } from '../../../test/mails.js';
import { fixedClock, formatDateTime } from '../../platform/clock.js';
import { hmac, sha256 } from '../../platform/crypto.js';
import { actorLabel, recordAudit, SYSTEM_ACTOR } from '../../platform/audit/audit.js';
import { RIGHTS } from '../habilitations/habilitation.rights.js';
import { PASSWORD_RULE_TEXT } from '../auth/auth.rules.js';
import type { Account } from '../../db/schema.js';

const PASSWORD = 'Tulipe-Verte-42';
const clock = fixedClock(new Date());
let t: TestApp;

beforeAll(async () => {
  t = await buildTestApp({ deps: { clock } });
});
afterAll(async () => {
  await t.close();
});

const uniqueEmail = () => `${randomUUID()}@exemple.test`;

async function person(overrides: Partial<Parameters<typeof buildAccount>[1]> = {}): Promise<Account> {
  return buildActiveAccount(t.deps.db, PASSWORD, { email: uniqueEmail(), ...overrides });
}

async function audit(accountId: number, code: string) {
  return t.deps.db.selectFrom('audit_events').selectAll().where('subject_account_id', '=', accountId).where('code', '=', code).orderBy('id').execute();
}

async function accountRow(accountId: number) {
  return t.deps.db.selectFrom('accounts').selectAll().where('id', '=', accountId).executeTakeFirstOrThrow();
}

/** Password then code (sent by e-mail, or by SMS to a verified mobile), as a user does. */
async function signIn(account: Account, agent = new Agent(t.app)): Promise<Agent> {
  const step1 = await agent.post('/connexion', { username: account.username, password: PASSWORD });
  expect(step1.statusCode).toBe(303);
  if (step1.headers.location!.startsWith('/connexion/code')) {
    const row = await accountRow(account.id);
    const to = row.otp_channel === 'SMS' ? row.mobile_phone! : row.email;
    const step2 = await agent.post('/connexion/code', { code: await latestCode(t.deps.db, to) });
    expect(step2.statusCode).toBe(303);
  }
  return agent;
}

/** The identity form as the page would post it, with some fields changed. */
function identityFields(account: Account, changes: Record<string, string> = {}): Record<string, string> {
  return {
    lastName: account.last_name,
    firstName: account.first_name,
    email: account.email,
    phone: account.phone ?? '',
    fax: account.fax ?? '',
    mobilePhone: account.mobile_phone ?? '',
    profession: account.profession ?? '',
    currentPassword: '',
    ...changes,
  };
}

/** The reference "Mon compte" prints for a session, computed from its cookie as the server does. */
function sessionRef(cookie: string): string {
  return hmac(Buffer.from(TEST_SECRET), `session-ref:${sha256(cookie).toString('hex')}`).slice(0, 32);
}

describe('R41 Mon compte', () => {
  it('R41 shows the identity, the read-only username and creator, the habilitations with their rights, the sessions and the history', async () => {
    const creator = await person({ first_name: 'Hélène', last_name: 'Martin' });
    const account = await person({ created_by_account_id: creator.id, profession: 'Infirmier', phone: '0467123456' });
    const establishment = await buildEstablishment(t.deps.db, { name: `CHU Page ${randomUUID().slice(0, 6)}` });
    const unit = await buildUnit(t.deps.db, establishment.id, 'Cardiologie');
    await buildHabilitation(t.deps.db, { accountId: account.id, profile: 'SANITAIRE_PRESCRIPTEUR', unitId: unit.id });
    await buildHabilitation(t.deps.db, { accountId: account.id, profile: 'GRAND_AGE_DIRECTION', establishmentId: establishment.id, deletedAt: new Date('2026-03-04T10:00:00Z') });
    const agent = await signIn(account);
    const page = await agent.get('/mon-compte');
    expect(page.statusCode).toBe(200);
    const body = page.body;
    expect(body).toContain('<h1>Mon compte</h1>');
    expect(body).toContain(`<dd>${account.username}</dd>`);
    expect(body).not.toMatch(/name="username"/);
    expect(body).toContain(actorLabel(creator));
    expect(body).toContain('value="04 67 12 34 56"');
    expect(body).toContain('value="Infirmier"');
    expect(body).toContain(`Cardiologie – ${establishment.name}`);
    expect(body).toContain(RIGHTS['referrals.send']);
    expect(body).toContain('Supprimée le');
    expect(body).toContain('04/03/2026');
    expect(body).toContain('Préférence réception de code OTP');
    expect(body).toContain('Cette session');
    // The login left its trace in the history, shown with its responsible.
    expect(body).toContain('Connexion réussie (mot de passe et code à usage unique)');
    expect(body).toContain(actorLabel(account));
  });

  it('R41 sends an anonymous visitor to the login page', async () => {
    const response = await new Agent(t.app).get('/mon-compte');
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/connexion?retour=%2Fmon-compte');
  });

  it('every POST of Mon compte refuses a request without our CSRF token', async () => {
    const account = await person();
    const agent = await signIn(account);
    const posts = t.app.routeTable.filter((r) => r.method === 'POST' && r.url.startsWith('/mon-compte'));
    expect(posts.length).toBeGreaterThan(10);
    for (const route of posts) {
      const url = route.url.replace(':id', '1').replace(':ref', 'x'.repeat(32));
      const response = await t.app.inject({
        method: 'POST',
        url,
        remoteAddress: agent.ip,
        headers: { cookie: agent.cookieHeader, origin: 'http://localhost:3000', accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'lastName=Pirate',
      });
      expect(response.statusCode, url).toBe(403);
      expect(response.json().code, url).toBe('CSRF_INVALID');
    }
    expect((await accountRow(account.id)).last_name).toBe(account.last_name);
  });
});

describe('R41 personal information', () => {
  it('R41 saves name, first name, phone, fax and profession without the password, with its history line', async () => {
    const account = await person();
    const agent = await signIn(account);
    const response = await agent.post('/mon-compte/informations', identityFields(account, {
      lastName: 'Durand-Martin',
      firstName: 'Élise',
      phone: '04.67.12.34.56',
      fax: '+33 4 67 12 34 57',
      profession: 'Cadre de santé',
    }));
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/mon-compte?etat=informations#informations');
    const row = await accountRow(account.id);
    expect(row).toMatchObject({ last_name: 'Durand-Martin', first_name: 'Élise', phone: '0467123456', fax: '0467123457', profession: 'Cadre de santé', email: account.email });
    const [event] = await audit(account.id, 'ACCOUNT_UPDATED');
    expect(event!.description).toBe('Modification des informations personnelles : nom, prénom, téléphone, fax, profession');
    expect(event!.actor_account_id).toBe(account.id);
    const page = await agent.get(response.headers.location!);
    expect(page.body).toContain('Vos informations personnelles sont enregistrées.');
    // The header shows the new name at once.
    expect(page.body).toContain('Élise DURAND-MARTIN');
  });

  it('R41 refuses each invalid field with its French message at the field, and writes nothing', async () => {
    const account = await person();
    const agent = await signIn(account);
    const response = await agent.post('/mon-compte/informations', identityFields(account, {
      lastName: '  ',
      email: 'pas-une-adresse',
      phone: '12',
      fax: 'abc',
      mobilePhone: '04 67 12 34 56',
    }));
    expect(response.statusCode).toBe(400);
    for (const message of [
      'Le nom est obligatoire.',
      'Adresse e-mail invalide : elle doit avoir la forme prenom.nom@etablissement.fr.',
      'Numéro de téléphone invalide',
      'Numéro de fax invalide',
      'Numéro de téléphone mobile invalide : 10 chiffres commençant par 06 ou 07',
    ]) {
      expect(response.body).toContain(message);
    }
    // Longer than their fields: refused at the fields by the input gate (issue 12).
    const long = await agent.post('/mon-compte/informations', identityFields(account, { firstName: 'x'.repeat(101), profession: 'p'.repeat(101) }));
    expect(long.statusCode).toBe(400);
    expect(long.body).toContain('Le prénom : 100 caractères au plus.');
    expect(long.body).toContain('La profession : 100 caractères au plus.');
    expect(long.body).toContain('id="firstName-error"');
    // Each message sits at its field and is linked from the summary.
    expect(response.body).toContain('id="lastName-error"');
    expect(response.body).toContain('href="#mobilePhone"');
    expect(response.body).toContain('aria-invalid="true"');
    const row = await accountRow(account.id);
    expect(row.last_name).toBe(account.last_name);
    expect(row.email).toBe(account.email);
    expect(await audit(account.id, 'ACCOUNT_UPDATED')).toHaveLength(0);
  });

  it('R41 R02 a new e-mail needs the current password; a wrong one counts like a failed login and changes nothing', async () => {
    const account = await person();
    const agent = await signIn(account);
    const newEmail = uniqueEmail();
    const missing = await agent.post('/mon-compte/informations', identityFields(account, { email: newEmail, lastName: 'Autre' }));
    expect(missing.statusCode).toBe(400);
    expect(missing.body).toContain('Saisissez votre mot de passe actuel');
    const wrong = await agent.post('/mon-compte/informations', identityFields(account, { email: newEmail, lastName: 'Autre', currentPassword: 'Mauvais-Mot-2026' }));
    expect(wrong.statusCode).toBe(400);
    expect(wrong.body).toContain('Mot de passe actuel incorrect.');
    // Nothing of the form was written, not even the name.
    const row = await accountRow(account.id);
    expect(row).toMatchObject({ email: account.email, last_name: account.last_name, failed_login_count: 1 });
    expect(wrong.body).not.toContain('Mauvais-Mot-2026');
    expect(await audit(account.id, 'PASSWORD_CHECK_FAILED')).toHaveLength(1);
    expect(await messagesTo(t.deps.db, newEmail)).toHaveLength(0);
  });

  it('R41 R02 five wrong passwords in Mon compte block the account and end its session', async () => {
    const account = await person();
    const agent = await signIn(account);
    for (let i = 0; i < 4; i += 1) {
      expect((await agent.post('/mon-compte/informations', identityFields(account, { email: uniqueEmail(), currentPassword: 'Mauvais-Mot-2026' }))).statusCode).toBe(400);
    }
    const fifth = await agent.post('/mon-compte/mot-de-passe', { currentPassword: 'Mauvais-Mot-2026', password: 'Orage-Calme-2027', confirmation: 'Orage-Calme-2027' });
    expect(fifth.statusCode).toBe(403);
    expect(fifth.body).toContain('Compte bloqué');
    expect((await accountRow(account.id)).blocked_at).not.toBeNull();
    expect(await audit(account.id, 'PASSWORD_CHECK_FAILED')).toHaveLength(5);
    expect(await audit(account.id, 'ACCOUNT_BLOCKED')).toHaveLength(1);
    const after = await agent.get('/mon-compte');
    expect(after.statusCode).toBe(303);
    expect(after.headers.location).toMatch(/^\/connexion/);
  });

  it('R41 a new e-mail is validated by a single-use link; the old address stays until then, and is told', async () => {
    const account = await person({ first_name: 'Inès' });
    const agent = await signIn(account);
    const newEmail = uniqueEmail();
    const response = await agent.post('/mon-compte/informations', identityFields(account, { email: newEmail.toUpperCase(), currentPassword: PASSWORD }));
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/mon-compte?etat=email-demande#informations');
    expect((await accountRow(account.id)).email).toBe(account.email);
    const page = await agent.get('/mon-compte');
    expect(page.body).toContain('Changement d’adresse e-mail en attente');
    expect(page.body).toContain(newEmail);

    const toOld = await messagesTo(t.deps.db, account.email);
    expect(toOld.at(-1)!.subject).toBe('Demande de changement de votre adresse e-mail Habilis');
    const [linkMail] = await messagesTo(t.deps.db, newEmail);
    expect(linkMail!.subject).toBe('Validez votre nouvelle adresse e-mail Habilis');
    expect(linkMail!.sensitive).toBe(true);
    const link = await latestLink(t.deps.db, newEmail);
    const token = new URLSearchParams(link.split('?')[1]).get('jeton')!;
    // Only the hash of the link's token is stored.
    const stored = await t.deps.db.selectFrom('email_changes').selectAll().where('account_id', '=', account.id).execute();
    expect(stored).toHaveLength(1);
    expect(stored[0]!.token_hash.equals(sha256(token))).toBe(true);
    expect(JSON.stringify(stored)).not.toContain(token);

    // The link opens a confirmation page, from any browser; a GET changes nothing.
    const other = new Agent(t.app);
    const confirm = await other.get(link);
    expect(confirm.statusCode).toBe(200);
    expect(confirm.body).toContain(newEmail);
    expect((await accountRow(account.id)).email).toBe(account.email);
    const done = await other.post('/mon-compte/adresse-email/valider', { jeton: token });
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe('/mon-compte/adresse-email/valider?etat=validee');
    expect((await other.get(done.headers.location!)).body).toContain('Adresse e-mail validée');
    const row = await accountRow(account.id);
    expect(row.email).toBe(newEmail);
    expect(row.email_verified_at).not.toBeNull();
    expect((await messagesTo(t.deps.db, account.email)).at(-1)!.subject).toBe('Votre adresse e-mail Habilis a été modifiée');
    expect(await audit(account.id, 'EMAIL_CHANGE_REQUESTED')).toHaveLength(1);
    expect(await audit(account.id, 'EMAIL_CHANGED')).toHaveLength(1);
    // Single use.
    const replay = await other.post('/mon-compte/adresse-email/valider', { jeton: token });
    expect(replay.statusCode).toBe(400);
    expect(replay.body).toContain('Ce lien n’est plus valable');
  });

  it('R41 the e-mail link expires after 24 hours, and a newer request replaces it', async () => {
    const account = await person();
    const agent = await signIn(account);
    const first = uniqueEmail();
    await agent.post('/mon-compte/informations', identityFields(account, { email: first, currentPassword: PASSWORD }));
    const firstLink = await latestLink(t.deps.db, first);
    const second = uniqueEmail();
    await agent.post('/mon-compte/informations', identityFields(account, { email: second, currentPassword: PASSWORD }));
    expect((await new Agent(t.app).get(firstLink)).statusCode).toBe(400);
    const secondLink = await latestLink(t.deps.db, second);
    const start = clock.now();
    clock.advance(24 * 3_600_000 + 1000);
    try {
      const late = await new Agent(t.app).get(secondLink);
      expect(late.statusCode).toBe(400);
      expect(late.body).toContain('Ce lien n’est plus valable');
    } finally {
      clock.set(start);
    }
    expect((await accountRow(account.id)).email).toBe(account.email);
  });

  it('R20 R41 an address of another active account is refused, at the request and again at the link', async () => {
    const account = await person();
    const owner = await person();
    const agent = await signIn(account);
    const taken = await agent.post('/mon-compte/informations', identityFields(account, { email: owner.email.toUpperCase(), currentPassword: PASSWORD }));
    expect(taken.statusCode).toBe(409);
    expect(taken.body).toContain('déjà celle d’un autre compte actif');

    const wanted = uniqueEmail();
    await agent.post('/mon-compte/informations', identityFields(account, { email: wanted, currentPassword: PASSWORD }));
    const token = new URLSearchParams((await latestLink(t.deps.db, wanted)).split('?')[1]).get('jeton')!;
    // Meanwhile another account takes the address.
    await person({ email: wanted });
    const late = await new Agent(t.app).post('/mon-compte/adresse-email/valider', { jeton: token });
    expect(late.statusCode).toBe(409);
    expect((await accountRow(account.id)).email).toBe(account.email);
  });
});

describe('R41 mobile phone and code channel', () => {
  it('R41 a new mobile needs the password, is unverified, and login codes fall back to e-mail', async () => {
    const old = uniqueMobile();
    const account = await person({ mobile_phone: old, mobile_verified_at: new Date(), otp_channel: 'SMS' });
    const agent = await signIn(account);
    const mobile = uniqueMobile();
    expect((await agent.post('/mon-compte/informations', identityFields(account, { mobilePhone: mobile }))).statusCode).toBe(400);
    const saved = await agent.post('/mon-compte/informations', identityFields(account, { mobilePhone: mobile.replace(/(\d{2})/g, '$1 ').trim(), currentPassword: PASSWORD }));
    expect(saved.statusCode).toBe(303);
    const row = await accountRow(account.id);
    expect(row).toMatchObject({ mobile_phone: mobile, mobile_verified_at: null, otp_channel: 'EMAIL' });
    expect((await audit(account.id, 'ACCOUNT_UPDATED'))[0]!.description).toBe('Modification des informations personnelles : téléphone mobile (à vérifier)');
    expect(await audit(account.id, 'OTP_CHANNEL_CHANGED')).toHaveLength(1);
    const page = await agent.get('/mon-compte');
    expect(page.body).toContain('non vérifié');
    expect(page.body).toMatch(/id="channel-sms"[^>]*disabled/);
  });

  it('R41 "Vérifier" sends a 6-digit code by SMS; the right code verifies the number', async () => {
    const mobile = uniqueMobile();
    const account = await person({ mobile_phone: mobile });
    const agent = await signIn(account);
    const sent = await agent.post('/mon-compte/mobile/verifier');
    expect(sent.statusCode).toBe(303);
    expect(sent.headers.location).toBe('/mon-compte/mobile/code');
    const page = await agent.get('/mon-compte/mobile/code');
    expect(page.body).toContain(`par SMS au 06 •• •• •• ${mobile.slice(-2)}`);
    const [sms] = await messagesTo(t.deps.db, mobile);
    expect(sms!.channel).toBe('sms');
    expect(sms!.sensitive).toBe(true);
    const code = await latestCode(t.deps.db, mobile);
    const stored = await t.deps.db.selectFrom('one_time_codes').select(['code_hash', 'purpose']).where('account_id', '=', account.id).where('purpose', '=', 'mobile_verification').executeTakeFirstOrThrow();
    expect(stored.code_hash).not.toContain(code);
    const malformed = await agent.post('/mon-compte/mobile/code', { code: 'abc' });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.body).toContain('Le code se compose de 6 chiffres.');
    const done = await agent.post('/mon-compte/mobile/code', { code });
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe('/mon-compte?etat=mobile-verifie#mobile');
    expect((await accountRow(account.id)).mobile_verified_at).not.toBeNull();
    expect(await audit(account.id, 'MOBILE_VERIFIED')).toHaveLength(1);
    // Works once.
    expect((await agent.post('/mon-compte/mobile/code', { code })).statusCode).toBe(303);
    expect(await audit(account.id, 'MOBILE_VERIFIED')).toHaveLength(1);
  });

  it('R41 wrong codes are counted, the fifth invalidates the code, and a new code is throttled', async () => {
    const mobile = uniqueMobile();
    const account = await person({ mobile_phone: mobile });
    const agent = await signIn(account);
    await agent.post('/mon-compte/mobile/verifier');
    const code = await latestCode(t.deps.db, mobile);
    const wrong = code === '000000' ? '111111' : '000000';
    const first = await agent.post('/mon-compte/mobile/code', { code: wrong });
    expect(first.statusCode).toBe(400);
    expect(first.body).toContain('Il vous reste 4 essais');
    for (let i = 0; i < 4; i += 1) await agent.post('/mon-compte/mobile/code', { code: wrong });
    const late = await agent.post('/mon-compte/mobile/code', { code });
    expect(late.statusCode).toBe(400);
    expect(late.body).toContain('Ce code n’est plus valable');
    expect((await accountRow(account.id)).mobile_verified_at).toBeNull();
    const tooSoon = await agent.post('/mon-compte/mobile/verifier', { depuis: 'code' });
    expect(tooSoon.statusCode).toBe(429);
    expect(tooSoon.body).toContain('Patientez');
    expect(await messagesTo(t.deps.db, mobile)).toHaveLength(1);
  });

  it('R41 R04 the SMS channel is refused without a verified mobile, even by a forged request', async () => {
    const account = await person({ mobile_phone: uniqueMobile() });
    const agent = await signIn(account);
    const refused = await agent.post('/mon-compte/canal-code', { channel: 'SMS', channelPassword: PASSWORD });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('La réception du code par SMS n’est possible qu’avec un téléphone mobile vérifié.');
    const odd = await agent.post('/mon-compte/canal-code', { channel: 'PIGEON', channelPassword: PASSWORD });
    expect(odd.statusCode).toBe(400);
    expect(odd.body).toContain('Choisissez la réception du code par e-mail ou par SMS.');
    expect((await accountRow(account.id)).otp_channel).toBe('EMAIL');
    expect(await audit(account.id, 'OTP_CHANNEL_CHANGED')).toHaveLength(0);
  });

  it('R41 R04 with a verified mobile and the password, SMS is chosen; the next login code comes by SMS', async () => {
    const mobile = uniqueMobile();
    const account = await person({ mobile_phone: mobile, mobile_verified_at: new Date() });
    const agent = await signIn(account);
    expect((await agent.post('/mon-compte/canal-code', { channel: 'SMS', channelPassword: '' })).statusCode).toBe(400);
    const done = await agent.post('/mon-compte/canal-code', { channel: 'SMS', channelPassword: PASSWORD });
    expect(done.statusCode).toBe(303);
    expect((await accountRow(account.id)).otp_channel).toBe('SMS');
    expect((await audit(account.id, 'OTP_CHANNEL_CHANGED'))[0]!.description).toBe(`Réception du code de connexion par SMS (06 •• •• •• ${mobile.slice(-2)})`);
    // Trusted browsers were revoked: even this browser gets the code, through the new channel.
    await agent.post('/deconnexion');
    const login = await agent.post('/connexion', { username: account.username, password: PASSWORD });
    expect(login.headers.location).toMatch(/^\/connexion\/code/);
    expect((await agent.get('/connexion/code')).body).toContain(`par SMS au 06 •• •• •• ${mobile.slice(-2)}`);
    expect((await agent.post('/connexion/code', { code: await latestCode(t.deps.db, mobile) })).statusCode).toBe(303);
  });
});

describe('R41 password', () => {
  it('R41 R07 R08 changes the password with the old one and the new one twice, then offers to end the other sessions', async () => {
    const account = await person();
    const agent = await signIn(account);
    const elsewhere = await signIn(account, new Agent(t.app));
    const page = await agent.get('/mon-compte/mot-de-passe');
    expect(page.body).toContain(PASSWORD_RULE_TEXT);
    const wrong = await agent.post('/mon-compte/mot-de-passe', { currentPassword: 'Mauvais-Mot-2026', password: 'Orage-Calme-2027', confirmation: 'Orage-Calme-2027' });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.body).toContain('Mot de passe actuel incorrect.');
    const weak = await agent.post('/mon-compte/mot-de-passe', { currentPassword: PASSWORD, password: 'court', confirmation: 'court' });
    expect(weak.statusCode).toBe(400);
    expect(weak.body).toContain('Le mot de passe doit contenir au moins 12 caractères.');
    const mismatch = await agent.post('/mon-compte/mot-de-passe', { currentPassword: PASSWORD, password: 'Orage-Calme-2027', confirmation: 'Orage-Calme-2028' });
    expect(mismatch.body).toContain('Les deux mots de passe saisis sont différents.');
    const reused = await agent.post('/mon-compte/mot-de-passe', { currentPassword: PASSWORD, password: PASSWORD, confirmation: PASSWORD });
    expect(reused.body).toContain('déjà été utilisé récemment');
    const done = await agent.post('/mon-compte/mot-de-passe', { currentPassword: PASSWORD, password: 'Orage-Calme-2027', confirmation: 'Orage-Calme-2027' });
    expect(done.statusCode).toBe(303);
    const after = await agent.get(done.headers.location!);
    expect(after.body).toContain('Votre mot de passe est modifié.');
    expect(after.body).toContain('Une autre session de votre compte est ouverte.');
    expect(after.body).toContain('Terminer toutes les autres');
    expect((await accountRow(account.id)).password_hash).toMatch(/^\$argon2id\$/);
    expect(await audit(account.id, 'PASSWORD_CHANGED')).toHaveLength(1);
    expect((await messagesTo(t.deps.db, account.email)).at(-1)!.subject).toBe('Votre mot de passe Habilis a été modifié');
    // The other browser lost its trust: after Déconnexion it needs a new code.
    await elsewhere.post('/deconnexion');
    expect((await elsewhere.post('/connexion', { username: account.username, password: 'Orage-Calme-2027' })).headers.location).toMatch(/^\/connexion\/code/);
    // This browser keeps its trust.
    await agent.post('/deconnexion');
    expect((await agent.post('/connexion', { username: account.username, password: 'Orage-Calme-2027' })).headers.location).toBe('/');
  });
});

describe('R40 R41 Mes habilitations', () => {
  it('R40 R41 the "Réception des mails" flag is saved per habilitation, with its history line', async () => {
    const account = await person();
    const establishment = await buildEstablishment(t.deps.db);
    const first = await buildHabilitation(t.deps.db, { accountId: account.id, profile: 'GRAND_AGE_DIRECTION', establishmentId: establishment.id });
    const second = await buildHabilitation(t.deps.db, { accountId: account.id, profile: 'HANDICAP_ESMS_ADMINISTRATIF', establishmentId: establishment.id });
    const agent = await signIn(account);
    const page = await agent.get('/mon-compte');
    expect(page.body).toMatch(new RegExp(`id="mails-${first.id}"[^>]*checked`));
    const off = await agent.post(`/mon-compte/habilitations/${first.id}/reception-mails`, {});
    expect(off.statusCode).toBe(303);
    expect(off.headers.location).toBe('/mon-compte?etat=mails#habilitations');
    const flags = await t.deps.db.selectFrom('habilitations').select(['id', 'email_notifications']).where('account_id', '=', account.id).orderBy('id').execute();
    expect(flags).toEqual([
      { id: first.id, email_notifications: false },
      { id: second.id, email_notifications: true },
    ]);
    const [event] = await audit(account.id, 'HABILITATION_EMAIL_FLAG_CHANGED');
    expect(event!.description).toBe(`Réception des mails désactivée pour l’habilitation Grand Âge - Direction – ${establishment.name}`);
    expect((await agent.get('/mon-compte')).body).not.toMatch(new RegExp(`id="mails-${first.id}"[^>]*checked`));
    await agent.post(`/mon-compte/habilitations/${first.id}/reception-mails`, { mails: '1' });
    await agent.post(`/mon-compte/habilitations/${first.id}/reception-mails`, { mails: '1' });
    expect(await audit(account.id, 'HABILITATION_EMAIL_FLAG_CHANGED')).toHaveLength(2);
  });

  it('R41 R36 deletes one’s own habilitation after a confirmation page; it stays listed as deleted', async () => {
    const account = await person();
    const establishment = await buildEstablishment(t.deps.db);
    const h = await buildHabilitation(t.deps.db, { accountId: account.id, profile: 'GRAND_AGE_DIRECTION', establishmentId: establishment.id });
    const agent = await signIn(account);
    const confirm = await agent.get(`/mon-compte/habilitations/${h.id}/supprimer`);
    expect(confirm.statusCode).toBe(200);
    expect(confirm.body).toContain('Confirmer la suppression');
    expect((await t.deps.db.selectFrom('habilitations').select('deleted_at').where('id', '=', h.id).executeTakeFirstOrThrow()).deleted_at).toBeNull();
    const done = await agent.post(`/mon-compte/habilitations/${h.id}/supprimer`);
    expect(done.statusCode).toBe(303);
    const row = await t.deps.db.selectFrom('habilitations').selectAll().where('id', '=', h.id).executeTakeFirstOrThrow();
    expect(row.deleted_at).not.toBeNull();
    expect(row.deleted_by_account_id).toBe(account.id);
    const [event] = await audit(account.id, 'HABILITATION_DELETED');
    expect(event!.description).toBe(`Suppression de l’habilitation Grand Âge - Direction – ${establishment.name} par son titulaire`);
    const page = await agent.get(done.headers.location!);
    expect(page.body).toContain('L’habilitation est supprimée.');
    expect(page.body).not.toContain(`/mon-compte/habilitations/${h.id}/supprimer`);
    // Its rights are gone at once.
    expect((await agent.get('/mes-referents')).body).toContain('Vous n’avez aucune habilitation active');
    expect((await agent.post(`/mon-compte/habilitations/${h.id}/supprimer`)).statusCode).toBe(409);
  });

  it('R32 R41 forged requests can neither add, prolong nor widen a habilitation, nor touch another person’s', async () => {
    const establishment = await buildEstablishment(t.deps.db);
    const unit = await buildUnit(t.deps.db, establishment.id);
    const account = await person();
    const colleague = await person();
    // A referent of the structure: the referent pages may change the colleague's habilitations, these pages may not.
    await buildHabilitation(t.deps.db, { accountId: account.id, profile: 'REFERENT_STRUCTURE', establishmentId: establishment.id });
    const mine = await buildHabilitation(t.deps.db, { accountId: account.id, profile: 'SANITAIRE_PRESCRIPTEUR', unitId: unit.id });
    const deleted = await buildHabilitation(t.deps.db, { accountId: account.id, profile: 'SANITAIRE_RECEVEUR', unitId: unit.id, deletedAt: new Date() });
    const theirs = await buildHabilitation(t.deps.db, { accountId: colleague.id, profile: 'SANITAIRE_PRESCRIPTEUR', unitId: unit.id });
    const referentProfile = await t.deps.db.selectFrom('profiles').select('id').where('code', '=', 'REFERENT_STRUCTURE').executeTakeFirstOrThrow();
    const snapshot = async () =>
      t.deps.db.selectFrom('habilitations').selectAll().where('account_id', 'in', [account.id, colleague.id]).orderBy('id').execute();
    const before = await snapshot();
    const agent = await signIn(account);

    // No route adds or prolongs a habilitation of one's own.
    const widen = { profileId: String(referentProfile.id), profile_id: String(referentProfile.id), establishmentId: String(establishment.id), establishment_id: String(establishment.id), unit_id: '', region_code: '76', endDate: '2099-12-31', end_date: '2099-12-31', start_date: '2020-01-01', account_id: String(colleague.id), accountId: String(colleague.id) };
    for (const url of ['/mon-compte/habilitations', `/mon-compte/habilitations/${mine.id}`, `/mon-compte/habilitations/${mine.id}/prolonger`, `/mon-compte/habilitations/${mine.id}/date-de-fin`, '/mon-compte/habilitations/ajouter']) {
      expect((await agent.post(url, widen)).statusCode, url).toBe(404);
    }
    // The flag route changes the flag and nothing else, whatever else is posted.
    expect((await agent.post(`/mon-compte/habilitations/${mine.id}/reception-mails`, { ...widen, mails: '' })).statusCode).toBe(303);
    // Another person's habilitation: the same answer as an unknown one.
    expect((await agent.post(`/mon-compte/habilitations/${theirs.id}/reception-mails`, { mails: '' })).statusCode).toBe(404);
    expect((await agent.get(`/mon-compte/habilitations/${theirs.id}/supprimer`)).statusCode).toBe(404);
    expect((await agent.post(`/mon-compte/habilitations/${theirs.id}/supprimer`)).statusCode).toBe(404);
    expect((await agent.post('/mon-compte/habilitations/999999999/supprimer')).statusCode).toBe(404);
    expect((await agent.post('/mon-compte/habilitations/abc/supprimer')).statusCode).toBe(404);
    // A deleted habilitation cannot be brought back through its flag.
    expect((await agent.post(`/mon-compte/habilitations/${deleted.id}/reception-mails`, { mails: '1' })).statusCode).toBe(409);
    // The identity form ignores ids and fields it does not own.
    await agent.post('/mon-compte/informations', { ...identityFields(account, { lastName: 'Modifié' }), id: String(colleague.id), accountId: String(colleague.id), username: 'pirate', created_by_account_id: String(account.id) });

    const after = await snapshot();
    expect(after).toEqual(before.map((h) => (h.id === mine.id ? { ...h, email_notifications: false } : h)));
    expect((await accountRow(colleague.id)).last_name).toBe(colleague.last_name);
    const me = await accountRow(account.id);
    expect(me).toMatchObject({ last_name: 'Modifié', username: account.username, created_by_account_id: null });
    const events = await t.deps.db.selectFrom('audit_events').select('code').where('subject_account_id', 'in', [account.id, colleague.id]).execute();
    expect(events.map((e) => e.code).filter((c) => c.startsWith('HABILITATION_') && c !== 'HABILITATION_EMAIL_FLAG_CHANGED')).toEqual([]);
    // Every route of these pages: none adds or prolongs.
    const posts = t.app.routeTable.filter((r) => r.method === 'POST' && (r.url.startsWith('/mon-compte') || r.url.startsWith('/mes-referents'))).map((r) => r.url).sort();
    expect(posts).toEqual([
      '/mon-compte/adresse-email/valider',
      // R15: a liberal professional's assistants (delegations, never habilitations).
      '/mon-compte/assistants',
      '/mon-compte/assistants/:id/acces',
      '/mon-compte/assistants/:id/retirer',
      '/mon-compte/canal-code',
      '/mon-compte/habilitations/:id/reception-mails',
      '/mon-compte/habilitations/:id/supprimer',
      '/mon-compte/informations',
      '/mon-compte/mobile/code',
      '/mon-compte/mobile/verifier',
      '/mon-compte/mot-de-passe',
      '/mon-compte/navigateurs/:ref/retirer',
      '/mon-compte/sessions/:ref/terminer',
      '/mon-compte/sessions/terminer-les-autres',
    ]);
  });
});

describe('R41 sessions and trusted browsers', () => {
  it('R41 "Terminer" really ends the other session; the current one is ended by Déconnexion only', async () => {
    const account = await person();
    const agent = await signIn(account);
    const other = await signIn(account, new Agent(t.app));
    expect((await other.get('/mon-compte')).statusCode).toBe(200);
    const page = await agent.get('/mon-compte');
    const refs = [...page.body.matchAll(/action="\/mon-compte\/sessions\/([A-Za-z0-9_-]+)\/terminer"/g)].map((m) => m[1]!);
    expect(refs).toEqual([sessionRef(other.cookies.get('habilis_session')!)]);
    const current = await agent.post(`/mon-compte/sessions/${sessionRef(agent.cookies.get('habilis_session')!)}/terminer`);
    expect(current.statusCode).toBe(400);
    expect(current.body).toContain('utilisez « Déconnexion »');
    const ended = await agent.post(`/mon-compte/sessions/${refs[0]}/terminer`);
    expect(ended.statusCode).toBe(303);
    const kicked = await other.get('/mon-compte');
    expect(kicked.statusCode).toBe(303);
    expect(kicked.headers.location).toBe('/connexion?retour=%2Fmon-compte');
    expect((await agent.get('/mon-compte')).statusCode).toBe(200);
    expect(await audit(account.id, 'SESSION_ENDED')).toHaveLength(1);
  });

  it('R41 "Terminer toutes les autres" ends every other session and the trust of every other browser', async () => {
    const account = await person();
    const agent = await signIn(account);
    const second = await signIn(account, new Agent(t.app));
    const third = await signIn(account, new Agent(t.app));
    const done = await agent.post('/mon-compte/sessions/terminer-les-autres');
    expect(done.statusCode).toBe(303);
    expect((await second.get('/mon-compte')).statusCode).toBe(303);
    expect((await third.get('/mon-compte')).statusCode).toBe(303);
    expect((await agent.get('/mon-compte')).statusCode).toBe(200);
    const [event] = await audit(account.id, 'SESSION_ENDED');
    expect(event!.description).toBe('Fin de toutes les autres sessions (2) et retrait de la confiance aux autres navigateurs (2)');
    // The other browsers need the code again; this one does not.
    expect((await second.post('/connexion', { username: account.username, password: PASSWORD })).headers.location).toMatch(/^\/connexion\/code/);
    await agent.post('/deconnexion');
    expect((await agent.post('/connexion', { username: account.username, password: PASSWORD })).headers.location).toBe('/');
  });

  it('R41 a trusted browser can lose its trust; another account’s session or browser cannot be touched', async () => {
    const account = await person();
    const stranger = await person();
    const agent = await signIn(account);
    const strangerAgent = await signIn(stranger);
    const forged = await agent.post(`/mon-compte/sessions/${sessionRef(strangerAgent.cookies.get('habilis_session')!)}/terminer`);
    expect(forged.statusCode).toBe(404);
    expect((await strangerAgent.get('/mon-compte')).statusCode).toBe(200);
    const page = await agent.get('/mon-compte');
    expect(page.body).toContain('Ce navigateur');
    const [ref] = [...page.body.matchAll(/action="\/mon-compte\/navigateurs\/([A-Za-z0-9_-]+)\/retirer"/g)].map((m) => m[1]!);
    const strangerPage = await strangerAgent.get('/mon-compte');
    const [strangerRef] = [...strangerPage.body.matchAll(/action="\/mon-compte\/navigateurs\/([A-Za-z0-9_-]+)\/retirer"/g)].map((m) => m[1]!);
    expect((await agent.post(`/mon-compte/navigateurs/${strangerRef}/retirer`)).statusCode).toBe(404);
    expect((await agent.post(`/mon-compte/navigateurs/${ref}/retirer`)).statusCode).toBe(303);
    expect(await audit(account.id, 'TRUSTED_BROWSER_REVOKED')).toHaveLength(1);
    await agent.post('/deconnexion');
    expect((await agent.post('/connexion', { username: account.username, password: PASSWORD })).headers.location).toMatch(/^\/connexion\/code/);
    await strangerAgent.post('/deconnexion');
    expect((await strangerAgent.post('/connexion', { username: stranger.username, password: PASSWORD })).headers.location).toBe('/');
  });
});

describe('R24 R41 history of the account', () => {
  it('R24 R41 lists the account’s events newest first, in Paris time, with their responsible, page by page', async () => {
    const account = await person();
    const referent = await person({ first_name: 'Julien', last_name: 'Bernard' });
    const winter = new Date('2026-01-15T08:30:00Z');
    const summer = new Date('2026-07-01T10:00:00Z');
    await recordAudit(t.deps.db, { actor: SYSTEM_ACTOR, subjectAccountId: account.id, code: 'ACCOUNT_CREATED', description: 'Création du compte', at: winter });
    await recordAudit(t.deps.db, {
      actor: { kind: 'account', accountId: referent.id, label: actorLabel(referent) },
      subjectAccountId: account.id,
      code: 'HABILITATION_GRANTED',
      description: 'Ajout de l’habilitation Sanitaire - Prescripteur',
      at: summer,
    });
    await recordAudit(t.deps.db, { actor: SYSTEM_ACTOR, subjectAccountId: referent.id, code: 'ACCOUNT_CREATED', description: 'Événement d’un autre compte', at: summer });
    const agent = await signIn(account);
    const page = await agent.get('/mon-compte/historique');
    expect(page.statusCode).toBe(200);
    const body = page.body;
    expect(formatDateTime(summer)).toBe('01/07/2026 12:00');
    expect(formatDateTime(winter)).toBe('15/01/2026 09:30');
    const login = body.indexOf('Connexion réussie');
    const granted = body.indexOf('Ajout de l’habilitation Sanitaire - Prescripteur');
    const created = body.indexOf('Création du compte');
    expect(login).toBeGreaterThan(0);
    expect(login).toBeLessThan(granted);
    expect(granted).toBeLessThan(created);
    expect(body).toContain('01/07/2026 12:00');
    expect(body).toContain('15/01/2026 09:30');
    expect(body).toContain(actorLabel(referent));
    expect(body).toContain('Système');
    expect(body).not.toContain('Événement d’un autre compte');

    for (let i = 0; i < 60; i += 1) {
      await recordAudit(t.deps.db, { actor: SYSTEM_ACTOR, subjectAccountId: account.id, code: 'OTP_SENT', description: `Événement ${i}`, at: new Date(winter.getTime() - (i + 1) * 60_000) });
    }
    const first = await agent.get('/mon-compte/historique');
    expect(first.body).toContain('Page 1 sur 2');
    expect(first.body).toContain('href="/mon-compte/historique?page=2"');
    const second = await agent.get('/mon-compte/historique?page=2');
    expect(second.body).toContain('Événement 59');
    expect(second.body).not.toContain('Événement 0<');
  });
});

describe('R42 Mes référents', () => {
  it('R42 lists, for each active habilitation, the referents of its unit and establishment with how to reach them; R25 flags fewer than 2', async () => {
    const establishment = await buildEstablishment(t.deps.db, { name: `Clinique R42 ${randomUUID().slice(0, 6)}` });
    const unit = await buildUnit(t.deps.db, establishment.id, 'Médecine interne');
    const otherUnit = await buildUnit(t.deps.db, establishment.id, 'Pédiatrie');
    const wellStaffed = await buildEstablishment(t.deps.db, { name: `EHPAD R42 ${randomUUID().slice(0, 6)}` });
    const elsewhere = await buildEstablishment(t.deps.db, { name: `Autre R42 ${randomUUID().slice(0, 6)}` });
    const account = await person();
    await buildHabilitation(t.deps.db, { accountId: account.id, profile: 'SANITAIRE_PRESCRIPTEUR', unitId: unit.id });
    await buildHabilitation(t.deps.db, { accountId: account.id, profile: 'GRAND_AGE_MEDECIN_COORDONNATEUR', establishmentId: wellStaffed.id });
    // Not active: never a source of referents.
    await buildHabilitation(t.deps.db, { accountId: account.id, profile: 'SANITAIRE_RECEVEUR', unitId: otherUnit.id, start: '2020-01-01', end: '2021-01-01' });

    const structureReferent = await person({ first_name: 'Claire', last_name: 'Petit', phone: '0467000001' });
    await buildHabilitation(t.deps.db, { accountId: structureReferent.id, profile: 'REFERENT_STRUCTURE', establishmentId: establishment.id });
    const unitReferent = await person({ first_name: 'Camille', last_name: 'Dubois' });
    await buildHabilitation(t.deps.db, { accountId: unitReferent.id, profile: 'REFERENT_UNITE', unitId: unit.id });
    const hidden = [
      await person({ last_name: 'Expire' }),
      await person({ last_name: 'Supprime' }),
      await person({ last_name: 'Bloque', blocked_at: new Date() }),
      await person({ last_name: 'Ailleurs' }),
      await person({ last_name: 'Pediatrie' }),
    ];
    await buildHabilitation(t.deps.db, { accountId: hidden[0]!.id, profile: 'REFERENT_STRUCTURE', establishmentId: establishment.id, start: '2020-01-01', end: '2021-01-01' });
    await buildHabilitation(t.deps.db, { accountId: hidden[1]!.id, profile: 'REFERENT_STRUCTURE', establishmentId: establishment.id, deletedAt: new Date() });
    await buildHabilitation(t.deps.db, { accountId: hidden[2]!.id, profile: 'REFERENT_STRUCTURE', establishmentId: establishment.id });
    await buildHabilitation(t.deps.db, { accountId: hidden[3]!.id, profile: 'REFERENT_STRUCTURE', establishmentId: elsewhere.id });
    await buildHabilitation(t.deps.db, { accountId: hidden[4]!.id, profile: 'REFERENT_UNITE', unitId: otherUnit.id });
    for (let i = 0; i < 2; i += 1) {
      const r = await person({ last_name: `Tilleul${i}` });
      await buildHabilitation(t.deps.db, { accountId: r.id, profile: 'REFERENT_STRUCTURE', establishmentId: wellStaffed.id });
    }

    const agent = await signIn(account);
    const page = await agent.get('/mes-referents');
    expect(page.statusCode).toBe(200);
    const sections = page.body.split('<section').slice(1);
    expect(sections).toHaveLength(2);
    const clinic = sections.find((s) => s.includes(establishment.name))!;
    const ehpad = sections.find((s) => s.includes(wellStaffed.name))!;
    expect(clinic).toContain(`Médecine interne – ${establishment.name}`);
    expect(clinic).toContain('Référents de l’unité Médecine interne');
    expect(clinic).toContain('Camille DUBOIS');
    expect(clinic).toContain(`href="mailto:${unitReferent.email}"`);
    expect(clinic).toContain('Claire PETIT');
    expect(clinic).toContain('04 67 00 00 01');
    expect(clinic).toContain('Cette structure compte moins de 2 référents');
    expect(ehpad).toContain('TILLEUL0');
    expect(ehpad).toContain('TILLEUL1');
    expect(ehpad).not.toContain('moins de 2 référents');
    for (const h of hidden) expect(page.body).not.toContain(h.email);
  });

  it('R42 a user with no habilitation is told how to get one', async () => {
    const account = await person();
    const agent = await signIn(account);
    const page = await agent.get('/mes-referents');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Vous n’avez aucune habilitation active');
    expect(page.body).toContain('Comment obtenir une habilitation ?');
    expect(page.body).toContain(account.username);
  });
});
