/** The directory read by registered applications (OAuth client credentials, scope directory.read): R52 search and sheets, R50 closures and ROR ids, R17 tokens. */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { buildTestApp, type TestApp } from '../../../test/test-app.js';
import { buildAccount, buildEstablishment, buildHabilitation, buildUnit, openTestSession } from '../../../test/factories.js';
import { adminPrincipal, clientCredentials, forgedBearers, registerTestClient } from '../../../test/idp-world.js';
import { establishmentSchema, searchResponseSchema } from './directory.schemas.js';
import * as service from './directory.service.js';

let t: TestApp;
const tag = randomUUID().replaceAll('-', '').slice(0, 10).replace(/\d/g, (d) => 'ghijklmnop'[Number(d)]!);
const SEARCH = '/api/v1/annuaire/etablissements';
const world = {} as {
  open: { id: number; name: string }[];
  closed: { id: number; name: string };
  sheet: { id: number; finess: string; name: string };
  pole: { id: number };
  service: { id: number };
  referentEmail: string;
  reader: string;
};

/** A registered application with these scopes, and its client-credentials access token. */
async function tokenOf(scopes: string[], scope = scopes[0]!) {
  const client = await registerTestClient(t.deps, await adminPrincipal(t.deps), { scopes, domains: [], redirect: '' });
  const issued = await clientCredentials(t.app, client, scope);
  expect(issued.status).toBe(200);
  return { clientId: client.clientId, bearer: `Bearer ${issued.body.access_token!}` };
}
async function get(url: string, authorization?: string) {
  return t.app.inject({ method: 'GET', url, headers: { accept: 'application/json', ...(authorization ? { authorization } : {}) } });
}
/** Every page of a search, following `links.next`; each answer checked against the schema. */
async function readAll(start: string, authorization: string) {
  const pages: ReturnType<typeof searchResponseSchema.parse>[] = [];
  let url: string | null = start;
  while (url) {
    const response = await get(url, authorization);
    expect(response.statusCode).toBe(200);
    const page = searchResponseSchema.parse(response.json());
    pages.push(page);
    url = page.links.next ? new URL(page.links.next).pathname + new URL(page.links.next).search : null;
    expect(pages.length).toBeLessThan(20);
  }
  return pages;
}

beforeAll(async () => {
  t = await buildTestApp();
  const db = t.deps.db;
  world.open = [];
  for (let i = 0; i < 5; i += 1) world.open.push(await buildEstablishment(db, { department: '34', name: `Annuaireapi ${tag} ${i}` }));
  world.closed = await buildEstablishment(db, { department: '34', name: `Annuaireapi ${tag} fermé` });
  await db.updateTable('establishments').set({ closed_at: new Date('2026-03-01T00:00:00Z'), closure_type: 'temporary', reopens_on: '2027-01-15' }).where('id', '=', world.closed.id).execute();
  const sheet = await buildEstablishment(db, { department: '34', name: `Fiche ${tag}`, domain: 'SANITAIRE' });
  await db
    .updateTable('establishments')
    .set({ ror_synced: true, ror_id: `ror-${tag}`, ror_synced_at: new Date(), address: '2 rue Valentin Haüy', postcode: '34500', city: 'Béziers', phone: '04 67 00 00 00', email: `accueil-${tag}@exemple.test`, mssante: `accueil-${tag}@ch.mssante.fr`, description: `Description ${tag}` })
    .where('id', '=', sheet.id)
    .execute();
  world.sheet = sheet;
  const pole = await buildUnit(db, sheet.id, `Pôle ${tag}`);
  await db.updateTable('units').set({ ror_id: `ror-pole-${tag}`, unit_type: 'Pôle', internal_code: 'GER' }).where('id', '=', pole.id).execute();
  const child = await buildUnit(db, sheet.id, `Service ${tag}`);
  await db.updateTable('units').set({ parent_unit_id: pole.id, unit_type: 'Service', closed_at: new Date(), closure_type: 'definitive' }).where('id', '=', child.id).execute();
  world.pole = pole;
  const service = await db
    .insertInto('establishment_services')
    .values({ ror_id: `svc-${tag}`, establishment_id: sheet.id, unit_id: pole.id, location_id: null, name: `Hôpital de jour ${tag}`, category: 'Hospitalisation de jour', specialties: 'Gériatrie', closed_at: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  world.service = service;
  await db.insertInto('establishment_services').values({ ror_id: `svc2-${tag}`, establishment_id: sheet.id, unit_id: null, location_id: null, name: `Accueil ${tag}`, category: null, specialties: null, closed_at: null }).execute();
  // The establishment's structure referent: the page shows their count to referents only, never who they are.
  world.referentEmail = `referent-${tag}@exemple.test`;
  const referent = await buildAccount(db, { email: world.referentEmail });
  await buildHabilitation(db, { accountId: referent.id, profile: 'REFERENT_STRUCTURE', establishmentId: sheet.id });
  world.reader = (await tokenOf(['directory.read'])).bearer;
});
afterAll(async () => {
  await t?.close();
});

describe('GET /api/v1/annuaire/etablissements (scope directory.read)', () => {
  it('R52 an application reads the page’s search, paginated by `taille`, following `next` to the last page, in name order', async () => {
    const pages = await readAll(`${SEARCH}?nom=${encodeURIComponent(`annuaireapi ${tag}`)}&departement=34&taille=2`, world.reader);
    expect(pages.map((p) => p.items.length)).toEqual([2, 2, 1]);
    expect(pages.map((p) => p.page)).toEqual([1, 2, 3]);
    expect(pages.every((p) => p.total === 5 && p.pages === 3 && p.pageSize === 2)).toBe(true);
    expect(pages.at(-1)!.links.next).toBeNull();
    const items = pages.flatMap((p) => p.items);
    expect(items.map((i) => i.id)).toEqual([...world.open].sort((a, b) => a.name.localeCompare(b.name, 'fr')).map((e) => e.id));
    // The very search of the page, 20 a page.
    const page = await service.searchEstablishments(t.deps, { name: `annuaireapi ${tag}`, address: '', finess: '', category: '', domain: '', department: '34', city: '', includeClosed: false }, 1);
    expect(items.map((i) => i.id)).toEqual(page.rows.map((r) => r.id));
    expect(items[0]).toMatchObject({ closed: false, departmentCode: '34', url: `http://localhost:3000${SEARCH}/${items[0]!.id}` });
  });

  it('R50 R52 closed establishments are left out unless `fermes=1`, and then flagged closed, with the closure’s type and end', async () => {
    const open = await get(`${SEARCH}?nom=${encodeURIComponent(`Annuaireapi ${tag}`)}&taille=100`, world.reader);
    expect(open.json().items.map((i: { id: number }) => i.id)).not.toContain(world.closed.id);
    const all = searchResponseSchema.parse((await get(`${SEARCH}?nom=${encodeURIComponent(`Annuaireapi ${tag}`)}&fermes=1&taille=100`, world.reader)).json());
    expect(all.total).toBe(6);
    expect(all.items.find((i) => i.id === world.closed.id)).toMatchObject({ closed: true, closedAt: '2026-03-01T00:00:00.000Z', closureType: 'temporary', reopensOn: '2027-01-15' });
    expect(all.items.filter((i) => i.closed)).toHaveLength(1);
    const sheet = establishmentSchema.parse((await get(`${SEARCH}/${world.closed.id}`, world.reader)).json());
    expect(sheet).toMatchObject({ closed: true, closureType: 'temporary', reopensOn: '2027-01-15' });
  });

  it('R52 a malformed or unknown parameter is a 400 with a French message at each parameter', async () => {
    const cases: [string, string[]][] = [
      ['taille=101', ['taille']],
      ['taille=0', ['taille']],
      ['page=0', ['page']],
      ['page=1e0', ['page']],
      ['page=10001', ['page']],
      ['departement=H%C3%A9rault', ['departement']],
      ['domaine=sanitaire', ['domaine']],
      ['fermes=oui', ['fermes']],
      [`nom=${'x'.repeat(101)}`, ['nom']],
      ['nom=a&nom=b', ['nom']],
      ['q=Béziers&taille=abc', ['q', 'taille']],
    ];
    for (const [query, fields] of cases) {
      const response = await get(`${SEARCH}?${query}`, world.reader);
      expect(response.statusCode, query).toBe(400);
      const body = response.json() as { code: string; message: string; fields: Record<string, string> };
      expect(body.code).toBe('DIRECTORY_QUERY_INVALID');
      expect(body.message).toContain('La recherche est mal formée');
      expect(Object.keys(body.fields).sort(), query).toEqual(fields);
      for (const message of Object.values(body.fields)) expect(message).toMatch(/[a-zé] : |Paramètre inconnu/);
    }
    const control = await get(`${SEARCH}?nom=a%00b`, world.reader);
    expect(control.statusCode).toBe(400);
    expect(control.json().fields).toBeDefined();
  });
});

describe('GET /api/v1/annuaire/etablissements/:id (scope directory.read)', () => {
  it('R50 R52 one establishment: its ids, identity, place, contacts (MSSanté apart from the e-mail), units with level, parent and services', async () => {
    const response = await get(`${SEARCH}/${world.sheet.id}`, world.reader);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('application/json');
    const sheet = establishmentSchema.parse(response.json());
    expect(sheet).toMatchObject({
      id: world.sheet.id,
      rorId: `ror-${tag}`,
      finess: world.sheet.finess,
      name: world.sheet.name,
      domain: { code: 'SANITAIRE' },
      address: { street: '2 rue Valentin Haüy', postcode: '34500', city: 'Béziers' },
      department: { code: '34', name: 'Département 34' },
      regionCode: '76',
      rorSynced: true,
      closed: false,
      contacts: { phone: '04 67 00 00 00', email: `accueil-${tag}@exemple.test`, mssante: `accueil-${tag}@ch.mssante.fr` },
      description: `Description ${tag}`,
    });
    const pole = sheet.units.find((u) => u.id === world.pole.id)!;
    expect(pole).toMatchObject({ rorId: `ror-pole-${tag}`, name: `Pôle ${tag}`, level: 'Pôle', parentId: null, internalCode: 'GER', closed: false });
    expect(pole.services).toEqual([{ id: world.service.id, name: `Hôpital de jour ${tag}`, category: 'Hospitalisation de jour', types: null, specialties: 'Gériatrie', closed: false, place: null }]);
    const child = sheet.units.find((u) => u.name === `Service ${tag}`)!;
    expect(child).toMatchObject({ level: 'Service', parentId: world.pole.id, closed: true, closureType: 'definitive', services: [] });
    expect(sheet.services.map((s) => s.name)).toEqual([`Accueil ${tag}`]);
  });

  it('R52 the answer carries what the sheet shows every professional and nothing else: no referent, no edit right, no bookkeeping', async () => {
    const response = await get(`${SEARCH}/${world.sheet.id}`, world.reader);
    const body = response.json() as Record<string, unknown>;
    // Exactly the documented members: the schema's keys, none added.
    expect(Object.keys(body).sort()).toEqual(Object.keys(establishmentSchema.shape).sort());
    for (const unit of body.units as Record<string, unknown>[]) expect(Object.keys(unit).sort()).toEqual(Object.keys(establishmentSchema.shape.units.element.shape).sort());
    for (const hidden of ['referents', 'canEdit', 'phone_from_ror', 'email_from_ror', 'name_fold', 'photos', 'documents', 'legal_entity_id', 'created_at', 'updated_at']) expect(response.body).not.toContain(`"${hidden}"`);
    expect(response.body).not.toContain(world.referentEmail);
  });

  it('an unknown id is a 404 with a French message; a malformed id (` 1`, `01`, `0x1`, `1e0`, -1, 2³¹) is a 404 too, as on every route', async () => {
    const unknown = await get(`${SEARCH}/2147483647`, world.reader);
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ code: 'ESTABLISHMENT_NOT_FOUND', message: 'Cet établissement n’existe pas dans l’annuaire.' });
    for (const id of ['%201', `0${world.sheet.id}`, '0x1', '1e0', '-1', '0', '2147483648', `${world.sheet.id}.0`]) {
      const response = await get(`${SEARCH}/${id}`, world.reader);
      expect(response.statusCode, id).toBe(404);
      expect(response.json().message, id).toMatch(/n’existe pas/);
    }
  });
});

describe('Hostile input with a valid token', () => {
  it('R52 any query string or path id: never a 5xx, a 200 that fits the schema or a 4xx with a French message', async () => {
    const keys = ['nom', 'adresse', 'finess', 'categorie', 'departement', 'domaine', 'commune', 'fermes', 'page', 'taille', 'q', '__proto__', 'constructor'];
    const value = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('1', '0', '100', '101', '2A', 'SANITAIRE', '%', '_', '\\', '1e0', '0x1', ' 1', '01', '2147483648', "' OR 1=1 --"));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.constantFrom(...keys), value), { maxLength: 4 }), fc.oneof(value.filter((v) => v !== ''), fc.constant(String(world.sheet.id))), async (pairs, id) => {
        const search = await get(`${SEARCH}?${new URLSearchParams(pairs).toString()}`, world.reader);
        expect(search.statusCode === 200 || search.statusCode === 400, search.body).toBe(true);
        if (search.statusCode === 200) searchResponseSchema.parse(search.json());
        else expect(search.json().message).toMatch(/mal formée|refusée|invalide|caractère/i);
        const sheet = await get(`${SEARCH}/${encodeURIComponent(id)}`, world.reader);
        expect([200, 404], sheet.body).toContain(sheet.statusCode);
        if (sheet.statusCode === 200) establishmentSchema.parse(sheet.json());
      }),
      { numRuns: 60, seed: 20_261_206 },
    );
  });

  it('the OpenAPI document describes both operations with the scope directory.read, and the sheet’s 404', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json() as { paths: Record<string, { get: { security: unknown; responses: Record<string, unknown>; parameters: { name: string }[] } }> };
    const search = doc.paths[SEARCH]!.get;
    const sheet = doc.paths[`${SEARCH}/{id}`]!.get;
    for (const op of [search, sheet]) expect(op.security).toEqual([{ clientCredentials: ['directory.read'] }]);
    expect(search.parameters.map((p) => p.name)).toEqual(['nom', 'adresse', 'finess', 'categorie', 'departement', 'domaine', 'commune', 'fermes', 'page', 'taille']);
    expect(Object.keys(sheet.responses)).toEqual(['200', '400', '401', '403', '404', '429']);
    expect(Object.keys(search.responses)).toEqual(['200', '400', '401', '403', '429']);
  });
});

describe('Tokens (R17)', () => {
  it('R17 a token without the scope directory.read gets 403; no token, a forged or an expired token 401; a session alone opens nothing', async () => {
    const urls = [`${SEARCH}?nom=${tag}`, `${SEARCH}/${world.sheet.id}`];
    const evaluator = await tokenOf(['access.evaluate']);
    for (const url of urls) {
      const noScope = await get(url, evaluator.bearer);
      expect(noScope.statusCode).toBe(403);
      expect(noScope.headers['www-authenticate']).toBe('Bearer error="insufficient_scope"');
      expect(noScope.json().message).toBe('Ce client n’a pas la portée « directory.read » nécessaire à cet appel.');
      const none = await get(url);
      expect(none.statusCode).toBe(401);
      expect(none.headers['www-authenticate']).toBe('Bearer');
    }
    // The evaluator's token made to say directory.read, the reader's with a broken signature, garbage.
    for (const authorization of forgedBearers(world.reader, evaluator.bearer, { scope: 'directory.read' })) {
      const response = await get(urls[1]!, authorization);
      expect(response.statusCode).toBe(401);
      expect(response.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
    }
    const professional = await buildAccount(t.deps.db);
    await buildHabilitation(t.deps.db, { accountId: professional.id, profile: 'SANITAIRE_PRESCRIPTEUR', establishmentId: world.sheet.id });
    const session = await t.app.inject({ method: 'GET', url: urls[1]!, headers: { accept: 'application/json', cookie: await openTestSession(t.deps.db, professional.id) } });
    expect(session.statusCode).toBe(401);
    expect((await get(urls[1]!, world.reader)).statusCode).toBe(200);
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 10 * 60_000 });
    try {
      const expired = await get(urls[1]!, world.reader);
      expect(expired.statusCode).toBe(401);
      expect(expired.json().message).toContain('invalide ou expiré');
    } finally {
      vi.useRealTimers();
    }
  });
});
