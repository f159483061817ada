/** SQL of accounts. */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';

export async function listUsernamesLike(db: Kysely<Database>, prefix: string): Promise<Set<string>> {
  const rows = await db
    .selectFrom('accounts')
    .select('username')
    .where(sql<string>`lower(username)`, 'like', `${prefix.replace(/[%_\\]/g, '\\$&')}%`)
    .execute();
  return new Set(rows.map((r) => r.username.toLowerCase()));
}

export async function insertAccount(
  db: Kysely<Database>,
  values: { username: string; lastName: string; firstName: string; email: string; phone: string | null; profession: string | null; createdBy: number | null; now: Date },
) {
  return db
    .insertInto('accounts')
    .values({
      username: values.username,
      last_name: values.lastName,
      first_name: values.firstName,
      email: values.email,
      phone: values.phone,
      profession: values.profession,
      created_by_account_id: values.createdBy,
      created_at: values.now,
      updated_at: values.now,
    })
    .returning(['id', 'username', 'email', 'first_name', 'last_name'])
    .executeTakeFirstOrThrow();
}
