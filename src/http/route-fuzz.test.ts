/**
 * Issue 12: every route of THE route table fuzzed, driven by the table itself (a route added later
 * is fuzzed without anyone writing a line here). For each POST route, the fields its handler
 * declares (`withInput`, src/platform/input.ts) — or, undeclared, common field names — get values
 * an attacker or a broken client sends: Unicode, NUL and other controls, huge and empty strings,
 * numbers where text is expected, repeated fields, ids of another structure, negative and 2⁶³ ids,
 * ` 63`, `063`, `0x3f`, `6.3e1`; path parameters the same. Each request is sent with a valid CSRF
 * token by a principal of each kind (anonymous, half-signed-in, plain professional, structure
 * referent, region administrator, liberal professional, assistant). GET routes get the same in
 * their query strings.
 * Properties: never a 5xx; a page is a French page; a value that breaks its declared field, or a
 * path id that is no strict id, is answered 4xx; and a 4xx changes nothing in the database (a
 * digest of every table, bookkeeping of refusals aside: counters, sessions, refusal events).
 * `npm test` runs a fixed seed; `FUZZ_RUNS=<runs per route and principal> FUZZ_SEED=<n>` runs longer.
 * A failure prints fast-check's seed, path and shrunk input.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { sql } from 'kysely';
import { randomUUID } from 'node:crypto';
import { buildTestApp, TEST_SECRET, type TestApp } from '../../test/test-app.js';
import { createScratchDatabase, type ScratchDatabase } from '../../test/databases.js';
import { buildAccount, buildEstablishment, buildHabilitation, buildUnit, openTestSession, uniqueMobile } from '../../test/factories.js';
import { fieldSpec, type FieldSpec } from '../platform/input.js';
import { loadCatalogue } from '../db/seed/catalogue.js';
import { hmac } from '../platform/crypto.js';
import type { RouteEntry } from './route-table.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20_261_206);
/** Runs per route and principal; the default keeps `npm test` within a minute. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 2);
/** About 40 s per run per route and principal on a loaded 2-core machine, with room. */
const TIMEOUT_MS = Math.max(600_000, RUNS * 120_000);
/** Field names tried on a route whose handler declares no form. */
const COMMON_FIELDS = ['id', 'code', 'nom', 'email', 'retour', 'jeton', 'profil', 'lieu', 'fin', 'mails', 'depuis', 'username', 'password', 'comptes', 'q', 'page', 'finess', 'commune', 'categorie', 'departement', 'domaine', 'adresse', 'structure', 'unite', 'coordination', 'tri', 'ordre', 'etat', 'fait'];
/** Refusals the application rightly records even when it answers 4xx: excluded from the digest. */
const BOOKKEEPING_TABLES = new Set(['sessions', 'rate_limits', 'altcha_spent', 'kysely_migration', 'kysely_migration_lock']);
const BOOKKEEPING_COLUMNS = ['failed_login_count', 'blocked_at', 'last_seen_at', 'last_login_at', 'attempts', 'invalidated_at', 'last_used_at'];
const REFUSAL_EVENT = '(FAILED|REFUSED|BLOCKED|INVALIDATED)$';

type Kind = 'anonyme' | 'second-facteur' | 'professionnel' | 'référent' | 'région' | 'libéral' | 'assistant';
const KINDS: Kind[] = ['anonyme', 'second-facteur', 'professionnel', 'référent', 'région', 'libéral', 'assistant'];

let scratch: ScratchDatabase;
let t: TestApp;
let csrf: { cookie: string; token: string };
const accountOf = new Map<Kind, number>();
/** Ids that exist but belong to another structure or another person. */
let foreignIds: string[] = [];

beforeAll(async () => {
  scratch = await createScratchDatabase({ migrated: true });
  t = await buildTestApp({ env: { DATABASE_URL: scratch.url } });
  const db = t.deps.db;
  await loadCatalogue(db);
  const home = await buildEstablishment(db);
  const unit = await buildUnit(db, home.id);
  const other = await buildEstablishment(db, { department: '07' });
  const otherUnit = await buildUnit(db, other.id);
  const person = (tag: string) => buildAccount(db, { email: `${tag}-${randomUUID()}@exemple.test`, mobile_phone: uniqueMobile() });
  const professional = await person('pro');
  await buildHabilitation(db, { accountId: professional.id, profile: 'SANITAIRE_PRESCRIPTEUR', establishmentId: home.id });
  const referent = await person('ref');
  await buildHabilitation(db, { accountId: referent.id, profile: 'REFERENT_STRUCTURE', establishmentId: home.id });
  const region = await person('region');
  await buildHabilitation(db, { accountId: region.id, profile: 'SANITAIRE_REGION', regionCode: '76' });
  const liberal = await person('liberal');
  await db.insertInto('liberal_practices').values({ account_id: liberal.id, address: '1 place du Marché', postcode: '34000', city: 'Montpellier', created_at: new Date() }).execute();
  const assistant = await person('assistant');
  const now = new Date();
  await db
    .insertInto('assistant_delegations')
    .values({
      professional_account_id: liberal.id, assistant_account_id: assistant.id, invited_last_name: assistant.last_name, invited_first_name: assistant.first_name,
      invited_email: assistant.email, files: 'read', medical: 'none', autonomy: 'read', status: 'active', invitation_token_hash: null,
      invitation_expires_at: now, created_at: now, accepted_at: now, revoked_at: null, updated_at: now,
    })
    .execute();
  const half = await person('half');
  for (const [kind, account] of [['second-facteur', half], ['professionnel', professional], ['référent', referent], ['région', region], ['libéral', liberal], ['assistant', assistant]] as const) accountOf.set(kind, account.id);
  // A victim elsewhere: its account, habilitation, establishment and unit ids are "ids of other structures".
  const victim = await person('victim');
  const victimHabilitation = await buildHabilitation(db, { accountId: victim.id, profile: 'SANITAIRE_PRESCRIPTEUR', establishmentId: other.id });
  foreignIds = [victim.id, victimHabilitation.id, other.id, otherUnit.id, unit.id].map(String);
  const tables = await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`.execute(db);
  digestQuery = digestOf(tables.rows.map((r) => r.name).filter((name) => !BOOKKEEPING_TABLES.has(name)));
  const response = await t.app.inject({ method: 'GET', url: '/' });
  const seed = response.cookies.find((c) => c.name === 'habilis_csrf')!.value;
  csrf = { cookie: `habilis_csrf=${seed}`, token: hmac(Buffer.from(TEST_SECRET), `csrf:${seed}`) };
}, 60_000);

afterAll(async () => {
  await t?.close();
  await scratch?.drop();
});

/** A session of the principal, fresh before each request (a fuzzed request may have ended or blocked the last one). */
async function cookieOf(kind: Kind): Promise<string> {
  if (kind === 'anonyme') return csrf.cookie;
  const accountId = accountOf.get(kind)!;
  await t.deps.db.updateTable('accounts').set({ blocked_at: null, failed_login_count: 0, deactivated_at: null }).where('id', '=', accountId).execute();
  const session = await openTestSession(t.deps.db, accountId, { strength: kind === 'second-facteur' ? 'password' : 'strong' });
  return `${csrf.cookie}; ${session}`;
}

let digestQuery: ReturnType<typeof digestOf>;

/** One statement: a digest per table of the application (tables of later branches included), refusal bookkeeping aside. */
function digestOf(tables: string[]) {
  const perTable = tables.map((name) => {
    const filter = name === 'audit_events' ? sql`where not (code ~ ${REFUSAL_EVENT})` : sql``;
    return sql`select ${name}::text as name, (select md5(string_agg(x, '' order by x)) from (select md5((to_jsonb(t) - ${BOOKKEEPING_COLUMNS}::text[])::text) as x from ${sql.table(name)} t ${filter}) s) as d`;
  });
  return sql<{ digest: string }>`select string_agg(name || ':' || coalesce(d, ''), ',' order by name) as digest from (${sql.join(perTable, sql` union all `)}) all_tables`;
}

async function digest(): Promise<string> {
  return (await digestQuery.execute(t.deps.db)).rows[0]!.digest;
}

// ─── Generated values ──────────────────────────────────────────────────────────────────────────
const BAD_IDS = [' 63', '063', '0x3f', '6.3e1', '-1', '0', '9223372036854775808', '2147483648', '1.0', '１２', '63 ', '+63', ''];
const CONTROLS = ['\u0000', 'a\u0000b', '\u0007', '\u001b[31m', 'ligne\nautre', '\t', '\r', '\u0085', '\u2028', '\u007f'];

/** A value that breaks any declared text field. */
const hostileText = (spec?: FieldSpec) =>
  fc.oneof(
    fc.constantFrom(...CONTROLS).map((c) => `Dupont${c}`),
    fc.constant('x'.repeat((spec?.max ?? 100) + 1)),
    fc.constant('9'.repeat(Math.max(61, (spec?.max ?? 0) + 1))),
    fc.constant('é'.repeat(10_000)),
  );

const anyText = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom('', '   ', '0', '-1', '1e309', 'NaN', 'true', '[object Object]', "' OR 1=1 --", '<script>alert(1)</script>', '../../etc/passwd', '%00', '\u202e'),
  fc.constantFrom(...BAD_IDS),
  hostileText(),
);

const idValue = fc.oneof(fc.constantFrom(...BAD_IDS), fc.constantFrom(...['1', '2', '63', '2147483647']), fc.constant('__foreign__'));

/** A value for one field: hostile to its declaration, or anything. Arrays stand for a repeated field. */
function fieldValue(spec: FieldSpec | undefined): fc.Arbitrary<{ value: string | string[]; breaks: boolean }> {
  const breaking = spec && spec.kind !== 'id' && spec.kind !== 'ids' ? hostileText(spec).map((value) => ({ value, breaks: !(spec.multiline && /^Dupont(ligne\nautre|\t|\r|\u2028)$/.test(value)) })) : fc.constant({ value: '', breaks: false });
  const loose = fc.oneof(anyText, idValue).map((value) => ({ value, breaks: false }));
  const repeated = fc.array(fc.oneof(anyText, idValue), { minLength: 2, maxLength: 3 }).map((value) => ({ value, breaks: spec !== undefined && spec.kind !== 'ids' && spec.kind !== 'texts' }));
  return fc.oneof({ weight: 3, arbitrary: breaking }, { weight: 4, arbitrary: loose }, { weight: 1, arbitrary: repeated });
}

/** Encodes a form as a browser would, except that lone surrogates become invalid UTF-8. */
function encode(fields: Array<[string, string | string[]]>): string {
  const part = (s: string) => {
    try {
      return encodeURIComponent(s);
    } catch {
      return '%ED%A0%80';
    }
  };
  return fields.flatMap(([k, v]) => [v].flat().map((item) => `${part(k)}=${part(item === '__foreign__' ? foreignIds[0]! : item)}`)).join('&');
}

interface Case {
  kind: Kind;
  params: Record<string, string>;
  fields: Array<[string, string | string[]]>;
  breaks: boolean;
  badPathId: boolean;
}

function caseFor(route: RouteEntry): fc.Arbitrary<Case> {
  const paramNames = [...route.url.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1]!);
  const declared = route.input?.body?.shape as Record<string, Parameters<typeof fieldSpec>[0]> | undefined;
  const names = declared ? Object.keys(declared) : COMMON_FIELDS;
  const params = fc.record(Object.fromEntries(paramNames.map((p) => [p, fc.oneof(idValue, fc.constantFrom(...foreignIds), anyText)]))) as fc.Arbitrary<Record<string, string>>;
  const fieldArbs = names.map((name) =>
    fc.option(fieldValue(declared?.[name] ? fieldSpec(declared[name]) : undefined).map((v) => ({ name, ...v })), { nil: undefined, freq: 3 }),
  );
  const extra = fc.option(fc.tuple(fc.constantFrom('inconnu', '__proto__', 'constructor', '_csrf2'), anyText), { nil: undefined });
  return fc.record({ kind: fc.constantFrom(...KINDS), params, fields: fc.tuple(...fieldArbs), extra }).map(({ kind, params: p, fields, extra: x }) => {
    const present = fields.filter((f): f is NonNullable<typeof f> => f !== undefined);
    const idParams = paramNames.filter((n) => /^(id|hid|[a-z]+Id)$/.test(n) && !route.input?.textParams?.includes(n));
    return {
      kind,
      params: p,
      fields: [...present.map((f) => [f.name, f.value] as [string, string | string[]]), ...(x ? [x] : [])],
      breaks: declared !== undefined && present.some((f) => f.breaks),
      badPathId: idParams.some((n) => !/^[1-9][0-9]{0,9}$/.test(p[n]!) || Number(p[n]) > 2_147_483_647),
    };
  });
}

function urlOf(route: RouteEntry, params: Record<string, string>): string {
  return route.url.replace(/:([A-Za-z]+)/g, (_, name: string) => {
    const value = params[name] === '__foreign__' ? foreignIds[0]! : params[name]!;
    try {
      return encodeURIComponent(value) || '%20';
    } catch {
      return '%ED%A0%80';
    }
  });
}

async function check(route: RouteEntry, c: Case): Promise<void> {
  const cookie = await cookieOf(c.kind);
  const before = await digest();
  const url = urlOf(route, c.params);
  const response =
    route.method === 'POST'
      ? await t.app.inject({
          method: 'POST',
          url,
          remoteAddress: `10.99.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250) + 1}`,
          headers: { accept: 'text/html', origin: 'http://localhost:3000', cookie, 'content-type': 'application/x-www-form-urlencoded' },
          payload: `_csrf=${encodeURIComponent(csrf.token)}${c.fields.length ? '&' : ''}${encode(c.fields)}`,
        })
      : await t.app.inject({ method: 'GET', url: `${url}?${encode(c.fields)}`, headers: { accept: 'text/html', cookie } });
  const where = `${route.method} ${url} (${c.kind})`;
  expect(response.statusCode, `${where}: jamais de 5xx\n${response.body.slice(0, 400)}`).toBeLessThan(500);
  if (String(response.headers['content-type'] ?? '').startsWith('text/html')) {
    expect(response.body, `${where}: une page en français`).toContain('<html lang="fr"');
  }
  const refused = route.method === 'POST' && (c.breaks || c.badPathId);
  if (refused) {
    // 4xx, or the guard's redirect (a strong session on a half-signed-in page…) before anything runs.
    expect([303, 400, 401, 403, 404, 409, 413, 415, 422, 429].includes(response.statusCode) || (response.statusCode >= 400 && response.statusCode < 500), `${where}: une valeur refusée par sa déclaration n’est pas acceptée`).toBe(true);
  }
  if (response.statusCode >= 400 || refused) {
    expect(await digest(), `${where}: un refus ne change rien en base`).toBe(before);
  }
}

/** Runs one route's property; a failure (fast-check's seed, path and shrunk input) is kept and the next route still runs. */
async function collect(failures: string[], route: RouteEntry, run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (error) {
    const { message, cause } = error as Error & { cause?: Error };
    const lines = message.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('Hint'));
    failures.push(`${route.method} ${route.url}: ${[...lines, String(cause?.message ?? '').split('\n')[0]].join('\n')}`);
  }
}

describe('fuzz over the route table (issue 12)', () => {
  it('every POST route, every kind of principal: no 5xx, French pages, hostile values refused at 4xx, nothing written by a 4xx', async () => {
    const routes = t.app.routeTable.filter((r) => r.method === 'POST');
    expect(routes.length).toBeGreaterThan(30);
    const failures: string[] = [];
    for (const [i, route] of routes.entries()) {
      await collect(failures, route, () => fc.assert(fc.asyncProperty(caseFor(route), (c) => check(route, c)), { seed: SEED + i, numRuns: RUNS * KINDS.length }));
    }
    expect(failures, failures.join('\n\n')).toEqual([]);
  }, TIMEOUT_MS);

  it('every GET route: hostile query strings and path ids give no 5xx and a French page', async () => {
    const routes = t.app.routeTable.filter((r) => r.method === 'GET' && !r.url.startsWith('/static/') && r.url !== '/metrics');
    const failures: string[] = [];
    for (const [i, route] of routes.entries()) {
      await collect(failures, route, () => fc.assert(fc.asyncProperty(caseFor({ ...route, input: undefined }), (c) => check(route, c)), { seed: SEED + 1000 + i, numRuns: RUNS * 3 }));
    }
    expect(failures, failures.join('\n\n')).toEqual([]);
  }, TIMEOUT_MS);
});
