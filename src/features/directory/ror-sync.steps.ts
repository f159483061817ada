/**
 * Steps of a ROR synchronisation run (R50), in the order the service runs them: read everything,
 * create the departments the COG knows and Habilis does not, then legal entities, establishments and
 * units. Places, services and closures follow in ror-sync-places.steps.ts. Each step reads and fills
 * the run (ror-sync.run.ts); a resource it cannot write is refused with its id, the others go on.
 */
import type { FhirResource, RorResourceType } from './ror-sync.client.js';
import * as repo from './ror-sync.repository.js';
import { closedAtFor, closureColumns, mapHealthcareService, mapLocation, mapOrganization, sameFields, type EstablishmentRorFields, type Mapping, type MappedOrganization } from './ror-sync.rules.js';
import { describeDbError, eachConcurrently, insertInBatches, refuse, type SyncRun } from './ror-sync.run.js';

type Mapped<K extends MappedOrganization['kind']> = Extract<MappedOrganization, { kind: K }>;

/** Reads every page of one resource type and maps each resource; unmappable ones are refused with their id. */
async function readAll<T extends { rorId: string }>(run: SyncRun, type: RorResourceType, map: (resource: FhirResource) => Mapping<T>, listed: Set<string>): Promise<T[]> {
  // By id: a resource listed twice (pages shifting during the read) is written once, as last read.
  const mapped = new Map<string, T>();
  const prefix = type === 'Organization' ? '' : `${type}/`;
  for await (const page of run.client.search(type, run.since)) {
    for (const resource of page) {
      const result = map(resource);
      listed.add(result.ok ? result.value.rorId : result.rorId);
      if (result.ok) mapped.set(result.value.rorId, result.value);
      else refuse(run, `${prefix}${result.rorId}`, result.message);
    }
  }
  return [...mapped.values()];
}

/** 1. Everything first: a read that fails writes nothing (the previous data stays as it was). */
export async function readEverything(run: SyncRun): Promise<void> {
  const { read } = run;
  for (const organization of await readAll(run, 'Organization', mapOrganization, read.listed.organizations)) {
    if (organization.kind === 'legal-entity') read.legalEntities.push(organization);
    else if (organization.kind === 'establishment') read.establishments.push(organization);
    else read.units.set(organization.rorId, organization);
  }
  read.locations = await readAll(run, 'Location', mapLocation, read.listed.locations);
  read.services = await readAll(run, 'HealthcareService', mapHealthcareService, read.listed.services);
}

/** 2. A department Habilis does not know yet is created from the official code tables (INSEE COG), with its region. */
export async function addMissingDepartments(run: SyncRun): Promise<void> {
  const { db, logger } = run.deps;
  run.ids.departments = await repo.listDepartmentCodes(db);
  const missing = [...new Set(run.read.establishments.map((e) => e.departmentCode))].filter((code) => !run.ids.departments.has(code));
  if (missing.length === 0) return;
  run.writing = true;
  const created = await repo.addDepartmentsFromCog(db, missing);
  for (const code of created) run.ids.departments.add(code);
  if (created.length > 0) logger.info({ runId: run.runId, departments: created }, 'synchronisation ROR : départements créés d’après le code officiel géographique');
}

/** 3. Legal entities, by ROR id; one created in Habilis before the ROR knew it is adopted by its FINESS. */
export async function writeLegalEntities(run: SyncRun): Promise<void> {
  const { db } = run.deps;
  const counts = run.counts.organizations;
  const byRor = new Map<string, { id: number; finess: string | null; name: string; ror_id: string | null }>();
  const byFiness = new Map<string, { id: number; finess: string | null; name: string; ror_id: string | null }>();
  for (const row of await repo.listLegalEntities(db)) {
    if (row.ror_id) {
      byRor.set(row.ror_id, row);
      run.ids.legalEntityByRor.set(row.ror_id, row.id);
    }
    if (row.finess) byFiness.set(row.finess, row);
  }
  run.writing = true;
  await eachConcurrently(run.read.legalEntities, run.width, async (entity) => {
    try {
      const values = { finess: entity.finess, name: entity.name, rorId: entity.rorId };
      const adoptable = entity.finess ? byFiness.get(entity.finess) : undefined;
      const existing = byRor.get(entity.rorId) ?? (adoptable?.ror_id === null ? adoptable : undefined);
      if (!existing) {
        run.ids.legalEntityByRor.set(entity.rorId, await repo.insertLegalEntity(db, values));
        counts.created += 1;
      } else if (existing.finess === entity.finess && existing.name === entity.name && existing.ror_id === entity.rorId) {
        counts.unchanged += 1;
      } else {
        await repo.updateLegalEntity(db, existing.id, values);
        run.ids.legalEntityByRor.set(entity.rorId, existing.id);
        counts.updated += 1;
      }
    } catch (error) {
      refuse(run, entity.rorId, describeDbError(error));
    }
  });
}

/**
 * The ROR-owned fields of an establishment. A phone or e-mail the ROR does not send is the
 * referent's: the one stored stays (unless it came from the ROR, which has withdrawn it).
 */
function establishmentFields(run: SyncRun, e: Mapped<'establishment'>, existing: repo.EstablishmentSnapshot | undefined): EstablishmentRorFields {
  const kept = (field: 'phone' | 'email') => (existing && !existing[`${field}_from_ror`] ? existing[field] : null);
  return {
    finess: e.finess,
    name: e.name,
    category: e.category,
    // A category without a domain of its own keeps the domain already stored (demo data, an administrator's).
    domain_code: e.domainCode ?? existing?.domain_code ?? null,
    department_code: e.departmentCode,
    address: e.address,
    postcode: e.postcode,
    city: e.city,
    phone: e.phone ?? kept('phone'),
    email: e.email ?? kept('email'),
    mssante: e.mssante,
    phone_from_ror: e.phone !== null,
    email_from_ror: e.email !== null,
    legal_entity_id: e.legalEntityRorId ? (run.ids.legalEntityByRor.get(e.legalEntityRorId) ?? null) : null,
    ...closureColumns(e),
    closed_at: closedAtFor(e, existing?.closed_at ?? null, run.today, run.now),
  };
}

/** 4. Establishments, by ROR id; one created in Habilis before the ROR knew it is adopted by its FINESS, never duplicated. */
export async function writeEstablishments(run: SyncRun): Promise<void> {
  const { db } = run.deps;
  const counts = run.counts.organizations;
  const byRor = new Map<string, repo.EstablishmentSnapshot>();
  const byFiness = new Map<string, repo.EstablishmentSnapshot>();
  for (const row of await repo.listEstablishmentSnapshots(db)) {
    if (row.ror_id) {
      byRor.set(row.ror_id, row);
      run.ids.establishmentByRor.set(row.ror_id, row.id);
    }
    byFiness.set(row.finess, row);
  }
  await eachConcurrently(run.read.establishments, run.width, async (e) => {
    try {
      if (!run.ids.departments.has(e.departmentCode)) return refuse(run, e.rorId, `département ${e.departmentCode} absent du code officiel géographique (INSEE)`);
      const adoptable = byFiness.get(e.finess);
      const existing = byRor.get(e.rorId) ?? (adoptable?.ror_id === null ? adoptable : undefined);
      const fields = establishmentFields(run, e, existing);
      if (!existing) {
        if (adoptable) return refuse(run, e.rorId, `FINESS ${e.finess} déjà porté par une autre fiche du ROR (${adoptable.ror_id})`);
        run.ids.establishmentByRor.set(e.rorId, await repo.insertEstablishment(db, { ...fields, rorId: e.rorId, now: run.now }));
        counts.created += 1;
        return;
      }
      run.ids.establishmentByRor.set(e.rorId, existing.id);
      const { id, ror_id: storedRorId, ...stored } = existing;
      if (storedRorId === e.rorId && sameFields<EstablishmentRorFields>(stored, fields)) return void (counts.unchanged += 1);
      await repo.updateEstablishmentFromRor(db, id, { ...fields, rorId: e.rorId, now: run.now });
      if (fields.closed_at !== null && stored.closed_at === null) counts.closed += 1;
      else counts.updated += 1;
    } catch (error) {
      refuse(run, e.rorId, describeDbError(error));
    }
  });
}

/** Where a unit is in its chain: its establishment (at the top) and its depth below it; null when the chain leads nowhere known. */
function unitChain(run: SyncRun, unit: Mapped<'unit'>, stored: Map<string, repo.UnitSnapshot>, depth = 0): { establishmentId: number; depth: number } | null {
  const direct = run.ids.establishmentByRor.get(unit.parentRorId);
  if (direct !== undefined) return { establishmentId: direct, depth };
  const parent = run.read.units.get(unit.parentRorId);
  if (parent && depth < 10) return unitChain(run, parent, stored, depth + 1);
  const storedParent = stored.get(unit.parentRorId);
  return storedParent ? { establishmentId: storedParent.establishment_id, depth } : null;
}

/**
 * 5. Units (internal organisations) of every level, each attached to the establishment at the top of
 * its chain and to the unit it is part of (pôle ⊃ service ⊃ unité fonctionnelle ⊃ unité élémentaire):
 * level by level, so a unit's parent is written before it; new units by batches.
 */
export async function writeUnits(run: SyncRun): Promise<void> {
  const { db } = run.deps;
  const byRor = new Map<string, repo.UnitSnapshot>();
  const byPlaceName = new Map<string, repo.UnitSnapshot>();
  for (const row of await repo.listUnitSnapshots(db)) {
    if (row.ror_id) {
      byRor.set(row.ror_id, row);
      run.ids.unitPlaceByRor.set(row.ror_id, { unitId: row.id, establishmentId: row.establishment_id });
    } else byPlaceName.set(`${row.establishment_id}\u0000${row.name}`, row);
  }
  const levels: { unit: Mapped<'unit'>; establishmentId: number }[][] = [];
  for (const unit of run.read.units.values()) {
    const chain = unitChain(run, unit, byRor);
    if (!chain) refuse(run, unit.rorId, `établissement de rattachement ${unit.parentRorId} inconnu`);
    else (levels[chain.depth] ??= []).push({ unit, establishmentId: chain.establishmentId });
  }
  for (const level of levels) if (level) await writeUnitLevel(run, level, byRor, byPlaceName);
}

/** One level of units: new ones inserted by batches, changed ones updated one by one. */
async function writeUnitLevel(run: SyncRun, level: { unit: Mapped<'unit'>; establishmentId: number }[], byRor: Map<string, repo.UnitSnapshot>, byPlaceName: Map<string, repo.UnitSnapshot>): Promise<void> {
  const { db } = run.deps;
  const counts = run.counts.organizations;
  const fresh: { rorId: string; resourceId: string; row: repo.UnitRow }[] = [];
  await eachConcurrently(level, run.width, async ({ unit: u, establishmentId }) => {
    try {
      const existing = byRor.get(u.rorId) ?? byPlaceName.get(`${establishmentId}\u0000${u.name}`);
      const parent = run.ids.unitPlaceByRor.get(u.parentRorId)?.unitId ?? null;
      const row: repo.UnitRow = { establishment_id: establishmentId, parent_unit_id: parent, name: u.name, unit_type: u.unitType, ...closureColumns(u), closed_at: closedAtFor(u, existing?.closed_at ?? null, run.today, run.now) };
      if (!existing) return void fresh.push({ rorId: u.rorId, resourceId: u.rorId, row });
      run.ids.unitPlaceByRor.set(u.rorId, { unitId: existing.id, establishmentId });
      if (existing.ror_id === u.rorId && sameFields<repo.UnitRow>(row, existing)) return void (counts.unchanged += 1);
      await repo.updateUnitFromRor(db, existing.id, { ...row, rorId: u.rorId });
      if (row.closed_at !== null && existing.closed_at === null) counts.closed += 1;
      else counts.updated += 1;
    } catch (error) {
      refuse(run, u.rorId, describeDbError(error));
    }
  });
  const created = await insertInBatches(run, fresh, (batch) => repo.insertUnits(db, batch, run.now), counts);
  for (const { rorId, row } of fresh) {
    const unitId = created.get(rorId);
    if (unitId !== undefined) run.ids.unitPlaceByRor.set(rorId, { unitId, establishmentId: row.establishment_id });
  }
}
