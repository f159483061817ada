/** "Import des décisions": API clients created by a region administrator (secret shown once, hashed), and the CSV upload (the documented example). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { randomInt } from 'node:crypto';
import { buildTestApp, TEST_SECRET, type TestApp } from '../../../test/test-app.js';
import { Agent } from '../../../test/agent.js';
import { openTestSession } from '../../../test/factories.js';
import { buildEsmsWorld, type EsmsWorld } from '../../../test/esms-world.js';
import { hmac } from '../../platform/crypto.js';
import type { Account } from '../../db/schema.js';
import { parseCsv } from './esms-csv.rules.js';

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
  it('a region administrator creates an API client: the secret is shown once, stored hashed, audited, and opens the API', async () => {
    const agent = await agentFor(w.region);
    const page = await agent.post('/esms/import/clients', { nom: 'Logiciel MDPH 34', region: '76' });
    expect(page.statusCode).toBe(200);
    const clientId = /Identifiant : <code>([^<]+)<\/code>/.exec(page.body)![1]!;
    const secret = /Secret : <code>([^<]+)<\/code>/.exec(page.body)![1]!;
    const row = await t.deps.db.selectFrom('esms_api_clients').selectAll().where('client_id', '=', clientId).executeTakeFirstOrThrow();
    expect(row.secret_hash.toString('hex')).not.toContain(Buffer.from(secret).toString('hex'));
    expect((await agent.get('/esms/import')).body).not.toContain(secret);
    const audit = await t.deps.db.selectFrom('audit_events').selectAll().where('code', '=', 'ESMS_API_CLIENT_CREATED').execute();
    expect(JSON.stringify(audit)).not.toContain(secret);
    const api = await t.app.inject({ method: 'POST', url: '/api/v1/esms/decisions', headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}` }, payload: { decisions: [] } });
    expect(api.statusCode).toBe(400);
    expect(api.json().errors[0].field).toBe('decisions');
    const bad = await agent.post('/esms/import/clients', { nom: '', region: '11' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Donnez un nom au client');
    expect(bad.body).toContain('Choisissez une région de votre périmètre');
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
