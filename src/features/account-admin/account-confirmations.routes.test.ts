/** R27: disruptive actions confirm, naming the person and the consequence; the same habilitation is never granted twice. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/test-app.js';
import { Agent } from '../../../test/agent.js';
import { buildAccount, buildEstablishment, buildHabilitation, buildUnit, openTestSession, profileId } from '../../../test/factories.js';
import { addToDate, parisDate } from '../../platform/clock.js';
import type { Account } from '../../db/schema.js';

let t: TestApp;
const today = parisDate(new Date());
const w = {} as { unit: { id: number }; referent: Account; person: Account };

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
  w.person = await buildAccount(t.deps.db, { first_name: 'Inès', last_name: 'Confirme' });
  await buildHabilitation(t.deps.db, { accountId: w.person.id, profile: 'SANITAIRE_PRESCRIPTEUR', unitId: w.unit.id, start: today, end: addToDate(today, { years: 1 }) });
});
afterAll(async () => {
  await t.close();
});

describe('R27 confirmations', () => {
  it('R27 "Bloquer le compte" and "Désactiver le compte" open a confirmation naming the person and saying their sessions end', async () => {
    const agent = await agentFor(w.referent);
    const page = await agent.get(`/administration/comptes/${w.person.id}`);
    expect(page.body).toContain(`href="/administration/comptes/${w.person.id}/bloquer"`);
    expect(page.body).toContain(`href="/administration/comptes/${w.person.id}/desactiver"`);
    expect(page.body).not.toContain(`action="/administration/comptes/${w.person.id}/bloquer"`);
    for (const [path, title] of [['bloquer', 'Bloquer le compte'], ['desactiver', 'Désactiver le compte']] as const) {
      const confirm = await agent.get(`/administration/comptes/${w.person.id}/${path}`);
      expect(confirm.statusCode).toBe(200);
      expect(confirm.body).toContain(`<h1>${title}</h1>`);
      expect(confirm.body).toContain(`Inès CONFIRME (${w.person.username})`);
      expect(confirm.body).toContain('Ses sessions ouvertes se terminent aussitôt');
      expect(confirm.body).toContain(`action="/administration/comptes/${w.person.id}/${path}"`);
    }
    const row = await t.deps.db.selectFrom('accounts').select(['blocked_at', 'deactivated_at']).where('id', '=', w.person.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ blocked_at: null, deactivated_at: null });
  });

  it('R27 deleting a habilitation confirms with the person and the consequence', async () => {
    const [h] = await t.deps.db.selectFrom('habilitations').select('id').where('account_id', '=', w.person.id).execute();
    const confirm = await (await agentFor(w.referent)).get(`/administration/comptes/${w.person.id}/habilitations/${h!.id}/supprimer`);
    expect(confirm.body).toContain(`Inès CONFIRME (${w.person.username})`);
    expect(confirm.body).toContain('Elle cesse aussitôt de donner ses droits');
  });

  it('R27 the same habilitation (account, profile, place, overlapping dates) is refused with a link to the existing one', async () => {
    const agent = await agentFor(w.referent);
    const [existing] = await t.deps.db.selectFrom('habilitations').select('id').where('account_id', '=', w.person.id).execute();
    const prescriber = String(await profileId(t.deps.db, 'SANITAIRE_PRESCRIPTEUR'));
    const form = { comptes: String(w.person.id), profil: prescriber, lieu: `unit:${w.unit.id}`, debut: addToDate(today, { months: 6 }), fin: addToDate(today, { years: 2 }), mail: '1' };
    const twice = await agent.post('/administration/habilitations/attribuer', form);
    expect(twice.statusCode).toBe(409);
    expect(twice.body).toContain('Inès CONFIRME a déjà cette habilitation sur ce lieu');
    expect(twice.body).toContain(`href="/administration/comptes/${w.person.id}#habilitation-${existing!.id}"`);
    expect(await t.deps.db.selectFrom('habilitations').select('id').where('account_id', '=', w.person.id).execute()).toHaveLength(1);
    // Dates that do not overlap are another habilitation: it is granted.
    const after = await agent.post('/administration/habilitations/attribuer', { ...form, debut: addToDate(today, { years: 1, days: 1 }), fin: addToDate(today, { years: 2 }) });
    expect(after.statusCode).toBe(303);
    // Another profile at the same place is not the same habilitation either.
    const receiver = await agent.post('/administration/habilitations/attribuer', { ...form, profil: String(await profileId(t.deps.db, 'SANITAIRE_RECEVEUR')) });
    expect(receiver.statusCode).toBe(303);
  });
});

describe('every id in a path is checked against its parent', () => {
  it('a habilitation changed through the URL of another account is refused before any write', async () => {
    const other = await buildAccount(t.deps.db);
    const h = await buildHabilitation(t.deps.db, { accountId: other.id, profile: 'SANITAIRE_RECEVEUR', unitId: w.unit.id });
    const agent = await agentFor(w.referent);
    const events = () => t.deps.db.selectFrom('audit_events').select('id').where('subject_account_id', '=', other.id).execute();
    const before = (await events()).length;
    // Both accounts are in the referent's scope: only the pair (A, H) is wrong.
    const end = await agent.post(`/administration/comptes/${w.person.id}/habilitations/${h.id}/fin`, { fin: addToDate(today, { months: 2 }) });
    expect(end.statusCode).toBe(404);
    const removal = await agent.post(`/administration/comptes/${w.person.id}/habilitations/${h.id}/supprimer`);
    expect(removal.statusCode).toBe(404);
    const row = await t.deps.db.selectFrom('habilitations').select(['end_date', 'deleted_at']).where('id', '=', h.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ end_date: h.end_date, deleted_at: null });
    expect(await events()).toHaveLength(before);
    expect((await agent.get(`/administration/comptes/${w.person.id}/habilitations/${h.id}/supprimer`)).statusCode).toBe(404);
  });
});
