/** R14: a liberal professional creates their account at their first e-CPS login (loopback Pro Santé Connect). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomInt, randomUUID } from 'node:crypto';
import { buildTestApp, type TestApp } from '../../../test/test-app.js';
import { Agent } from '../../../test/agent.js';
import { buildActiveAccount } from '../../../test/factories.js';
import { latestLink, messagesTo } from '../../../test/mails.js';
import { pscEnv, startTestPsc, TEST_APP_URIS, type TestPsc } from '../../../test/psc-provider.js';

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

function newProfessional(type: 'RPPS' | 'ADELI' = 'RPPS') {
  const number = type === 'RPPS' ? `10${String(randomInt(0, 1_000_000_000)).padStart(9, '0')}` : String(randomInt(100_000_000, 1_000_000_000));
  const user = { subjectNameId: `${type === 'RPPS' ? '8' : '0'}${number}`, givenName: 'Lucie', familyName: 'Garnier' };
  psc.addUser(user);
  return { ...user, number };
}

async function firstEcpsLogin(agent: Agent, subjectNameId: string): Promise<void> {
  const start = await agent.get('/connexion/psc');
  const back = await psc.login(start.headers.location as string, subjectNameId);
  const callback = await agent.get(`${back.pathname}${back.search}`);
  expect(callback.headers.location).toBe('/connexion/psc/association');
}

const form = (overrides: Record<string, string> = {}) => ({
  profession: 'Infirmier',
  specialty: 'Soins à domicile',
  email: `liberal-${randomUUID().slice(0, 8)}@exemple.test`,
  phone: '04 67 00 00 00',
  address: '3 rue des Tilleuls',
  postcode: '34000',
  city: 'Montpellier',
  password: 'Fougere-Bleue-77',
  confirmation: 'Fougere-Bleue-77',
  // An attacker's extra fields: the identity comes from the e-CPS only.
  lastName: 'Usurpateur',
  rpps: '10000000000',
  ...overrides,
});

describe('R14 liberal professional account created at the first e-CPS login', () => {
  it('R14 offers "Créer mon compte" with the e-CPS identity read-only, creates the account (username = RPPS), then terms, then the e-mail link', async () => {
    const pro = newProfessional();
    const agent = new Agent(t.app);
    await firstEcpsLogin(agent, pro.subjectNameId);
    const pairing = await agent.get('/connexion/psc/association');
    expect(pairing.body).toContain('href="/connexion/psc/creer-mon-compte"');

    const page = await agent.get('/connexion/psc/creer-mon-compte');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Garnier');
    expect(page.body).toContain('Lucie');
    expect(page.body).toContain(pro.number);
    expect(page.body).not.toMatch(/name="(lastName|firstName|rpps)"/);
    // R13: the places of practice of PSC's SubjectRefPro, shown read-only.
    expect(page.body).toContain('Cabinet médical des Tilleuls (FINESS 340000000)');

    // R07 through the auth rules, and every required field named.
    const invalid = await agent.post('/connexion/psc/creer-mon-compte', form({ password: 'court', confirmation: 'court', postcode: '34', profession: '' }));
    expect(invalid.statusCode).toBe(400);
    expect(invalid.body).toContain('au moins 12 caractères');
    expect(invalid.body).toContain('Le code postal se compose de 5 chiffres.');
    expect(invalid.body).toContain('Indiquez votre profession.');

    const values = form();
    const created = await agent.post('/connexion/psc/creer-mon-compte', values);
    expect(created.statusCode).toBe(303);
    expect(created.headers.location).toBe('/connexion/conditions');

    const account = await t.deps.db.selectFrom('accounts').selectAll().where('username', '=', pro.number).executeTakeFirstOrThrow();
    expect(account).toMatchObject({ rpps: pro.number, last_name: 'Garnier', first_name: 'Lucie', email: values.email, profession: 'Infirmier', phone: '04 67 00 00 00', email_verified_at: null });
    const practice = await t.deps.db.selectFrom('liberal_practices').selectAll().where('account_id', '=', account.id).executeTakeFirstOrThrow();
    expect(practice).toMatchObject({ specialty: 'Soins à domicile', address: '3 rue des Tilleuls', postcode: '34000', city: 'Montpellier' });
    const identity = await t.deps.db.selectFrom('professional_identities').select(['kind', 'subject']).where('account_id', '=', account.id).execute();
    expect(identity).toEqual([{ kind: 'psc', subject: pro.subjectNameId }]);
    const audit = await t.deps.db.selectFrom('audit_events').select('code').where('subject_account_id', '=', account.id).orderBy('id').execute();
    expect(audit.map((a) => a.code)).toEqual(['ACCOUNT_CREATED', 'IDENTITY_PAIRED']);
    const paired = await t.deps.db.selectFrom('audit_events').select('details').where('subject_account_id', '=', account.id).where('code', '=', 'IDENTITY_PAIRED').executeTakeFirstOrThrow();
    expect(paired.details).toMatchObject({ practicePlaces: [{ finess: '340000000', name: 'Cabinet médical des Tilleuls' }] });

    // Terms of use, through the existing pending step.
    expect((await agent.get('/mon-compte')).headers.location).toBe('/connexion/conditions');
    const terms = await agent.post('/connexion/conditions', { accept: '1' });
    expect(terms.headers.location).toBe('/');
    // The session that follows the step is still the e-CPS one.
    const sessions = await t.deps.db.selectFrom('sessions').select('auth_method').where('account_id', '=', account.id).execute();
    expect(sessions).toEqual([{ auth_method: 'psc' }]);
    expect((await agent.get('/mon-compte')).statusCode).toBe(200);

    // The e-mail validation link: once.
    expect(await messagesTo(t.deps.db, values.email)).toHaveLength(1);
    const link = await latestLink(t.deps.db, values.email);
    expect(link).toMatch(/^\/connexion\/psc\/valider-email\?jeton=/);
    const reader = new Agent(t.app);
    expect((await reader.get(link)).statusCode).toBe(200);
    const jeton = new URL(link, 'http://localhost:3000').searchParams.get('jeton')!;
    const validated = await reader.post('/connexion/psc/valider-email', { jeton });
    expect(validated.statusCode).toBe(200);
    expect(validated.body).toContain('Votre adresse e-mail est validée.');
    const verified = await t.deps.db.selectFrom('accounts').select('email_verified_at').where('id', '=', account.id).executeTakeFirstOrThrow();
    expect(verified.email_verified_at).not.toBeNull();
    const again = await reader.post('/connexion/psc/valider-email', { jeton });
    expect(again.statusCode).toBe(400);
    expect(again.body).toContain('Ce lien n’est plus valable');

    // Later, the e-CPS alone opens the account.
    const later = new Agent(t.app);
    const start = await later.get('/connexion/psc');
    const back = await psc.login(start.headers.location as string, pro.subjectNameId);
    expect((await later.get(`${back.pathname}${back.search}`)).headers.location).toBe('/');
  });

  it('R14 R20 refuses an e-mail address already used by another active account', async () => {
    const pro = newProfessional();
    const other = await buildActiveAccount(t.deps.db, 'Tulipe-Verte-42');
    const agent = new Agent(t.app);
    await firstEcpsLogin(agent, pro.subjectNameId);
    const refused = await agent.post('/connexion/psc/creer-mon-compte', form({ email: other.email }));
    expect(refused.statusCode).toBe(409);
    expect(refused.body).toContain('Cette adresse e-mail est déjà celle d’un autre compte.');
    expect(await t.deps.db.selectFrom('accounts').select('id').where('username', '=', pro.number).executeTakeFirst()).toBeUndefined();
  });

  it('R14 refuses a second account for the same RPPS', async () => {
    const pro = newProfessional();
    await buildActiveAccount(t.deps.db, 'Tulipe-Verte-42', { username: pro.number, rpps: pro.number });
    const agent = new Agent(t.app);
    await firstEcpsLogin(agent, pro.subjectNameId);
    const refused = await agent.post('/connexion/psc/creer-mon-compte', form());
    expect(refused.statusCode).toBe(409);
    expect(refused.body).toContain('Un compte existe déjà pour ce numéro RPPS.');
  });

  it('R14 offers no creation to an ADELI identity, and none without a verified e-CPS login', async () => {
    const pro = newProfessional('ADELI');
    const agent = new Agent(t.app);
    await firstEcpsLogin(agent, pro.subjectNameId);
    expect((await agent.get('/connexion/psc/association')).body).not.toContain('creer-mon-compte');
    const refused = await agent.post('/connexion/psc/creer-mon-compte', form());
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('réservée aux professionnels identifiés par un numéro RPPS');

    const stranger = new Agent(t.app);
    const none = await stranger.post('/connexion/psc/creer-mon-compte', form());
    expect(none.statusCode).toBe(400);
    expect(none.body).toContain('Cette étape a expiré ou a déjà servi.');
  });
});
