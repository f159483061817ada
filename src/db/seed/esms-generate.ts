/**
 * Synthetic ESMS notifications for benchmarks (issue 14): N notifications (1 000 000 by default)
 * over ESMS establishments (30 000 per million, created here with FINESS `988…`, Handicap
 * categories), each with its person, decision, needs evaluation and medical data, in every status.
 *
 *   npm run db:generate -- --notifications 1000000
 *
 * Set-based SQL: one INSERT … SELECT FROM generate_series statement per batch of 100 000, whose
 * data-modifying CTEs write the five tables at once. Values derive from the row number through
 * seeded hashes (hashint8extended): two runs with the same `now` give the same data. The
 * distribution is skewed like real life: establishment k receives a share that falls as k grows
 * (r⁴ of a uniform draw), so the largest ESMS holds a few per cent of all notifications.
 * Each notification gets the follow-up history of its status (`esms-paths.ts`, the demo's paths),
 * its steps spread between the decision and the status date, the last one the notification's own.
 */
import { sql } from 'kysely';
import type { Db } from '../database.js';
import { parisDate } from '../../platform/clock.js';
import { MDPH_STATUSES, STATUS_PATHS, STATUS_REASON } from './esms-paths.js';

export const DEFAULT_NOTIFICATIONS = 1_000_000;
export const MAX_NOTIFICATIONS = 10_000_000;
export const ESMS_FINESS_PREFIX = '988';
const BATCH = 100_000;

/** Status codes drawn with these weights (repetition), every JDV_J252 status present. */
const STATUS_DRAW = ['39', '39', '40', '40', '41', '42', '42', '42', '72', '72', '71', '43', '44', '45', '46', '47', '47', '47', '48', '49', '51', '54', '37'];
const CATEGORIES: [code: string, label: string][] = [['183', 'IME'], ['246', 'ESAT'], ['182', 'SESSAD'], ['255', 'MAS'], ['437', 'FAM'], ['186', 'ITEP'], ['446', 'SAVS'], ['445', 'SAMSAH']];
const FIRST = ['Lucas', 'Emma', 'Nathan', 'Jade', 'Hugo', 'Louise', 'Léo', 'Alice', 'Gabin', 'Chloé', 'Raphaël', 'Inès', 'Tom', 'Léna', 'Enzo', 'Manon'];
const LAST = ['Arnaud', 'Barbier', 'Bourgeois', 'Brun', 'Carpentier', 'Collet', 'Colin', 'Deschamps', 'Dufour', 'Fleury', 'Gaillard', 'Giraud', 'Hamel', 'Hubert', 'Jacob', 'Lacroix', 'Leclerc', 'Lemoine', 'Marchand', 'Meunier'];
const TEXTS = ['Externat', 'Internat de semaine', 'Accueil de jour', 'Difficultés de communication', 'Troubles du comportement', 'ULIS école', 'Temps plein', 'Situation stable'];
const MEDICAL = ['Trouble du spectre de l’autisme', 'Trisomie 21', 'Paralysie cérébrale', 'Épilepsie', 'Déficience intellectuelle moyenne', 'Orthophonie hebdomadaire'];

function draw(expression: string, seed: number, modulus: number | string): string {
  return `((hashint8extended((${expression})::bigint, ${seed}) & 2147483647) % (${modulus}))::int`;
}

export interface GenerateNotificationsOptions {
  notifications: number;
  /** ESMS establishments to spread them over; default 30 000 per million, at least 10. */
  establishments?: number;
  now: Date;
  log?: (line: string) => void;
}

export function esmsEstablishmentCount(notifications: number): number {
  return Math.max(10, Math.round((notifications * 30_000) / 1_000_000));
}

export async function generateNotifications(db: Db, options: GenerateNotificationsOptions): Promise<{ notifications: number; establishments: number; ms: number }> {
  const { notifications, now } = options;
  const log = options.log ?? (() => undefined);
  if (!Number.isInteger(notifications) || notifications < 1 || notifications > MAX_NOTIFICATIONS) throw new Error(`--notifications attend un entier entre 1 et ${MAX_NOTIFICATIONS}`);
  const establishments = options.establishments ?? esmsEstablishmentCount(notifications);
  const today = parisDate(now);
  const started = performance.now();
  const total = await db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(76014)`.execute(trx);
    const present = await sql<{ n: number }>`select count(*)::int as n from esms_decisions where national_id like 'GEN-%'`.execute(trx);
    if (present.rows[0]!.n > 0) throw new Error('Des notifications générées sont déjà présentes dans cette base : utilisez une base neuve.');
    await sql`set local work_mem = '64MB'`.execute(trx);
    await sql`insert into regions (code, name) values ('76', 'Occitanie') on conflict do nothing`.execute(trx);
    await sql`insert into departments (code, name, region_code) values ('34', 'Hérault', '76') on conflict do nothing`.execute(trx);
    await sql`create temp table gen_esms_departments on commit drop as select row_number() over (order by code)::int - 1 as idx, code from departments`.execute(trx);
    const departments = (await sql<{ n: number }>`select count(*)::int as n from gen_esms_departments`.execute(trx)).rows[0]!.n;
    await sql`
      insert into establishments (finess, name, category, domain_code, department_code, city, created_at, updated_at)
      select ${ESMS_FINESS_PREFIX} || lpad(i::text, 6, '0'),
             (${CATEGORIES.map((c) => c[1])}::text[])[1 + i % ${CATEGORIES.length}] || ' ' || i,
             (${CATEGORIES.map((c) => c[1])}::text[])[1 + i % ${CATEGORIES.length}], 'HANDICAP', d.code, 'Ville ' || i, ${now}, ${now}
      from generate_series(0, ${establishments - 1}::int) i
      join gen_esms_departments d on d.idx = i % ${departments}`.execute(trx);
    await sql`
      create temp table gen_esms_est on commit drop as
      select substr(finess, 4)::int as idx, id, (${CATEGORIES.map((c) => c[0])}::text[])[1 + substr(finess, 4)::int % ${CATEGORIES.length}] as category
      from establishments where finess like ${`${ESMS_FINESS_PREFIX}%`}`.execute(trx);
    await sql`alter table gen_esms_est add primary key (idx)`.execute(trx);
    log(`Établissements ESMS : ${establishments}`);
    let done = 0;
    const reasons = STATUS_DRAW.map((s) => STATUS_REASON[s] ?? '');
    for (let lo = 1; lo <= notifications; lo += BATCH) {
      const hi = Math.min(notifications, lo + BATCH - 1);
      // r⁴ of a uniform draw in [0, 1): a few establishments receive most notifications.
      const estIdx = `least(${establishments - 1}, floor(${establishments} * power(${draw('n', 101, 1_000_000)} / 1000000.0, 4))::int)`;
      const result = await sql`
        with g as (
          select n, ${sql.raw(estIdx)} as est_idx, ${sql.raw(draw('n', 102, STATUS_DRAW.length))} + 1 as status_idx,
                 ${today}::date - ${sql.raw(draw('n', 103, 900))} - 30 as decision_date
          from generate_series(${lo}::int, ${hi}::int) as n
        ),
        p as (
          insert into esms_persons (last_name, first_name, birth_date, mdph_department, mdph_individual_number)
          select (${LAST}::text[])[1 + ${sql.raw(draw('n', 104, LAST.length))}] || ' ' || chr(65 + ${sql.raw(draw('n', 105, 26))}),
                 (${FIRST}::text[])[1 + ${sql.raw(draw('n', 106, FIRST.length))}],
                 ${today}::date - 1500 - ${sql.raw(draw('n', 107, 20000))},
                 '34', 'G' || n
          from g
          returning id, substr(mdph_individual_number, 2)::int as n
        ),
        d as (
          insert into esms_decisions (national_id, mdph_decision_id, person_id, decision_date, right_nature, opening_date, end_date, category_code, creton, imported_at, updated_at)
          select 'GEN-' || g.n, 'CDAPH-GEN-' || g.n, p.id, g.decision_date, 'Orientation en établissement médico-social',
                 g.decision_date + 15, g.decision_date + 15 + 200 + ${sql.raw(draw('g.n', 108, 1600))}, e.category, false, ${now}, ${now}
          from g join p on p.n = g.n join gen_esms_est e on e.idx = g.est_idx
          returning id, substr(national_id, 5)::int as n, decision_date
        ),
        ev as (
          insert into esms_evaluations (decision_id, care_arrangement, difficulty, schooling_situation, planned_evolution)
          select d.id, (${TEXTS}::text[])[1 + ${sql.raw(draw('d.n', 109, TEXTS.length))}], (${TEXTS}::text[])[1 + ${sql.raw(draw('d.n', 110, TEXTS.length))}],
                 (${TEXTS}::text[])[1 + ${sql.raw(draw('d.n', 111, TEXTS.length))}], (${TEXTS}::text[])[1 + ${sql.raw(draw('d.n', 112, TEXTS.length))}]
          from d
        ),
        m as (
          insert into esms_medical_data (decision_id, main_pathology, main_impairment, compensation_needs)
          select d.id, (${MEDICAL}::text[])[1 + ${sql.raw(draw('d.n', 113, MEDICAL.length))}], (${MEDICAL}::text[])[1 + ${sql.raw(draw('d.n', 114, MEDICAL.length))}],
                 (${MEDICAL}::text[])[1 + ${sql.raw(draw('d.n', 115, MEDICAL.length))}]
          from d
        )
        insert into esms_notifications (decision_id, establishment_id, status_code, status_date, status_reason_code, version, created_at, updated_at)
        select d.id, e.id, (${STATUS_DRAW}::text[])[g.status_idx], least(${today}::date, d.decision_date + ${sql.raw(draw('g.n', 116, 60))}),
               nullif((${reasons}::text[])[g.status_idx], ''), 1, ${now}, ${now}::timestamptz - make_interval(mins => ${sql.raw(draw('g.n', 117, 500000))})
        from d join g on g.n = d.n join gen_esms_est e on e.idx = g.est_idx`.execute(trx);
      done += Number(result.numAffectedRows ?? 0n);
      log(`  notifications : ${done} / ${notifications} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
    }
    // The history: step k of a path of K steps dated k/K of the way from the decision to the status date.
    const steps = Object.entries(STATUS_PATHS).flatMap(([status, path]) =>
      path.map((code, k) => ({ status, step: k + 1, steps: path.length, code, reason: STATUS_REASON[code] ?? null, mdph: MDPH_STATUSES.has(code) })),
    );
    await sql`
      create temp table gen_esms_paths on commit drop as
      select * from jsonb_to_recordset(${JSON.stringify(steps)}::jsonb) as p(status text, step int, steps int, code text, reason text, mdph boolean)`.execute(trx);
    const history = await sql`
      insert into esms_followups (notification_id, status_code, status_date, reason_code, actor_label, recorded_at)
      select n.id, p.code, d.decision_date + (n.status_date - d.decision_date) * p.step / p.steps, p.reason,
             case when p.mdph then 'MDPH (import)' else 'ESMS (données générées)' end,
             (d.decision_date + (n.status_date - d.decision_date) * p.step / p.steps)::timestamp + interval '10 hours'
      from esms_notifications n join esms_decisions d on d.id = n.decision_id join gen_esms_paths p on p.status = n.status_code
      where d.national_id like 'GEN-%'
      order by n.id, p.step`.execute(trx);
    log(`  historique de suivi : ${Number(history.numAffectedRows ?? 0n)} lignes (${((performance.now() - started) / 1000).toFixed(1)} s)`);
    return done;
  });
  // VACUUM as autovacuum would after such a load: the visibility map lets the counts read the index only.
  await sql`vacuum analyze esms_persons, esms_decisions, esms_evaluations, esms_medical_data, esms_notifications, esms_followups, establishments`.execute(db);
  const ms = performance.now() - started;
  log(`Notifications : ${total} en ${(ms / 1000).toFixed(1)} s`);
  return { notifications: total, establishments, ms };
}
