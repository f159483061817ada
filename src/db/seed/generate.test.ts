import { sql, type RawBuilder } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScratchDatabase } from '../../../test/databases.js';
import { TERMS_VERSION } from '../../features/auth/terms.js';
import { createDatabase, type Db } from '../database.js';
import { loadCatalogue } from './catalogue.js';
import { loadDemoData } from './demo.js';
import { generate, GenerationRefusedError, type GenerateResult } from './generate.js';

const NOW = new Date('2026-11-23T10:00:00+01:00');
const TODAY = '2026-11-23';
const ACCOUNTS = 2000;

describe('synthetic data generator', () => {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  let db: Db;
  let result: GenerateResult;
  const lines: string[] = [];

  beforeAll(async () => {
    scratch = await createScratchDatabase({ migrated: true });
    db = createDatabase(scratch.url, 2);
    await loadCatalogue(db);
    // The generator must coexist with the demo data (same territories, its own FINESS and usernames).
    await loadDemoData(db, NOW);
    result = await generate(db, { accounts: ACCOUNTS, now: NOW, log: (line) => lines.push(line) });
  }, 120_000);

  afterAll(async () => {
    await db?.destroy();
    await scratch?.drop();
  });

  async function count(query: RawBuilder<unknown>): Promise<number> {
    const { rows } = await (query as RawBuilder<{ n: number }>).execute(db);
    return Number(rows[0]!.n);
  }

  it('creates the requested accounts and two to four habilitations per account', async () => {
    expect(await count(sql`select count(*) as n from accounts where username like 'gen.%'`)).toBe(ACCOUNTS);
    const habilitations = await count(
      sql`select count(*) as n from habilitations h join accounts a on a.id = h.account_id where a.username like 'gen.%'`,
    );
    expect(habilitations).toBe(result.habilitations);
    expect(habilitations).toBeGreaterThanOrEqual(2 * ACCOUNTS);
    expect(habilitations).toBeLessThanOrEqual(4 * ACCOUNTS);
    expect(result.accounts).toBe(ACCOUNTS);
  });

  it('creates establishments with units over the 100 departments', async () => {
    const establishments = await count(sql`select count(*) as n from establishments where finess like '989%'`);
    const units = await count(sql`select count(*) as n from units u join establishments e on e.id = u.establishment_id where e.finess like '989%'`);
    expect(establishments).toBe(60); // 30 000 per million accounts
    expect(units).toBeGreaterThan(establishments);
    expect(await count(sql`select count(*) as n from departments`)).toBe(100);
    expect(await count(sql`select count(*) as n from establishments e where not exists (select 1 from units u where u.establishment_id = e.id) and e.finess like '989%'`)).toBe(0);
    // The demo's names for its departments are kept.
    const herault = await db.selectFrom('departments').select('name').where('code', '=', '34').executeTakeFirstOrThrow();
    expect(herault.name).toBe('Hérault');
  });

  it('places every habilitation at the level its profile applies at', async () => {
    const mismatched = await count(sql`
      select count(*) as n from habilitations h join profiles p on p.id = h.profile_id
      where case p.location_level
              when 'unit' then h.unit_id is null
              when 'establishment' then h.establishment_id is null
              when 'department' then h.department_code is null
              else h.region_code is null end`);
    expect(mismatched).toBe(0);
  });

  it('mixes habilitation states relative to today: active, ending soon, expired, deleted', async () => {
    const { rows } = await sql<{ state: string; n: number }>`
      select case
               when deleted_at is not null then 'deleted'
               when end_date < ${TODAY}::date then 'expired'
               when start_date > ${TODAY}::date then 'future'
               when end_date < ${TODAY}::date + 15 then 'ending15'
               when end_date <= ${TODAY}::date + 30 then 'ending30'
               else 'active' end as state,
             count(*) as n
      from habilitations h join accounts a on a.id = h.account_id
      where a.username like 'gen.%'
      group by 1`.execute(db);
    const byState = Object.fromEntries(rows.map((r) => [r.state, Number(r.n)]));
    const total = result.habilitations;
    expect(byState.active! / total).toBeGreaterThan(0.5);
    expect(byState.ending15).toBeGreaterThan(0);
    expect(byState.ending30).toBeGreaterThan(0);
    expect(byState.expired).toBeGreaterThan(0);
    expect(byState.deleted).toBeGreaterThan(0);
    // Deleted ones say when, in the past; deactivated accounts hold no active habilitation.
    expect(await count(sql`select count(*) as n from habilitations where deleted_at > ${NOW}::timestamptz`)).toBe(0);
    expect(
      await count(sql`
        select count(*) as n from habilitations h join accounts a on a.id = h.account_id
        where a.deactivated_at is not null and h.deleted_at is null and h.end_date >= ${TODAY}::date`),
    ).toBe(0);
  });

  it('gives every account a plausible identity and the one shared password hash', async () => {
    const sample = await db
      .selectFrom('accounts')
      .select(['username', 'first_name', 'last_name', 'email', 'password_hash'])
      .where('username', 'like', 'gen.%')
      .orderBy('id')
      .limit(50)
      .execute();
    for (const a of sample) {
      expect(a.username).toMatch(/^gen\.[a-z]+\.[0-9]+$/);
      expect(a.email).toMatch(/^[a-z]+\.[a-z]+\.[0-9]+@e989[0-9]{6}\.habilis\.localhost$/);
      expect(a.password_hash).toMatch(/^\$argon2id\$/);
    }
    expect(new Set(sample.map((a) => a.last_name)).size).toBeGreaterThan(10);
    expect(await count(sql`select count(distinct password_hash) as n from accounts where username like 'gen.%'`)).toBe(1);
    // Most accounts can log in without being asked for the terms (R11) or a new password (R08).
    const ready = await count(sql`
      select count(*) as n from accounts
      where username like 'gen.%' and terms_version_accepted = ${TERMS_VERSION}
        and password_changed_at > ${NOW}::timestamptz - interval '6 months'`);
    expect(ready / ACCOUNTS).toBeGreaterThan(0.5);
    expect(ready).toBeLessThan(ACCOUNTS);
  });

  it('prints its phases and the total time', () => {
    expect(lines.some((l) => l.startsWith('Comptes : terminé en'))).toBe(true);
    expect(lines.some((l) => l.startsWith('Habilitations : terminé en'))).toBe(true);
    expect(lines.at(-1)).toMatch(/^Total : /);
  });

  it('refuses to run a second time on the same database, and writes nothing', async () => {
    await expect(generate(db, { accounts: 10, now: NOW })).rejects.toThrow(GenerationRefusedError);
    await expect(generate(db, { accounts: 10, now: NOW })).rejects.toThrow(/déjà présentes/);
    expect(await count(sql`select count(*) as n from accounts where username like 'gen.%'`)).toBe(ACCOUNTS);
  });

  it('refuses an invalid number of accounts', async () => {
    await expect(generate(db, { accounts: 0, now: NOW })).rejects.toThrow(/Nombre de comptes invalide/);
  });
});
