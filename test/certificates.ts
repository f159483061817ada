/**
 * X.509 certificates made in the tests: a CA, CPS cards it issues, and TLS server or client
 * certificates it signs (CPS card login R12, mutual TLS with the ROR R50). ECDSA P-256 keys,
 * generated at each run.
 */
// @peculiar/x509 relies on tsyringe, which needs the Reflect metadata API loaded first.
import 'reflect-metadata';
import { randomInt, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

export const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
export const DAY = 24 * 3_600_000;

export interface Ca {
  cert: x509.X509Certificate;
  keys: CryptoKeyPair;
}

export async function newCa(name: string): Promise<Ca> {
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

/** DER bytes as a PEM block. */
export const pem = (label: string, der: ArrayBuffer) => `-----BEGIN ${label}-----\n${Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n')}\n-----END ${label}-----\n`;

export const privateKeyPem = async (keys: CryptoKeyPair) => pem('PRIVATE KEY', await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));

/**
 * A TLS certificate signed by `ca`: for a server (`localhost` and 127.0.0.1 by default) or, with
 * `client`, for a TLS client (extended key usage clientAuth). PEM certificate and key.
 */
export async function issueTlsCertificate(ca: Ca, options: { subject?: string; client?: boolean } = {}): Promise<{ cert: string; key: string }> {
  const keys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.create({
    subject: options.subject ?? 'CN=localhost',
    issuer: ca.cert.subjectName,
    notBefore: new Date(Date.now() - DAY),
    notAfter: new Date(Date.now() + 30 * DAY),
    signingAlgorithm: ALG,
    publicKey: keys.publicKey,
    signingKey: ca.keys.privateKey,
    extensions: options.client
      ? [new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth])]
      : [
          new x509.SubjectAlternativeNameExtension([
            { type: 'dns', value: 'localhost' },
            { type: 'ip', value: '127.0.0.1' },
          ]),
        ],
  });
  return { cert: cert.toString('pem'), key: await privateKeyPem(keys) };
}

/** A CPS card of a random RPPS: its authentication certificate (the subject a card carries), its keys. */
export interface Card {
  cert: x509.X509Certificate;
  keys: CryptoKeyPair;
  /** The national identifier: 8 + RPPS. */
  subject: string;
  rpps: string;
}

/** A card issued by `ca`: valid for a year, for signing in (digitalSignature, clientAuth) unless the options say otherwise. */
export async function issueCard(ca: Ca, options: { notBefore?: Date; notAfter?: Date; usage?: number; eku?: string[] } = {}): Promise<Card> {
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
