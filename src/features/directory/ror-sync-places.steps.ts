/**
 * Last steps of a ROR synchronisation run (R50): places and services attached to the establishment
 * (and unit) of their organization, what a full run no longer finds, and the daily pass of dated
 * closures. Rows are compared with what is stored and written only when a field differs.
 */
import * as repo from './ror-sync.repository.js';
import { sameFields } from './ror-sync.rules.js';
import { describeDbError, eachConcurrently, insertInBatches, refuse, type SyncRun } from './ror-sync.run.js';
import type { SyncRunCounts } from './ror-sync-runs.repository.js';

interface RowSync<Row> {
  /** What the ROR says, resolved to rows (a resource that could not be attached is already refused). */
  items: { rorId: string; resourceId: string; row: Row; active: boolean }[];
  stored: Map<string, Row & { id: number; closed_at: Date | null }>;
  counts: SyncRunCounts;
  insert: (rows: repo.NewRows<Row>) => Promise<{ id: number; ror_id: string }[]>;
  update: (id: number, row: Row, closedAt: Date | null) => Promise<void>;
}

/** Splits stored-and-unchanged, stored-but-different and new items. */
function sortItems<Row extends object>(sync: RowSync<Row>, ids: Map<string, number>, now: Date) {
  const newRows: (repo.NewRows<Row>[number] & { resourceId: string })[] = [];
  const changed: { item: RowSync<Row>['items'][number]; stored: Row & { id: number; closed_at: Date | null } }[] = [];
  for (const item of sync.items) {
    const stored = sync.stored.get(item.rorId);
    if (!stored) newRows.push({ rorId: item.rorId, resourceId: item.resourceId, row: item.row, closedAt: item.active ? null : now });
    else if (sameFields<Row>(item.row, stored) && (stored.closed_at !== null) === !item.active) {
      sync.counts.unchanged += 1;
      ids.set(item.rorId, stored.id);
    } else changed.push({ item, stored });
  }
  return { newRows, changed };
}

/**
 * Writes places or services and returns the row id of each ROR id written or unchanged. A stored
 * row is updated alone (closed when the ROR says it is no longer active, never deleted). New rows
 * are inserted in batches (insertInBatches).
 */
async function syncRows<Row extends object>(run: SyncRun, sync: RowSync<Row>): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  const { newRows, changed } = sortItems(sync, ids, run.now);
  await eachConcurrently(changed, run.width, async ({ item, stored }) => {
    try {
      await sync.update(stored.id, item.row, item.active ? null : (stored.closed_at ?? run.now));
      ids.set(item.rorId, stored.id);
      if (!item.active && stored.closed_at === null) sync.counts.closed += 1;
      else sync.counts.updated += 1;
    } catch (error) {
      refuse(run, item.resourceId, describeDbError(error));
    }
  });
  for (const [rorId, id] of await insertInBatches(run, newRows, sync.insert, sync.counts)) ids.set(rorId, id);
  return ids;
}

/** The establishment (and unit) of the organization that manages a place or provides a service. */
function placeOf(run: SyncRun, organizationRorId: string): { establishmentId: number; unitId: number | null } | null {
  const establishmentId = run.ids.establishmentByRor.get(organizationRorId);
  return establishmentId !== undefined ? { establishmentId, unitId: null } : (run.ids.unitPlaceByRor.get(organizationRorId) ?? null);
}

/** Items attached to their organization's place; an item whose organization is unknown is refused. */
function attached<T extends { rorId: string; organizationRorId: string; active: boolean }, Row>(run: SyncRun, kind: string, unknown: string, items: T[], toRow: (item: T, place: { establishmentId: number; unitId: number | null }) => Row) {
  return items.flatMap((item) => {
    const resourceId = `${kind}/${item.rorId}`;
    const place = placeOf(run, item.organizationRorId);
    if (!place) {
      refuse(run, resourceId, `${unknown} ${item.organizationRorId} inconnue`);
      return [];
    }
    return [{ rorId: item.rorId, resourceId, row: toRow(item, place), active: item.active }];
  });
}

/** 6. Places (Location), attached to the establishment of the establishment or unit that manages them. */
export async function writePlaces(run: SyncRun): Promise<void> {
  const { db } = run.deps;
  const stored = new Map((await repo.listLocationSnapshots(db)).map((row) => [row.ror_id, row]));
  const items = attached(run, 'Location', 'organisation gestionnaire', run.read.locations, (l, place): repo.LocationRow => ({
    establishment_id: place.establishmentId,
    name: l.name,
    address: l.address,
    postcode: l.postcode,
    city: l.city,
    latitude: l.latitude,
    longitude: l.longitude,
    closure_type: l.closureType,
  }));
  run.ids.locationByRor = await syncRows<repo.LocationRow>(run, {
    items,
    stored,
    counts: run.counts.locations,
    insert: (rows) => repo.insertLocations(db, rows, run.now),
    update: (id, row, closedAt) => repo.updateLocation(db, id, row, closedAt, run.now),
  });
  // A service's place: one this run wrote or kept, else one stored earlier (a delta lists only what changed).
  for (const [rorId, row] of stored) if (!run.ids.locationByRor.has(rorId)) run.ids.locationByRor.set(rorId, row.id);
}

/** 7. Services (HealthcareService) of establishments and of units of every level, with their place. */
export async function writeServices(run: SyncRun): Promise<void> {
  const { db } = run.deps;
  const items = attached(run, 'HealthcareService', 'organisation de rattachement', run.read.services, (s, place): repo.ServiceRow => ({
    establishment_id: place.establishmentId,
    unit_id: place.unitId,
    // A place the ROR did not give (or that could not be read) is left out, not guessed.
    location_id: s.locationRorId ? (run.ids.locationByRor.get(s.locationRorId) ?? null) : null,
    name: s.name,
    category: s.category,
    types: s.types,
    specialties: s.specialties,
  }));
  await syncRows<repo.ServiceRow>(run, {
    items,
    stored: new Map((await repo.listServiceSnapshots(db)).map((row) => [row.ror_id, row])),
    counts: run.counts.services,
    insert: (rows) => repo.insertServices(db, rows, run.now),
    update: (id, row, closedAt) => repo.updateService(db, id, row, closedAt, run.now),
  });
}

/** 8. A full run closes what the ROR no longer lists (never deletes: habilitations there stay visible). */
export async function closeWhatTheRorNoLongerLists(run: SyncRun): Promise<void> {
  if (run.kind !== 'full') return;
  const { db } = run.deps;
  const { listed } = run.read;
  const organizations = [...listed.organizations];
  run.counts.organizations.closed += await repo.closeEstablishmentsAbsentFrom(db, organizations, run.now);
  run.counts.organizations.closed += await repo.closeUnitsAbsentFrom(db, organizations, run.now);
  run.counts.locations.closed += await repo.closeAbsentFrom(db, 'establishment_locations', [...listed.locations], run.now);
  run.counts.services.closed += await repo.closeAbsentFrom(db, 'establishment_services', [...listed.services], run.now);
}

/** 9. Closures by date: those whose day has come start, temporary ones whose reopening day has come end. */
export async function applyDatedClosures(run: SyncRun): Promise<void> {
  const { closed, reopened } = await repo.applyDatedClosures(run.deps.db, run.today, run.now);
  run.counts.organizations.closed += closed;
  run.counts.organizations.updated += reopened;
}
