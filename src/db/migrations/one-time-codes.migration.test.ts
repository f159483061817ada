/**
 * The one-time-codes migration moves an invited assistant's code that was already sent (R15) into
 * `one_time_codes`: the code typed after the upgrade is still accepted, once, and a new code may
 * still be sent only a minute after the last one.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { Migrator, sql } from 'kysely';
import { createDatabase } from '../database.js';
import { migrations } from './index.js';
import { createScratchDatabase } from '../../../test/databases.js';
import { hmac, sha256 } from '../../platform/crypto.js';
import { checkCode, consumeCode, latestCode } from '../../platform/one-time-codes.js';

const scratch: { drop(): Promise<void> }[] = [];
afterAll(async () => {
  for (const s of scratch) await s.drop();
});

const SECRET = Buffer.from('a-secret-of-at-least-32-bytes-for-the-test');

describe('2026-12-05T1000-one-time-codes', () => {
  it('R15 moves a pending acceptance code with its hash, expiry and attempts; it still verifies, once', async () => {
    const database = await createScratchDatabase();
    scratch.push(database);
    // Migrations run as the owner role (roles.ts): this test plays the migrator.
    const db = createDatabase(database.ownerUrl, 2);
    try {
      const names = Object.keys(migrations);
      const before = names[names.indexOf('2026-12-05T1000-one-time-codes') - 1]!;
      const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
      expect((await migrator.migrateTo(before)).error).toBeUndefined();
      const now = new Date();
      const professional = await sql<{ id: number }>`
        insert into accounts (username, last_name, first_name, email) values ('pmigration', 'Migration', 'Paule', 'paule.migration@exemple.test') returning id`.execute(db);
      const delegation = await sql<{ id: number }>`
        insert into assistant_delegations (professional_account_id, invited_last_name, invited_first_name, invited_email, files, medical, autonomy, status,
          invitation_token_hash, invitation_expires_at, created_at, updated_at)
        values (${professional.rows[0]!.id}, 'Petit', 'Inès', 'ines.petit@exemple.test', 'read', 'none', 'none', 'invited',
          ${sha256('lien-de-test')}, ${new Date(now.getTime() + 86_400_000)}, ${now}, ${now}) returning id`.execute(db);
      const id = delegation.rows[0]!.id;
      const context = `assistant-acceptance:${id}`;
      await sql`update assistant_delegations set acceptance_code_hmac = ${hmac(SECRET, `${context}:123456`)},
        acceptance_code_expires_at = ${new Date(now.getTime() + 600_000)}, acceptance_code_sent_at = ${now}, acceptance_code_attempts = 2
        where id = ${id}`.execute(db);

      expect((await migrator.migrateToLatest()).error).toBeUndefined();
      const moved = await db.selectFrom('one_time_codes').select(['purpose', 'account_id', 'attempts', 'destination']).where('delegation_id', '=', id).execute();
      expect(moved).toEqual([{ purpose: 'assistant_acceptance', account_id: null, attempts: 2, destination: 'i…@e…' }]);
      expect(await latestCode(db, 'assistant_acceptance', { delegationId: id }, now)).toMatchObject({ valid: true });
      const check = { purpose: 'assistant_acceptance' as const, binding: { delegationId: id }, context, secret: SECRET, maxAttempts: 5, now };
      expect(await checkCode(db, { ...check, typed: '654321' })).toEqual({ ok: false, reason: 'wrong', attemptsLeft: 2 });
      const right = await checkCode(db, { ...check, typed: '123 456' });
      expect(right.ok).toBe(true);
      expect(await consumeCode(db, (right as { codeId: number }).codeId, now)).toBe(true);
      expect(await consumeCode(db, (right as { codeId: number }).codeId, now)).toBe(false);
      const columns = await sql<{ column_name: string }>`
        select column_name from information_schema.columns where table_name = 'assistant_delegations' and column_name like 'acceptance_code%'`.execute(db);
      expect(columns.rows).toEqual([]);
    } finally {
      await db.destroy();
    }
  });
});
