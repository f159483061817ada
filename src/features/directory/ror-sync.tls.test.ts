/**
 * R50 mutual TLS with the ROR: a fake ROR over HTTPS on loopback that requires a client
 * certificate signed by its CA, certificates generated here. The token endpoint and the FHIR API
 * both see Habilis's certificate; without it, or with one of another CA, nothing is read.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../config.js';
import { issueTlsCertificate, newCa } from '../../../test/certificates.js';
import { createRorClient, RorFetchError } from './ror-sync.client.js';
import { fakeRorEnv, organization, startFakeRor, type FakeRor } from '../../../test/ror/fake-ror-server.js';

let dir: string;
let fake: FakeRor;
const files = { ca: '', cert: '', key: '', strangerCert: '', strangerKey: '', notPem: '' };

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'habilis-ror-tls-'));
  const ca = await newCa('AC de test du ROR');
  const stranger = await newCa('AC inconnue du ROR');
  const server = await issueTlsCertificate(ca);
  const client = await issueTlsCertificate(ca, { subject: 'CN=habilis-client', client: true });
  const strangerClient = await issueTlsCertificate(stranger, { subject: 'CN=intrus', client: true });
  const write = async (name: string, text: string) => {
    const file = path.join(dir, name);
    await writeFile(file, text, { mode: 0o600 });
    return file;
  };
  files.ca = await write('ca.pem', ca.cert.toString('pem'));
  files.cert = await write('client.pem', client.cert);
  files.key = await write('client.key', client.key);
  files.strangerCert = await write('stranger.pem', strangerClient.cert);
  files.strangerKey = await write('stranger.key', strangerClient.key);
  files.notPem = await write('vide.txt', 'pas un certificat');
  fake = await startFakeRor(
    [organization({ id: 'tls-ej', kind: 'EJ', name: 'Entité TLS', finess: '010000001' }), organization({ id: 'tls-ej2', kind: 'EJ', name: 'Entité TLS 2', finess: '010000002' })],
    { tls: { ...server, ca: ca.cert.toString('pem') } },
  );
});
afterAll(async () => {
  await fake?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function read(env: Record<string, string>): Promise<string[]> {
  const client = createRorClient(loadConfig({ NODE_ENV: 'test', ...fakeRorEnv(fake), ...env }).ror!, { retries: 0, pageSize: 1 });
  try {
    const ids: string[] = [];
    for await (const page of client.search('Organization', null)) ids.push(...page.map((r) => String(r.id)));
    return ids;
  } finally {
    client.close();
  }
}

describe('R50 mutual TLS with the ROR', () => {
  it('R50 presents the configured client certificate to the token endpoint and to the FHIR API', async () => {
    expect(fake.baseUrl.startsWith('https://')).toBe(true);
    const before = { tokens: fake.tokensIssued, handshakes: fake.clientCertificates.length };
    const ids = await read({ ROR_TLS_CERT_FILE: files.cert, ROR_TLS_KEY_FILE: files.key, ROR_TLS_CA_FILE: files.ca });
    expect(ids).toEqual(['tls-ej', 'tls-ej2']);
    expect(fake.tokensIssued - before.tokens).toBe(1);
    // One token request and two pages (pages of 1, followed through `next`), each with Habilis's certificate.
    expect(fake.clientCertificates.slice(before.handshakes)).toEqual(['habilis-client', 'habilis-client', 'habilis-client']);
  });

  it('R50 without a client certificate, or with one of another CA, the ROR refuses the connection and nothing is read', async () => {
    const before = { tokens: fake.tokensIssued, requests: fake.requests.length };
    await expect(read({ ROR_TLS_CA_FILE: files.ca })).rejects.toThrow(RorFetchError);
    await expect(read({ ROR_TLS_CERT_FILE: files.strangerCert, ROR_TLS_KEY_FILE: files.strangerKey, ROR_TLS_CA_FILE: files.ca })).rejects.toThrow(/^ROR injoignable : /);
    // Without the CA, Habilis does not trust the ROR's server certificate either.
    await expect(read({ ROR_TLS_CERT_FILE: files.cert, ROR_TLS_KEY_FILE: files.key })).rejects.toThrow(/ROR injoignable : .*certificate/);
    expect(fake.tokensIssued).toBe(before.tokens);
    expect(fake.requests.length).toBe(before.requests);
  });

  it('R50 refuses incomplete or unreadable TLS options at start, naming the variable', () => {
    const base = { NODE_ENV: 'test', ROR_BASE_URL: 'https://ror.exemple.fr/fhir' };
    expect(() => loadConfig({ ...base, ROR_TLS_CERT_FILE: files.cert })).toThrow(/ROR_TLS_CERT_FILE, ROR_TLS_KEY_FILE : à fournir ensemble/);
    expect(() => loadConfig({ ...base, ROR_TLS_CERT_FILE: files.cert, ROR_TLS_KEY_FILE: path.join(dir, 'absente.key') })).toThrow(/ROR_TLS_KEY_FILE : fichier illisible/);
    expect(() => loadConfig({ ...base, ROR_TLS_CA_FILE: files.notPem })).toThrow(/ROR_TLS_CA_FILE : certificat PEM absent/);
    expect(() => loadConfig({ ...base, ROR_TLS_CERT_FILE: files.key, ROR_TLS_KEY_FILE: files.cert })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, ROR_BASE_URL: 'http://ror.exemple.fr/fhir', ROR_TLS_CA_FILE: files.ca })).toThrow(/ROR_BASE_URL : doit être en https/);
    const tls = loadConfig({ ...base, ROR_TLS_CERT_FILE: files.cert, ROR_TLS_KEY_FILE: files.key }).ror!.tls;
    expect(tls?.cert).toContain('-----BEGIN CERTIFICATE-----');
    expect(tls?.key).toContain('-----BEGIN PRIVATE KEY-----');
    expect(tls?.ca).toBeUndefined();
  });
});
