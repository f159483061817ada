/**
 * The Observatoire's test world (R70): a region of its own (91 unless told) with two departments, three
 * establishments, people holding habilitations there, and the three kinds of orderers — a structure
 * referent (their establishment), a coordination (their department), a region (their region) —
 * plus someone without the right. Counts are chosen so that some cells fall under 5.
 */
import type { Account } from '../src/db/schema.js';
import { addToDate, parisDate } from '../src/platform/clock.js';
import type { Db } from '../src/db/database.js';
import { Agent } from './agent.js';
import type { TestApp } from './test-app.js';
import { buildAccount, buildEstablishment, buildHabilitation, buildUnit, ensureTerritory, openTestSession } from './factories.js';

/** Each test file its own region (the run's database is shared by files running in parallel). */
export interface Territory {
  region: string;
  deptA: string;
  deptB: string;
}
export const TERRITORY_91: Territory = { region: '91', deptA: '911', deptB: '912' };

export interface ObservatoryWorld {
  estA: { id: number; name: string; finess: string };
  estB: { id: number; name: string; finess: string };
  estC: { id: number; name: string; finess: string };
  unitA: { id: number };
  referentA: Account;
  coordinationA: Account;
  region: Account;
  /** A Sanitaire region of another region: nothing of region 91 is theirs. */
  otherRegion: Account;
  plain: Account;
}

async function people(db: Db, n: number, profile: string, place: { establishmentId?: number; unitId?: number }) {
  for (let i = 0; i < n; i += 1) {
    const account = await buildAccount(db);
    await buildHabilitation(db, { accountId: account.id, profile, ...place });
  }
}

export async function buildObservatoryWorld(db: Db, territory: Territory = TERRITORY_91): Promise<ObservatoryWorld> {
  const { region: REGION, deptA: DEPT_A, deptB: DEPT_B } = territory;
  await ensureTerritory(db, REGION, DEPT_A);
  await ensureTerritory(db, REGION, DEPT_B);
  await ensureTerritory(db, '92', '921');
  const estA = await buildEstablishment(db, { region: REGION, department: DEPT_A, name: 'Centre Alpha' });
  const estB = await buildEstablishment(db, { region: REGION, department: DEPT_A, name: 'Clinique Bêta' });
  const estC = await buildEstablishment(db, { region: REGION, department: DEPT_B, name: 'Hôpital Gamma' });
  const unitA = await buildUnit(db, estA.id, 'Unité Alpha 1');
  // Alpha: 7 prescribers in its unit; Bêta: 3 receivers (under 5); Gamma: 12 prescribers.
  await people(db, 7, 'SANITAIRE_PRESCRIPTEUR', { unitId: unitA.id });
  await people(db, 3, 'SANITAIRE_RECEVEUR', { unitId: (await buildUnit(db, estB.id)).id });
  await people(db, 12, 'SANITAIRE_PRESCRIPTEUR', { unitId: (await buildUnit(db, estC.id)).id });
  const referentA = await buildAccount(db, { first_name: 'Rémi', last_name: 'Référent' });
  await buildHabilitation(db, { accountId: referentA.id, profile: 'REFERENT_STRUCTURE', establishmentId: estA.id });
  const coordinationA = await buildAccount(db, { first_name: 'Carla', last_name: 'Coordination' });
  await buildHabilitation(db, { accountId: coordinationA.id, profile: 'SANITAIRE_COORDINATION', departmentCode: DEPT_A });
  const region = await buildAccount(db, { first_name: 'Rose', last_name: 'Région' });
  await buildHabilitation(db, { accountId: region.id, profile: 'SANITAIRE_REGION', regionCode: REGION });
  const otherRegion = await buildAccount(db);
  await buildHabilitation(db, { accountId: otherRegion.id, profile: 'SANITAIRE_REGION', regionCode: '92' });
  const plain = await buildAccount(db);
  await buildHabilitation(db, { accountId: plain.id, profile: 'SANITAIRE_PRESCRIPTEUR', unitId: unitA.id });
  return { estA, estB, estC, unitA, referentA, coordinationA, region, otherRegion, plain };
}

/** A signed-in browser of this account (its session opened at `at`, for a clock that travels). */
export async function agentOf(t: TestApp, account: Account, at = new Date()): Promise<Agent> {
  const agent = new Agent(t.app);
  const session = await openTestSession(t.deps.db, account.id, { lastSeenAt: at, expiresAt: new Date(at.getTime() + 3_600_000) });
  agent.cookies.set('habilis_session', session.split('=')[1]!);
  return agent;
}

/** The orders and the audit events of an account: what "nothing written" is checked against. */
export async function writtenBy(db: Db, accountId: number): Promise<{ orders: number; events: number }> {
  const orders = await db.selectFrom('observatory_orders').select((eb) => eb.fn.countAll<number>().as('n')).where('account_id', '=', accountId).executeTakeFirstOrThrow();
  const events = await db.selectFrom('audit_events').select((eb) => eb.fn.countAll<number>().as('n')).where('actor_account_id', '=', accountId).executeTakeFirstOrThrow();
  return { orders: Number(orders.n), events: Number(events.n) };
}

let serial = 0;

/**
 * One ESMS notification (issue 14's tables) with its decision, person and follow-up lines:
 * `decided` days from today, the person `age` years old at the decision, `path` lines of
 * (status, days after the decision, reason).
 */
export async function addEsmsNotification(
  db: Db,
  establishmentId: number,
  o: { category: string; decided: number; age: number; creton?: boolean; end?: string; path?: [string, number, string?][] },
): Promise<number> {
  serial += 1;
  const today = parisDate(new Date());
  const marker = `${process.pid}${serial}${Math.floor(Math.random() * 1e6)}`;
  const decided = addToDate(today, { days: o.decided });
  const person = await db
    .insertInto('esms_persons')
    .values({ last_name: 'Stat', first_name: 'Obs', birth_date: addToDate(decided, { years: -o.age, days: -10 }), mdph_department: '34', mdph_individual_number: `OBS${marker}`.slice(0, 20) })
    .returning('id')
    .executeTakeFirstOrThrow();
  const decision = await db
    .insertInto('esms_decisions')
    .values({ national_id: `OBS-${marker}`, mdph_decision_id: `D-${marker}`, person_id: person.id, decision_date: decided, right_nature: 'Orientation', opening_date: decided, end_date: o.end ?? addToDate(today, { years: 2 }), category_code: o.category, creton: o.creton ?? false })
    .returning('id')
    .executeTakeFirstOrThrow();
  const path = o.path ?? [];
  const last = path.at(-1);
  const n = await db
    .insertInto('esms_notifications')
    .values({ decision_id: decision.id, establishment_id: establishmentId, status_code: last?.[0] ?? '39', status_date: last ? addToDate(decided, { days: last[1] }) : decided, status_reason_code: last?.[2] ?? null })
    .returning('id')
    .executeTakeFirstOrThrow();
  for (const [code, after, reason] of path) {
    await db.insertInto('esms_followups').values({ notification_id: n.id, status_code: code, status_date: addToDate(decided, { days: after }), reason_code: reason ?? null, actor_label: 'Test' }).execute();
  }
  return n.id;
}
