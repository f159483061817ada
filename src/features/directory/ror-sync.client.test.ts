import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../../config.js';
import { createRorClient, RorFetchError } from './ror-sync.client.js';
import { fakeRorEnv, startFakeRor, type FakeRor } from '../../../test/ror/fake-ror-server.js';

let fake: FakeRor;
let rogue: Server;
let rogueUrl: string;
const rogueRequests: string[] = [];

beforeAll(async () => {
  fake = await startFakeRor();
  // A "ROR" whose next link points at another host: the client must not follow it with its token.
  rogue = createServer((req, res) => {
    rogueRequests.push(`${req.url} ${req.headers.authorization ?? ''}`);
    res.writeHead(200, { 'content-type': 'application/fhir+json' });
    res.end(JSON.stringify({ resourceType: 'Bundle', link: [{ relation: 'next', url: 'http://127.0.0.2:9/fhir/Organization?_page=1' }], entry: [] }));
  });
  await new Promise<void>((resolve) => rogue.listen(0, '127.0.0.1', resolve));
  rogueUrl = `http://127.0.0.1:${(rogue.address() as AddressInfo).port}/fhir`;
});
afterAll(async () => {
  await fake.close();
  rogue.closeAllConnections();
  await new Promise<void>((resolve) => rogue.close(() => resolve()));
});

async function drain(generator: AsyncGenerator<unknown[]>): Promise<number> {
  let pages = 0;
  for await (const page of generator) if (Array.isArray(page)) pages += 1;
  return pages;
}

describe('ROR FHIR client', () => {
  it('R50 refuses to follow a next link to another host', async () => {
    const ror = loadConfig({ NODE_ENV: 'test', ROR_BASE_URL: rogueUrl }).ror!;
    const pages = createRorClient(ror, { retries: 0 }).search('Organization', null);
    await expect(drain(pages)).rejects.toThrow(new RorFetchError('lien « next » hors du ROR refusé'));
    expect(rogueRequests).toHaveLength(1);
  });

  it('R50 a refused OAuth2 client stops with a clear message and asks for no page', async () => {
    const env = { ...fakeRorEnv(fake), ROR_CLIENT_SECRET: 'mauvais-secret' };
    const ror = loadConfig({ NODE_ENV: 'test', ...env }).ror!;
    fake.requests.length = 0;
    await expect(drain(createRorClient(ror, { retries: 0 }).search('Organization', null))).rejects.toThrow('jeton OAuth2 refusé par le ROR (HTTP 401)');
    expect(fake.requests).toHaveLength(0);
  });

  it('R50 sends the configured headers and the bearer token, and asks for a delta with _lastUpdated', async () => {
    const ror = loadConfig({ NODE_ENV: 'test', ...fakeRorEnv(fake) }).ror!;
    fake.requests.length = 0;
    const since = new Date('2026-11-01T10:00:00.000Z');
    expect(await drain(createRorClient(ror, { retries: 0, pageSize: 5 }).search('Organization', since))).toBe(1);
    expect(fake.requests.map((r) => [r.type, r.query.get('_lastUpdated'), r.query.get('_count')])).toEqual([['Organization', 'ge2026-11-01T10:00:00.000Z', '5']]);
    // Without the header or the token the fake ROR answers 401: no token URL, no bearer.
    const bare = loadConfig({ NODE_ENV: 'test', ROR_BASE_URL: fake.baseUrl }).ror!;
    await expect(drain(createRorClient(bare, { retries: 0 }).search('Organization', null))).rejects.toThrow('le ROR a répondu HTTP 401');
  });
});
