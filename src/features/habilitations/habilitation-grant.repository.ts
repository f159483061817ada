/**
 * SQL of granting habilitations (R30–R34): the profiles with who may grant them, the places under
 * a grant's location, a place by its key, the accounts of a grant locked in scope, and the new row.
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database, LocationLevel } from '../../db/schema.js';
import type { PlaceFacts, ProfileFacts } from './habilitation.policy.js';
import type { Place } from './habilitation.rules.js';

type Q = Kysely<Database>;

export interface CatalogueProfile extends ProfileFacts {
  id: number;
  name: string;
}

/** Every profile of the catalogue with its domain, level and the codes of the profiles that may grant it (R33), by name. */
export async function listProfileFacts(db: Q): Promise<CatalogueProfile[]> {
  const rows = await db
    .selectFrom('profiles as p')
    .select([
      'p.id',
      'p.code',
      'p.name',
      'p.domain_code as domain',
      'p.location_level as level',
      sql<string[]>`coalesce((select array_agg(gp.code order by gp.code) from profile_grantors g join profiles gp on gp.id = g.grantor_profile_id where g.profile_id = p.id), '{}')`.as(
        'grantorCodes',
      ),
    ])
    .orderBy('p.name')
    .execute();
  return rows.map((r) => ({ id: r.id, code: r.code, name: r.name, domain: r.domain, level: r.level as LocationLevel, grantorCodes: r.grantorCodes }));
}

/** A place a referent may choose, with its key ('unit:12', 'establishment:3', 'department:34', 'region:76') and its label. */
export interface GrantablePlace extends PlaceFacts {
  key: string;
  label: string;
}

/**
 * The places under a grant's location, as the grant page lists them: a territory lists itself, its
 * departments and its open establishments (of its domain when it is bound to one, R33); a structure
 * its establishment and open units; a unit itself. At most `max`, establishments by name.
 */
export async function listPlacesUnder(db: Q, location: Place, domain: string | null, max: number): Promise<GrantablePlace[]> {
  const places: GrantablePlace[] = [];
  if (location.level === 'region') {
    const region = await db.selectFrom('regions').select(['code', 'name']).where('code', '=', location.regionCode!).executeTakeFirst();
    if (region) places.push({ key: `region:${region.code}`, level: 'region', regionCode: region.code, label: `Région ${region.name}` });
  }
  if (location.level === 'region' || location.level === 'department') {
    const departments = await db
      .selectFrom('departments')
      .select(['code', 'name', 'region_code'])
      .$if(location.level === 'region', (q) => q.where('region_code', '=', location.regionCode!))
      .$if(location.level === 'department', (q) => q.where('code', '=', location.departmentCode!))
      .orderBy('code')
      .execute();
    for (const d of departments) places.push({ key: `department:${d.code}`, level: 'department', departmentCode: d.code, regionCode: d.region_code, label: `Coordination ${d.code} – ${d.name}` });
  }
  const establishments = await db
    .selectFrom('establishments as e')
    .innerJoin('departments as d', 'd.code', 'e.department_code')
    .select(['e.id', 'e.name', 'e.department_code', 'e.domain_code', 'd.region_code'])
    .where('e.closed_at', 'is', null)
    .$if(location.level === 'region', (q) => q.where('d.region_code', '=', location.regionCode!))
    .$if(location.level === 'department', (q) => q.where('e.department_code', '=', location.departmentCode!))
    .$if(location.level === 'establishment' || location.level === 'unit', (q) => q.where('e.id', '=', location.establishmentId!))
    .$if(domain !== null, (q) => q.where((eb) => eb.or([eb('e.domain_code', '=', domain), eb('e.domain_code', 'is', null)])))
    .orderBy('e.name')
    .limit(max)
    .execute();
  for (const e of establishments) {
    const structure = { establishmentId: e.id, departmentCode: e.department_code, regionCode: e.region_code, domain: e.domain_code };
    if (location.level !== 'unit') places.push({ key: `establishment:${e.id}`, level: 'establishment', ...structure, label: e.name });
    // Units are listed for a structure or a unit referent; a territory picks establishments.
    if (location.level === 'establishment' || location.level === 'unit') {
      const units = await db
        .selectFrom('units')
        .select(['id', 'name'])
        .where('establishment_id', '=', e.id)
        .where('closed_at', 'is', null)
        .$if(location.level === 'unit', (q) => q.where('id', '=', location.unitId!))
        .orderBy('name')
        .execute();
      for (const u of units) places.push({ key: `unit:${u.id}`, level: 'unit', unitId: u.id, ...structure, label: `${e.name} – ${u.name}` });
    }
  }
  return places;
}

/** A place by its key, with the chain that contains it, its structure's domain and whether it is closed. */
export async function getPlaceByKey(db: Q, key: string): Promise<(GrantablePlace & { closed: boolean }) | null> {
  const [level, raw] = key.split(':');
  if (!raw) return null;
  if (level === 'unit' || level === 'establishment') {
    const id = Number(raw);
    if (!Number.isSafeInteger(id) || id < 1 || id > 2_147_483_647) return null;
    const row = await db
      .selectFrom('establishments as e')
      .innerJoin('departments as d', 'd.code', 'e.department_code')
      .$if(level === 'unit', (q) => q.innerJoin('units as u', (j) => j.onRef('u.establishment_id', '=', 'e.id').on('u.id', '=', id)))
      .select(['e.id', 'e.name', 'e.closed_at', 'e.department_code', 'e.domain_code', 'd.region_code'])
      .select(level === 'unit' ? sql<string>`u.name`.as('unit_name') : sql<null>`null`.as('unit_name'))
      .select(level === 'unit' ? sql<Date | null>`u.closed_at`.as('unit_closed_at') : sql<null>`null`.as('unit_closed_at'))
      .$if(level === 'establishment', (q) => q.where('e.id', '=', id))
      .executeTakeFirst();
    if (!row) return null;
    return {
      key,
      level,
      unitId: level === 'unit' ? id : null,
      establishmentId: row.id,
      departmentCode: row.department_code,
      regionCode: row.region_code,
      domain: row.domain_code,
      label: level === 'unit' ? `${row.name} – ${row.unit_name}` : row.name,
      closed: row.closed_at !== null || row.unit_closed_at !== null,
    };
  }
  if (level === 'department') {
    const d = await db.selectFrom('departments').select(['code', 'name', 'region_code']).where('code', '=', raw).executeTakeFirst();
    return d ? { key, level, departmentCode: d.code, regionCode: d.region_code, label: `Coordination ${d.code} – ${d.name}`, closed: false } : null;
  }
  if (level === 'region') {
    const r = await db.selectFrom('regions').select(['code', 'name']).where('code', '=', raw).executeTakeFirst();
    return r ? { key, level, regionCode: r.code, label: `Région ${r.name}`, closed: false } : null;
  }
  return null;
}

/**
 * The accounts of a grant that lie in the scope (`inScope`, alias `a`), or (R26) whose username or
 * e-mail is exactly one of `identifiers`, locked until the grant commits.
 */
export async function lockAccountsForGrant(trx: Q, accountIds: readonly number[], inScope: RawBuilder<boolean>, identifiers: readonly string[]) {
  const exact = identifiers.map((i) => i.trim().toLowerCase()).filter((i) => i.length > 0);
  return trx
    .selectFrom('accounts as a')
    .select(['a.id', 'a.deactivated_at', 'a.username', 'a.email', 'a.first_name', inScope.as('in_scope')])
    .where('a.id', 'in', [...accountIds])
    .where((eb) => (exact.length === 0 ? inScope : eb.or([inScope, eb(sql`lower(a.username)`, 'in', exact), eb(sql`lower(a.email)`, 'in', exact)])))
    .forUpdate()
    .execute();
}

export interface NewGrant {
  accountId: number;
  profileId: number;
  place: Place;
  start: string;
  end: string;
  emailNotifications: boolean;
  createdBy: number;
}

export async function insertHabilitation(trx: Q, g: NewGrant): Promise<number> {
  const row = await trx
    .insertInto('habilitations')
    .values({
      account_id: g.accountId,
      profile_id: g.profileId,
      unit_id: g.place.level === 'unit' ? g.place.unitId! : null,
      establishment_id: g.place.level === 'establishment' ? g.place.establishmentId! : null,
      department_code: g.place.level === 'department' ? g.place.departmentCode! : null,
      region_code: g.place.level === 'region' ? g.place.regionCode! : null,
      start_date: g.start,
      end_date: g.end,
      email_notifications: g.emailNotifications,
      created_by_account_id: g.createdBy,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/**
 * R27: a live habilitation of one of these accounts with the same profile at the same place whose
 * dates overlap [start, end] — the grant would give it twice. Read after the accounts are locked.
 */
export async function findOverlappingGrant(trx: Q, g: { accountIds: readonly number[]; profileId: number; place: Place; start: string; end: string }) {
  const p = g.place;
  return trx
    .selectFrom('habilitations as h')
    .innerJoin('accounts as a', 'a.id', 'h.account_id')
    .select(['h.id', 'h.account_id', 'h.start_date', 'h.end_date', 'a.first_name', 'a.last_name'])
    .where('h.account_id', 'in', [...g.accountIds])
    .where('h.profile_id', '=', g.profileId)
    .where('h.deleted_at', 'is', null)
    .where('h.start_date', '<=', g.end)
    .where('h.end_date', '>=', g.start)
    .where((eb) =>
      p.level === 'unit' ? eb('h.unit_id', '=', p.unitId!)
      : p.level === 'establishment' ? eb.and([eb('h.establishment_id', '=', p.establishmentId!), eb('h.unit_id', 'is', null)])
      : p.level === 'department' ? eb('h.department_code', '=', p.departmentCode!)
      : eb('h.region_code', '=', p.regionCode!),
    )
    .orderBy('h.id')
    .limit(1)
    .executeTakeFirst();
}
