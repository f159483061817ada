/**
 * R12: the CPS card's authentication certificate, from the TLS handshake (Habilis terminates TLS
 * with requestCert) or from a reverse proxy's header (only from the configured proxy addresses).
 * Verified with @peculiar/x509 against the configured CA certificates: every signature up to a
 * configured certificate, validity dates and key usages of each one; and, when CARD_CRL_FILE is
 * set, the revocation list of the card's CA (signed by that CA, current, not naming the card).
 */
// @peculiar/x509 relies on tsyringe, which needs the Reflect metadata API loaded first.
import 'reflect-metadata';
import { readFileSync, statSync } from 'node:fs';
import type { FastifyRequest } from 'fastify';
import type { TLSSocket } from 'node:tls';
import * as x509 from '@peculiar/x509';
import type { CardConfig } from '../../config.js';
import { cardCertificateProblem, claimText, issuerProblem, nationalIdFromCn, type CertificateFacts, type CertificateProblem, type NationalId } from './card-login.rules.js';

export type CertificateSource = { kind: 'tls' | 'proxy'; der: Uint8Array<ArrayBuffer> } | { kind: 'none' };

function normaliseAddress(address: string | undefined): string {
  return (address ?? '').replace(/^::ffff:/, '');
}

/**
 * The certificate the request carries. The header counts only when the TCP peer itself is a
 * configured proxy: X-Forwarded-For is not consulted, anyone can write it.
 */
export function presentedCertificate(card: CardConfig, request: FastifyRequest): CertificateSource {
  const socket = request.raw.socket as Partial<TLSSocket>;
  if (typeof socket.getPeerCertificate === 'function') {
    const peer = socket.getPeerCertificate(false);
    if (peer && peer.raw) return { kind: 'tls', der: new Uint8Array(peer.raw) };
  }
  if (card.header && card.proxyAddresses.includes(normaliseAddress(request.raw.socket.remoteAddress))) {
    const value = request.headers[card.header];
    if (typeof value === 'string' && value.length > 0 && value.length < 20_000) {
      try {
        const pem = decodeURIComponent(value);
        return { kind: 'proxy', der: new Uint8Array(new x509.X509Certificate(pem).rawData) };
      } catch {
        return { kind: 'none' };
      }
    }
  }
  return { kind: 'none' };
}

function facts(cert: x509.X509Certificate): CertificateFacts {
  const keyUsage = cert.getExtension(x509.KeyUsagesExtension);
  const eku = cert.getExtension(x509.ExtendedKeyUsageExtension);
  const basic = cert.getExtension(x509.BasicConstraintsExtension);
  return {
    notBefore: cert.notBefore,
    notAfter: cert.notAfter,
    keyUsage: keyUsage ? keyUsage.usages : null,
    extendedKeyUsage: eku ? eku.usages.map(String) : null,
    isCa: basic?.ca ?? false,
  };
}

let anchorsCache: { pem: string; certs: x509.X509Certificate[] } | null = null;

function anchors(card: CardConfig): x509.X509Certificate[] {
  if (anchorsCache?.pem !== card.caPem) {
    const blocks = card.caPem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
    anchorsCache = { pem: card.caPem, certs: blocks.map((b) => new x509.X509Certificate(b)) };
  }
  return anchorsCache.certs;
}

/** What one CA's current revocation list says, verified once when the file is read. */
interface RevocationList {
  thisUpdate: Date;
  nextUpdate: Date | null;
  revoked: ReadonlySet<string>;
}

/** Extensions a complete CRL may carry that Habilis understands (RFC 5280 §5.2): CRL number, authority key id. */
const KNOWN_CRL_EXTENSIONS = new Set(['2.5.29.20', '2.5.29.35']);
/** A delta CRL (2.5.29.27) or a partitioned one (issuing distribution point, 2.5.29.28) is not a complete list. */
const INCOMPLETE_CRL_EXTENSIONS = new Set(['2.5.29.27', '2.5.29.28']);
const CRL_SIGN = 64; // KeyUsageFlags.cRLSign

let revocationCache: { key: string; lists: Promise<Map<string, RevocationList>> } | null = null;

/**
 * The revocation lists of CARD_CRL_FILE, by issuing CA: only a complete list signed by a configured
 * CA allowed to sign CRLs counts, and of several for one CA the latest. Read again when the
 * operators replace the file.
 */
function revocationLists(file: string, card: CardConfig): Promise<Map<string, RevocationList>> {
  const stat = statSync(file);
  const key = `${file} ${stat.mtimeMs} ${stat.size}`;
  if (revocationCache?.key !== key) revocationCache = { key, lists: loadRevocationLists(readFileSync(file, 'utf8'), anchors(card)) };
  return revocationCache.lists;
}

async function loadRevocationLists(text: string, cas: x509.X509Certificate[]): Promise<Map<string, RevocationList>> {
  const lists = new Map<string, RevocationList>();
  for (const block of text.match(/-----BEGIN (?:X509 )?CRL-----[\s\S]+?-----END (?:X509 )?CRL-----/g) ?? []) {
    let crl: x509.X509Crl;
    try {
      crl = new x509.X509Crl(block);
    } catch {
      continue;
    }
    if (crl.extensions.some((e) => INCOMPLETE_CRL_EXTENSIONS.has(e.type) || (e.critical && !KNOWN_CRL_EXTENSIONS.has(e.type)))) continue;
    let signer: x509.X509Certificate | undefined;
    for (const ca of cas) {
      if (ca.subject !== crl.issuer) continue;
      const usage = ca.getExtension(x509.KeyUsagesExtension);
      if (usage && (usage.usages & CRL_SIGN) === 0) continue;
      if (await crl.verify({ publicKey: ca.publicKey })) {
        signer = ca;
        break;
      }
    }
    if (!signer) continue;
    const known = lists.get(crl.issuer);
    if (known && known.thisUpdate >= crl.thisUpdate) continue;
    lists.set(crl.issuer, { thisUpdate: crl.thisUpdate, nextUpdate: crl.nextUpdate ?? null, revoked: new Set(crl.entries.map((entry) => entry.serialNumber.toLowerCase())) });
  }
  return lists;
}

/**
 * R12: is a certificate of the chain revoked? Each one (the card and its intermediate CAs) needs
 * its issuer's current list: without one, the answer is unknown and the card is refused.
 */
async function revocationProblem(card: CardConfig & { crlFile: string }, chain: x509.X509Certificate[], now: Date): Promise<'revoked' | 'revocation_unknown' | null> {
  let lists: Map<string, RevocationList>;
  try {
    lists = await revocationLists(card.crlFile, card);
  } catch {
    return 'revocation_unknown';
  }
  for (const cert of chain) {
    const list = lists.get(cert.issuer);
    if (!list || list.thisUpdate > now || !list.nextUpdate || list.nextUpdate < now) return 'revocation_unknown';
    if (list.revoked.has(cert.serialNumber.toLowerCase())) return 'revoked';
  }
  return null;
}

export type CardVerification =
  | { ok: true; nationalId: NationalId; givenName: string | null; familyName: string | null; profession: string | null }
  | { ok: false; problem: CertificateProblem | 'unknown_ca' | 'unreadable' | 'no_identity' | 'revoked' | 'revocation_unknown' };

const MAX_CHAIN = 5;

export async function verifyCardCertificate(card: CardConfig, der: Uint8Array<ArrayBuffer>, now: Date): Promise<CardVerification> {
  let leaf: x509.X509Certificate;
  try {
    leaf = new x509.X509Certificate(der);
  } catch {
    return { ok: false, problem: 'unreadable' };
  }
  const leafProblem = cardCertificateProblem(facts(leaf), now);
  if (leafProblem) return { ok: false, problem: leafProblem };

  // Up the chain through the configured certificates only: a certificate the client sends along is never trusted.
  let current = leaf;
  // The card and every intermediate CA: each has a revocation list of its issuer to consult.
  const revocable: x509.X509Certificate[] = [leaf];
  for (let depth = 0; ; depth += 1) {
    if (depth >= MAX_CHAIN) return { ok: false, problem: 'unknown_ca' };
    let issuer: x509.X509Certificate | undefined;
    for (const candidate of anchors(card)) {
      if (candidate.subject !== current.issuer) continue;
      if (await current.verify({ publicKey: candidate.publicKey, signatureOnly: true })) {
        issuer = candidate;
        break;
      }
    }
    if (!issuer) return { ok: false, problem: 'unknown_ca' };
    const problem = issuerProblem(facts(issuer), now);
    if (problem) return { ok: false, problem };
    if (issuer.subject === issuer.issuer) break;
    revocable.push(issuer);
    current = issuer;
  }

  if (card.crlFile) {
    const revocation = await revocationProblem({ ...card, crlFile: card.crlFile }, revocable, now);
    if (revocation) return { ok: false, problem: revocation };
  }

  const nationalId = nationalIdFromCn(leaf.subjectName.getField('CN')[0]);
  if (!nationalId) return { ok: false, problem: 'no_identity' };
  return {
    ok: true,
    nationalId,
    givenName: claimText(leaf.subjectName.getField('2.5.4.42')[0]),
    familyName: claimText(leaf.subjectName.getField('2.5.4.4')[0]),
    profession: claimText(leaf.subjectName.getField('2.5.4.12')[0]),
  };
}
