/** "Import des décisions": registered applications bound to a region by a region administrator, and the CSV upload (the documented example). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { randomInt } from 'node:crypto';
import { buildTestApp, TEST_SECRET, type TestApp } from '../../../test/test-app.js';
import { Agent } from '../../../test/agent.js';
import { buildAccount, buildEstablishment, buildHabilitation, ensureTerritory, openTestSession } from '../../../test/factories.js';
import { buildEsmsWorld, type EsmsWorld } from '../../../test/esms-world.js';
import { hmac } from '../../platform/crypto.js';
import type { Account } from '../../db/schema.js';
import { parseCsv } from './esms-csv.rules.js';
import { adminPrincipal, clientCredentials, registerTestClient } from '../../../test/idp-world.js';

let t: TestApp;
let w: EsmsWorld;

async function agentFor(account: Account): Promise<Agent> {
  const agent = new Agent(t.app);
  agent.cookies.set('habilis_session', (await openTestSession(t.deps.db, account.id)).split('=')[1]!);
  await agent.get('/');
  return agent;
}

async function uploadCsv(agent: Agent, content: string) {
  const boundary = `----habilis${randomInt(1e9)}`;
  const token = hmac(Buffer.from(TEST_SECRET), `csrf:${agent.cookies.get('habilis_csrf')}`);
  const payload = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${token}\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="fichier"; filename="decisions.csv"\r\nContent-Type: text/csv\r\n\r\n${content}\r\n--${boundary}--\r\n`,
  );
  return t.app.inject({
    method: 'POST',
    url: '/esms/import/csv',
    remoteAddress: agent.ip,
    headers: { accept: 'text/html', origin: 'http://localhost:3000', cookie: agent.cookieHeader, 'content-type': `multipart/form-data; boundary=${boundary}` },
    payload,
  });
}

beforeAll(async () => {
  t = await buildTestApp();
  w = await buildEsmsWorld(t.deps.db);
});
afterAll(async () => {
  await t?.close();
});

describe('Import des décisions', () => {
  it('a region administrator binds a registered application (scope esms.import) to one region of their perimeter, for good, audited; it then imports there', async () => {
    const client = await registerTestClient(t.deps, await adminPrincipal(t.deps), { scopes: ['esms.import'], domains: [], redirect: '' });
    const withoutScope = await registerTestClient(t.deps, await adminPrincipal(t.deps), { scopes: ['access.evaluate'], domains: [], redirect: '' });
    const agent = await agentFor(w.region);
    const outside = await agent.post('/esms/import/applications', { application: client.clientId, 'application-region': '11' });
    expect(outside.statusCode).toBe(400);
    expect(outside.body).toContain('Choisissez une région de votre périmètre');
    for (const application of ['module-inconnu', withoutScope.clientId]) {
      const unknown = await agent.post('/esms/import/applications', { application, 'application-region': '76' });
      expect(unknown.statusCode).toBe(400);
      expect(unknown.body).toContain('Aucune application enregistrée avec la portée esms.import');
    }
    const bound = await agent.post('/esms/import/applications', { application: client.clientId, 'application-region': '76' });
    expect(bound.statusCode).toBe(200);
    expect(bound.body).toContain(`<code>${client.clientId}</code> importe désormais dans cette région`);
    const audit = await t.deps.db.selectFrom('audit_events').select('details').where('code', '=', 'ESMS_IMPORT_APPLICATION_BOUND').execute();
    expect(audit.map((a) => a.details)).toContainEqual({ clientId: client.clientId, regionCode: '76' });
    expect((await agent.post('/esms/import/applications', { application: client.clientId, 'application-region': '76' })).statusCode).toBe(400);
    const token = (await clientCredentials(t.app, client, 'esms.import')).body.access_token!;
    const api = await t.app.inject({ method: 'POST', url: '/api/v1/esms/decisions', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, payload: { decisions: [] } });
    expect(api.statusCode).toBe(400);
    expect(api.json().errors[0].field).toBe('decisions');
  });

  it('R60 a region administrator binds a registered application (scope esms.read) to an ESMS of their region, audited; outside their region refused with nothing written; the application then reads its statuses', async () => {
    const client = await registerTestClient(t.deps, await adminPrincipal(t.deps), { scopes: ['esms.read'], domains: [], redirect: '' });
    const importer = await registerTestClient(t.deps, await adminPrincipal(t.deps), { scopes: ['esms.import'], domains: [], redirect: '' });
    await ensureTerritory(t.deps.db, '84', '69');
    const lyon = await buildEstablishment(t.deps.db, { department: '69', region: '84' });
    const rows = () => t.deps.db.selectFrom('esms_read_applications').select(['client_id', 'establishment_id', 'created_by_account_id']).where('client_id', 'in', [client.clientId, importer.clientId]).execute();
    for (const account of [w.tier[3], w.referent]) {
      expect((await (await agentFor(account)).post('/esms/import/applications-statuts', { 'read-application': client.clientId, 'read-finess': w.ime.finess })).statusCode).toBe(403);
    }
    const agent = await agentFor(w.region);
    for (const finess of [lyon.finess, '000000000', 'pas-un-finess']) {
      const outside = await agent.post('/esms/import/applications-statuts', { 'read-application': client.clientId, 'read-finess': finess });
      expect(outside.statusCode).toBe(400);
      expect(outside.body).toContain('Aucun établissement de votre région n’a ce numéro FINESS.');
    }
    for (const application of ['module-inconnu', importer.clientId]) {
      const unknown = await agent.post('/esms/import/applications-statuts', { 'read-application': application, 'read-finess': w.ime.finess });
      expect(unknown.statusCode).toBe(400);
      expect(unknown.body).toContain('Aucune application enregistrée avec la portée esms.read');
    }
    expect(await rows()).toEqual([]);
    const bindings = async () => (await t.deps.db.selectFrom('audit_events').select(['details', 'actor_account_id']).where('code', '=', 'ESMS_READ_APPLICATION_BOUND').execute()).filter((a) => (a.details as { clientId?: string }).clientId === client.clientId);
    expect(await bindings()).toEqual([]);
    const done = await agent.post('/esms/import/applications-statuts', { 'read-application': client.clientId, 'read-finess': w.ime.finess });
    expect(done.statusCode).toBe(200);
    expect(done.body).toContain(`<code>${client.clientId}</code> lit désormais les statuts de l’établissement ${w.ime.finess}`);
    expect(await rows()).toEqual([{ client_id: client.clientId, establishment_id: w.ime.id, created_by_account_id: w.region.id }]);
    expect(await bindings()).toEqual([{ details: { clientId: client.clientId, establishmentId: w.ime.id, finess: w.ime.finess }, actor_account_id: w.region.id }]);
    expect((await agent.post('/esms/import/applications-statuts', { 'read-application': client.clientId, 'read-finess': w.ime.finess })).statusCode).toBe(400);
    expect((await agent.get('/esms/import')).body).toContain(`${w.ime.name} (${w.ime.finess})`);
    const token = (await clientCredentials(t.app, client, 'esms.read')).body.access_token!;
    const api = await t.app.inject({ method: 'GET', url: '/api/v1/esms/applications/statuts?_lastUpdated=gt2026-01-01', headers: { authorization: `Bearer ${token}` } });
    expect(api.statusCode).toBe(200);
    expect(api.json().resourceType).toBe('Bundle');
  });

  it('R60 the binding of an application to an ESMS ends by a region administrator of that ESMS only, audited; the application then reads nothing there', async () => {
    const client = await registerTestClient(t.deps, await adminPrincipal(t.deps), { scopes: ['esms.read'], domains: [], redirect: '' });
    const agent = await agentFor(w.region);
    expect((await agent.post('/esms/import/applications-statuts', { 'read-application': client.clientId, 'read-finess': w.ime.finess })).statusCode).toBe(200);
    const binding = await t.deps.db.selectFrom('esms_read_applications').select('id').where('client_id', '=', client.clientId).executeTakeFirstOrThrow();
    await ensureTerritory(t.deps.db, '84', '69');
    const elsewhere = await buildAccount(t.deps.db);
    await buildHabilitation(t.deps.db, { accountId: elsewhere.id, profile: 'SANITAIRE_REGION', regionCode: '84' });
    for (const [who, rattachement] of [[elsewhere, String(binding.id)], [w.region, '999999999'], [w.region, 'x']] as const) {
      const refused = await (await agentFor(who)).post('/esms/import/applications-statuts/retirer', { rattachement });
      expect(refused.statusCode).toBe(400);
      expect(refused.body).toContain('Ce rattachement n’existe plus ou ne concerne pas un établissement de votre région.');
    }
    expect(await t.deps.db.selectFrom('esms_read_applications').select('id').where('id', '=', binding.id).execute()).toHaveLength(1);
    const ended = await agent.post('/esms/import/applications-statuts/retirer', { rattachement: String(binding.id) });
    expect(ended.statusCode).toBe(200);
    expect(ended.body).toContain(`<code>${client.clientId}</code> ne lit plus les statuts de l’établissement ${w.ime.finess}`);
    expect(await t.deps.db.selectFrom('esms_read_applications').select('id').where('id', '=', binding.id).execute()).toEqual([]);
    const audit = (await t.deps.db.selectFrom('audit_events').select(['details', 'actor_account_id']).where('code', '=', 'ESMS_READ_APPLICATION_UNBOUND').execute()).filter((a) => (a.details as { clientId?: string }).clientId === client.clientId);
    expect(audit).toEqual([{ details: { clientId: client.clientId, establishmentId: w.ime.id, finess: w.ime.finess }, actor_account_id: w.region.id }]);
    const token = (await clientCredentials(t.app, client, 'esms.read')).body.access_token!;
    const api = await t.app.inject({ method: 'GET', url: '/api/v1/esms/applications/statuts?_lastUpdated=gt2026-01-01', headers: { authorization: `Bearer ${token}` } });
    expect(api.statusCode).toBe(403);
  });

  it('only a region administrator reaches the page and the upload', async () => {
    for (const account of [w.tier[3], w.referent]) {
      const agent = await agentFor(account);
      expect((await agent.get('/esms/import')).statusCode).toBe(403);
      expect((await uploadCsv(agent, 'x')).statusCode).toBe(403);
    }
  });

  it('the documented example CSV imports; a wrong file names its line and field and imports nothing', async () => {
    const example = (await readFile('docs/esms-import-exemple.csv', 'utf8')).replaceAll('349900045', w.ime.finess).replaceAll('349900052', w.other.finess);
    expect(parseCsv(example)).toHaveLength(3);
    const agent = await agentFor(w.region);
    const ok = await uploadCsv(agent, example);
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toContain('2 décision(s) créée(s)');
    const again = await uploadCsv(agent, example);
    expect(again.body).toContain('2 inchangée(s)');
    const before = await t.deps.db.selectFrom('esms_decisions').select('id').execute();
    const broken = example.replace('EX-34-000002', 'EX-34-000003').replace('1998-11-20', '2098-11-20').replace('EX-34-000001', 'EX-34-000004').replace(';183;', ';999;');
    const refused = await uploadCsv(agent, broken);
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('rien n’a été importé');
    expect(refused.body).toMatch(/<td>2<\/td><td>categorie<\/td>/);
    expect(refused.body).toMatch(/<td>3<\/td><td>personne.dateNaissance<\/td>/);
    expect(await t.deps.db.selectFrom('esms_decisions').select('id').execute()).toHaveLength(before.length);
    const header = await uploadCsv(agent, 'a;b\n1;2\n');
    expect(header.statusCode).toBe(400);
    expect(header.body).toContain('la première ligne doit nommer les colonnes');
  });
});
