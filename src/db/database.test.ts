/** executeAsOneStatement: several writes in one round trip, applied all together or not at all. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { randomUUID } from 'node:crypto';
import { createDatabase, executeAsOneStatement, type Db } from './database.js';
import { buildAccount } from '../../test/factories.js';
import { auditInsert, SYSTEM_ACTOR } from '../platform/audit/audit.js';
import { mailInsert } from '../platform/outbox/outbox.js';

let db: Db;
beforeAll(() => {
  db = createDatabase(inject('databaseUrl'), 2);
});
afterAll(async () => {
  await db.destroy();
});

const mailsTo = (to: string) => db.selectFrom('outbox_messages').select('subject').where('recipient', '=', to).execute();
const events = (accountId: number) => db.selectFrom('audit_events').select('code').where('subject_account_id', '=', accountId).execute();

describe('executeAsOneStatement', () => {
  it('applies every write', async () => {
    const account = await buildAccount(db);
    const to = `${randomUUID()}@exemple.test`;
    await executeAsOneStatement(db, [
      mailInsert(db, { to, subject: 'Un', text: 'un' }),
      mailInsert(db, { to, subject: 'Deux', text: 'deux' }),
      auditInsert(db, { actor: SYSTEM_ACTOR, subjectAccountId: account.id, code: 'OTP_SENT', description: 'essai' }),
    ]);
    expect((await mailsTo(to)).map((m) => m.subject).sort()).toEqual(['Deux', 'Un']);
    expect(await events(account.id)).toEqual([{ code: 'OTP_SENT' }]);
  });

  it('applies none when one of them fails, as a transaction would', async () => {
    const account = await buildAccount(db);
    const to = `${randomUUID()}@exemple.test`;
    const failing = executeAsOneStatement(db, [
      mailInsert(db, { to, subject: 'Un', text: 'un' }),
      auditInsert(db, { actor: SYSTEM_ACTOR, subjectAccountId: account.id, code: 'OTP_SENT', description: 'essai' }),
      // An event code must be UPPER_SNAKE (CHECK constraint): this write fails.
      auditInsert(db, { actor: SYSTEM_ACTOR, subjectAccountId: account.id, code: 'minuscules', description: 'essai' }),
    ]);
    await expect(failing).rejects.toMatchObject({ code: '23514' });
    expect(await mailsTo(to)).toEqual([]);
    expect(await events(account.id)).toEqual([]);
  });
});
