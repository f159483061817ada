/**
 * R13: Habilis authenticates at Pro Santé Connect's token endpoint by mutual TLS (`tls_client_auth`,
 * RFC 8705), as PSC requires: real TLS handshakes with certificates made here, against a loopback
 * provider whose token and userinfo endpoints live on an https host that asks for client
 * certificates and is published as `mtls_endpoint_aliases`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomInt } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildTestApp, type TestApp } from '../../../test/test-app.js';
import { Agent } from '../../../test/agent.js';
import { buildActiveAccount } from '../../../test/factories.js';
import { issueTlsCertificate, newCa, type Ca } from '../../../test/certificates.js';
import { startTestPsc, TEST_APP_URIS, type TestPsc } from '../../../test/psc-provider.js';

const CLIENT_DN = 'CN=habilis-psc,O=Tests Habilis,C=FR';
let folder: string;
let psc: TestPsc;
let clientCa: Ca;
let serverCa: Ca;
const apps: TestApp[] = [];

beforeAll(async () => {
  folder = await mkdtemp(path.join(tmpdir(), 'habilis-psc-mtls-'));
  serverCa = await newCa('AC serveurs PSC de test');
  clientCa = await newCa('AC clients PSC de test');
  const server = await issueTlsCertificate(serverCa);
  psc = await startTestPsc({
    ...TEST_APP_URIS,
    mtls: { serverCert: server.cert, serverKey: server.key, clientCa: clientCa.cert.toString('pem'), clientSubjectDn: CLIENT_DN },
  });
});

afterAll(async () => {
  for (const app of apps) await app.close();
  await psc?.close();
  await rm(folder, { recursive: true, force: true });
});

/** An application whose PSC client presents this certificate, trusting the provider's server CA. */
async function appWithCertificate(name: string, certificate: { cert: string; key: string }, trusted: Ca = serverCa): Promise<TestApp> {
  const files = { cert: path.join(folder, `${name}.crt`), key: path.join(folder, `${name}.key`), ca: path.join(folder, `${name}-psc-ca.crt`) };
  await writeFile(files.cert, certificate.cert);
  await writeFile(files.key, certificate.key, { mode: 0o600 });
  await writeFile(files.ca, trusted.cert.toString('pem'));
  const app = await buildTestApp({
    env: {
      PSC_ISSUER: psc.issuerSetting,
      PSC_CLIENT_ID: psc.clientId,
      PSC_CLIENT_AUTH: 'tls_client_auth',
      PSC_TLS_CERT_FILE: files.cert,
      PSC_TLS_KEY_FILE: files.key,
      PSC_TLS_CA_FILE: files.ca,
    },
  });
  apps.push(app);
  return app;
}

async function ecpsLogin(t: TestApp, subjectNameId: string) {
  const agent = new Agent(t.app);
  const start = await agent.get('/connexion/psc');
  const back = await psc.login(start.headers.location as string, subjectNameId);
  return agent.get(`${back.pathname}${back.search}`);
}

async function pairedProfessional(t: TestApp): Promise<{ subject: string; accountId: number }> {
  const rpps = `10${String(randomInt(0, 1_000_000_000)).padStart(9, '0')}`;
  psc.addUser({ subjectNameId: `8${rpps}`, givenName: 'Lucie', familyName: 'Garnier' });
  const account = await buildActiveAccount(t.deps.db, 'Tulipe-Verte-42', { rpps });
  await t.deps.db.insertInto('professional_identities').values({ kind: 'psc', subject: `8${rpps}`, account_id: account.id, paired_at: new Date() }).execute();
  return { subject: `8${rpps}`, accountId: account.id };
}

const sessionsOf = (t: TestApp, accountId: number) => t.deps.db.selectFrom('sessions').select(['strength', 'auth_method']).where('account_id', '=', accountId).execute();

describe('R13 token endpoint authentication by mutual TLS (tls_client_auth)', () => {
  it('R13 with the registered client certificate, the code is exchanged on the mTLS host and the e-CPS opens a strong session', async () => {
    const t = await appWithCertificate('habilis', await issueTlsCertificate(clientCa, { client: true, subject: CLIENT_DN }));
    const professional = await pairedProfessional(t);
    const callback = await ecpsLogin(t, professional.subject);
    expect(callback.statusCode).toBe(303);
    expect(callback.headers.location).toBe('/');
    expect(await sessionsOf(t, professional.accountId)).toEqual([{ strength: 'strong', auth_method: 'psc' }]);
  });

  it('R13 a certificate from a CA the provider does not trust is refused: no session', async () => {
    const stranger = await newCa('AC inconnue');
    const t = await appWithCertificate('inconnue', await issueTlsCertificate(stranger, { client: true, subject: CLIENT_DN }));
    const professional = await pairedProfessional(t);
    const errors = psc.tokenErrors.length;
    const callback = await ecpsLogin(t, professional.subject);
    expect(callback.statusCode).toBe(400);
    expect(callback.body).toContain('La connexion par Pro Santé Connect n’a pas pu être vérifiée');
    expect(await sessionsOf(t, professional.accountId)).toEqual([]);
    // The provider itself refused the client: the handshake went through, the certificate did not convince it.
    expect(psc.tokenErrors.slice(errors)).toEqual(['invalid_client']);
  });

  it('R13 a certificate of the right CA but another subject than the registered one is refused', async () => {
    const t = await appWithCertificate('autre-sujet', await issueTlsCertificate(clientCa, { client: true, subject: 'CN=autre-client,O=Tests Habilis,C=FR' }));
    const professional = await pairedProfessional(t);
    const errors = psc.tokenErrors.length;
    const callback = await ecpsLogin(t, professional.subject);
    expect(callback.statusCode).toBe(400);
    expect(await sessionsOf(t, professional.accountId)).toEqual([]);
    expect(psc.tokenErrors.slice(errors)).toEqual(['invalid_client']);
  });

  it('R13 Habilis refuses a provider whose mTLS host presents a certificate of a CA it does not trust: the code never leaves', async () => {
    const t = await appWithCertificate('ac-serveur-inconnue', await issueTlsCertificate(clientCa, { client: true, subject: CLIENT_DN }), await newCa('AC serveurs inconnue'));
    const professional = await pairedProfessional(t);
    const errors = psc.tokenErrors.length;
    const callback = await ecpsLogin(t, professional.subject);
    expect(callback.statusCode).toBe(400);
    expect(await sessionsOf(t, professional.accountId)).toEqual([]);
    // No token request reached the provider at all.
    expect(psc.tokenErrors.slice(errors)).toEqual([]);
  });
});
