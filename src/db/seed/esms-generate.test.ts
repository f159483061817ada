/** `db:generate --notifications N` (issue 14): set-based, every status, the three tiers filled, skewed towards a few large ESMS. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createScratchDatabase } from '../../../test/databases.js';
import { createDatabase, type Db } from '../database.js';
import { loadCatalogue } from './catalogue.js';
import { generateNotifications } from './esms-generate.js';
import { MDPH_STATUSES, STATUS_PATHS } from './esms-paths.js';
import { isTransitionAllowed } from '../../features/esms/esms.rules.js';

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

  it('R61 every path of the demo and the generator follows the transitions (the MDPH records its own statuses)', () => {
    for (const [status, path] of Object.entries(STATUS_PATHS)) {
      expect(path.at(-1) ?? '39', status).toBe(status);
      ['39', ...path].slice(1).forEach((next, k) => {
        const previous = ['39', ...path][k]!;
        expect(MDPH_STATUSES.has(next) || isTransitionAllowed(previous, next), `${status}: ${previous} → ${next}`).toBe(true);
      });
    }
  });

  it('R61 each generated notification has the history of its status: its steps in order, the last one its status, date and reason', async () => {
    const histories = await sql<{ status: string; status_date: string; reason: string | null; decision_date: string; codes: string[]; dates: string[]; last_reason: string | null }>`
      select n.status_code as status, n.status_date::text, n.status_reason_code as reason, d.decision_date::text,
             coalesce(array_agg(f.status_code order by f.status_date, f.id) filter (where f.id is not null), '{}') as codes,
             coalesce(array_agg(f.status_date::text order by f.status_date, f.id) filter (where f.id is not null), '{}') as dates,
             (array_agg(f.reason_code order by f.status_date desc, f.id desc))[1] as last_reason
      from esms_notifications n join esms_decisions d on d.id = n.decision_id left join esms_followups f on f.notification_id = n.id
      group by n.id, d.decision_date`.execute(db);
    expect(histories.rows).toHaveLength(N);
    for (const h of histories.rows) {
      expect(h.codes, h.status).toEqual([...STATUS_PATHS[h.status]!]);
      if (h.codes.length === 0) continue;
      expect(h.dates.at(-1)).toBe(h.status_date);
      expect(h.last_reason).toBe(h.reason);
      expect(h.dates[0]! >= h.decision_date).toBe(true);
    }
  });

  it('is skewed: the largest ESMS holds several per cent, and a second run is refused', async () => {
    const largest = await sql<{ n: number }>`select max(c)::int n from (select count(*) c from esms_notifications group by establishment_id) x`.execute(db);
    expect(largest.rows[0]!.n).toBeGreaterThan(N * 0.02);
    await expect(generateNotifications(db, { notifications: 10, now: NOW })).rejects.toThrow('déjà présentes');
  });
});
