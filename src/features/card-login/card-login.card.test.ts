/**
 * R12 CPS card login, with certificates generated here: a test CA, cards valid, expired, from an
 * unknown CA, with the wrong key usage; through a trusted proxy's header, a forged header, and a
 * real TLS handshake with a client certificate.
 */
// @peculiar/x509 relies on tsyringe, which needs the Reflect metadata API loaded first.
import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomInt, webcrypto } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer as createHttpsServer, request as httpsRequest, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as x509 from '@peculiar/x509';
import { buildTestApp, type TestApp } from '../../../test/test-app.js';
import { Agent } from '../../../test/agent.js';
import { buildActiveAccount, trustBrowserOf } from '../../../test/factories.js';

const PASSWORD = 'Tulipe-Verte-42';
const PROXY = '10.250.0.1';
const HEADER = 'x-ssl-client-cert';
const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
const DAY = 24 * 3_600_000;

interface Ca {
  cert: x509.X509Certificate;
  keys: CryptoKeyPair;
}

async function newCa(name: string): Promise<Ca> {
  const keys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    name: `CN=${name}, O=Tests Habilis, C=FR`,
    notBefore: new Date(Date.now() - DAY),
    notAfter: new Date(Date.now() + 365 * DAY),
    signingAlgorithm: ALG,
    keys,
    extensions: [new x509.BasicConstraintsExtension(true, 1, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true)],
  });
  return { cert, keys };
}

interface Card {
  cert: x509.X509Certificate;
  keys: CryptoKeyPair;
  subject: string;
  rpps: string;
}

async function issueCard(ca: Ca, options: { notBefore?: Date; notAfter?: Date; usage?: number; eku?: string[] } = {}): Promise<Card> {
  const rpps = `10${String(randomInt(0, 1_000_000_000)).padStart(9, '0')}`;
  const keys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.create({
    subject: [{ '2.5.4.6': ['FR'] }, { '2.5.4.12': ['Médecin'] }, { '2.5.4.4': ['Durand'] }, { '2.5.4.42': ['Paul'] }, { '2.5.4.3': [`8${rpps}/CPS`] }],
    issuer: ca.cert.subjectName,
    notBefore: options.notBefore ?? new Date(Date.now() - DAY),
    notAfter: options.notAfter ?? new Date(Date.now() + 365 * DAY),
    signingAlgorithm: ALG,
    publicKey: keys.publicKey,
    signingKey: ca.keys.privateKey,
    extensions: [
      new x509.BasicConstraintsExtension(false),
      new x509.KeyUsagesExtension(options.usage ?? x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension(options.eku ?? ['1.3.6.1.5.5.7.3.2']),
    ],
  });
  return { cert, keys, subject: `8${rpps}`, rpps };
}

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
    expect(page.body).toContain('href="/connexion/carte"');
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

  describe('R12 Habilis terminating TLS itself (requestCert)', () => {
    let server: Server;
    let port: number;
    let serverKeyPem: string;
    let serverCertPem: string;

    const pem = (label: string, der: ArrayBuffer) => `-----BEGIN ${label}-----\n${Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n')}\n-----END ${label}-----\n`;

    beforeAll(async () => {
      const keys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
      const cert = await x509.X509CertificateGenerator.create({
        subject: 'CN=localhost',
        issuer: ca.cert.subjectName,
        signingAlgorithm: ALG,
        publicKey: keys.publicKey,
        signingKey: ca.keys.privateKey,
        extensions: [new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: 'localhost' }])],
      });
      serverKeyPem = pem('PRIVATE KEY', await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
      serverCertPem = cert.toString('pem');
      await t.app.ready();
      // Any CA is accepted by the handshake itself: the chain is verified by Habilis, with its own refusal page.
      server = createHttpsServer({ key: serverKeyPem, cert: serverCertPem, requestCert: true, rejectUnauthorized: false }, (req, res) => t.app.routing(req, res));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as AddressInfo).port;
    });

    afterAll(async () => {
      server?.closeAllConnections();
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    });

    async function handshake(card: Card | null): Promise<{ status: number; location: string | undefined; body: string }> {
      const client = card ? { cert: card.cert.toString('pem'), key: pem('PRIVATE KEY', await webcrypto.subtle.exportKey('pkcs8', card.keys.privateKey)) } : {};
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
  });
});
