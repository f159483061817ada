/**
 * The directory's HTTP tests share this world: an application with a ROR configured and a job runner
 * that notes what it is asked, a synchronised establishment with a unit, an unsynchronised one,
 * another structure, their referents, a professional and a region administrator, and helpers to act
 * as one of them (forms, multipart uploads) and to add a service as the ROR synchronisation writes it.
 */
import { afterAll, beforeAll } from 'vitest';
import { randomInt, randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { buildTestApp, TEST_SECRET, type TestApp } from './test-app.js';
import { Agent } from './agent.js';
import { buildAccount, buildEstablishment, buildHabilitation, buildUnit, ensureTerritory, openTestSession } from './factories.js';
import { hmac } from '../src/platform/crypto.js';
import type { Account } from '../src/db/schema.js';

// Live bindings: a test file that calls useDirectoryWorld() reads them once its beforeAll has run.
export let t: TestApp;
export const triggered: string[] = [];
export const tag = randomUUID().slice(0, 8);
export const world = {} as {
  synced: { id: number; name: string; finess: string };
  local: { id: number; name: string };
  other: { id: number };
  unit: { id: number };
  professional: Account;
  referent: Account;
  otherReferent: Account;
  region: Account;
};

export async function agentFor(account: Account | null): Promise<Agent> {
  const agent = new Agent(t.app);
  if (account) agent.cookies.set('habilis_session', (await openTestSession(t.deps.db, account.id)).split('=')[1]!);
  await agent.get('/');
  return agent;
}

export type UploadedFile = { filename: string; type: string; data: Buffer; field?: string };

function multipart(fields: Record<string, string>, file?: UploadedFile) {
  const boundary = `----habilis${randomInt(1e9)}`;
  const chunks: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  }
  if (file) {
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${file.field ?? 'photo'}"; filename="${file.filename}"\r\nContent-Type: ${file.type}\r\n\r\n`));
    chunks.push(file.data, Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

export async function upload(agent: Agent, url: string, file?: UploadedFile, fields: Record<string, string> | string = ''): Promise<LightMyRequestResponse> {
  const token = hmac(Buffer.from(TEST_SECRET), `csrf:${agent.cookies.get('habilis_csrf')}`);
  const body = multipart({ _csrf: token, ...(typeof fields === 'string' ? { alt: fields } : fields) }, file);
  return t.app.inject({
    method: 'POST',
    url,
    remoteAddress: agent.ip,
    headers: { accept: 'text/html', origin: 'http://localhost:3000', cookie: agent.cookieHeader, 'content-type': body.contentType },
    payload: body.payload,
  });
}

export const countIn = async (table: 'establishment_photos' | 'establishment_documents', establishmentId: number) =>
  Number((await t.deps.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).where('establishment_id', '=', establishmentId).executeTakeFirstOrThrow()).n);
export const photoCount = (establishmentId: number) => countIn('establishment_photos', establishmentId);

/** A service of an establishment as the ROR synchronisation writes it. */
export async function addService(establishmentId: number, values: { name: string; category?: string; specialties?: string; unitId?: number; locationId?: number; closed?: boolean }) {
  return t.deps.db
    .insertInto('establishment_services')
    .values({
      ror_id: `svc-${randomUUID()}`,
      establishment_id: establishmentId,
      unit_id: values.unitId ?? null,
      location_id: values.locationId ?? null,
      name: values.name,
      category: values.category ?? null,
      specialties: values.specialties ?? null,
      closed_at: values.closed ? new Date() : null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
}

/** Registers the hooks that build the world before the file's tests and close it after. */
export function useDirectoryWorld(): void {
  beforeAll(async () => {
  t = await buildTestApp({
    // Documents of 1 MB at most here (10 MB by default): the limit is configuration.
    env: { ROR_BASE_URL: 'http://127.0.0.1:9/fhir', DIRECTORY_DOCUMENT_MAX_MB: '1' },
    deps: { jobs: { trigger: async (name: string) => void triggered.push(name), send: async () => undefined, stop: async () => undefined } },
  });
  const db = t.deps.db;
  await ensureTerritory(db, '76', '34');
  await ensureTerritory(db, '76', '30');
  const synced = await buildEstablishment(db, { department: '34', name: `Clinique Synchro ${tag}` });
  await db
    .updateTable('establishments')
    .set({ ror_synced: true, ror_id: `ror-${tag}`, ror_synced_at: new Date(), category: `Catégorie ${tag}`, domain_code: 'SANITAIRE', city: `Sète${tag}`, postcode: '34200' })
    .where('id', '=', synced.id)
    .execute();
  world.synced = { id: synced.id, name: synced.name, finess: synced.finess };
  world.unit = await buildUnit(db, synced.id, 'Pédiatrie');
  world.local = await buildEstablishment(db, { department: '30', name: `Maison Locale ${tag}` });
  world.other = await buildEstablishment(db, { department: '30' });
  for (let i = 0; i < 23; i += 1) await buildEstablishment(db, { department: '34', name: `Pagination ${tag} ${String(i).padStart(2, '0')}` });
  const withHabilitation = async (profile: string, place: { establishmentId?: number; unitId?: number; regionCode?: string }) => {
    const account = await buildAccount(db);
    await buildHabilitation(db, { accountId: account.id, profile, ...place });
    return account;
  };
  world.professional = await withHabilitation('SANITAIRE_PRESCRIPTEUR', { unitId: world.unit.id });
  world.referent = await withHabilitation('REFERENT_STRUCTURE', { establishmentId: synced.id });
  await buildHabilitation(db, { accountId: world.referent.id, profile: 'REFERENT_STRUCTURE', establishmentId: world.local.id });
  world.otherReferent = await withHabilitation('REFERENT_STRUCTURE', { establishmentId: world.other.id });
  world.region = await withHabilitation('SANITAIRE_REGION', { regionCode: '76' });
});
afterAll(async () => {
  await t.close();
});
}
