/** The database refuses what the domain forbids, whatever the code above it does. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { sql } from 'kysely';
import { createDatabase, type Db } from './database.js';
import { buildAccount, buildEstablishment, buildHabilitation, buildUnit } from '../../test/factories.js';
import { recordAudit, SYSTEM_ACTOR } from '../platform/audit/audit.js';

let db: Db;
beforeAll(() => {
  db = createDatabase(inject('databaseUrl'), 3);
});
afterAll(async () => {
  await db.destroy();
});

async function pgCode(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
}

describe('accounts', () => {
  it('R21 refuses a second account with the same username, whatever its case', async () => {
    const account = await buildAccount(db);
    expect(await pgCode(buildAccount(db, { username: account.username.toUpperCase().toLowerCase() }))).toBe('23505');
    expect(await pgCode(buildAccount(db, { username: account.username.replace(/^u/, 'U') }))).toBe('23514');
  });

  it('R21 the username never changes', async () => {
    const account = await buildAccount(db);
    expect(await pgCode(db.updateTable('accounts').set({ username: `${account.username}x` }).where('id', '=', account.id).execute())).toBe('23514');
  });

  it('R20 refuses an e-mail already used by another active account, whatever its case', async () => {
    const account = await buildAccount(db);
    expect(await pgCode(buildAccount(db, { email: account.email.toUpperCase() }))).toBe('23505');
  });

  it('R20 allows the e-mail of a deactivated account to be used again', async () => {
    const account = await buildAccount(db, { deactivated_at: new Date() });
    const reused = await buildAccount(db, { email: account.email });
    expect(reused.email).toBe(account.email);
  });

  it('refuses malformed e-mails and an SMS channel without a verified mobile', async () => {
    expect(await pgCode(buildAccount(db, { email: 'pas-une-adresse' }))).toBe('23514');
    expect(await pgCode(buildAccount(db, { otp_channel: 'SMS', mobile_phone: '0612345678' }))).toBe('23514');
    const ok = await buildAccount(db, { otp_channel: 'SMS', mobile_phone: '0612345678', mobile_verified_at: new Date() });
    expect(ok.otp_channel).toBe('SMS');
  });
});

describe('habilitations', () => {
  it('R31 accepts exactly 5 years and refuses one day more', async () => {
    const account = await buildAccount(db);
    const establishment = await buildEstablishment(db);
    const h = await buildHabilitation(db, { accountId: account.id, profile: 'REFERENT_STRUCTURE', establishmentId: establishment.id, start: '2026-02-28', end: '2031-02-28' });
    expect(h.end_date).toBe('2031-02-28');
    expect(
      await pgCode(buildHabilitation(db, { accountId: account.id, profile: 'REFERENT_STRUCTURE', establishmentId: establishment.id, start: '2026-02-28', end: '2031-03-01' })),
    ).toBe('23514');
  });

  it('refuses an end before the start', async () => {
    const account = await buildAccount(db);
    const establishment = await buildEstablishment(db);
    expect(
      await pgCode(buildHabilitation(db, { accountId: account.id, profile: 'REFERENT_STRUCTURE', establishmentId: establishment.id, start: '2026-05-02', end: '2026-05-01' })),
    ).toBe('23514');
  });

  it('R30 has exactly one location', async () => {
    const account = await buildAccount(db);
    const establishment = await buildEstablishment(db);
    const unit = await buildUnit(db, establishment.id);
    expect(await pgCode(buildHabilitation(db, { accountId: account.id, profile: 'REFERENT_UNITE' }))).toBe('23514');
    expect(
      await pgCode(buildHabilitation(db, { accountId: account.id, profile: 'REFERENT_UNITE', unitId: unit.id, establishmentId: establishment.id })),
    ).toBe('23514');
  });

  it('refuses a location or an account that does not exist (foreign keys)', async () => {
    const account = await buildAccount(db);
    expect(await pgCode(buildHabilitation(db, { accountId: account.id, profile: 'REFERENT_UNITE', unitId: 999_999_999 }))).toBe('23503');
    expect(await pgCode(buildHabilitation(db, { accountId: 999_999_999, profile: 'SANITAIRE_REGION', regionCode: '76' }))).toBe('23503');
    expect(await pgCode(buildHabilitation(db, { accountId: account.id, profile: 'SANITAIRE_REGION', regionCode: '99' }))).toBe('23503');
  });
});

describe('audit events (R24)', () => {
  it('R24 history is append-only: update, delete and truncate are refused', async () => {
    const account = await buildAccount(db);
    await recordAudit(db, { actor: SYSTEM_ACTOR, subjectAccountId: account.id, code: 'ACCOUNT_CREATED', description: 'Création du compte' });
    const event = await db.selectFrom('audit_events').selectAll().where('subject_account_id', '=', account.id).executeTakeFirstOrThrow();
    expect(event.actor_label).toBe('Système');
    expect(event.actor_account_id).toBeNull();
    expect(await pgCode(sql`update audit_events set description = 'falsifié' where id = ${event.id}`.execute(db))).toBe('42501');
    expect(await pgCode(db.deleteFrom('audit_events').where('id', '=', event.id).execute())).toBe('42501');
    expect(await pgCode(sql`truncate audit_events cascade`.execute(db))).toBe('42501');
    const still = await db.selectFrom('audit_events').select('description').where('id', '=', event.id).executeTakeFirstOrThrow();
    expect(still.description).toBe('Création du compte');
  });
});

describe('sessions and secrets', () => {
  it('stores a session id only as a 32-byte hash', async () => {
    const account = await buildAccount(db);
    const bad = db
      .insertInto('sessions')
      .values({ id_hash: Buffer.from('clair'), account_id: account.id, strength: 'strong', auth_method: 'test', expires_at: new Date() })
      .execute();
    expect(await pgCode(bad)).toBe('23514');
  });
});
