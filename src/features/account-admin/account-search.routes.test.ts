/** R21: finding before creating — one letter is enough, homonyms are told apart, same names ask for a confirmation. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { buildTestApp, type TestApp } from '../../../test/test-app.js';
import { Agent } from '../../../test/agent.js';
import { buildAccount, buildEstablishment, buildHabilitation, buildUnit, openTestSession } from '../../../test/factories.js';
import type { Account } from '../../db/schema.js';

let t: TestApp;
// Names no other test file uses, starting with a letter of their own.
const tag = randomUUID().slice(0, 6).replace(/\d/g, 'x');
const w = {} as { est: { id: number; name: string }; unit: { id: number; name: string }; other: { id: number; name: string }; referent: Account; outside: Account };

async function agentFor(account: Account): Promise<Agent> {
  const agent = new Agent(t.app);
  agent.cookies.set('habilis_session', (await openTestSession(t.deps.db, account.id)).split('=')[1]!);
  return agent;
}

beforeAll(async () => {
  t = await buildTestApp();
  const db = t.deps.db;
  w.est = await buildEstablishment(db, { department: '34', name: `Hôpital Recherche ${tag}` });
  w.unit = await buildUnit(db, w.est.id, 'Urgences');
  w.other = await buildEstablishment(db, { department: '30', name: `Clinique Ailleurs ${tag}` });
  w.referent = await buildAccount(db);
  await buildHabilitation(db, { accountId: w.referent.id, profile: 'REFERENT_STRUCTURE', establishmentId: w.est.id });
  // Two homonyms in the referent's structure, in two places.
  for (const [i, place] of [{ unitId: w.unit.id }, { establishmentId: w.est.id }].entries()) {
    const account = await buildAccount(db, { first_name: 'Jeanne', last_name: `Ÿhomonyme${tag}`, username: `zz${tag}${i}` });
    await buildHabilitation(db, { accountId: account.id, profile: i === 0 ? 'SANITAIRE_RECEVEUR' : 'GRAND_AGE_DIRECTION', ...place });
  }
  w.outside = await buildAccount(db, { first_name: 'Jeanne', last_name: `Ÿhomonyme${tag}`, username: `zz${tag}9` });
  await buildHabilitation(db, { accountId: w.outside.id, profile: 'GRAND_AGE_DIRECTION', establishmentId: w.other.id });
});
afterAll(async () => {
  await t.close();
});

describe('R21 finding before creating', () => {
  it('R21 one letter finds by the start of the last name, the first name or the username', async () => {
    const agent = await agentFor(w.referent);
    // "ÿ" folds to "y": a letter few names start with; the three homonyms start with it.
    const byLast = await agent.get(`/administration/comptes?q=${encodeURIComponent('Ÿ')}`);
    expect(byLast.statusCode).toBe(200);
    expect(byLast.body).toContain(`zz${tag}0`);
    // One letter of a first name, with the rest of the last name: every word's start counts.
    const byFirst = await agent.get(`/administration/comptes?q=${encodeURIComponent(`homonyme${tag} j`)}`);
    expect(byFirst.body).toContain(`zz${tag}0`);
    const none = await agent.get(`/administration/comptes?q=${encodeURIComponent(`homonyme${tag} q`)}`);
    expect(none.body).not.toContain(`zz${tag}0`);
  });

  it('R21 R26 results show each account’s establishments and units, so homonyms are told apart (not outside the scope)', async () => {
    const page = await (await agentFor(w.referent)).get(`/administration/comptes?q=${encodeURIComponent(`homonyme${tag}`)}`);
    expect(page.body).toContain('Établissements et unités');
    expect(page.body).toContain(`${w.est.name} – Urgences`);
    expect(page.body).toContain(`<td>${w.est.name}</td>`);
    expect(page.body).not.toContain(w.other.name);
  });

  it('R21 creating an account with the names of existing accounts shows them and asks to confirm', async () => {
    const agent = await agentFor(w.referent);
    const form = { lastName: `Ÿhomonyme${tag}`, firstName: 'jeanne', email: `${randomUUID()}@exemple.test` };
    const first = await agent.post('/administration/comptes/nouveau', form);
    expect(first.statusCode).toBe(409);
    expect(first.body).toContain('portent déjà ce nom et ce prénom');
    for (const i of ['0', '1', '9']) expect(first.body).toContain(`(zz${tag}${i})`);
    // Outside the scope too, with a masked e-mail only.
    expect(first.body).not.toContain(w.outside.email);
    expect(first.body).toContain(`href="/administration/comptes?q=zz${tag}9"`);
    expect(await t.deps.db.selectFrom('accounts').select('id').where('email', '=', form.email).execute()).toEqual([]);
    const confirmed = await agent.post('/administration/comptes/nouveau', { ...form, confirmHomonyms: '1' });
    expect(confirmed.statusCode).toBe(303);
    // Other names: no question.
    const other = await agent.post('/administration/comptes/nouveau', { ...form, firstName: 'Jeannette', email: `${randomUUID()}@exemple.test` });
    expect(other.statusCode).toBe(303);
  });
});

describe('R21 the three bands across pages', () => {
  it('R21 pages of 20 follow the bands in order — last names starting with the word, then e-mails, then the rest — whichever band fills a page', async () => {
    const { searchAccounts } = await import('./account-admin.repository.js');
    const { sql } = await import('kysely');
    const db = t.deps.db;
    // A word of its own, and 25 + 10 + 10 accounts: band 1 fills page 1 and starts page 2.
    const word = `qw${randomUUID().slice(0, 6).replace(/\d/g, 'k')}`;
    const made = { names: [] as number[], emails: [] as number[], inside: [] as number[] };
    for (let i = 0; i < 25; i++) made.names.push((await buildAccount(db, { last_name: `${word}${String.fromCharCode(97 + (i % 26))}`, first_name: 'Anne' })).id);
    for (let i = 0; i < 10; i++) made.emails.push((await buildAccount(db, { last_name: 'Autre', first_name: 'Paul', email: `${word}.${i}@exemple.test` })).id);
    for (let i = 0; i < 10; i++) made.inside.push((await buildAccount(db, { last_name: 'Martin', first_name: `Léa${word}` })).id);
    const ordered = async (ids: number[], column: 'search_text' | 'email_fold') =>
      (await db.selectFrom('accounts').select('id').where('id', 'in', ids).orderBy(column).orderBy('id').execute()).map((r) => r.id);
    const expected = [...(await ordered(made.names, 'search_text')), ...(await ordered(made.emails, 'email_fold')), ...(await ordered(made.inside, 'search_text'))];
    const seen: number[] = [];
    for (const offset of [0, 20, 40]) {
      const result = await searchAccounts(db, [word], sql<boolean>`true`, { limit: 20, offset, today: '2026-12-06' });
      expect(result.total).toBe(45);
      expect(result.capped).toBe(false);
      seen.push(...result.rows.map((r) => r.id));
    }
    expect(seen).toEqual(expected);
  });
});
