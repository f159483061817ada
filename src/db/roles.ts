/**
 * Least privilege in PostgreSQL: two roles.
 * - The OWNER role owns the database and its tables; migrations run as it.
 * - The APPLICATION role, the one the running processes connect with, reads and writes rows and
 *   nothing more: it is neither superuser nor owner, so it can neither alter the schema nor switch
 *   off a trigger (ALTER TABLE … DISABLE TRIGGER, DROP TRIGGER, `session_replication_role` are
 *   reserved to owners and superusers), and on an append-only table it holds INSERT and SELECT only.
 * `grantApplicationRole` runs as the owner after every migration and sets the owner's default
 * privileges, so a table a later migration creates is granted without that migration saying so.
 * pg-boss's schema is the exception: pg-boss creates partitions of its own tables while it runs,
 * which only their owner may do, so that schema belongs to the application role (the owner role is a
 * member of it, so later migrations may still change it). It holds job queues, never the history.
 */
import pg from 'pg';
import { sql } from 'kysely';
import { createDatabase, withDatabaseName, type Db } from './database.js';
import { migrateToLatest } from './migrate.js';

/**
 * Tables the application may only append to: those whose rows a trigger refuses to change, by the
 * naming convention `<table>_append_only()` of the trigger function (see the initial migration).
 * A table of a later migration that follows the convention is covered without being listed here.
 */
const APPEND_ONLY_TABLES = sql<{ table: string }>`
  select distinct c.relname as "table"
  from pg_trigger t
  join pg_class c on c.oid = t.tgrelid
  join pg_namespace n on n.oid = c.relnamespace
  join pg_proc p on p.oid = t.tgfoid
  where n.nspname = 'public' and not t.tgisinternal and p.proname like '%append\\_only'`;

/** Grants the application role what it needs, and nothing more. Runs as the owner role; idempotent. */
export async function grantApplicationRole(ownerDb: Db, appRole: string): Promise<void> {
  const app = sql.id(appRole);
  await ownerDb.transaction().execute(async (trx) => {
    for (const statement of [
      sql`grant usage on schema public to ${app}`,
      sql`grant select, insert, update, delete on all tables in schema public to ${app}`,
      sql`grant usage, select on all sequences in schema public to ${app}`,
      // Tables and sequences created later by this (owner) role are granted as they are created.
      sql`alter default privileges in schema public grant select, insert, update, delete on tables to ${app}`,
      sql`alter default privileges in schema public grant usage, select on sequences to ${app}`,
      // The migration journal is the owner's: the application may read where the schema stands.
      sql`revoke insert, update, delete, truncate on table kysely_migration, kysely_migration_lock from ${app}`,
    ]) {
      await statement.execute(trx);
    }
    const { rows } = await APPEND_ONLY_TABLES.execute(trx);
    for (const { table } of rows) {
      await sql`revoke update, delete, truncate on table ${sql.id('public', table)} from ${app}`.execute(trx);
    }
    await handOverJobSchema(trx, appRole);
  });
}

/** The pgboss schema and every object in it go to the application role (see the header). */
async function handOverJobSchema(trx: Db, appRole: string): Promise<void> {
  const app = sql.id(appRole);
  const exists = await sql<{ n: number }>`select count(*)::int as n from pg_namespace where nspname = 'pgboss'`.execute(trx);
  if (exists.rows[0]!.n === 0) return;
  await sql`alter schema pgboss owner to ${app}`.execute(trx);
  const relations = await sql<{ name: string }>`
    select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'pgboss' and c.relkind in ('r', 'p', 'v', 'm', 'S')
      and pg_get_userbyid(c.relowner) <> ${appRole}
      -- sequences of identity or serial columns follow their table
      and not exists (select 1 from pg_depend d where d.objid = c.oid and d.classid = 'pg_class'::regclass and d.deptype in ('a', 'i') and c.relkind = 'S')`.execute(trx);
  for (const { name } of relations.rows) await sql`alter table ${sql.id('pgboss', name)} owner to ${app}`.execute(trx);
  const routines = await sql<{ signature: string }>`
    select p.oid::regprocedure::text as signature from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname = 'pgboss' and pg_get_userbyid(p.proowner) <> ${appRole}`.execute(trx);
  for (const { signature } of routines.rows) await sql`alter routine ${sql.raw(signature)} owner to ${app}`.execute(trx);
  const types = await sql<{ name: string }>`
    select t.typname as name from pg_type t join pg_namespace n on n.oid = t.typnamespace
    where n.nspname = 'pgboss' and t.typtype in ('e', 'd') and pg_get_userbyid(t.typowner) <> ${appRole}`.execute(trx);
  for (const { name } of types.rows) await sql`alter type ${sql.id('pgboss', name)} owner to ${app}`.execute(trx);
}

/** Migrations as the owner, then the application role's grants. Returns the migrations applied. */
export async function migrateAsOwner(ownerUrl: string, appRole: string): Promise<string[]> {
  const db = createDatabase(ownerUrl, 2);
  try {
    const applied = await migrateToLatest(db);
    await grantApplicationRole(db, appRole);
    return applied;
  } finally {
    await db.destroy();
  }
}

export interface RoleCheck {
  role: string;
  superuser: boolean;
  /** The role owns (directly or through membership) the history table. */
  ownsHistory: boolean;
}

/** What the connection's role may do that the application must not. */
export async function checkRole(db: Db): Promise<RoleCheck> {
  const { rows } = await sql<RoleCheck>`
    select current_user as role,
           (select rolsuper from pg_roles where rolname = current_user) as superuser,
           coalesce((select pg_has_role(current_user, c.relowner, 'USAGE') from pg_class c
                     where c.oid = to_regclass('public.audit_events')), false) as "ownsHistory"`.execute(db);
  return rows[0]!;
}

/** The user name of a connection string. */
export function roleOf(connectionString: string): string {
  return decodeURIComponent(new URL(connectionString).username) || 'postgres';
}

/** The same server and database as another role. */
export function withRole(connectionString: string, role: string, password: string): string {
  const url = new URL(connectionString);
  url.username = encodeURIComponent(role);
  url.password = encodeURIComponent(password);
  return url.toString();
}

export interface ProvisionedDatabase {
  /** The application role's connection. */
  appUrl: string;
  /** The owner role's connection (migrations, test set-ups that need owner powers). */
  ownerUrl: string;
}

/**
 * As a superuser (the embedded server, the test harness, the benches): creates the two roles when
 * missing, the owner a member of the application role, and the database owned by the owner role
 * when missing. Idempotent: a second start finds them.
 */
export async function provisionDatabase(
  adminUrl: string,
  options: { database: string; ownerRole: string; appRole: string; password: string },
): Promise<ProvisionedDatabase> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const password = client.escapeLiteral(options.password);
    for (const role of [options.appRole, options.ownerRole]) {
      const found = await client.query('select 1 from pg_roles where rolname = $1', [role]);
      // NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS are the defaults; said anyway.
      const attributes = `LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS PASSWORD ${password}`;
      await client.query(found.rowCount ? `ALTER ROLE ${client.escapeIdentifier(role)} ${attributes}` : `CREATE ROLE ${client.escapeIdentifier(role)} ${attributes}`);
    }
    await client.query(`GRANT ${client.escapeIdentifier(options.appRole)} TO ${client.escapeIdentifier(options.ownerRole)}`);
    const database = await client.query('select 1 from pg_database where datname = $1', [options.database]);
    if (!database.rowCount) {
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(options.database)} OWNER ${client.escapeIdentifier(options.ownerRole)}`);
    }
  } finally {
    await client.end();
  }
  const url = withDatabaseName(adminUrl, options.database);
  return { appUrl: withRole(url, options.appRole, options.password), ownerUrl: withRole(url, options.ownerRole, options.password) };
}

/**
 * As a superuser: drops every database the owner role owns, then both roles. Roles are
 * cluster-wide: a test or bench run drops what it created, and nothing else.
 */
export async function dropDatabasesAndRoles(adminUrl: string, options: { ownerRole: string; appRole: string }): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const owned = await client.query<{ datname: string }>(
      'select datname from pg_database where datdba = (select oid from pg_roles where rolname = $1)',
      [options.ownerRole],
    );
    for (const { datname } of owned.rows) await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(datname)} WITH (FORCE)`);
    for (const role of [options.appRole, options.ownerRole]) await client.query(`DROP ROLE IF EXISTS ${client.escapeIdentifier(role)}`);
  } finally {
    await client.end();
  }
}
