/** Small things users met (issue 13, item 10): error counts and places, singular waits, the mobile number's owner. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/test-app.js';
import { Agent } from '../../../test/agent.js';
import { buildAccount, buildEstablishment, buildHabilitation, buildUnit, openTestSession } from '../../../test/factories.js';
import { messagesTo } from '../../../test/mails.js';
import { addToDate, parisDate } from '../../platform/clock.js';
import { authErrors } from '../auth/auth.errors.js';
import type { Account } from '../../db/schema.js';

let t: TestApp;
const today = parisDate(new Date());
const w = {} as { unit: { id: number }; referent: Account; person: Account; habilitationId: number };

async function agentFor(account: Account): Promise<Agent> {
  const agent = new Agent(t.app);
  agent.cookies.set('habilis_session', (await openTestSession(t.deps.db, account.id)).split('=')[1]!);
  return agent;
}

beforeAll(async () => {
  t = await buildTestApp();
  const est = await buildEstablishment(t.deps.db, { department: '34' });
  w.unit = await buildUnit(t.deps.db, est.id);
  w.referent = await buildAccount(t.deps.db);
  await buildHabilitation(t.deps.db, { accountId: w.referent.id, profile: 'REFERENT_STRUCTURE', establishmentId: est.id });
  w.person = await buildAccount(t.deps.db, { mobile_phone: '0612345678', mobile_verified_at: new Date(), otp_channel: 'SMS' });
  w.habilitationId = (await buildHabilitation(t.deps.db, { accountId: w.person.id, profile: 'SANITAIRE_RECEVEUR', unitId: w.unit.id })).id;
});
afterAll(async () => {
  await t.close();
});

describe('small things users met', () => {
  it('"Il y a N problèmes" counts the fields; a date error is shown at the date field', async () => {
    const agent = await agentFor(w.referent);
    const grant = await agent.post('/administration/habilitations/attribuer', { comptes: String(w.person.id), profil: '', lieu: '', debut: 'hier', fin: today });
    expect(grant.statusCode).toBe(400);
    expect(grant.body).toContain('Il y a 3 problèmes');
    const end = await agent.post(`/administration/comptes/${w.person.id}/habilitations/${w.habilitationId}/fin`, { fin: addToDate(today, { years: 9 }) });
    expect(end.statusCode).toBe(400);
    expect(end.body).toContain(`id="fin-${w.habilitationId}-error"`);
    expect(end.body).toMatch(new RegExp(`aria-describedby="fin-${w.habilitationId}-error"`));
  });

  it('"Patientez 1 minute": a singular for one', () => {
    expect(authErrors.CODE_RESEND_TOO_SOON({ seconds: 60 }).message).toContain('Patientez 1 minute avant');
    expect(authErrors.CODE_RESEND_TOO_SOON({ seconds: 1 }).message).toContain('Patientez 1 seconde avant');
    expect(authErrors.CODE_RESEND_TOO_SOON({ seconds: 90 }).message).toContain('Patientez 2 minutes avant');
  });

  it('"Adresse e-mail professionnelle" has no contradicting hint', async () => {
    const page = await (await agentFor(w.referent)).get('/administration/comptes/nouveau');
    expect(page.body).toContain('Adresse e-mail professionnelle');
    expect(page.body).not.toContain('adresse personnelle');
  });

  it('the mobile number is its owner’s: the referent reads "renseigné, vérifié"; changing it switches codes to e-mail, not silently', async () => {
    const agent = await agentFor(w.referent);
    const page = await agent.get(`/administration/comptes/${w.person.id}`);
    expect(page.body).not.toContain('0612345678');
    expect(page.body).not.toContain('06 12 34 56 78');
    expect(page.body).toContain('Téléphone mobile actuel : renseigné, vérifié');
    // Saving the identity with the mobile field left empty keeps the number.
    const keep = await agent.post(`/administration/comptes/${w.person.id}/identite`, { lastName: w.person.last_name, firstName: w.person.first_name, email: w.person.email, phone: '0467000001' });
    expect(keep.statusCode).toBe(303);
    const kept = await t.deps.db.selectFrom('accounts').select(['mobile_phone', 'otp_channel']).where('id', '=', w.person.id).executeTakeFirstOrThrow();
    expect(kept).toEqual({ mobile_phone: '0612345678', otp_channel: 'SMS' });
    // A new number: codes go by e-mail until the person verifies it, and they are told.
    const change = await agent.post(`/administration/comptes/${w.person.id}/identite`, { lastName: w.person.last_name, firstName: w.person.first_name, email: w.person.email, phone: '0467000001', mobilePhone: '0698765432' });
    expect(change.statusCode).toBe(303);
    const changed = await t.deps.db.selectFrom('accounts').select(['mobile_phone', 'otp_channel', 'mobile_verified_at']).where('id', '=', w.person.id).executeTakeFirstOrThrow();
    expect(changed).toEqual({ mobile_phone: '0698765432', otp_channel: 'EMAIL', mobile_verified_at: null });
    const events = await t.deps.db.selectFrom('audit_events').select(['code', 'description']).where('subject_account_id', '=', w.person.id).where('code', '=', 'OTP_CHANNEL_CHANGED').execute();
    expect(events).toEqual([{ code: 'OTP_CHANNEL_CHANGED', description: 'Réception du code de connexion par e-mail (le téléphone mobile a changé)' }]);
    expect((await messagesTo(t.deps.db, w.person.email)).map((m) => m.subject)).toContain('Vos codes de connexion Habilis arrivent désormais par e-mail');
    expect((await agent.get(`/administration/comptes/${w.person.id}`)).body).toContain('Téléphone mobile actuel : renseigné, pas encore vérifié');
    // Removing it.
    await agent.post(`/administration/comptes/${w.person.id}/identite`, { lastName: w.person.last_name, firstName: w.person.first_name, email: w.person.email, phone: '0467000001', removeMobile: '1' });
    expect((await t.deps.db.selectFrom('accounts').select('mobile_phone').where('id', '=', w.person.id).executeTakeFirstOrThrow()).mobile_phone).toBeNull();
  });
});
