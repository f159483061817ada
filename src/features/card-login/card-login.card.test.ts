/**
 * R12 CPS card login, with certificates generated here: a test CA, cards valid, expired, from an
 * unknown CA, with the wrong key usage, revoked; through a trusted proxy's header, a forged header,
 * and a real TLS handshake with the application serving https itself. R15: an invited assistant
 * joins with their card.
 */
// @peculiar/x509 relies on tsyringe, which needs the Reflect metadata API loaded first.
import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomInt } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as x509 from '@peculiar/x509';
import { buildTestApp, type TestApp } from '../../../test/test-app.js';
import { Agent } from '../../../test/agent.js';
import { buildActiveAccount, openTestSession, trustBrowserOf } from '../../../test/factories.js';
import { latestCode, latestLink } from '../../../test/mails.js';
import { ALG, DAY, issueCard, issueTlsCertificate, newCa, privateKeyPem, type Ca, type Card } from '../../../test/certificates.js';

const PASSWORD = 'Tulipe-Verte-42';
const PROXY = '10.250.0.1';
const HEADER = 'x-ssl-client-cert';
let ca: Ca;
let strangerCa: Ca;
let dir: string;
let t: TestApp;

beforeAll(async () => {
  ca = await newCa('AC de test IGC-Santé');
  strangerCa = await newCa('AC inconnue');
  dir = await mkdtemp(path.join(tmpdir(), 'habilis-card-'));
  await writeFile(path.join(dir, 'ca.pem'), ca.cert.toString('pem'));
  t = await buildTestApp({ env: { CARD_CA_FILE: path.join(dir, 'ca.pem'), CARD_CERT_HEADER: HEADER, CARD_PROXY_ADDRESSES: PROXY } });
});

afterAll(async () => {
  await t?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** A browser behind the TLS-terminating proxy: its requests reach Habilis from the proxy's address. */
function behindProxy(): Agent {
  return new Agent(t.app, PROXY);
}

const withCard = (card: Card) => ({ [HEADER]: encodeURIComponent(card.cert.toString('pem')) });

describe('R12 CPS card login', () => {
  it('R12 the login page offers the card only where card login is configured', async () => {
    const page = await t.app.inject({ method: 'GET', url: '/connexion', headers: { accept: 'text/html' } });
    expect(page.body).toContain('href="/connexion/carte?retour=%2F"');
    const plain = await buildTestApp();
    try {
      expect((await plain.app.inject({ method: 'GET', url: '/connexion', headers: { accept: 'text/html' } })).body).not.toContain('/connexion/carte');
    } finally {
      await plain.close();
    }
  });

  it('R12 refuses to pair a card whose RPPS is not the account’s', async () => {
    const card = await issueCard(ca);
    const other = card.rpps.endsWith('1') ? `${card.rpps.slice(0, -1)}2` : `${card.rpps.slice(0, -1)}1`;
    const account = await buildActiveAccount(t.deps.db, PASSWORD, { rpps: other });
    const browser = behindProxy();
    await browser.get('/connexion/carte', withCard(card));
    await trustBrowserOf(t.deps.db, browser, account.id);
    const refused = await browser.post('/connexion/carte/association', { username: account.username, password: PASSWORD });
    expect(refused.statusCode).toBe(403);
    expect(refused.body).toContain('n’est pas celui de ce compte');
    expect(await t.deps.db.selectFrom('professional_identities').select('kind').where('account_id', '=', account.id).execute()).toEqual([]);
  });

  it('R12 R13 one identity per account: the first pairing records the RPPS; another RPPS is refused afterwards', async () => {
    const card = await issueCard(ca);
    const account = await buildActiveAccount(t.deps.db, PASSWORD);
    const browser = behindProxy();
    await browser.get('/connexion/carte', withCard(card));
    await trustBrowserOf(t.deps.db, browser, account.id);
    expect((await browser.post('/connexion/carte/association', { username: account.username, password: PASSWORD })).statusCode).toBe(303);
    expect((await t.deps.db.selectFrom('accounts').select('rpps').where('id', '=', account.id).executeTakeFirstOrThrow()).rpps).toBe(card.rpps);
    const paired = await t.deps.db.selectFrom('audit_events').select('description').where('subject_account_id', '=', account.id).where('code', '=', 'IDENTITY_PAIRED').executeTakeFirstOrThrow();
    expect(paired.description).toContain(`RPPS ${card.rpps} enregistré sur le compte`);

    // An account from before this rule: an e-CPS of one RPPS paired, no RPPS recorded. A card of another RPPS is refused.
    const older = await buildActiveAccount(t.deps.db, PASSWORD);
    const ecps = await issueCard(ca);
    await t.deps.db.insertInto('professional_identities').values({ kind: 'psc', subject: ecps.subject, account_id: older.id, paired_at: new Date() }).execute();
    const other = await issueCard(ca);
    const second = behindProxy();
    await second.get('/connexion/carte', withCard(other));
    await trustBrowserOf(t.deps.db, second, older.id);
    const refused = await second.post('/connexion/carte/association', { username: older.username, password: PASSWORD });
    expect(refused.statusCode).toBe(403);
    expect(refused.body).toContain('n’est pas celui de ce compte');
    expect(await t.deps.db.selectFrom('professional_identities').select('kind').where('account_id', '=', older.id).execute()).toEqual([{ kind: 'psc' }]);
  });

  it('R12 a card whose RPPS is already another account’s is refused: one account per professional', async () => {
    const card = await issueCard(ca);
    await buildActiveAccount(t.deps.db, PASSWORD, { rpps: card.rpps });
    const account = await buildActiveAccount(t.deps.db, PASSWORD);
    const browser = behindProxy();
    await browser.get('/connexion/carte', withCard(card));
    await trustBrowserOf(t.deps.db, browser, account.id);
    const refused = await browser.post('/connexion/carte/association', { username: account.username, password: PASSWORD });
    expect(refused.statusCode).toBe(409);
    expect(refused.body).toContain('déjà celui d’un autre compte');
    expect(await t.deps.db.selectFrom('professional_identities').select('kind').where('account_id', '=', account.id).execute()).toEqual([]);
  });

  it('R12 pairs a valid card after the account’s password, then the card alone opens a strong session', async () => {
    const card = await issueCard(ca);
    const account = await buildActiveAccount(t.deps.db, PASSWORD);
    const browser = behindProxy();
    const first = await browser.get('/connexion/carte', withCard(card));
    expect(first.statusCode).toBe(303);
    expect(first.headers.location).toBe('/connexion/carte/association');
    const pairing = await browser.get('/connexion/carte/association');
    expect(pairing.body).toContain('Durand');
    expect(pairing.body).toContain('Paul');
    expect(pairing.body).toContain(card.rpps);
    await trustBrowserOf(t.deps.db, browser, account.id);
    const paired = await browser.post('/connexion/carte/association', { username: account.username, password: PASSWORD });
    expect(paired.statusCode).toBe(303);
    expect(paired.headers.location).toBe('/');
    expect((await browser.get('/mon-compte')).statusCode).toBe(200);
    const identities = await t.deps.db.selectFrom('professional_identities').select(['kind', 'subject']).where('account_id', '=', account.id).execute();
    expect(identities).toEqual([{ kind: 'cps', subject: card.subject }]);
    const audit = await t.deps.db.selectFrom('audit_events').select('code').where('subject_account_id', '=', account.id).execute();
    expect(audit.map((a) => a.code)).toContain('IDENTITY_PAIRED');

    const later = behindProxy();
    const again = await later.get('/connexion/carte', withCard(card));
    expect(again.headers.location).toBe('/');
    expect((await later.get('/mon-compte')).statusCode).toBe(200);
    const session = await t.deps.db.selectFrom('sessions').select(['strength', 'auth_method']).where('account_id', '=', account.id).orderBy('created_at', 'desc').executeTakeFirstOrThrow();
    expect(session).toEqual({ strength: 'strong', auth_method: 'cps' });
  });

  it('R12 a blocked account cannot pair its card', async () => {
    const card = await issueCard(ca);
    const account = await buildActiveAccount(t.deps.db, PASSWORD, { blocked_at: new Date() });
    const browser = behindProxy();
    await browser.get('/connexion/carte', withCard(card));
    const refused = await browser.post('/connexion/carte/association', { username: account.username, password: PASSWORD });
    expect(refused.statusCode).toBe(403);
    expect(refused.body).toContain('Compte bloqué');
    expect(await t.deps.db.selectFrom('professional_identities').select('id').where('account_id', '=', account.id).execute()).toEqual([]);
  });

  it('R12 refuses an expired card', async () => {
    const card = await issueCard(ca, { notBefore: new Date(Date.now() - 400 * DAY), notAfter: new Date(Date.now() - DAY) });
    const refused = await behindProxy().get('/connexion/carte', withCard(card));
    expect(refused.statusCode).toBe(403);
    expect(refused.body).toContain('Le certificat de votre carte CPS a expiré');
  });

  it('R12 refuses a card issued by an unknown CA', async () => {
    const card = await issueCard(strangerCa);
    const refused = await behindProxy().get('/connexion/carte', withCard(card));
    expect(refused.statusCode).toBe(403);
    expect(refused.body).toContain('n’est pas émis par une autorité reconnue');
  });

  it('R12 refuses a certificate whose key usage is not for signing in', async () => {
    for (const options of [{ usage: x509.KeyUsageFlags.keyEncipherment }, { eku: ['1.3.6.1.5.5.7.3.1'] }]) {
      const card = await issueCard(ca, options);
      const refused = await behindProxy().get('/connexion/carte', withCard(card));
      expect(refused.statusCode).toBe(403);
      expect(refused.body).toContain('n’est pas prévu pour la connexion');
    }
  });

  it('R12 ignores the certificate header from an address that is not a configured proxy', async () => {
    const card = await issueCard(ca);
    const account = await buildActiveAccount(t.deps.db, PASSWORD);
    await t.deps.db.insertInto('professional_identities').values({ kind: 'cps', subject: card.subject, account_id: account.id, paired_at: new Date() }).execute();
    // The attacker has a copy of the certificate (it is public), not the card's private key.
    const attacker = new Agent(t.app, '203.0.113.7');
    const forged = await attacker.get('/connexion/carte', withCard(card));
    expect(forged.statusCode).toBe(400);
    expect(forged.body).toContain('Aucune carte CPS n’a été présentée.');
    expect(attacker.cookies.has('habilis_session')).toBe(false);
    // Even with a forwarded-for naming the proxy: only the TCP peer counts.
    const spoofed = await attacker.get('/connexion/carte', { ...withCard(card), 'x-forwarded-for': PROXY });
    expect(spoofed.statusCode).toBe(400);
  });

  describe('R12 Habilis terminating TLS itself (HTTPS_CERT_FILE, requestCert)', () => {
    let https: TestApp;
    let port: number;
    beforeAll(async () => {
      const serverCertificate = await issueTlsCertificate(ca);
      await writeFile(path.join(dir, 'server.crt'), serverCertificate.cert);
      await writeFile(path.join(dir, 'server.key'), serverCertificate.key, { mode: 0o600 });
      // The application's own https server (config → buildApp), as `npm start` runs it.
      https = await buildTestApp({ env: { CARD_CA_FILE: path.join(dir, 'ca.pem'), HTTPS_CERT_FILE: path.join(dir, 'server.crt'), HTTPS_KEY_FILE: path.join(dir, 'server.key'), BASE_URL: 'https://localhost' } });
      await https.app.listen({ host: '127.0.0.1', port: 0 });
      port = (https.app.server.address() as AddressInfo).port;
    });

    afterAll(async () => {
      await https?.close();
    });

    async function handshake(card: Card | null, tls: { maxVersion?: 'TLSv1.2' } = {}): Promise<{ status: number; location: string | undefined; body: string }> {
      const client = { ...(card ? { cert: card.cert.toString('pem'), key: await privateKeyPem(card.keys) } : {}), ...tls };
      return new Promise((resolve, reject) => {
        const req = httpsRequest(
          { host: '127.0.0.1', port, path: '/connexion/carte', servername: 'localhost', ca: ca.cert.toString('pem'), headers: { accept: 'text/html' }, ...client },
          (res) => {
            let body = '';
            res.setEncoding('utf8');
            res.on('data', (chunk: string) => (body += chunk));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, location: res.headers.location, body }));
          },
        );
        req.on('error', reject);
        req.end();
      });
    }

    it('R12 reads the card from a real TLS handshake', async () => {
      const card = await issueCard(ca);
      const answer = await handshake(card);
      expect(answer.status).toBe(303);
      expect(answer.location).toBe('/connexion/carte/association');
    });

    it('R12 refuses over TLS an expired card, a card of an unknown CA, and no card at all', async () => {
      const expired = await handshake(await issueCard(ca, { notBefore: new Date(Date.now() - 400 * DAY), notAfter: new Date(Date.now() - DAY) }));
      expect(expired.status).toBe(403);
      expect(expired.body).toContain('a expiré');
      const stranger = await handshake(await issueCard(strangerCa));
      expect(stranger.status).toBe(403);
      expect(stranger.body).toContain('autorité reconnue');
      const none = await handshake(null);
      expect(none.status).toBe(400);
      expect(none.body).toContain('Aucune carte CPS');
    });

    it('R12 refuses TLS 1.2, where the card’s certificate would cross the network in clear', async () => {
      await expect(handshake(await issueCard(ca), { maxVersion: 'TLSv1.2' })).rejects.toThrow(/protocol version|alert/i);
    });
  });

  describe('R12 revocation (CARD_CRL_FILE)', () => {
    let checked: TestApp;
    const crlFile = () => path.join(dir, 'cartes.crl');

    /** A CRL of `signer`'s key under `ca`'s name, listing these cards. */
    async function crlPem(cards: Card[], options: { signer?: Ca; thisUpdate?: Date; nextUpdate?: Date; extensions?: x509.Extension[] } = {}) {
      const crl = await x509.X509CrlGenerator.create({
        issuer: ca.cert.subject,
        thisUpdate: options.thisUpdate ?? new Date(Date.now() - DAY),
        nextUpdate: options.nextUpdate ?? new Date(Date.now() + DAY),
        signingAlgorithm: ALG,
        signingKey: (options.signer ?? ca).keys.privateKey,
        entries: cards.map((card) => ({ serialNumber: card.cert.serialNumber, revocationDate: new Date(Date.now() - 3_600_000) })),
        ...(options.extensions ? { extensions: options.extensions } : {}),
      });
      return crl.toString('pem');
    }

    let writes = 0;
    /** Replaces the file, as the operators' refresh does (another size each time: the application rereads it when it changes). */
    async function writeCrls(...pems: string[]) {
      writes += 1;
      await writeFile(crlFile(), `${pems.join('\n')}\n${' '.repeat(writes)}`);
    }
    const writeCrl = async (cards: Card[], options: Parameters<typeof crlPem>[1] = {}) => writeCrls(await crlPem(cards, options));

    beforeAll(async () => {
      await writeCrl([]);
      checked = await buildTestApp({ env: { CARD_CA_FILE: path.join(dir, 'ca.pem'), CARD_CRL_FILE: crlFile(), CARD_CERT_HEADER: HEADER, CARD_PROXY_ADDRESSES: PROXY } });
    });

    afterAll(async () => {
      await checked?.close();
    });

    const present = (card: Card) => new Agent(checked.app, PROXY).get('/connexion/carte', withCard(card));

    it('R12 refuses a revoked card and accepts the others of the same CA; a new list is read when the file changes', async () => {
      const lost = await issueCard(ca);
      const kept = await issueCard(ca);
      await writeCrl([lost]);
      const refused = await present(lost);
      expect(refused.statusCode).toBe(403);
      expect(refused.body).toContain('Votre carte CPS a été révoquée');
      const failed = await checked.deps.db.selectFrom('audit_events').select('description').where('code', '=', 'LOGIN_FAILED').orderBy('id', 'desc').executeTakeFirstOrThrow();
      expect(failed.description).toContain('(revoked)');
      expect((await present(kept)).headers.location).toBe('/connexion/carte/association');

      await writeCrl([lost, kept]);
      expect((await present(kept)).statusCode).toBe(403);
    });

    it('R12 fails closed: a stale list, or one not signed by the card’s CA, refuses the card', async () => {
      const card = await issueCard(ca);
      await writeCrl([], { nextUpdate: new Date(Date.now() - 60_000) });
      const stale = await present(card);
      expect(stale.statusCode).toBe(503);
      expect(stale.body).toContain('ne peut pas être vérifiée');
      await writeCrl([], { signer: strangerCa });
      expect((await present(card)).statusCode).toBe(503);
      await writeCrl([]);
      expect((await present(card)).statusCode).toBe(303);
    });

    it('R12 of several lists of one CA the latest counts; a delta list alone, or none for the card’s CA, is no answer', async () => {
      const lost = await issueCard(ca);
      const older = await crlPem([], { thisUpdate: new Date(Date.now() - 2 * DAY) });
      const newer = await crlPem([lost], { thisUpdate: new Date(Date.now() - 3_600_000) });
      await writeCrls(older, newer);
      expect((await present(lost)).statusCode).toBe(403);
      await writeCrls(newer, older);
      expect((await present(lost)).statusCode).toBe(403);

      const card = await issueCard(ca);
      // A delta CRL (deltaCRLIndicator, critical) lists only changes: it says nothing of the others.
      const deltaIndicator = new x509.Extension('2.5.29.27', true, new Uint8Array([0x02, 0x01, 0x01]));
      await writeCrls(await crlPem([], { extensions: [deltaIndicator] }));
      expect((await present(card)).statusCode).toBe(503);
      // A list of another CA only.
      const other = await newCa('AC voisine');
      await writeCrls((await x509.X509CrlGenerator.create({ issuer: other.cert.subject, thisUpdate: new Date(Date.now() - DAY), nextUpdate: new Date(Date.now() + DAY), signingAlgorithm: ALG, signingKey: other.keys.privateKey })).toString('pem'));
      expect((await present(card)).statusCode).toBe(503);
      await writeCrl([]);
    });
  });

  it('R15 an invited assistant joins with their card: the profession comes from the card, then the account and the delegation', async () => {
    const professional = await buildActiveAccount(t.deps.db, PASSWORD, { first_name: 'Hélène', last_name: 'Roux' });
    await t.deps.db.insertInto('liberal_practices').values({ account_id: professional.id, address: '1 place du Marché', postcode: '34000', city: 'Montpellier', created_at: new Date() }).execute();
    const pro = new Agent(t.app);
    const [name, value] = (await openTestSession(t.deps.db, professional.id)).split('=') as [string, string];
    pro.cookies.set(name, value);
    const email = `assistante-${randomInt(1_000_000)}@exemple.test`;
    await pro.post('/mon-compte/assistants', { lastName: 'Durand', firstName: 'Paul', email, files: 'read', medical: 'none', autonomy: 'none' });

    const card = await issueCard(ca);
    const browser = behindProxy();
    expect((await browser.get(await latestLink(t.deps.db, email))).headers.location).toBe('/assistant/invitation');
    expect((await browser.get('/assistant/invitation')).body).toContain('Continuer avec ma carte CPS');
    const first = await browser.get('/connexion/carte', withCard(card));
    expect(first.headers.location).toBe('/connexion/carte/assistant');
    const form = await browser.get('/connexion/carte/assistant');
    expect(form.body).toContain('value="Médecin"');
    expect(form.body).toContain(card.rpps);
    const code = await latestCode(t.deps.db, email);
    const created = await browser.post('/connexion/carte/assistant', { code, profession: 'Médecin', password: 'Fougere-Bleue-77', confirmation: 'Fougere-Bleue-77' });
    expect(created.headers.location).toBe('/connexion/conditions');
    const account = await t.deps.db.selectFrom('accounts').select(['id', 'email', 'rpps']).where('username', '=', card.rpps).executeTakeFirstOrThrow();
    expect(account).toMatchObject({ email, rpps: card.rpps });
    const identities = await t.deps.db.selectFrom('professional_identities').select(['kind', 'subject']).where('account_id', '=', account.id).execute();
    expect(identities).toEqual([{ kind: 'cps', subject: card.subject }]);
    const delegation = await t.deps.db.selectFrom('assistant_delegations').select(['status', 'assistant_account_id']).where('professional_account_id', '=', professional.id).executeTakeFirstOrThrow();
    expect(delegation).toEqual({ status: 'active', assistant_account_id: account.id });
  });
});
