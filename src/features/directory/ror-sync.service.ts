/**
 * ROR synchronisation (R50). A run first reads every page the ROR returns — Organizations, then
 * Locations, then HealthcareServices (a fetch failure stops the run before any write: nothing
 * changes half-way) — then writes resource by resource, each in its own statement-transaction
 * (new places and services by batches, a refused batch retried row by row): a malformed or refused
 * resource is recorded with its id and the run goes on. Rows are compared with what is stored and
 * written only when a ROR-owned field differs, so a second identical run changes nothing. Full runs
 * close what the ROR no longer lists; closing never deletes (habilitations there stay visible).
 */
import { sql } from 'kysely';
import type { Deps } from '../../deps.js';
import { createRorClient, RorFetchError, type FhirResource, type RorClient, type RorResourceType } from './ror-sync.client.js';
import * as repo from './ror-sync.repository.js';
import {
  mapHealthcareService,
  mapLocation,
  mapOrganization,
  sameFields,
  type EstablishmentRorFields,
  type Mapping,
  type MappedLocation,
  type MappedOrganization,
  type MappedService,
} from './ror-sync.rules.js';

/** A full run at least weekly (issue 7); in between, deltas. */
const FULL_EVERY_MS = 7 * 24 * 3600 * 1000;
const MAX_RECORDED_ERRORS = 500;

export interface SyncResult extends repo.SyncRunCounts {
  runId: number;
  kind: 'full' | 'delta';
  status: 'succeeded' | 'partial' | 'failed';
  countsByKind: Record<repo.ResourceKind, repo.SyncRunCounts>;
  errors: { resourceId: string; message: string }[];
  message: string | null;
}

type Mapped<K extends MappedOrganization['kind']> = Extract<MappedOrganization, { kind: K }>;

/** Runs `task` over items with at most `width` at a time. */
async function eachConcurrently<T>(items: T[], width: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await task(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
}

const zero = (): repo.SyncRunCounts => ({ created: 0, updated: 0, closed: 0, unchanged: 0 });

/** New places and services are written this many to a statement (one commit instead of 500). */
const INSERT_BATCH = 500;

interface RowSync<Row> {
  /** What the ROR says, resolved to rows (a resource that could not be attached is already reported). */
  items: { rorId: string; resourceId: string; row: Row; active: boolean }[];
  stored: Map<string, Row & { id: number; closed_at: Date | null }>;
  counts: repo.SyncRunCounts;
  insert: (rows: repo.NewRows<Row>) => Promise<{ id: number; ror_id: string }[]>;
  update: (id: number, row: Row, closedAt: Date | null) => Promise<void>;
}

/**
 * Writes places or services and returns the row id of each ROR id written or unchanged. A stored
 * row is updated alone, and only when a field or its closing differs (closed when the ROR says it
 * is no longer active, never deleted). New rows are inserted INSERT_BATCH at a time; a batch the
 * database refuses is retried row by row, so a refused resource is recorded alone and the others
 * are written.
 */
async function syncRows<Row extends object>(sync: RowSync<Row>, context: { now: Date; width: number; fail: (resourceId: string, message: string) => void }): Promise<Map<string, number>> {
  const { now, width, fail } = context;
  const ids = new Map<string, number>();
  const fresh: (RowSync<Row>['items'][number] & { closedAt: Date | null })[] = [];
  const changed: { item: RowSync<Row>['items'][number]; stored: Row & { id: number; closed_at: Date | null } }[] = [];
  for (const item of sync.items) {
    const stored = sync.stored.get(item.rorId);
    if (!stored) fresh.push({ ...item, closedAt: item.active ? null : now });
    else if (sameFields<Row>(item.row, stored) && (stored.closed_at !== null) === !item.active) {
      sync.counts.unchanged += 1;
      ids.set(item.rorId, stored.id);
    } else changed.push({ item, stored });
  }
  await eachConcurrently(changed, width, async ({ item, stored }) => {
    try {
      await sync.update(stored.id, item.row, item.active ? null : (stored.closed_at ?? now));
      ids.set(item.rorId, stored.id);
      if (!item.active && stored.closed_at === null) sync.counts.closed += 1;
      else sync.counts.updated += 1;
    } catch (error) {
      fail(item.resourceId, describeDbError(error));
    }
  });
  const batches = Array.from({ length: Math.ceil(fresh.length / INSERT_BATCH) }, (_, i) => fresh.slice(i * INSERT_BATCH, (i + 1) * INSERT_BATCH));
  const insert = async (batch: typeof fresh) => {
    for (const row of await sync.insert(batch)) ids.set(row.ror_id, row.id);
    sync.counts.created += batch.length;
  };
  await eachConcurrently(batches, width, async (batch) => {
    try {
      await insert(batch);
    } catch {
      for (const item of batch) {
        try {
          await insert([item]);
        } catch (error) {
          fail(item.resourceId, describeDbError(error));
        }
      }
    }
  });
  return ids;
}

function describeDbError(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  if (code === '23505') return 'refusée par la base : valeur déjà utilisée par une autre fiche (FINESS ou nom d’unité)';
  if (typeof code === 'string') return `refusée par la base (code ${code})`;
  return error instanceof Error ? error.message.slice(0, 200) : 'erreur inconnue';
}

type SyncDeps = Pick<Deps, 'db' | 'clock' | 'logger' | 'config'>;
type SyncOptions = { kind?: 'full' | 'delta' | 'auto'; client?: RorClient; concurrency?: number };

/** Key of the PostgreSQL advisory lock that lets one run at a time, whichever node starts it. */
const SYNC_LOCK_KEY = 7_000_007;

/** Runs a synchronisation; null when it is disabled (no ROR_BASE_URL) or another run holds the lock. */
export async function runRorSync(deps: SyncDeps, options: SyncOptions = {}): Promise<SyncResult | null> {
  const client = options.client ?? (deps.config.ror ? createRorClient(deps.config.ror) : null);
  if (!client) return null;
  try {
    // The lock lives on one connection held for the whole run; the run itself uses the pool.
    return await deps.db.connection().execute(async (connection) => {
      const { rows } = await sql<{ locked: boolean }>`SELECT pg_try_advisory_lock(${SYNC_LOCK_KEY}) AS locked`.execute(connection);
      if (!rows[0]?.locked) {
        deps.logger.info('synchronisation ROR déjà en cours ailleurs : rien à faire');
        return null;
      }
      try {
        return await runLocked(deps, client, options);
      } finally {
        await sql`SELECT pg_advisory_unlock(${SYNC_LOCK_KEY})`.execute(connection);
      }
    });
  } finally {
    if (!options.client) client.close();
  }
}

/** Reads every page of one resource type and maps each resource; unmappable ones are reported. */
async function readAll<T extends { rorId: string }>(
  client: RorClient,
  resourceType: RorResourceType,
  since: Date | null,
  map: (resource: FhirResource) => Mapping<T>,
  report: (rorId: string, message: string) => void,
): Promise<{ mapped: T[]; listed: Set<string> }> {
  // By id: a resource listed twice (pages shifting during the read) is written once, as last read.
  const mapped = new Map<string, T>();
  // Every id the ROR listed, even malformed: a full run must not close a resource it failed to read.
  const listed = new Set<string>();
  for await (const page of client.search(resourceType, since)) {
    for (const resource of page) {
      const result = map(resource);
      listed.add(result.ok ? result.value.rorId : result.rorId);
      if (result.ok) mapped.set(result.value.rorId, result.value);
      else report(result.rorId, result.message);
    }
  }
  return { mapped: [...mapped.values()], listed };
}

async function runLocked(deps: SyncDeps, client: RorClient, options: SyncOptions): Promise<SyncResult> {
  const { db } = deps;

  const lastGood = await repo.getLastGoodRun(db);
  let kind = options.kind ?? 'auto';
  if (kind === 'auto') {
    const lastFull = await repo.getLastGoodRun(db, 'full');
    kind = !lastFull || deps.clock.now().getTime() - lastFull.started_at.getTime() >= FULL_EVERY_MS ? 'full' : 'delta';
  }
  if (kind === 'delta' && !lastGood) kind = 'full';
  const since = kind === 'delta' ? lastGood!.started_at : null;
  const startedAt = deps.clock.now();
  const runId = await repo.startRun(db, kind, since, startedAt);

  const countsByKind: Record<repo.ResourceKind, repo.SyncRunCounts> = { organizations: zero(), locations: zero(), services: zero() };
  const counts = countsByKind.organizations;
  const errors: { resourceId: string; message: string }[] = [];
  let errorCount = 0;
  const fail = (resourceId: string, message: string) => {
    errorCount += 1;
    if (errors.length < MAX_RECORDED_ERRORS) errors.push({ resourceId, message });
  };
  const finish = async (status: 'succeeded' | 'partial' | 'failed', message: string | null): Promise<SyncResult> => {
    const totals = zero();
    for (const part of Object.values(countsByKind)) for (const key of Object.keys(totals) as (keyof repo.SyncRunCounts)[]) totals[key] += part[key];
    await repo.finishRun(db, runId, { ...totals, countsByKind, status, errors, errorCount, message, now: deps.clock.now() });
    deps.logger.info({ runId, kind, status, ...totals, errors: errorCount }, 'synchronisation ROR');
    return { runId, kind, status, ...totals, countsByKind, errors, message };
  };

  // 1. Read everything first.
  const legalEntities = new Map<string, Mapped<'legal-entity'>>();
  const establishments = new Map<string, Mapped<'establishment'>>();
  const units = new Map<string, Mapped<'unit'>>();
  let listed: Set<string>;
  let locations: { mapped: MappedLocation[]; listed: Set<string> };
  let services: { mapped: MappedService[]; listed: Set<string> };
  try {
    const organizations = await readAll(client, 'Organization', since, mapOrganization, fail);
    listed = organizations.listed;
    for (const value of organizations.mapped) {
      if (value.kind === 'legal-entity') legalEntities.set(value.rorId, value);
      else if (value.kind === 'establishment') establishments.set(value.rorId, value);
      else units.set(value.rorId, value);
    }
    locations = await readAll(client, 'Location', since, mapLocation, (id, message) => fail(`Location/${id}`, message));
    services = await readAll(client, 'HealthcareService', since, mapHealthcareService, (id, message) => fail(`HealthcareService/${id}`, message));
  } catch (error) {
    if (!(error instanceof RorFetchError)) throw error;
    errors.length = 0;
    errorCount = 0;
    return finish('failed', `Lecture du ROR interrompue, rien n’a été modifié : ${error.message}`);
  }

  const now = deps.clock.now();
  const width = options.concurrency ?? Math.max(1, Math.min(8, deps.config.databasePoolSize - 2));
  // (one pool connection holds the lock, the others write)
  const departments = await repo.listDepartmentCodes(db);

  // 2. Legal entities.
  const legalByRor = new Map<string, number>();
  const legalRows = new Map<string, { id: number; finess: string; name: string; ror_id: string | null }>();
  const legalByFiness = new Map<string, { id: number; finess: string; name: string; ror_id: string | null }>();
  for (const row of await repo.listLegalEntities(db)) {
    if (row.ror_id) {
      legalByRor.set(row.ror_id, row.id);
      legalRows.set(row.ror_id, row);
    }
    legalByFiness.set(row.finess, row);
  }
  await eachConcurrently([...legalEntities.values()], width, async (entity) => {
    try {
      const values = { finess: entity.finess, name: entity.name, rorId: entity.rorId };
      const existing = legalRows.get(entity.rorId) ?? (legalByFiness.get(entity.finess)?.ror_id === null ? legalByFiness.get(entity.finess) : undefined);
      if (!existing) {
        legalByRor.set(entity.rorId, await repo.insertLegalEntity(db, values));
        counts.created += 1;
      } else if (existing.finess === entity.finess && existing.name === entity.name && existing.ror_id === entity.rorId) {
        counts.unchanged += 1;
      } else {
        await repo.updateLegalEntity(db, existing.id, values);
        legalByRor.set(entity.rorId, existing.id);
        counts.updated += 1;
      }
    } catch (error) {
      fail(entity.rorId, describeDbError(error));
    }
  });

  // 3. Establishments.
  const establishmentByRor = new Map<string, repo.EstablishmentSnapshot>();
  const establishmentByFiness = new Map<string, repo.EstablishmentSnapshot>();
  for (const row of await repo.listEstablishmentSnapshots(db)) {
    if (row.ror_id) establishmentByRor.set(row.ror_id, row);
    establishmentByFiness.set(row.finess, row);
  }
  const establishmentIdByRor = new Map<string, number>([...establishmentByRor].map(([rorId, row]) => [rorId, row.id]));
  await eachConcurrently([...establishments.values()], width, async (e) => {
    try {
      if (!departments.has(e.departmentCode)) return fail(e.rorId, `département ${e.departmentCode} inconnu de Habilis`);
      const legalEntityId = e.legalEntityRorId ? (legalByRor.get(e.legalEntityRorId) ?? null) : null;
      const byFiness = establishmentByFiness.get(e.finess);
      // A row created in Habilis before the ROR knew it is adopted by its FINESS, never duplicated.
      const existing = establishmentByRor.get(e.rorId) ?? (byFiness && byFiness.ror_id === null ? byFiness : undefined);
      const fields: EstablishmentRorFields = {
        finess: e.finess,
        name: e.name,
        category: e.category,
        // A category without a domain of its own keeps the domain already stored (demo data, an administrator's).
        domain_code: e.domainCode ?? existing?.domain_code ?? null,
        department_code: e.departmentCode,
        address: e.address,
        postcode: e.postcode,
        city: e.city,
        phone: e.phone,
        email: e.email,
        legal_entity_id: legalEntityId,
        closed: !e.active,
      };
      if (!existing) {
        if (byFiness) return fail(e.rorId, `FINESS ${e.finess} déjà porté par une autre fiche du ROR (${byFiness.ror_id})`);
        const { closed, ...columns } = fields;
        const id = await repo.insertEstablishment(db, { ...columns, rorId: e.rorId, closedAt: closed ? now : null, now });
        establishmentIdByRor.set(e.rorId, id);
        counts.created += 1;
        return;
      }
      establishmentIdByRor.set(e.rorId, existing.id);
      const storedRorId = existing.ror_id;
      const closedAt = existing.closed_at;
      const stored: EstablishmentRorFields = {
        finess: existing.finess,
        name: existing.name,
        category: existing.category,
        domain_code: existing.domain_code,
        department_code: existing.department_code,
        address: existing.address,
        postcode: existing.postcode,
        city: existing.city,
        phone: existing.phone,
        email: existing.email,
        legal_entity_id: existing.legal_entity_id,
        closed: existing.closed,
      };
      if (storedRorId === e.rorId && sameFields(stored, fields)) {
        counts.unchanged += 1;
        return;
      }
      const { closed, ...columns } = fields;
      await repo.updateEstablishmentFromRor(db, existing.id, { ...columns, rorId: e.rorId, closedAt: closed ? (closedAt ?? now) : null, now });
      if (closed && !stored.closed) counts.closed += 1;
      else counts.updated += 1;
    } catch (error) {
      fail(e.rorId, describeDbError(error));
    }
  });

  // 4. Units (their parent: an establishment, or a unit whose establishment is known).
  const unitByRor = new Map<string, repo.UnitSnapshot>();
  const unitByPlaceName = new Map<string, repo.UnitSnapshot>();
  // Where each unit the ROR knows is, for the places and services it manages or provides.
  const unitPlaceByRor = new Map<string, { unitId: number; establishmentId: number }>();
  for (const row of await repo.listUnitSnapshots(db)) {
    if (row.ror_id) {
      unitByRor.set(row.ror_id, row);
      unitPlaceByRor.set(row.ror_id, { unitId: row.id, establishmentId: row.establishment_id });
    } else unitByPlaceName.set(`${row.establishment_id}\u0000${row.name}`, row);
  }
  const parentEstablishment = (unit: Mapped<'unit'>, depth = 0): number | null => {
    const direct = establishmentIdByRor.get(unit.parentRorId);
    if (direct !== undefined) return direct;
    const parentUnit = units.get(unit.parentRorId);
    if (parentUnit && depth < 10) return parentEstablishment(parentUnit, depth + 1);
    return unitByRor.get(unit.parentRorId)?.establishment_id ?? null;
  };
  await eachConcurrently([...units.values()], width, async (u) => {
    try {
      const establishmentId = parentEstablishment(u);
      if (establishmentId === null) return fail(u.rorId, `établissement de rattachement ${u.parentRorId} inconnu`);
      const existing = unitByRor.get(u.rorId) ?? unitByPlaceName.get(`${establishmentId}\u0000${u.name}`);
      if (!existing) {
        const unitId = await repo.insertUnit(db, { establishmentId, name: u.name, rorId: u.rorId, closedAt: u.active ? null : now, now });
        unitPlaceByRor.set(u.rorId, { unitId, establishmentId });
        counts.created += 1;
        return;
      }
      unitPlaceByRor.set(u.rorId, { unitId: existing.id, establishmentId });
      const wasClosed = existing.closed_at !== null;
      if (existing.ror_id === u.rorId && existing.establishment_id === establishmentId && existing.name === u.name && wasClosed === !u.active) {
        counts.unchanged += 1;
        return;
      }
      await repo.updateUnitFromRor(db, existing.id, { establishmentId, name: u.name, rorId: u.rorId, closedAt: u.active ? null : (existing.closed_at ?? now) });
      if (!u.active && !wasClosed) counts.closed += 1;
      else counts.updated += 1;
    } catch (error) {
      fail(u.rorId, describeDbError(error));
    }
  });

  // 5. Places and services, attached to the establishment (and unit) of their organization.
  const placeOf = (organizationRorId: string): { establishmentId: number; unitId: number | null } | null => {
    const establishmentId = establishmentIdByRor.get(organizationRorId);
    return establishmentId !== undefined ? { establishmentId, unitId: null } : (unitPlaceByRor.get(organizationRorId) ?? null);
  };
  const context = { now, width, fail };
  const attached = <T extends { rorId: string; organizationRorId: string; active: boolean }, Row>(kind: string, items: T[], unknown: string, toRow: (item: T, place: { establishmentId: number; unitId: number | null }) => Row) =>
    items.flatMap((item) => {
      const resourceId = `${kind}/${item.rorId}`;
      const place = placeOf(item.organizationRorId);
      if (!place) {
        fail(resourceId, `${unknown} ${item.organizationRorId} inconnue`);
        return [];
      }
      return [{ rorId: item.rorId, resourceId, row: toRow(item, place), active: item.active }];
    });
  const storedLocations = new Map((await repo.listLocationSnapshots(db)).map((row) => [row.ror_id, row]));
  const locationIdByRor = await syncRows<repo.LocationRow>(
    {
      items: attached(
        'Location',
        locations.mapped,
        'organisation gestionnaire',
        (l, place): repo.LocationRow => ({ establishment_id: place.establishmentId, name: l.name, address: l.address, postcode: l.postcode, city: l.city, latitude: l.latitude, longitude: l.longitude }),
      ),
      stored: storedLocations,
      counts: countsByKind.locations,
      insert: (rows) => repo.insertLocations(db, rows, now),
      update: (id, row, closedAt) => repo.updateLocation(db, id, row, closedAt, now),
    },
    context,
  );
  // A service's place: one this run wrote or kept, else one stored earlier (a delta lists only what changed).
  await syncRows<repo.ServiceRow>(
    {
      items: attached(
        'HealthcareService',
        services.mapped,
        'organisation de rattachement',
        (s, place): repo.ServiceRow => ({
          establishment_id: place.establishmentId,
          unit_id: place.unitId,
          // A place the ROR did not give (or that could not be read) is left out, not guessed.
          location_id: s.locationRorId ? (locationIdByRor.get(s.locationRorId) ?? storedLocations.get(s.locationRorId)?.id ?? null) : null,
          name: s.name,
          category: s.category,
          types: s.types,
          specialties: s.specialties,
        }),
      ),
      stored: new Map((await repo.listServiceSnapshots(db)).map((row) => [row.ror_id, row])),
      counts: countsByKind.services,
      insert: (rows) => repo.insertServices(db, rows, now),
      update: (id, row, closedAt) => repo.updateService(db, id, row, closedAt, now),
    },
    context,
  );

  // 6. A full run closes what the ROR no longer lists.
  if (kind === 'full') {
    const seen = [...listed];
    counts.closed += await repo.closeEstablishmentsAbsentFrom(db, seen, now);
    counts.closed += await repo.closeUnitsAbsentFrom(db, seen, now);
    countsByKind.locations.closed += await repo.closeAbsentFrom(db, 'establishment_locations', [...locations.listed], now);
    countsByKind.services.closed += await repo.closeAbsentFrom(db, 'establishment_services', [...services.listed], now);
  }
  return finish(errorCount > 0 ? 'partial' : 'succeeded', null);
}

export { listRuns } from './ror-sync.repository.js';
