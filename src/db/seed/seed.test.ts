import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createDatabase, type Db } from '../database.js';
import { seed } from './index.js';
import { PROFILES } from './catalogue.js';
import { DEMO_LOGINS, DEMO_PASSWORD, demoUsername } from './demo.js';
import { createScratchDatabase } from '../../../test/databases.js';
import { verifyPassword } from '../../platform/passwords.js';
import { addToDate, parisDate } from '../../platform/clock.js';

let db: Db;
let drop: () => Promise<void>;
const now = new Date('2026-11-23T09:00:00Z');
const today = parisDate(now);

beforeAll(async () => {
  const database = await createScratchDatabase({ migrated: true });
  drop = database.drop;
  db = createDatabase(database.url, 2);
});
afterAll(async () => {
  await db.destroy();
  await drop();
});

async function count(table: 'accounts' | 'establishments' | 'habilitations' | 'profiles' | 'units' | 'audit_events'): Promise<number> {
  const row = await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return row.n;
}

describe('catalogue and demo data', () => {
  it('loads once: a second start changes nothing', async () => {
    expect(await seed(db, { demo: true, now })).toEqual({ demoLoaded: true });
    const before = await Promise.all([count('accounts'), count('habilitations'), count('profiles'), count('audit_events')]);
    expect(await seed(db, { demo: true, now })).toEqual({ demoLoaded: false });
    const after = await Promise.all([count('accounts'), count('habilitations'), count('profiles'), count('audit_events')]);
    expect(after).toEqual(before);
  });

  it('has the domains and every profile of the catalogue with its rights', async () => {
    const domains = await db.selectFrom('domains').select('name').execute();
    expect(domains.map((d) => d.name).sort()).toEqual(['CPAM', 'Grand Âge', 'HNP', 'Handicap', 'Sanitaire', 'TND']);
    const names = (await db.selectFrom('profiles').select('name').execute()).map((p) => p.name);
    for (const required of [
      'Référent structure', 'Référent unité', 'Sanitaire - Prescripteur', 'Sanitaire - Receveur', 'Sanitaire - Coordination',
      'Sanitaire - Région', 'Grand Âge - Médecin Coordonnateur', 'Grand Âge - Accompagnant PA médical', 'Grand Âge - Coordination',
      'Grand Âge - Direction', 'Handicap - ESMS Administratif', 'Handicap - ESMS Social, Éducatif, Pédagogique',
      'Handicap - ESMS Médical, Paramédical, Psychologue', 'Accompagnant PH - non médical', 'TND - Référent régional', 'HNP - Région',
    ]) {
      expect(names).toContain(required);
    }
    const withoutRights = await sql<{ code: string }>`
      select p.code from profiles p where not exists (select 1 from profile_rights r where r.profile_id = p.id)`.execute(db);
    expect(withoutRights.rows).toEqual([]);
    expect(await count('profiles')).toBe(PROFILES.length);
  });

  it('R60 the three ESMS profiles are strict supersets of one another', async () => {
    const rightsOf = async (code: string) =>
      new Set(
        (
          await db.selectFrom('profile_rights as r').innerJoin('profiles as p', 'p.id', 'r.profile_id').select('r.right_code').where('p.code', '=', code).execute()
        ).map((r) => r.right_code),
      );
    const admin = await rightsOf('HANDICAP_ESMS_ADMINISTRATIF');
    const social = await rightsOf('HANDICAP_ESMS_SOCIAL');
    const medical = await rightsOf('HANDICAP_ESMS_MEDICAL');
    expect([...admin].every((r) => social.has(r)) && social.size > admin.size).toBe(true);
    expect([...social].every((r) => medical.has(r)) && medical.size > social.size).toBe(true);
    expect(admin.has('esms.evaluation.read') || admin.has('esms.medical.read')).toBe(false);
    expect(social.has('esms.medical.read')).toBe(false);
  });

  it('has a region, its departments, a dozen establishments of varied kinds and about sixty accounts', async () => {
    expect(await db.selectFrom('departments').select('code').where('region_code', '=', '76').execute()).toHaveLength(3);
    expect(await count('establishments')).toBe(12);
    const categories = await db.selectFrom('establishments').select('category').distinct().execute();
    expect(categories.length).toBeGreaterThanOrEqual(9);
    expect(await count('units')).toBeGreaterThan(10);
    expect(await count('accounts')).toBe(62);
  });

  it('has habilitations in every state: active, ending within 15 days, within 1 month, expired, deleted', async () => {
    const rows = await db.selectFrom('habilitations').select(['start_date', 'end_date', 'deleted_at']).execute();
    const live = rows.filter((h) => h.deleted_at === null);
    expect(live.some((h) => h.end_date > addToDate(today, { months: 1 }))).toBe(true);
    expect(live.some((h) => h.end_date >= today && h.end_date <= addToDate(today, { days: 15 }))).toBe(true);
    expect(live.some((h) => h.end_date > addToDate(today, { days: 15 }) && h.end_date <= addToDate(today, { months: 1 }))).toBe(true);
    expect(live.some((h) => h.end_date < today)).toBe(true);
    expect(rows.some((h) => h.deleted_at !== null)).toBe(true);
  });

  it('has a blocked account, a deactivated account, and every account in the history', async () => {
    const blocked = await db.selectFrom('accounts').select(['username', 'failed_login_count']).where('blocked_at', 'is not', null).execute();
    expect(blocked).toEqual([{ username: demoUsername(58), failed_login_count: 5 }]);
    const deactivated = await db.selectFrom('accounts').select('username').where('deactivated_at', 'is not', null).execute();
    expect(deactivated).toEqual([{ username: demoUsername(59) }]);
    const created = await db.selectFrom('audit_events').select('subject_account_id').where('code', '=', 'ACCOUNT_CREATED').execute();
    expect(created).toHaveLength(62);
  });

  it('R14 R15 has a liberal professional with an active assistant', async () => {
    const delegation = await db
      .selectFrom('assistant_delegations as d')
      .innerJoin('liberal_practices as lp', 'lp.account_id', 'd.professional_account_id')
      .select(['d.status', 'd.files', 'd.medical', 'd.autonomy'])
      .executeTakeFirstOrThrow();
    expect(delegation).toEqual({ status: 'active', files: 'write', medical: 'read', autonomy: 'read' });
  });

  it('R25 most structures have two referents, one has a single referent', async () => {
    const referents = await sql<{ name: string; n: number }>`
      select e.name, count(h.id)::int as n
      from establishments e
      left join habilitations h on h.establishment_id = e.id and h.deleted_at is null and h.end_date >= ${today}
        and h.profile_id = (select id from profiles where code = 'REFERENT_STRUCTURE')
      group by e.name`.execute(db);
    const single = referents.rows.filter((r) => r.n < 2);
    expect(single).toEqual([{ name: 'SESSAD Pic Saint-Loup', n: 1 }]);
  });

  it('the printed demo logins exist and open with the published password (hash only in the database)', async () => {
    for (const login of DEMO_LOGINS) {
      const account = await db.selectFrom('accounts').select(['username', 'password_hash']).where('username', '=', demoUsername(login.person)).executeTakeFirstOrThrow();
      expect(account.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
      expect(account.password_hash).not.toContain(DEMO_PASSWORD);
    }
    const any = await db.selectFrom('accounts').select('password_hash').executeTakeFirstOrThrow();
    expect(await verifyPassword(any.password_hash!, DEMO_PASSWORD)).toBe(true);
    expect(await verifyPassword(any.password_hash!, 'mauvais-mot-de-passe')).toBe(false);
  });
});

describe('ESMS demo notifications (issue 14)', () => {
  it('R60 R61 about 150 notifications at the IME, ESAT and SESSAD, in every ESMS status, with reasons, evaluations, medical data and histories', async () => {
    const rows = await db
      .selectFrom('esms_notifications as n')
      .innerJoin('establishments as e', 'e.id', 'n.establishment_id')
      .select(['e.finess', 'n.status_code', 'n.status_reason_code', 'n.decision_id'])
      .execute();
    expect(rows.length).toBeGreaterThanOrEqual(140);
    expect(new Set(rows.map((r) => r.finess))).toEqual(new Set(['349900045', '349900052', '349900060']));
    const statuses = await db.selectFrom('esms_status_codes').select('code').where('value_set', '=', 'JDV_J252').execute();
    expect(new Set(rows.map((r) => r.status_code))).toEqual(new Set(statuses.map((s) => s.code)));
    const required = new Set((await db.selectFrom('esms_status_codes').select('code').where('reason_required', '=', true).execute()).map((r) => r.code));
    for (const r of rows) expect(r.status_reason_code !== null, r.status_code).toBe(required.has(r.status_code));
    const evaluations = await db.selectFrom('esms_evaluations').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const medical = await db.selectFrom('esms_medical_data').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect([evaluations.n, medical.n]).toEqual([rows.length, rows.length]);
    const histories = await db.selectFrom('esms_followups').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(histories.n).toBeGreaterThan(rows.length);
  });

  it('R60 vroussel (tier 3), jhenry (tier 2) and mmuller (tier 1) are printed demo logins at the IME', async () => {
    const printed = DEMO_LOGINS.map((l) => demoUsername(l.person));
    expect(printed).toEqual(expect.arrayContaining(['vroussel', 'jhenry', 'mmuller']));
  });
});
