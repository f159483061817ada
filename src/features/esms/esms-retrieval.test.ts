/** R63 "Récupérer une notification": all three identifiers must match, the same answer whichever is wrong, throttled, attributed and audited. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/test-app.js';
import { Agent } from '../../../test/agent.js';
import { buildAccount, buildHabilitation, openTestSession } from '../../../test/factories.js';
import { addNotification, buildEsmsWorld, distinctiveDecision, type EsmsWorld } from '../../../test/esms-world.js';
import type { Account } from '../../db/schema.js';

let t: TestApp;
let w: EsmsWorld;

async function agentFor(account: Account, ip?: string): Promise<Agent> {
  const agent = new Agent(t.app, ip);
  agent.cookies.set('habilis_session', (await openTestSession(t.deps.db, account.id)).split('=')[1]!);
  return agent;
}
const visibleText = (body: string) => body.replace(/<input[^>]*>/g, '').replace(/<[^>]+>/g, ' ');

beforeAll(async () => {
  t = await buildTestApp();
  w = await buildEsmsWorld(t.deps.db);
});
afterAll(async () => {
  await t?.close();
});

describe('R63 retrieval', () => {
  it('R63 each identifier wrong gets the same answer; all three right show the decision, then the notification is taken, attributed and audited', async () => {
    const record = distinctiveDecision();
    await addNotification(t.deps.db, w.other.id, record);
    const agent = await agentFor(w.tier[1]);
    const right = { mdph: '34', numero: record.person.mdphIndividualNumber, naissance: record.person.birthDate };
    const answers = [];
    for (const wrong of [{ mdph: '30' }, { numero: `${right.numero}X`.slice(0, 20) }, { naissance: '2012-04-04' }]) {
      const response = await agent.post('/esms/recuperer', { ...right, ...wrong });
      expect(response.statusCode).toBe(200);
      expect(response.body).not.toContain(record.mdphDecisionId);
      answers.push(visibleText(response.body).replace(/value="[^"]*"/g, '').replace(/\s+/g, ' ').replace(/<[^>]*>/g, ''));
    }
    expect(new Set(answers.map((a) => a.replace(/Camille \S+/g, '')))).toHaveProperty('size', 1);
    expect(answers[0]).toContain('Aucune notification ne correspond à ces trois informations');

    const found = await agent.post('/esms/recuperer', right);
    expect(found.body).toContain(record.mdphDecisionId);
    expect(found.body).not.toContain(`T2careArrangement`);
    const decisionId = /name="decision" value="(\d+)"/.exec(found.body)![1]!;
    const taken = await agent.post('/esms/recuperer/prendre', { ...right, decision: decisionId, etablissement: String(w.ime.id) });
    expect(taken.statusCode).toBe(303);
    const id = Number(/\/esms\/notifications\/(\d+)/.exec(taken.headers.location as string)![1]);
    const row = await t.deps.db.selectFrom('esms_notifications').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ establishment_id: w.ime.id, retrieved_by_account_id: w.tier[1].id, status_code: '39' });
    const audit = await t.deps.db.selectFrom('audit_events').selectAll().where('code', '=', 'ESMS_NOTIFICATION_RETRIEVED').where('actor_account_id', '=', w.tier[1].id).execute();
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit[0])).not.toContain(record.person.lastName);
    expect((await agent.get(`/esms/notifications/${id}`)).statusCode).toBe(200);
  });

  it('R63 confirming re-checks the three identifiers: a decision id with a wrong birth date takes nothing', async () => {
    const record = distinctiveDecision();
    await addNotification(t.deps.db, w.other.id, record);
    const decision = await t.deps.db.selectFrom('esms_decisions').select('id').where('national_id', '=', record.nationalId).executeTakeFirstOrThrow();
    const agent = await agentFor(w.tier[2]);
    const response = await agent.post('/esms/recuperer/prendre', { mdph: '34', numero: record.person.mdphIndividualNumber, naissance: '2000-01-01', decision: String(decision.id), etablissement: String(w.ime.id) });
    expect(response.body).toContain('Aucune notification ne correspond');
    const count = await t.deps.db.selectFrom('esms_notifications').select('id').where('decision_id', '=', decision.id).execute();
    expect(count).toHaveLength(1);
  });

  it('R63 bad inputs are refused at their field; a profile without ESMS gets nothing', async () => {
    const agent = await agentFor(w.tier[1]);
    const bad = await agent.post('/esms/recuperer', { mdph: '99', numero: 'a b', naissance: '31/02/2020' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Saisissez le département de la MDPH');
    expect(bad.body).toContain('Saisissez le numéro individuel MDPH');
    expect(bad.body).toContain('Saisissez une date de naissance valide');
    expect((await (await agentFor(w.referent)).post('/esms/recuperer', { mdph: '34', numero: 'A1', naissance: '2010-01-01' })).statusCode).toBe(403);
  });

  it('R63 throttled per account (and per address): the eleventh search in 15 minutes is refused, even with the right identifiers', async () => {
    const record = distinctiveDecision();
    await addNotification(t.deps.db, w.other.id, record);
    const account = await buildAccount(t.deps.db);
    await buildHabilitation(t.deps.db, { accountId: account.id, profile: 'HANDICAP_ESMS_ADMINISTRATIF', establishmentId: w.ime.id });
    const agent = await agentFor(account);
    for (let i = 0; i < 10; i++) expect((await agent.post('/esms/recuperer', { mdph: '34', numero: `Z${i}`, naissance: '2010-01-01' })).statusCode).toBe(200);
    const blocked = await agent.post('/esms/recuperer', { mdph: '34', numero: record.person.mdphIndividualNumber, naissance: record.person.birthDate });
    expect(blocked.statusCode).toBe(429);
    expect(blocked.body).not.toContain(record.mdphDecisionId);
    // Per address: other accounts behind one address share its 30 attempts.
    const ip = '10.9.9.9';
    let refused = 0;
    for (let i = 0; i < 4; i++) {
      const other = await buildAccount(t.deps.db);
      await buildHabilitation(t.deps.db, { accountId: other.id, profile: 'HANDICAP_ESMS_ADMINISTRATIF', establishmentId: w.ime.id });
      const a = await agentFor(other, ip);
      for (let k = 0; k < 10; k++) if ((await a.post('/esms/recuperer', { mdph: '34', numero: `Y${k}`, naissance: '2010-01-01' })).statusCode === 429) refused++;
    }
    expect(refused).toBe(10);
  });
});
