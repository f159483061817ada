import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestDeps } from '../../../test/test-app.js';
import { buildAccount, openTestSession } from '../../../test/factories.js';
import { fixedClock } from '../../platform/clock.js';
import { sha256 } from '../../platform/crypto.js';
import { cleanupAuthentication } from './auth.job.js';
import type { Deps } from '../../deps.js';

let deps: Deps;
const clock = fixedClock(new Date());
beforeAll(() => {
  deps = buildTestDeps({ deps: { clock } });
});
afterAll(async () => {
  await deps.db.destroy();
});

describe('authentication cleanup job', () => {
  it('wipes the body of sensitive messages still undelivered after a day', async () => {
    const old = await deps.db
      .insertInto('outbox_messages')
      .values({ channel: 'mail', recipient: 'x@exemple.test', subject: 'Code', text_body: 'Votre code : 123456', sensitive: true, created_at: new Date(Date.now() - 2 * 86_400_000) })
      .returning('id')
      .executeTakeFirstOrThrow();
    const fresh = await deps.db
      .insertInto('outbox_messages')
      .values({ channel: 'mail', recipient: 'x@exemple.test', subject: 'Code', text_body: 'Votre code : 654321', sensitive: true })
      .returning('id')
      .executeTakeFirstOrThrow();
    await cleanupAuthentication(deps);
    const body = async (id: number) => (await deps.db.selectFrom('outbox_messages').select('text_body').where('id', '=', id).executeTakeFirstOrThrow()).text_body;
    expect(await body(old.id)).toBe('[contenu effacé après envoi]');
    expect(await body(fresh.id)).toBe('Votre code : 654321');
  });

  it('removes expired sessions and old codes, keeps live ones and the history', async () => {
    const account = await buildAccount(deps.db);
    const live = await openTestSession(deps.db, account.id);
    const expired = await openTestSession(deps.db, account.id, { expiresAt: new Date(Date.now() - 1000) });
    await deps.db
      .insertInto('one_time_codes')
      .values({ account_id: account.id, purpose: 'login', code_hash: 'x', channel: 'EMAIL', destination: 'x', created_at: new Date(Date.now() - 3 * 86_400_000), expires_at: new Date(Date.now() - 2 * 86_400_000) })
      .execute();
    const historyBefore = await deps.db.selectFrom('audit_events').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const removed = await cleanupAuthentication(deps);
    expect(removed.sessions).toBeGreaterThanOrEqual(1);
    expect(removed.codes).toBeGreaterThanOrEqual(1);
    const remaining = await deps.db.selectFrom('sessions').select('id_hash').where('account_id', '=', account.id).execute();
    expect(remaining.map((r) => r.id_hash.toString('hex'))).toEqual([sha256(live.split('=')[1]!).toString('hex')]);
    expect(remaining.some((r) => r.id_hash.equals(sha256(expired.split('=')[1]!)))).toBe(false);
    const historyAfter = await deps.db.selectFrom('audit_events').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(historyAfter.n).toBeGreaterThanOrEqual(historyBefore.n);
  });
});
