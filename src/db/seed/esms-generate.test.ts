/** `db:generate --notifications N` (issue 14): set-based, every status, the three tiers filled, skewed towards a few large ESMS. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createScratchDatabase } from '../../../test/databases.js';
import { createDatabase, type Db } from '../database.js';
import { loadCatalogue } from './catalogue.js';
import { generateNotifications } from './esms-generate.js';

const NOW = new Date('2026-12-06T10:00:00+01:00');
const N = 5000;

describe('synthetic ESMS notifications', () => {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  let db: Db;

  beforeAll(async () => {
    scratch = await createScratchDatabase({ migrated: true });
    db = createDatabase(scratch.url, 2);
    await loadCatalogue(db);
    await generateNotifications(db, { notifications: N, now: NOW });
  }, 120_000);
  afterAll(async () => {
    await db?.destroy();
    await scratch?.drop();
  });

  it('R60 R61 writes N notifications with their person, decision, evaluation and medical data, in every ESMS status, reasons where required', async () => {
    const counts = await sql<{ t: string; n: number }>`
      select 'notifications' t, count(*)::int n from esms_notifications union all select 'decisions', count(*)::int from esms_decisions
      union all select 'persons', count(*)::int from esms_persons union all select 'evaluations', count(*)::int from esms_evaluations
      union all select 'medical', count(*)::int from esms_medical_data`.execute(db);
    expect(Object.fromEntries(counts.rows.map((r) => [r.t, r.n]))).toEqual({ notifications: N, decisions: N, persons: N, evaluations: N, medical: N });
    const statuses = await sql<{ n: number }>`select count(distinct status_code)::int n from esms_notifications`.execute(db);
    expect(statuses.rows[0]!.n).toBe(16);
    const wrong = await sql<{ n: number }>`
      select count(*)::int n from esms_notifications n join esms_status_codes s on s.code = n.status_code
      where (s.reason_required and n.status_reason_code is null) or (not s.reason_required and n.status_reason_code is not null)`.execute(db);
    expect(wrong.rows[0]!.n).toBe(0);
  });

  it('is skewed: the largest ESMS holds several per cent, and a second run is refused', async () => {
    const largest = await sql<{ n: number }>`select max(c)::int n from (select count(*) c from esms_notifications group by establishment_id) x`.execute(db);
    expect(largest.rows[0]!.n).toBeGreaterThan(N * 0.02);
    await expect(generateNotifications(db, { notifications: 10, now: NOW })).rejects.toThrow('déjà présentes');
  });
});
