/** R26 mobility, and the regional administrator of ADR 0009 (R33), through HTTP. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { buildTestApp, type TestApp } from '../../../test/test-app.js';
import { Agent } from '../../../test/agent.js';
import { buildAccount, buildEstablishment, buildHabilitation, buildUnit, ensureTerritory, openTestSession, profileId } from '../../../test/factories.js';
import { messagesTo } from '../../../test/mails.js';
import { addToDate, parisDate } from '../../platform/clock.js';
import type { Account } from '../../db/schema.js';

let t: TestApp;
const today = parisDate(new Date());
const w = {} as {
  estA: { id: number; name: string };
  unitA: { id: number };
  estB: { id: number };
  ime: { id: number };
  referentA: Account;
  admin: Account;
  mover: Account;
};

async function agentFor(account: Account): Promise<Agent> {
  const agent = new Agent(t.app);
  agent.cookies.set('habilis_session', (await openTestSession(t.deps.db, account.id)).split('=')[1]!);
  return agent;
}

const liveHabilitations = (accountId: number) =>
  t.deps.db.selectFrom('habilitations').selectAll().where('account_id', '=', accountId).where('deleted_at', 'is', null).orderBy('id').execute();

/** Posts the grant form as the page sends it: repeated `comptes` and `identifiant` fields. */
async function grant(agent: Agent, fields: [string, string][]) {
  if (!agent.cookies.has('habilis_csrf')) await agent.get('/');
  const form = new URLSearchParams(fields);
  const page = await agent.get('/administration/comptes');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
  form.append('_csrf', csrf);
  return t.app.inject({
    method: 'POST',
    url: '/administration/habilitations/attribuer',
    remoteAddress: agent.ip,
    headers: { cookie: agent.cookieHeader, origin: 'http://localhost:3000', 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
    payload: form.toString(),
  });
}

beforeAll(async () => {
  t = await buildTestApp();
  const db = t.deps.db;
  await ensureTerritory(db, '76', '34');
  await ensureTerritory(db, '76', '30');
  w.estA = await buildEstablishment(db, { department: '34' });
  w.unitA = await buildUnit(db, w.estA.id);
  w.estB = await buildEstablishment(db, { department: '30' });
  w.ime = await buildEstablishment(db, { department: '34', domain: 'HANDICAP' });
  w.referentA = await buildAccount(db);
  await buildHabilitation(db, { accountId: w.referentA.id, profile: 'REFERENT_STRUCTURE', establishmentId: w.estA.id });
  w.admin = await buildAccount(db);
  await buildHabilitation(db, { accountId: w.admin.id, profile: 'ADMINISTRATEUR_REGIONAL', regionCode: '76' });
  // A professional of establishment B who moves to establishment A.
  w.mover = await buildAccount(db, { last_name: `Voyageur${randomUUID().slice(0, 8).replace(/\d/g, 'q')}`, phone: '0467000000', profession: 'Infirmier' });
  await buildHabilitation(db, { accountId: w.mover.id, profile: 'SANITAIRE_RECEVEUR', unitId: (await buildUnit(db, w.estB.id)).id });
});
afterAll(async () => {
  await t.close();
});

describe('R26 a professional who moves keeps their account', () => {
  it('R26 a partial search shows an account outside the scope without its e-mail, link or checkbox', async () => {
    const page = await (await agentFor(w.referentA)).get(`/administration/comptes?q=${encodeURIComponent(w.mover.last_name.slice(0, 12))}`);
    expect(page.body).toContain(w.mover.username);
    expect(page.body).not.toContain(w.mover.email);
    expect(page.body).not.toContain(`value="${w.mover.id}"`);
    expect(page.body).not.toContain('Ajouter une habilitation de votre périmètre');
  });

  it('R26 the exact username or e-mail finds it with its name, username and masked e-mail only, and offers a grant', async () => {
    const agent = await agentFor(w.referentA);
    for (const query of [w.mover.username, w.mover.email.toUpperCase()]) {
      const page = await agent.get(`/administration/comptes?q=${encodeURIComponent(query)}`);
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain(w.mover.username);
      expect(page.body).not.toContain(w.mover.email);
      expect(page.body).not.toContain('0467000000');
      expect(page.body).not.toContain('Infirmier');
      expect(page.body).not.toContain(`href="/administration/comptes/${w.mover.id}"`);
      expect(page.body).toContain(`/administration/habilitations/attribuer?comptes=${w.mover.id}&amp;identifiant=`);
    }
    const form = await agent.get(`/administration/habilitations/attribuer?comptes=${w.mover.id}&identifiant=${encodeURIComponent(w.mover.username)}`);
    expect(form.body).toContain(w.mover.username);
    expect(form.body).toContain('hors de votre périmètre');
    expect(form.body).not.toContain(w.mover.email);
    // Without the exact identifier, the grant page drops the account as any forged id.
    const forged = await agent.get(`/administration/habilitations/attribuer?comptes=${w.mover.id}`);
    expect(forged.body).toContain('Comptes (0)');
  });

  it('R26 nothing else of the account is visible or changeable before the grant', async () => {
    const agent = await agentFor(w.referentA);
    expect((await agent.get(`/administration/comptes/${w.mover.id}`)).statusCode).toBe(404);
    const identity = await agent.post(`/administration/comptes/${w.mover.id}/identite`, { lastName: 'Autre', firstName: 'Nom', email: w.mover.email });
    expect(identity.statusCode).toBe(404);
    expect((await agent.post(`/administration/comptes/${w.mover.id}/bloquer`)).statusCode).toBe(404);
    const [h] = await liveHabilitations(w.mover.id);
    expect((await agent.post(`/administration/comptes/${w.mover.id}/habilitations/${h!.id}/fin`, { fin: addToDate(today, { months: 7 }) })).statusCode).toBe(404);
    // A grant without the exact identifier is refused, and writes nothing.
    const refused = await grant(agent, [['comptes', String(w.mover.id)], ['profil', String(await profileId(t.deps.db, 'SANITAIRE_RECEVEUR'))], ['lieu', `unit:${w.unitA.id}`], ['debut', today], ['fin', addToDate(today, { years: 2 })], ['identifiant', 'quelquun.dautre']]);
    expect(refused.statusCode).toBe(404);
    expect(await liveHabilitations(w.mover.id)).toHaveLength(1);
  });

  it('R26 the referent grants a habilitation of their own scope: audited on the account, the holder is told, then it is in scope', async () => {
    const agent = await agentFor(w.referentA);
    const before = (await messagesTo(t.deps.db, w.mover.email)).length;
    const response = await grant(agent, [
      ['identifiant', w.mover.email],
      ['comptes', String(w.mover.id)],
      ['profil', String(await profileId(t.deps.db, 'SANITAIRE_RECEVEUR'))],
      ['lieu', `unit:${w.unitA.id}`],
      ['debut', today],
      ['fin', addToDate(today, { years: 2 })],
    ]);
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe(`/administration/comptes/${w.mover.id}?fait=attribuee`);
    expect(await liveHabilitations(w.mover.id)).toHaveLength(2);
    const [event] = await t.deps.db.selectFrom('audit_events').select(['description', 'details']).where('subject_account_id', '=', w.mover.id).where('code', '=', 'HABILITATION_GRANTED').execute();
    expect(event!.description).toContain(`Habilitation ajoutée par ${w.referentA.first_name} ${w.referentA.last_name.toUpperCase()} (${w.referentA.username}), référent de ${w.estA.name}`);
    const mails = await messagesTo(t.deps.db, w.mover.email);
    expect(mails).toHaveLength(before + 1);
    expect(mails.at(-1)!.subject).toBe('Une habilitation a été ajoutée à votre compte Habilis');
    expect(mails.at(-1)!.text_body).toContain(`référent de ${w.estA.name}`);
    // From now on the account is in scope as any other.
    expect((await agent.get(`/administration/comptes/${w.mover.id}`)).statusCode).toBe(200);
  });

  it('R26 a grant outside the referent’s own scope stays refused for a found account', async () => {
    const other = await buildAccount(t.deps.db);
    await buildHabilitation(t.deps.db, { accountId: other.id, profile: 'SANITAIRE_RECEVEUR', establishmentId: w.estB.id });
    const response = await grant(await agentFor(w.referentA), [
      ['identifiant', other.username],
      ['comptes', String(other.id)],
      ['profil', String(await profileId(t.deps.db, 'SANITAIRE_RECEVEUR'))],
      ['lieu', `establishment:${w.estB.id}`],
      ['debut', today],
      ['fin', addToDate(today, { years: 2 })],
    ]);
    expect(response.statusCode).toBe(400);
    expect(await liveHabilitations(other.id)).toHaveLength(1);
  });
});

describe('R33 the regional administrator (ADR 0009)', () => {
  it('R33 names the first referent of a Handicap structure and a Grand Âge coordination', async () => {
    const agent = await agentFor(w.admin);
    const person = await buildAccount(t.deps.db);
    await buildHabilitation(t.deps.db, { accountId: person.id, profile: 'SANITAIRE_RECEVEUR', unitId: w.unitA.id });
    const first = await grant(agent, [['comptes', String(person.id)], ['profil', String(await profileId(t.deps.db, 'REFERENT_STRUCTURE'))], ['lieu', `establishment:${w.ime.id}`], ['debut', today], ['fin', addToDate(today, { years: 2 })]]);
    expect(first.statusCode).toBe(303);
    const coordination = await grant(agent, [['comptes', String(person.id)], ['profil', String(await profileId(t.deps.db, 'GRAND_AGE_COORDINATION'))], ['lieu', 'department:30'], ['debut', today], ['fin', addToDate(today, { years: 2 })]]);
    expect(coordination.statusCode).toBe(303);
    expect((await liveHabilitations(person.id)).map((h) => h.establishment_id ?? h.department_code)).toEqual(expect.arrayContaining([w.ime.id, '30']));
    // It grants no business profile: tier-3 medical data stays the referents' to give.
    const medical = await grant(agent, [['comptes', String(person.id)], ['profil', String(await profileId(t.deps.db, 'HANDICAP_ESMS_MEDICAL'))], ['lieu', `establishment:${w.ime.id}`], ['debut', today], ['fin', addToDate(today, { years: 2 })]]);
    expect(medical.statusCode).toBe(400);
  });
});

describe('R26 authorization matrix: an account outside the scope, found by its exact username or e-mail', () => {
  it('R26 granting is allowed; every other route of the administration answers as for a missing account', async () => {
    const db = t.deps.db;
    const found = await buildAccount(db, { blocked_at: new Date() });
    const h = await buildHabilitation(db, { accountId: found.id, profile: 'SANITAIRE_RECEVEUR', establishmentId: w.estB.id });
    const agent = await agentFor(w.referentA);
    const base = `/administration/comptes/${found.id}`;
    const q = `identifiant=${encodeURIComponent(found.username)}`;
    const refused: [string, () => Promise<number>][] = [
      ['GET account', async () => (await agent.get(`${base}?${q}`)).statusCode],
      ['POST identity', async () => (await agent.post(`${base}/identite`, { lastName: 'X', firstName: 'Y', email: found.email, identifiant: found.username })).statusCode],
      ['GET unblock', async () => (await agent.get(`${base}/debloquer`)).statusCode],
      ['POST unblock', async () => (await agent.post(`${base}/debloquer`, { identifiant: found.username })).statusCode],
      ['GET block', async () => (await agent.get(`${base}/bloquer`)).statusCode],
      ['POST block', async () => (await agent.post(`${base}/bloquer`)).statusCode],
      ['GET deactivate', async () => (await agent.get(`${base}/desactiver`)).statusCode],
      ['POST deactivate', async () => (await agent.post(`${base}/desactiver`)).statusCode],
      ['POST reactivate', async () => (await agent.post(`${base}/reactiver`)).statusCode],
      ['POST end date', async () => (await agent.post(`${base}/habilitations/${h.id}/fin`, { fin: addToDate(today, { months: 7 }), identifiant: found.username })).statusCode],
      ['GET delete', async () => (await agent.get(`${base}/habilitations/${h.id}/supprimer`)).statusCode],
      ['POST delete', async () => (await agent.post(`${base}/habilitations/${h.id}/supprimer`)).statusCode],
      ['GET review end date', async () => (await agent.get(`/administration/revue/habilitations/${h.id}/date-de-fin`)).statusCode],
    ];
    for (const [name, run] of refused) expect([name, await run()]).toEqual([name, 404]);
    const row = await db.selectFrom('accounts').select(['blocked_at', 'last_name']).where('id', '=', found.id).executeTakeFirstOrThrow();
    expect(row.blocked_at).not.toBeNull();
    expect(row.last_name).toBe(found.last_name);
    expect(await liveHabilitations(found.id)).toHaveLength(1);
    // Granting, with the exact e-mail this time.
    const granted = await grant(agent, [['identifiant', found.email], ['comptes', String(found.id)], ['profil', String(await profileId(db, 'SANITAIRE_RECEVEUR'))], ['lieu', `unit:${w.unitA.id}`], ['debut', today], ['fin', addToDate(today, { years: 2 })]]);
    expect(granted.statusCode).toBe(303);
  });
});
