import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { buildTestDeps } from '../../../test/test-app.js';
import { buildAccount, buildEstablishment, buildHabilitation, buildUnit } from '../../../test/factories.js';
import { messagesTo } from '../../../test/mails.js';
import { addToDate, formatDate, parisDate } from '../../platform/clock.js';
import type { Deps } from '../../deps.js';
import { sendExpiryAlerts } from './habilitation-lifecycle.job.js';

let deps: Deps;
const today = parisDate(new Date());
beforeAll(() => {
  deps = buildTestDeps();
});
afterAll(async () => {
  await deps.db.destroy();
});

const email = () => `${randomUUID()}@exemple.test`;

describe('R37 expiry alert', () => {
  it('R37 e-mails the holder 15 days before the end, naming the referents, once per end date', async () => {
    const establishment = await buildEstablishment(deps.db);
    const unit = await buildUnit(deps.db, establishment.id);
    const referent = await buildAccount(deps.db, { first_name: 'Régine', email: email() });
    await buildHabilitation(deps.db, { accountId: referent.id, profile: 'REFERENT_STRUCTURE', establishmentId: establishment.id });
    const holder = await buildAccount(deps.db, { email: email() });
    const h = await buildHabilitation(deps.db, { accountId: holder.id, profile: 'SANITAIRE_RECEVEUR', unitId: unit.id, end: addToDate(today, { days: 10 }) });

    await sendExpiryAlerts(deps);
    await sendExpiryAlerts(deps);
    const mails = await messagesTo(deps.db, holder.email);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toBe('Votre habilitation Habilis arrive à échéance');
    expect(mails[0]!.text_body).toContain(`prend fin le ${formatDate(addToDate(today, { days: 10 }))}`);
    expect(mails[0]!.text_body).toContain(`Régine ${referent.last_name.toUpperCase()} – ${referent.email}`);

    // A new end date that approaches again is announced again.
    await deps.db.updateTable('habilitations').set({ end_date: addToDate(today, { days: 12 }) }).where('id', '=', h.id).execute();
    await sendExpiryAlerts(deps);
    expect(await messagesTo(deps.db, holder.email)).toHaveLength(2);
  });

  it('R37 says nothing for an end in more than 15 days, a deleted habilitation or a deactivated account', async () => {
    const establishment = await buildEstablishment(deps.db);
    const later = await buildAccount(deps.db, { email: email() });
    await buildHabilitation(deps.db, { accountId: later.id, profile: 'REFERENT_STRUCTURE', establishmentId: establishment.id, end: addToDate(today, { days: 16 }) });
    const deleted = await buildAccount(deps.db, { email: email() });
    await buildHabilitation(deps.db, { accountId: deleted.id, profile: 'REFERENT_STRUCTURE', establishmentId: establishment.id, end: addToDate(today, { days: 5 }), deletedAt: new Date() });
    const gone = await buildAccount(deps.db, { email: email(), deactivated_at: new Date() });
    await buildHabilitation(deps.db, { accountId: gone.id, profile: 'REFERENT_STRUCTURE', establishmentId: establishment.id, end: addToDate(today, { days: 5 }) });
    await sendExpiryAlerts(deps);
    for (const account of [later, deleted, gone]) expect(await messagesTo(deps.db, account.email)).toHaveLength(0);
  });
});
