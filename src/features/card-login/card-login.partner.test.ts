/**
 * R16 sign-in from a partner site: a real OpenID provider on loopback plays the partner (a
 * hospital's patient record software). Accepted only with a recent strong authentication.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { buildTestApp, type TestApp } from '../../../test/test-app.js';
import { Agent } from '../../../test/agent.js';
import { buildActiveAccount, trustBrowserOf } from '../../../test/factories.js';
import { startTestPsc, type TestPsc } from '../../../test/psc-provider.js';

const PASSWORD = 'Tulipe-Verte-42';
const NOT_STRONG = 'que si vous vous y êtes connecté avec une méthode forte';
let partner: TestPsc;
let t: TestApp;

beforeAll(async () => {
  partner = await startTestPsc({ redirectUri: 'http://localhost:3000/connexion/partenaire/dpi-chu/retour', postLogoutRedirectUri: 'http://localhost:3000/' });
  partner.acr = null;
  const partners = [{ id: 'dpi-chu', name: 'DPI du CHU', issuer: partner.issuer, clientId: partner.clientId, clientSecret: partner.clientSecret, strongAcr: ['urn:chu:fort'], maxAuthAgeSeconds: 600 }];
  t = await buildTestApp({ env: { PARTNERS: JSON.stringify(partners) } });
});

afterAll(async () => {
  await t?.close();
  await partner?.close();
});

function newPartnerUser() {
  const subject = `chu-${randomUUID().slice(0, 8)}`;
  partner.addUser({ subjectNameId: subject, givenName: 'Rose', familyName: 'Bernard' });
  return subject;
}

async function fromPartner(agent: Agent, subject: string, proof: { amr?: string[] | null; acr?: string | null; authAgeSeconds?: number }) {
  partner.amr = proof.amr ?? null;
  partner.acr = proof.acr ?? null;
  partner.authAgeSeconds = proof.authAgeSeconds ?? 0;
  try {
    const start = await agent.get('/connexion/partenaire/dpi-chu');
    expect(start.statusCode).toBe(303);
    const back = await partner.login(start.headers.location as string, subject);
    return await agent.get(`${back.pathname}${back.search}`);
  } finally {
    partner.amr = null;
    partner.acr = null;
    partner.authAgeSeconds = 0;
  }
}

async function paired(subject: string) {
  const account = await buildActiveAccount(t.deps.db, PASSWORD);
  await t.deps.db.insertInto('professional_identities').values({ kind: 'partner:dpi-chu', subject, account_id: account.id, paired_at: new Date() }).execute();
  return account;
}

describe('R16 sign-in from a partner site', () => {
  it('R16 refuses a password-only sign-in at the partner, with a French page offering to log in directly', async () => {
    const subject = newPartnerUser();
    await paired(subject);
    const agent = new Agent(t.app);
    const refused = await fromPartner(agent, subject, { amr: ['pwd'] });
    expect(refused.statusCode).toBe(403);
    expect(refused.body).toContain(NOT_STRONG);
    expect(refused.body).toContain('href="/connexion"');
    expect(agent.cookies.has('habilis_session')).toBe(false);
    // No amr, no acr at all: refused too.
    expect((await fromPartner(new Agent(t.app), subject, {})).statusCode).toBe(403);
  });

  it('R16 R17 accepts a recent MFA or card sign-in of a paired account, as a strong session stating the partner’s amr', async () => {
    const subject = newPartnerUser();
    const account = await paired(subject);
    for (const amr of [['pwd', 'otp'], ['sc']]) {
      const agent = new Agent(t.app);
      const accepted = await fromPartner(agent, subject, { amr });
      expect(accepted.statusCode).toBe(303);
      expect(accepted.headers.location).toBe('/');
      expect((await agent.get('/mon-compte')).statusCode).toBe(200);
    }
    // R17: each session states the amr the partner gave, as Habilis's ID tokens then do.
    const sessions = await t.deps.db.selectFrom('sessions').select(['strength', 'auth_method', 'amr']).where('account_id', '=', account.id).orderBy('created_at').execute();
    expect(sessions).toEqual([
      { strength: 'strong', auth_method: 'partner:dpi-chu', amr: ['pwd', 'otp'] },
      { strength: 'strong', auth_method: 'partner:dpi-chu', amr: ['sc'] },
    ]);
  });

  it('R16 R17 accepts an acr the partner configuration calls strong; the session states no amr the partner did not give', async () => {
    const subject = newPartnerUser();
    const account = await paired(subject);
    const accepted = await fromPartner(new Agent(t.app), subject, { acr: 'urn:chu:fort' });
    expect(accepted.headers.location).toBe('/');
    const session = await t.deps.db.selectFrom('sessions').select('amr').where('account_id', '=', account.id).executeTakeFirstOrThrow();
    expect(session.amr).toEqual([]);
    const refused = await fromPartner(new Agent(t.app), subject, { acr: 'urn:chu:faible' });
    expect(refused.statusCode).toBe(403);
  });

  it('R16 refuses a strong authentication that is too old', async () => {
    const subject = newPartnerUser();
    await paired(subject);
    const refused = await fromPartner(new Agent(t.app), subject, { amr: ['mfa'], authAgeSeconds: 3600 });
    expect(refused.statusCode).toBe(403);
    expect(refused.body).toContain(NOT_STRONG);
  });

  it('R16 R17 an unpaired partner identity is paired once with the account’s password, never without strong proof', async () => {
    const subject = newPartnerUser();
    const account = await buildActiveAccount(t.deps.db, PASSWORD);
    const agent = new Agent(t.app);
    const first = await fromPartner(agent, subject, { amr: ['mfa'] });
    expect(first.headers.location).toBe('/connexion/partenaire/dpi-chu/association');
    const page = await agent.get('/connexion/partenaire/dpi-chu/association');
    expect(page.body).toContain('Identifiant chez le partenaire');
    expect(page.body).toContain(subject);
    await trustBrowserOf(t.deps.db, agent, account.id);
    const done = await agent.post('/connexion/partenaire/dpi-chu/association', { username: account.username, password: PASSWORD });
    expect(done.headers.location).toBe('/');
    const identities = await t.deps.db.selectFrom('professional_identities').select(['kind', 'subject']).where('account_id', '=', account.id).execute();
    expect(identities).toEqual([{ kind: 'partner:dpi-chu', subject }]);
    // R17: the session opened by the pairing states the amr the partner gave.
    const session = await t.deps.db.selectFrom('sessions').select(['auth_method', 'amr']).where('account_id', '=', account.id).executeTakeFirstOrThrow();
    expect(session).toEqual({ auth_method: 'partner:dpi-chu', amr: ['mfa'] });

    // A weak sign-in of another unpaired identity never reaches the pairing page.
    const other = newPartnerUser();
    const weak = new Agent(t.app);
    expect((await fromPartner(weak, other, { amr: ['pwd'] })).statusCode).toBe(403);
    expect((await weak.post('/connexion/partenaire/dpi-chu/association', { username: account.username, password: PASSWORD })).statusCode).toBe(400);
  });

  it('R16 refuses an unknown partner and a replayed answer', async () => {
    const unknown = await new Agent(t.app).get('/connexion/partenaire/inconnu');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.body).toContain('Ce site partenaire n’est pas connu de Habilis.');

    const subject = newPartnerUser();
    await paired(subject);
    const agent = new Agent(t.app);
    partner.amr = ['mfa'];
    try {
      const start = await agent.get('/connexion/partenaire/dpi-chu');
      const back = await partner.login(start.headers.location as string, subject);
      const flow = agent.cookies.get('habilis_partner')!;
      expect((await agent.get(`${back.pathname}${back.search}`)).headers.location).toBe('/');
      agent.cookies.set('habilis_partner', flow);
      const replay = await agent.get(`${back.pathname}${back.search}`);
      expect(replay.statusCode).toBe(400);
      expect(replay.body).toContain('n’a pas pu être vérifiée');
    } finally {
      partner.amr = null;
    }
  });
});
