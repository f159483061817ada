/**
 * R24 least privilege: the application's role cannot change or remove a history row by any means —
 * neither directly nor by switching the append-only trigger off — and still does its normal work.
 * The owner role (test/databases.ts) sets up what the application role may not.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { sql, type RawBuilder } from 'kysely';
import { createDatabase, type Db } from './database.js';
import { checkRole } from './roles.js';
import { recordAudit, SYSTEM_ACTOR } from '../platform/audit/audit.js';
import { buildAccount } from '../../test/factories.js';
import { ownerDatabaseUrl } from '../../test/databases.js';

let app: Db;
let owner: Db;
let eventId: number;
const ORIGINAL = 'Création du compte (preuve des droits)';

beforeAll(async () => {
  app = createDatabase(inject('databaseUrl'), 2);
  owner = createDatabase(ownerDatabaseUrl(), 2);
  const account = await buildAccount(app);
  await app.transaction().execute(async (trx) => {
    await recordAudit(trx, { actor: SYSTEM_ACTOR, subjectAccountId: account.id, code: 'ACCOUNT_CREATED', description: ORIGINAL });
  });
  const row = await app.selectFrom('audit_events').select('id').where('description', '=', ORIGINAL).orderBy('id', 'desc').executeTakeFirstOrThrow();
  eventId = row.id;
});
afterAll(async () => {
  await app.destroy();
  await owner.destroy();
});

/** The SQLSTATE of a refused statement, run on a connection of its own (a failed statement ends nothing else). */
async function refusal(statement: RawBuilder<unknown> | (() => Promise<unknown>)): Promise<string | undefined> {
  try {
    await (typeof statement === 'function' ? statement() : statement.execute(app));
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
}

async function historyRowIntact(): Promise<void> {
  const row = await owner.selectFrom('audit_events').select(['description']).where('id', '=', eventId).executeTakeFirst();
  expect(row?.description).toBe(ORIGINAL);
}

describe('the application role', () => {
  it('is neither superuser nor owner of the history', async () => {
    const role = await checkRole(app);
    expect(role).toEqual({ role: inject('testRoles').appRole, superuser: false, ownsHistory: false });
    const ownerRole = await checkRole(owner);
    expect(ownerRole.ownsHistory).toBe(true);
  });

  it('R24 cannot UPDATE a history row', async () => {
    expect(await refusal(sql`update audit_events set description = 'falsifié' where id = ${eventId}`)).toBe('42501');
    expect(await refusal(() => app.updateTable('audit_events').set({ description: 'falsifié' }).where('id', '=', eventId).execute())).toBe('42501');
    await historyRowIntact();
  });

  it('R24 cannot DELETE a history row, not even from a CTE', async () => {
    expect(await refusal(() => app.deleteFrom('audit_events').where('id', '=', eventId).execute())).toBe('42501');
    expect(await refusal(sql`with gone as (delete from audit_events where id = ${eventId} returning id) select count(*) from gone`)).toBe('42501');
    await historyRowIntact();
  });

  it('R24 cannot TRUNCATE the history', async () => {
    expect(await refusal(sql`truncate audit_events`)).toBe('42501');
    expect(await refusal(sql`truncate audit_events, accounts cascade`)).toBe('42501');
    await historyRowIntact();
  });

  it('R24 cannot switch triggers off with session_replication_role', async () => {
    expect(await refusal(sql`set session_replication_role = replica`)).toBe('42501');
    expect(await refusal(sql`select set_config('session_replication_role', 'replica', false)`)).toBe('42501');
    await historyRowIntact();
  });

  it('R24 cannot disable, drop or replace the append-only trigger', async () => {
    expect(await refusal(sql`alter table audit_events disable trigger audit_events_no_update`)).toBe('42501');
    expect(await refusal(sql`alter table audit_events disable trigger all`)).toBe('42501');
    expect(await refusal(sql`drop trigger audit_events_no_update on audit_events`)).toBe('42501');
    expect(await refusal(sql`create or replace function audit_events_append_only() returns trigger language plpgsql as $$ begin return old; end $$`)).toBe('42501');
    expect(await refusal(sql`drop function audit_events_append_only() cascade`)).toBe('42501');
    const triggers = await sql<{ tgname: string; tgenabled: string }>`
      select tgname, tgenabled from pg_trigger where tgrelid = 'audit_events'::regclass and not tgisinternal order by tgname`.execute(owner);
    expect(triggers.rows).toEqual([
      { tgname: 'audit_events_no_truncate', tgenabled: 'O' },
      { tgname: 'audit_events_no_update', tgenabled: 'O' },
    ]);
  });

  it('R24 cannot take the table, its privileges or another role', async () => {
    const { appRole, ownerRole } = inject('testRoles');
    expect(await refusal(sql`alter table audit_events owner to ${sql.id(appRole)}`)).toBe('42501');
    expect(await refusal(sql`alter table audit_events rename to audit_events_old`)).toBe('42501');
    expect(await refusal(sql`set role ${sql.id(ownerRole)}`)).toBe('42501');
    expect(await refusal(sql`alter role ${sql.id(appRole)} superuser`)).toBe('42501');
    expect(await refusal(sql`create table public.shadow_history (id int)`)).toBe('42501');
    // Granting oneself a privilege one does not hold with grant option changes nothing.
    await sql`grant update, delete on audit_events to ${sql.id(appRole)}`.execute(app).catch(() => undefined);
    expect(await refusal(sql`update audit_events set description = 'falsifié' where id = ${eventId}`)).toBe('42501');
    expect(await refusal(sql`alter table audit_events set unlogged`)).toBe('42501');
    await historyRowIntact();
  });

  it('does its normal work: adds history, writes and deletes ordinary rows, reads the migration journal', async () => {
    const account = await buildAccount(app);
    await app.transaction().execute(async (trx) => {
      await recordAudit(trx, { actor: SYSTEM_ACTOR, subjectAccountId: account.id, code: 'ACCOUNT_UPDATED', description: 'Modification du compte' });
    });
    await app.updateTable('accounts').set({ phone: '0102030405' }).where('id', '=', account.id).execute();
    const inserted = await app.insertInto('rate_limits').values({ key: `roles-test-${eventId}`, window_start: new Date(), count: 1, expires_at: new Date(Date.now() + 60_000) }).returning('key').executeTakeFirstOrThrow();
    await app.deleteFrom('rate_limits').where('key', '=', inserted.key).execute();
    const journal = await sql<{ n: number }>`select count(*)::int as n from kysely_migration`.execute(app);
    expect(journal.rows[0]!.n).toBeGreaterThan(0);
    expect(await refusal(sql`delete from kysely_migration`)).toBe('42501');
  });

  it('is granted the tables a later migration creates, without that migration granting them', async () => {
    const table = `probe_${eventId}`;
    await sql`create table ${sql.id(table)} (id serial primary key, label text)`.execute(owner);
    try {
      await sql`insert into ${sql.id(table)} (label) values ('x')`.execute(app);
      const rows = await sql<{ label: string }>`select label from ${sql.id(table)}`.execute(app);
      expect(rows.rows).toEqual([{ label: 'x' }]);
    } finally {
      await sql`drop table ${sql.id(table)}`.execute(owner);
    }
  });
});

describe('the owner role', () => {
  it('R24 is still refused an UPDATE or DELETE of the history by the trigger', async () => {
    const code = async (query: RawBuilder<unknown>) => query.execute(owner).then(() => undefined, (error: { code?: string }) => error.code);
    expect(await code(sql`update audit_events set description = 'falsifié' where id = ${eventId}`)).toBe('42501');
    expect(await code(sql`delete from audit_events where id = ${eventId}`)).toBe('42501');
    expect(await code(sql`set session_replication_role = replica`)).toBe('42501');
    await historyRowIntact();
  });
});
