/**
 * R12: the CPS card's authentication certificate, from the TLS handshake (Habilis terminates TLS
 * with requestCert) or from a reverse proxy's header (only from the configured proxy addresses).
 * Verified with @peculiar/x509 against the configured CA certificates: every signature up to a
 * configured certificate, validity dates and key usages of each one.
 */
// @peculiar/x509 relies on tsyringe, which needs the Reflect metadata API loaded first.
import 'reflect-metadata';
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

export type CardVerification =
  | { ok: true; nationalId: NationalId; givenName: string | null; familyName: string | null; profession: string | null }
  | { ok: false; problem: CertificateProblem | 'unknown_ca' | 'unreadable' | 'no_identity' };

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
    current = issuer;
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
