/** Factories with overrides: each builds a valid row with unique values, so tests never collide. */
import { randomInt, randomUUID } from 'node:crypto';
import type { Db } from '../src/db/database.js';
import type { Account, NewAccount } from '../src/db/schema.js';
import { randomToken, sha256 } from '../src/platform/crypto.js';
import { addToDate, parisDate } from '../src/platform/clock.js';
import { hashPassword } from '../src/platform/passwords.js';
import { TERMS_VERSION } from '../src/features/auth/terms.js';

const suffix = () => randomUUID().replaceAll('-', '').slice(0, 10);
/** Names are letters only, as real names are: the digits of the suffix become letters. */
const letters = (value: string) => value.replace(/\d/g, (d) => 'ghijklmnop'[Number(d)]!);

export async function ensureTerritory(db: Db, region = '76', department = '34'): Promise<void> {
  await db.insertInto('regions').values({ code: region, name: `Région ${region}` }).onConflict((oc) => oc.doNothing()).execute();
  await db
    .insertInto('departments')
    .values({ code: department, name: `Département ${department}`, region_code: region })
    .onConflict((oc) => oc.doNothing())
    .execute();
}

export async function buildAccount(db: Db, overrides: Partial<NewAccount> = {}): Promise<Account> {
  const id = suffix();
  return db
    .insertInto('accounts')
    .values({
      username: `u${id}`,
      first_name: 'Camille',
      last_name: `Test${letters(id)}`,
      email: `u${id}@exemple.test`,
      ...overrides,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** An account that can log in: its password hashed as the application does, terms accepted, e-mail verified. */
export async function buildActiveAccount(db: Db, password: string, overrides: Partial<NewAccount> = {}): Promise<Account> {
  return buildAccount(db, {
    password_hash: await hashPassword(password),
    password_changed_at: new Date(),
    email_verified_at: new Date(),
    terms_version_accepted: TERMS_VERSION,
    terms_accepted_at: new Date(),
    ...overrides,
  });
}

export async function buildEstablishment(db: Db, overrides: { department?: string; region?: string; name?: string; domain?: string | null } = {}) {
  await ensureTerritory(db, overrides.region ?? '76', overrides.department ?? '34');
  return db
    .insertInto('establishments')
    .values({
      finess: `99${String(randomInt(0, 10_000_000)).padStart(7, '0')}`,
      name: overrides.name ?? `Établissement ${suffix()}`,
      category: 'Centre hospitalier',
      department_code: overrides.department ?? '34',
      domain_code: overrides.domain ?? null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function buildUnit(db: Db, establishmentId: number, name = `Unité ${suffix()}`) {
  return db.insertInto('units').values({ establishment_id: establishmentId, name }).returningAll().executeTakeFirstOrThrow();
}

export async function profileId(db: Db, code: string): Promise<number> {
  const row = await db.selectFrom('profiles').select('id').where('code', '=', code).executeTakeFirstOrThrow();
  return row.id;
}

export async function buildHabilitation(
  db: Db,
  values: {
    accountId: number;
    profile: string;
    unitId?: number;
    establishmentId?: number;
    departmentCode?: string;
    regionCode?: string;
    start?: string;
    end?: string;
    deletedAt?: Date;
  },
) {
  const today = parisDate(new Date());
  return db
    .insertInto('habilitations')
    .values({
      account_id: values.accountId,
      profile_id: await profileId(db, values.profile),
      unit_id: values.unitId ?? null,
      establishment_id: values.establishmentId ?? null,
      department_code: values.departmentCode ?? null,
      region_code: values.regionCode ?? null,
      start_date: values.start ?? addToDate(today, { months: -1 }),
      end_date: values.end ?? addToDate(today, { years: 1 }),
      deleted_at: values.deletedAt ?? null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** A session row for the account, as a login would leave it; returns the Cookie header to send. */
export async function openTestSession(
  db: Db,
  accountId: number,
  options: { strength?: 'password' | 'strong'; lastSeenAt?: Date; expiresAt?: Date } = {},
): Promise<string> {
  const token = randomToken();
  await db
    .insertInto('sessions')
    .values({
      id_hash: sha256(token),
      account_id: accountId,
      strength: options.strength ?? 'strong',
      auth_method: 'test',
      last_seen_at: options.lastSeenAt ?? new Date(),
      expires_at: options.expiresAt ?? new Date(Date.now() + 3_600_000),
    })
    .execute();
  return `habilis_session=${token}`;
}

/** A French mobile number for one test: the SMS outbox is read by number, so tests must not share one. */
export function uniqueMobile(): string {
  return `06${String(randomInt(0, 100_000_000)).padStart(8, '0')}`;
}

/**
 * The state a browser is in once its user validated a one-time code in it (R05): a browser id
 * cookie, trusted for the account for 8 hours. Card and e-CPS pairing require it.
 */
export async function trustBrowserOf(db: Db, agent: { cookies: Map<string, string> }, accountId: number): Promise<void> {
  if (!agent.cookies.has('habilis_browser')) agent.cookies.set('habilis_browser', randomToken());
  const now = new Date();
  await db
    .insertInto('trusted_browsers')
    .values({ browser_hash: sha256(agent.cookies.get('habilis_browser')!), account_id: accountId, created_at: now, expires_at: new Date(now.getTime() + 8 * 3_600_000) })
    .execute();
}
