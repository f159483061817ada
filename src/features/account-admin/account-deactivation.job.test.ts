import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestDeps } from '../../../test/test-app.js';
import { buildAccount, buildEstablishment, buildHabilitation, openTestSession } from '../../../test/factories.js';
import { addToDate, parisDate } from '../../platform/clock.js';
import type { Deps } from '../../deps.js';
import { deactivateAccountsWithoutHabilitation } from './account-deactivation.job.js';

let deps: Deps;
const today = parisDate(new Date());
beforeAll(() => {
  deps = buildTestDeps();
});
afterAll(async () => {
  await deps.db.destroy();
});

describe('R23 deactivation by the system', () => {
  it('R23 deactivates an account left without a valid habilitation, ends its sessions, and says so in its history; R14 liberal accounts and R15 active assistants are left alone', async () => {
    const establishment = await buildEstablishment(deps.db);
    const old = new Date(Date.now() - 90 * 86_400_000);
    const expired = await buildAccount(deps.db, { created_at: old });
    await buildHabilitation(deps.db, { accountId: expired.id, profile: 'REFERENT_STRUCTURE', establishmentId: establishment.id, start: addToDate(today, { months: -6 }), end: addToDate(today, { days: -1 }) });
    await openTestSession(deps.db, expired.id);
    const valid = await buildAccount(deps.db, { created_at: old });
    await buildHabilitation(deps.db, { accountId: valid.id, profile: 'REFERENT_STRUCTURE', establishmentId: establishment.id });
    const newcomer = await buildAccount(deps.db);
    const liberal = await buildAccount(deps.db, { created_at: old });
    await deps.db.insertInto('liberal_practices').values({ account_id: liberal.id, address: '1 rue du Cabinet', postcode: '34000', city: 'Montpellier', created_at: old }).execute();
    const formerLiberal = await buildAccount(deps.db, { created_at: old, deactivated_at: old });
    const delegation = (assistantId: number, status: 'active' | 'revoked', professionalId = liberal.id) => ({
      professional_account_id: professionalId,
      assistant_account_id: assistantId,
      invited_last_name: 'Petit',
      invited_first_name: 'Inès',
      invited_email: 'assistante@exemple.test',
      files: 'read' as const,
      medical: 'none' as const,
      autonomy: 'none' as const,
      status,
      invitation_expires_at: old,
      created_at: old,
      accepted_at: old,
      revoked_at: status === 'revoked' ? old : null,
      updated_at: old,
    });
    const assistant = await buildAccount(deps.db, { created_at: old });
    const formerAssistant = await buildAccount(deps.db, { created_at: old });
    const assistantOfFormer = await buildAccount(deps.db, { created_at: old });
    await deps.db
      .insertInto('assistant_delegations')
      .values([delegation(assistant.id, 'active'), delegation(formerAssistant.id, 'revoked'), delegation(assistantOfFormer.id, 'active', formerLiberal.id)])
      .execute();

    await deactivateAccountsWithoutHabilitation(deps);
    const state = async (id: number) => (await deps.db.selectFrom('accounts').select('deactivated_at').where('id', '=', id).executeTakeFirstOrThrow()).deactivated_at;
    expect(await state(expired.id)).not.toBeNull();
    expect(await state(valid.id)).toBeNull();
    expect(await state(newcomer.id)).toBeNull();
    expect(await state(liberal.id)).toBeNull();
    expect(await state(assistant.id)).toBeNull();
    expect(await state(formerAssistant.id)).not.toBeNull();
    expect(await state(assistantOfFormer.id)).not.toBeNull();
    expect(await deps.db.selectFrom('sessions').select('account_id').where('account_id', '=', expired.id).execute()).toEqual([]);
    const [event] = await deps.db.selectFrom('audit_events').selectAll().where('subject_account_id', '=', expired.id).where('code', '=', 'ACCOUNT_DEACTIVATED').execute();
    expect(event).toMatchObject({ actor_label: 'Système', actor_account_id: null, description: 'Désactivation du compte : aucune habilitation valide' });
  });
});
