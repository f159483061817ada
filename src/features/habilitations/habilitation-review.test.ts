/**
 * The review of habilitations (R39) and its export, the end-date change and deletion shared with the
 * account page (R31, R32, R35, R36), R37 colours in words, R38 rights, R25 structures with fewer
 * than 2 referents — through the services and through HTTP, as referents and attackers see them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import { buildTestApp, type TestApp } from '../../../test/test-app.js';
import { Agent } from '../../../test/agent.js';
import { buildAccount, buildEstablishment, buildHabilitation, buildUnit, ensureTerritory, openTestSession } from '../../../test/factories.js';
import { addToDate, formatDate, parisDate } from '../../platform/clock.js';
import type { Account } from '../../db/schema.js';
import { listActiveGrants } from './habilitation.repository.js';
import type { Principal } from './habilitation.policy.js';
import { changeHabilitationEndDate, deleteHabilitation } from './habilitation.service.js';
import { DomainError } from '../../platform/errors.js';
import { endDateStatus, pageWindow } from './habilitation-review.rules.js';
import { checkEndDate, endDateBounds, parseCalendarDate } from './habilitation-change.rules.js';
import { listReviewRows, type ReviewCriteria, type ReviewRow } from './habilitation-review.repository.js';
import { parseReviewQuery, reviewReturnPath } from './habilitation-review.schemas.js';
import { EXPORT_COLUMNS, FILTERS_SHEET, REVIEW_SHEET, writeReviewWorkbook } from './habilitation-review.export.js';
import { RIGHTS } from './habilitation.rights.js';

let t: TestApp;
const today = parisDate(new Date());
// A territory of its own: lists of this file are not crowded by other test files' structures.
const REGION = '98';
const DEPT_A = '981';
const DEPT_B = '982';

type Who = 'anonymous' | 'simpleUser' | 'referentA' | 'unitReferentA' | 'referentB' | 'coordinationA' | 'region' | 'directionA';
const w = {} as {
  estA: { id: number; name: string; finess: string };
  unitA: { id: number; name: string };
  unitA2: { id: number; name: string };
  estB: { id: number; name: string; finess: string };
  people: Record<Who, Account | null>;
  /** Habilitations of A: a prescriber at unit A, the unit A2 one, and one of B. */
  hUnitA: number;
  hUnitA2: number;
  hB: number;
};

async function principalOf(account: Account): Promise<Principal> {
  return {
    accountId: account.id,
    viewer: { firstName: account.first_name, lastName: account.last_name, username: account.username },
    strength: 'strong',
    grants: await listActiveGrants(t.deps.db, account.id, today),
  };
}

async function agentFor(who: Who): Promise<Agent> {
  const agent = new Agent(t.app);
  const account = w.people[who];
  if (account) agent.cookies.set('habilis_session', (await openTestSession(t.deps.db, account.id)).split('=')[1]!);
  return agent;
}

async function person(profile: string, place: { unitId?: number; establishmentId?: number; departmentCode?: string; regionCode?: string }, extra: { start?: string; end?: string; deletedAt?: Date } = {}) {
  const account = await buildAccount(t.deps.db);
  const h = await buildHabilitation(t.deps.db, { accountId: account.id, profile, ...place, ...extra });
  return { account, habilitation: h };
}

async function habilitation(id: number) {
  return t.deps.db.selectFrom('habilitations').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

async function events(habilitationId: number, code: string) {
  const rows = await t.deps.db.selectFrom('audit_events').selectAll().where('code', '=', code).orderBy('id').execute();
  return rows.filter((e) => (e.details as { habilitationId?: number }).habilitationId === habilitationId);
}

async function expectDomainError(promise: Promise<unknown>, code: string, status: number) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  expect((error as DomainError).code).toBe(code);
  expect((error as DomainError).status).toBe(status);
}

const reviewUrlA = () => `/administration/revue?domaine=SANITAIRE&coordination=${DEPT_A}&structure=${w.estA.id}`;

beforeAll(async () => {
  t = await buildTestApp();
  const db = t.deps.db;
  await ensureTerritory(db, REGION, DEPT_A);
  await ensureTerritory(db, REGION, DEPT_B);
  const estA = await buildEstablishment(db, { department: DEPT_A, region: REGION, name: 'Centre hospitalier Revue A' });
  const estB = await buildEstablishment(db, { department: DEPT_B, region: REGION, name: 'Clinique Revue B' });
  await db.updateTable('establishments').set({ domain_code: 'SANITAIRE' }).where('id', 'in', [estA.id, estB.id]).execute();
  w.estA = estA;
  w.estB = estB;
  w.unitA = await buildUnit(db, estA.id, 'Cardiologie');
  w.unitA2 = await buildUnit(db, estA.id, 'Neurologie');
  const only = async (profile: string, place: Parameters<typeof person>[1]) => (await person(profile, place)).account;
  w.people = {
    anonymous: null,
    simpleUser: await only('SANITAIRE_PRESCRIPTEUR', { unitId: w.unitA.id }),
    referentA: await only('REFERENT_STRUCTURE', { establishmentId: estA.id }),
    unitReferentA: await only('REFERENT_UNITE', { unitId: w.unitA.id }),
    referentB: await only('REFERENT_STRUCTURE', { establishmentId: estB.id }),
    coordinationA: await only('SANITAIRE_COORDINATION', { departmentCode: DEPT_A }),
    region: await only('SANITAIRE_REGION', { regionCode: REGION }),
    directionA: await only('GRAND_AGE_DIRECTION', { establishmentId: estA.id }),
  };
  w.hUnitA = (await person('SANITAIRE_PRESCRIPTEUR', { unitId: w.unitA.id })).habilitation.id;
  w.hUnitA2 = (await person('SANITAIRE_RECEVEUR', { unitId: w.unitA2.id })).habilitation.id;
  w.hB = (await person('SANITAIRE_RECEVEUR', { establishmentId: estB.id, unitId: undefined })).habilitation.id;
});
afterAll(async () => {
  await t.close();
});

describe('pure rules', () => {
  it('R37 red within 15 days, orange within 1 month, always with words', () => {
    expect(endDateStatus({ endDate: today, deletedAt: null }, today)).toEqual({ level: 'red', text: 'expire ce soir' });
    expect(endDateStatus({ endDate: addToDate(today, { days: 1 }), deletedAt: null }, today)).toEqual({ level: 'red', text: 'expire demain' });
    expect(endDateStatus({ endDate: addToDate(today, { days: 15 }), deletedAt: null }, today)).toEqual({ level: 'red', text: 'expire dans 15 jours' });
    expect(endDateStatus({ endDate: addToDate(today, { days: 16 }), deletedAt: null }, today)).toEqual({ level: 'orange', text: 'expire dans 16 jours' });
    expect(endDateStatus({ endDate: addToDate(today, { months: 1 }), deletedAt: null }, today).level).toBe('orange');
    expect(endDateStatus({ endDate: addToDate(addToDate(today, { months: 1 }), { days: 1 }), deletedAt: null }, today)).toEqual({ level: 'ok', text: '' });
    expect(endDateStatus({ endDate: addToDate(today, { days: -1 }), deletedAt: null }, today).level).toBe('expired');
    expect(endDateStatus({ endDate: addToDate(today, { days: 3 }), deletedAt: new Date() }, today).level).toBe('deleted');
  });

  it('R35 R31 end dates go from today (or the start) to the start + 5 years; typed dates are read in both formats', () => {
    expect(endDateBounds('2026-01-31', '2026-06-01')).toEqual({ min: '2026-06-01', max: '2031-01-31' });
    expect(endDateBounds('2028-02-29', '2026-06-01')).toEqual({ min: '2028-02-29', max: '2033-02-28' });
    expect(checkEndDate('2026-05-31', '2026-01-31', '2026-06-01')).toBe('before_min');
    expect(checkEndDate('2031-02-01', '2026-01-31', '2026-06-01')).toBe('after_max');
    expect(checkEndDate('2031-01-31', '2026-01-31', '2026-06-01')).toBe('ok');
    expect(parseCalendarDate('2027-03-09')).toBe('2027-03-09');
    expect(parseCalendarDate('9/3/2027')).toBe('2027-03-09');
    expect(parseCalendarDate('2027-02-30')).toBeNull();
    expect(parseCalendarDate('demain')).toBeNull();
  });

  it('R39 pages stay within 1..last and filters that cannot be read are dropped', () => {
    expect(pageWindow(0, 120, 50)).toEqual({ page: 1, pages: 3, offset: 0 });
    expect(pageWindow(9, 120, 50)).toEqual({ page: 3, pages: 3, offset: 100 });
    expect(pageWindow(1, 0, 50)).toEqual({ page: 1, pages: 1, offset: 0 });
    expect(parseReviewQuery({ structure: '12', unite: '-3', profil: "1'or'1", tri: 'mot_de_passe', ordre: 'x', page: 'a', tout: '1' })).toEqual({
      domain: null,
      department: null,
      establishmentId: 12,
      unitId: null,
      profileId: null,
      includeEnded: true,
      sort: 'nom',
      direction: 'asc',
      page: 1,
    });
    expect(reviewReturnPath('https://ailleurs.example/administration/revue')).toBe('/administration/revue');
    expect(reviewReturnPath('/administration/revue?structure=1\r\nSet-Cookie: x')).toBe('/administration/revue');
    expect(reviewReturnPath('/administration/revue?structure=1&tout=1')).toBe('/administration/revue?structure=1&tout=1');
  });
});

describe('changeHabilitationEndDate and deleteHabilitation (shared with the account page)', () => {
  it('R35 prolongs, writes HABILITATION_END_DATE_CHANGED with the old and new dates in the same transaction', async () => {
    const { habilitation: h } = await person('SANITAIRE_PRESCRIPTEUR', { unitId: w.unitA.id });
    const referent = await principalOf(w.people.referentA!);
    const newEnd = addToDate(h.start_date, { years: 5 });
    const result = await changeHabilitationEndDate(t.deps, referent, h.id, newEnd, '10.0.0.1');
    expect(result).toEqual({ habilitationId: h.id, accountId: h.account_id, previousEndDate: h.end_date, endDate: newEnd, changed: true });
    expect((await habilitation(h.id)).end_date).toBe(newEnd);
    const [event] = await events(h.id, 'HABILITATION_END_DATE_CHANGED');
    expect(event!.subject_account_id).toBe(h.account_id);
    expect(event!.actor_account_id).toBe(referent.accountId);
    expect(event!.description).toBe(
      `Modification de la date de fin de l’habilitation Sanitaire - Prescripteur – Cardiologie – Centre hospitalier Revue A (${formatDate(h.end_date)} → ${formatDate(newEnd)})`,
    );
    expect(event!.ip).toBe('10.0.0.1');
  });

  it('R35 shortens down to today (an announced departure); the same date again writes nothing', async () => {
    const { habilitation: h } = await person('SANITAIRE_PRESCRIPTEUR', { unitId: w.unitA.id });
    const referent = await principalOf(w.people.referentA!);
    expect((await changeHabilitationEndDate(t.deps, referent, h.id, formatDate(today), null)).endDate).toBe(today);
    expect((await changeHabilitationEndDate(t.deps, referent, h.id, today, null)).changed).toBe(false);
    expect(await events(h.id, 'HABILITATION_END_DATE_CHANGED')).toHaveLength(1);
  });

  it('R35 R31 refuses yesterday, beyond start + 5 years and a malformed date, changing nothing', async () => {
    const { habilitation: h } = await person('SANITAIRE_PRESCRIPTEUR', { unitId: w.unitA.id });
    const referent = await principalOf(w.people.referentA!);
    await expectDomainError(changeHabilitationEndDate(t.deps, referent, h.id, addToDate(today, { days: -1 }), null), 'HABILITATION_END_DATE_BEFORE_MIN', 400);
    await expectDomainError(
      changeHabilitationEndDate(t.deps, referent, h.id, addToDate(addToDate(h.start_date, { years: 5 }), { days: 1 }), null),
      'HABILITATION_END_DATE_AFTER_MAX',
      400,
    );
    await expectDomainError(changeHabilitationEndDate(t.deps, referent, h.id, '31/02/2027', null), 'HABILITATION_END_DATE_INVALID', 400);
    expect((await habilitation(h.id)).end_date).toBe(h.end_date);
    expect(await events(h.id, 'HABILITATION_END_DATE_CHANGED')).toHaveLength(0);
  });

  it('R32 nobody changes or deletes their own habilitation, not even a referent', async () => {
    const referentAccount = w.people.referentA!;
    const own = await buildHabilitation(t.deps.db, { accountId: referentAccount.id, profile: 'SANITAIRE_PRESCRIPTEUR', unitId: w.unitA.id });
    const referent = await principalOf(referentAccount);
    await expectDomainError(changeHabilitationEndDate(t.deps, referent, own.id, addToDate(today, { years: 3 }), null), 'HABILITATION_SELF_CHANGE', 403);
    await expectDomainError(deleteHabilitation(t.deps, referent, own.id, null), 'HABILITATION_SELF_CHANGE', 403);
    expect(await habilitation(own.id)).toMatchObject({ end_date: own.end_date, deleted_at: null });
  });

  it('R33 outside the grant scope: another structure gets 404, a reviewer without the grant right 403, a unit referent only their unit', async () => {
    const { habilitation: h } = await person('SANITAIRE_PRESCRIPTEUR', { unitId: w.unitA2.id });
    const later = addToDate(today, { years: 1 });
    await expectDomainError(changeHabilitationEndDate(t.deps, await principalOf(w.people.referentB!), h.id, later, null), 'HABILITATION_NOT_FOUND', 404);
    await expectDomainError(deleteHabilitation(t.deps, await principalOf(w.people.referentB!), h.id, null), 'HABILITATION_NOT_FOUND', 404);
    await expectDomainError(deleteHabilitation(t.deps, await principalOf(w.people.directionA!), h.id, null), 'HABILITATION_FORBIDDEN', 403);
    await expectDomainError(deleteHabilitation(t.deps, await principalOf(w.people.unitReferentA!), h.id, null), 'HABILITATION_NOT_FOUND', 404);
    await expectDomainError(deleteHabilitation(t.deps, await principalOf(w.people.referentA!), 2_000_000_000, null), 'HABILITATION_NOT_FOUND', 404);
    expect(await habilitation(h.id)).toMatchObject({ end_date: h.end_date, deleted_at: null });
    const mine = await person('SANITAIRE_PRESCRIPTEUR', { unitId: w.unitA.id });
    const later2 = addToDate(later, { months: 1 });
    expect((await changeHabilitationEndDate(t.deps, await principalOf(w.people.unitReferentA!), mine.habilitation.id, later2, null)).changed).toBe(true);
    expect((await changeHabilitationEndDate(t.deps, await principalOf(w.people.coordinationA!), h.id, later2, null)).changed).toBe(true);
  });

  it('R36 deletes softly: the row stays with when and by whom, one HABILITATION_DELETED; a second deletion is refused', async () => {
    const { habilitation: h } = await person('SANITAIRE_RECEVEUR', { unitId: w.unitA.id });
    const referent = await principalOf(w.people.referentA!);
    const result = await deleteHabilitation(t.deps, referent, h.id, null);
    const row = await habilitation(h.id);
    expect(row.deleted_at).toEqual(result.deletedAt);
    expect(row.deleted_by_account_id).toBe(referent.accountId);
    const [event] = await events(h.id, 'HABILITATION_DELETED');
    expect(event!.description).toBe('Suppression de l’habilitation Sanitaire - Receveur – Cardiologie – Centre hospitalier Revue A');
    expect(event!.subject_account_id).toBe(h.account_id);
    await expectDomainError(deleteHabilitation(t.deps, referent, h.id, null), 'HABILITATION_ALREADY_DELETED', 409);
    await expectDomainError(changeHabilitationEndDate(t.deps, referent, h.id, addToDate(today, { years: 1 }), null), 'HABILITATION_ALREADY_DELETED', 409);
    expect(await events(h.id, 'HABILITATION_DELETED')).toHaveLength(1);
  });

  it('concurrent prolongations of one habilitation lose no update: each event starts from the date the previous one set', async () => {
    const { habilitation: h } = await person('SANITAIRE_PRESCRIPTEUR', { unitId: w.unitA.id });
    const referent = await principalOf(w.people.referentA!);
    const coordination = await principalOf(w.people.coordinationA!);
    const dates = Array.from({ length: 8 }, (_, i) => addToDate(today, { months: 6 + i }));
    await Promise.all(dates.map((date, i) => changeHabilitationEndDate(t.deps, i % 2 ? referent : coordination, h.id, date, null)));
    const chain = (await events(h.id, 'HABILITATION_END_DATE_CHANGED')).map((e) => e.details as { from: string; to: string });
    expect(chain).toHaveLength(8);
    expect(chain[0]!.from).toBe(h.end_date);
    for (let i = 1; i < chain.length; i += 1) expect(chain[i]!.from).toBe(chain[i - 1]!.to);
    expect((await habilitation(h.id)).end_date).toBe(chain.at(-1)!.to);
    expect(new Set(chain.map((c) => c.to))).toEqual(new Set(dates));
  });
});

describe('R39 the review page', () => {
  it('R39 a structure referent lands on their structure, sees the columns, R37 colours with words and R38 rights', async () => {
    const soon = await person('SANITAIRE_PRESCRIPTEUR', { unitId: w.unitA.id }, { end: addToDate(today, { days: 12 }) });
    const month = await person('SANITAIRE_RECEVEUR', { establishmentId: w.estA.id }, { end: addToDate(today, { days: 25 }) });
    const page = await (await agentFor('referentA')).get('/administration/revue');
    expect(page.statusCode).toBe(200);
    const body = page.body;
    expect(body).toContain(`Habilitations de ${w.estA.name}`);
    for (const header of ['Nom', 'Prénom', 'Nom d’utilisateur', 'Profil', 'Unité et établissement', 'Début', 'Fin', 'E-mail', 'Droits']) expect(body).toContain(header);
    expect(body).toContain(soon.account.username);
    expect(body).toContain(`Cardiologie – ${w.estA.name}`);
    expect(body).toMatch(new RegExp(`end-date--red"><span class="end-date__value">${formatDate(addToDate(today, { days: 12 })).replaceAll('/', '\\/')}</span><span class="end-date__text">expire dans 12 jours`));
    expect(body).toContain(month.account.username);
    expect(body).toContain('expire dans 25 jours');
    expect(body).toContain('end-date--orange');
    expect(body).toContain('<details class="rights">');
    expect(body).toContain(RIGHTS['referrals.send']);
    expect(body).not.toContain(w.estB.name);
  });

  it('R39 R36 deleted and expired habilitations show only on request, deleted ones with "Supprimée le" and by whom', async () => {
    const gone = await person('SANITAIRE_PRESCRIPTEUR', { unitId: w.unitA.id });
    const expired = await person('SANITAIRE_PRESCRIPTEUR', { unitId: w.unitA.id }, { start: addToDate(today, { years: -2 }), end: addToDate(today, { days: -3 }) });
    await deleteHabilitation(t.deps, await principalOf(w.people.referentA!), gone.habilitation.id, null);
    const agent = await agentFor('referentA');
    const active = await agent.get(reviewUrlA());
    expect(active.body).not.toContain(gone.account.username);
    expect(active.body).not.toContain(expired.account.username);
    const all = await agent.get(`${reviewUrlA()}&tout=1`);
    expect(all.body).toContain(gone.account.username);
    expect(all.body).toContain(expired.account.username);
    expect(all.body).toContain(`expirée depuis le ${formatDate(addToDate(today, { days: -2 }))}`);
    const referent = w.people.referentA!;
    expect(all.body).toContain(`Supprimée le ${formatDate(today)}`);
    expect(all.body).toContain(`par ${referent.first_name} ${referent.last_name.toUpperCase()} (${referent.username})`);
    expect(all.body).toContain('Afficher les habilitations supprimées ou expirées');
  });

  it('R39 sorts by name, profile, start and end date, in both directions, with aria-sort on the sorted column', async () => {
    const agent = await agentFor('referentA');
    const byEnd = await agent.get(`${reviewUrlA()}&tri=fin&ordre=desc`);
    expect(byEnd.body).toMatch(/<th scope="col" aria-sort="descending"><a href="[^"]*tri=fin[^"]*"/);
    const ends = [...byEnd.body.matchAll(/<span class="end-date__value">(\d\d)\/(\d\d)\/(\d{4})<\/span>/g)].map((m) => `${m[3]}-${m[2]}-${m[1]}`);
    expect(ends.length).toBeGreaterThan(3);
    expect(ends).toEqual([...ends].sort().reverse());
    const byName = await agent.get(reviewUrlA());
    expect(byName.body).toContain('aria-sort="ascending"');
    const names = [...byName.body.matchAll(/<tr class="review-row"><th scope="row">([^<]+)<\/th>/g)].map((m) => m[1]!);
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b, 'fr')));
    const byProfile = await agent.get(`${reviewUrlA()}&tri=profil`);
    expect(byProfile.statusCode).toBe(200);
    expect(byProfile.body).toMatch(/<th scope="col" aria-sort="ascending"><a href="[^"]*tri=profil&amp;ordre=desc/);
  });

  it('R39 the unit and profile filters narrow the structure; 50 rows a page', async () => {
    const agent = await agentFor('referentA');
    const unitOnly = await agent.get(`${reviewUrlA()}&unite=${w.unitA2.id}&tout=1`);
    expect(unitOnly.body).toContain('Neurologie – ');
    expect(unitOnly.body).not.toContain('Cardiologie – ');
    const estC = await buildEstablishment(t.deps.db, { department: DEPT_A, region: REGION, name: 'EHPAD Pagination' });
    await t.deps.db.updateTable('establishments').set({ domain_code: 'GRAND_AGE' }).where('id', '=', estC.id).execute();
    const coordination = await agentFor('coordinationA');
    for (let i = 0; i < 51; i += 1) await person(i % 2 ? 'GRAND_AGE_DIRECTION' : 'GRAND_AGE_MEDECIN_COORDONNATEUR', { establishmentId: estC.id });
    const base = `/administration/revue?domaine=GRAND_AGE&coordination=${DEPT_A}&structure=${estC.id}`;
    const first = await coordination.get(base);
    expect(first.body).toContain('51 habilitations en cours ou à venir – page 1 sur 2');
    expect(first.body.match(/<tr class="review-row">/g)).toHaveLength(50);
    const second = await coordination.get(`${base}&page=2`);
    expect(second.body.match(/<tr class="review-row">/g)).toHaveLength(1);
    const profileId = (await t.deps.db.selectFrom('profiles').select('id').where('code', '=', 'GRAND_AGE_DIRECTION').executeTakeFirstOrThrow()).id;
    const filtered = await coordination.get(`${base}&profil=${profileId}`);
    expect(filtered.body).toContain('25 habilitations');
  });

  it('R39 the lists offer only what the viewer may review: a referent their structure, a coordination its department', async () => {
    const referent = await (await agentFor('referentA')).get(`/administration/revue?domaine=SANITAIRE&coordination=${DEPT_A}`);
    expect(referent.body).toContain(`<option value="${w.estA.id}">${w.estA.name}`);
    expect(referent.body).not.toContain(`<option value="${DEPT_B}"`);
    const region = await (await agentFor('region')).get(`/administration/revue?domaine=SANITAIRE&coordination=${DEPT_B}`);
    expect(region.body).toContain(`<option value="${DEPT_A}"`);
    expect(region.body).toContain(`<option value="${w.estB.id}">${w.estB.name}`);
    expect(region.body).not.toContain(w.estA.name);
  });

  it('R39 a unit referent reviews only their unit', async () => {
    const agent = await agentFor('unitReferentA');
    const page = await agent.get(reviewUrlA());
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Cardiologie – ');
    expect(page.body).not.toContain('Neurologie – ');
    expect((await agent.get(`${reviewUrlA()}&unite=${w.unitA2.id}`)).statusCode).toBe(403);
  });

  it('R39 a structure outside the scope is refused with 403 and shows no data, forged ids included', async () => {
    const agent = await agentFor('referentB');
    for (const url of [reviewUrlA(), `/administration/revue?structure=${w.estA.id}`, `/administration/revue?domaine=SANITAIRE&coordination=${DEPT_B}&structure=${w.estA.id}`, '/administration/revue?structure=2000000000']) {
      const page = await agent.get(url);
      expect(page.statusCode, url).toBe(403);
      expect(page.body).not.toContain(w.estA.name);
      expect(page.body).not.toContain('Cardiologie');
    }
    const unitOfA = await agent.get(`/administration/revue?domaine=SANITAIRE&coordination=${DEPT_B}&structure=${w.estB.id}&unite=${w.unitA.id}&tout=1`);
    expect(unitOfA.statusCode).toBe(200);
    expect(unitOfA.body).not.toContain('Cardiologie');
  });
});

describe('R35 R36 the row actions through HTTP', () => {
  it('R35 changes the end date from the row and comes back to the same review with a notice', async () => {
    const { habilitation: h } = await person('SANITAIRE_PRESCRIPTEUR', { unitId: w.unitA.id });
    const agent = await agentFor('referentA');
    const retour = `${reviewUrlA()}&tri=fin`;
    const newEnd = addToDate(today, { months: 18 });
    const response = await agent.post(`/administration/revue/habilitations/${h.id}/date-de-fin`, { endDate: newEnd, retour });
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe(`${retour}&fait=date-de-fin#resultats`);
    expect((await habilitation(h.id)).end_date).toBe(newEnd);
    const page = await agent.get(response.headers.location!.replace('#resultats', ''));
    expect(page.body).toContain('La date de fin de l’habilitation est modifiée.');
  });

  it('R35 a date out of bounds comes back at the field with 400, nothing changed', async () => {
    const { habilitation: h } = await person('SANITAIRE_PRESCRIPTEUR', { unitId: w.unitA.id });
    const response = await (await agentFor('referentA')).post(`/administration/revue/habilitations/${h.id}/date-de-fin`, { endDate: addToDate(today, { years: 6 }), retour: reviewUrlA() });
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('Une habilitation dure au plus 5 ans');
    expect(response.body).toContain('href="#endDate"');
    expect(response.body).toContain('aria-invalid="true"');
    expect((await habilitation(h.id)).end_date).toBe(h.end_date);
  });

  it('R36 deletes after a confirmation page; a GET changes nothing', async () => {
    const { habilitation: h, account } = await person('SANITAIRE_PRESCRIPTEUR', { unitId: w.unitA.id });
    const agent = await agentFor('referentA');
    const confirm = await agent.get(`/administration/revue/habilitations/${h.id}/suppression?retour=${encodeURIComponent(reviewUrlA())}`);
    expect(confirm.statusCode).toBe(200);
    expect(confirm.body).toContain('Confirmer la suppression');
    expect(confirm.body).toContain(account.username);
    expect((await habilitation(h.id)).deleted_at).toBeNull();
    const done = await agent.post(`/administration/revue/habilitations/${h.id}/suppression`, { retour: reviewUrlA() });
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe(`${reviewUrlA()}&fait=suppression#resultats`);
    expect((await habilitation(h.id)).deleted_at).not.toBeNull();
  });

  it('R33 a referent of B cannot change, delete or open A’s rows by forging ids: 404 and nothing changed', async () => {
    const agent = await agentFor('referentB');
    const before = await habilitation(w.hUnitA);
    expect((await agent.post(`/administration/revue/habilitations/${w.hUnitA}/date-de-fin`, { endDate: addToDate(today, { years: 1 }) })).statusCode).toBe(404);
    expect((await agent.get(`/administration/revue/habilitations/${w.hUnitA}/suppression`)).statusCode).toBe(404);
    expect((await agent.post(`/administration/revue/habilitations/${w.hUnitA}/suppression`)).statusCode).toBe(404);
    expect((await agent.post('/administration/revue/habilitations/abc/suppression')).statusCode).toBe(404);
    expect(await habilitation(w.hUnitA)).toEqual(before);
    expect(await events(w.hUnitA, 'HABILITATION_DELETED')).toHaveLength(0);
  });

  it('an open redirect through "retour" is not possible', async () => {
    const { habilitation: h } = await person('SANITAIRE_PRESCRIPTEUR', { unitId: w.unitA.id });
    const response = await (await agentFor('referentA')).post(`/administration/revue/habilitations/${h.id}/suppression`, { retour: 'https://ailleurs.example/' });
    expect(response.headers.location).toBe('/administration/revue?fait=suppression#resultats');
  });
});

describe('R39 "Exporter"', () => {
  async function readWorkbook(buffer: Buffer) {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(buffer as unknown as ArrayBuffer);
    return workbook;
  }

  it('R39 streams an .xlsx equal, row by row, to the screen’s query without pagination, with a header row, real dates and the filters', async () => {
    const agent = await agentFor('referentA');
    const response = await agent.get(`${reviewUrlA()}`.replace('/administration/revue', '/administration/revue/export') + '&tout=1&tri=fin&ordre=desc');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(response.headers['content-disposition']).toBe(`attachment; filename="revue-habilitations-${w.estA.finess}-${today}.xlsx"`);
    const workbook = await readWorkbook(response.rawPayload);
    expect(workbook.worksheets.map((s) => s.name)).toEqual([FILTERS_SHEET, REVIEW_SHEET]);
    const filters = workbook.getWorksheet(FILTERS_SHEET)!;
    const filterValues = Object.fromEntries(filters.getSheetValues().slice(2).map((r) => [(r as unknown[])[1], (r as unknown[])[2]]));
    expect(filterValues).toMatchObject({
      Domaine: 'Sanitaire',
      Structure: `${w.estA.name} (FINESS ${w.estA.finess})`,
      Unité: 'Toutes les unités',
      Habilitations: 'Toutes, supprimées et expirées comprises',
      Tri: 'date de fin, ordre décroissant',
    });
    const sheet = workbook.getWorksheet(REVIEW_SHEET)!;
    const values = sheet.getSheetValues().slice(1).map((r) => (r as unknown[]).slice(1));
    expect(values[0]).toEqual(EXPORT_COLUMNS.map((c) => c.header));
    const criteria: ReviewCriteria = { establishmentIds: [w.estA.id], unitIds: [w.unitA.id, w.unitA2.id], profileId: null, includeEnded: true, today };
    const expected = await listReviewRows(t.deps.db, criteria, { sort: 'fin', direction: 'desc' });
    expect(expected.length).toBeGreaterThan(5);
    expect(values.length - 1).toBe(expected.length);
    expected.forEach((row, i) => {
      const cells = values[i + 1]!;
      expect(cells[0]).toBe(row.last_name.toUpperCase());
      expect(cells[1]).toBe(row.first_name);
      expect(cells[2]).toBe(row.username);
      expect(cells[3]).toBe(row.profile_name);
      expect(cells[4] ?? '').toBe(row.unit_name ?? '');
      expect(cells[5]).toBe(row.establishment_name);
      expect(cells[7]).toEqual(new Date(`${row.start_date}T00:00:00Z`));
      expect(cells[8]).toEqual(new Date(`${row.end_date}T00:00:00Z`));
      expect(cells[10]).toBe(row.email_notifications ? 'Oui' : 'Non');
      if (row.deleted_at) expect(cells[12]).toEqual(new Date(`${parisDate(row.deleted_at)}T00:00:00Z`));
      else expect(cells[12] ?? null).toBeNull();
    });
    expect(sheet.getCell('H2').numFmt).toBe('dd/mm/yyyy');
  });

  it('R39 the export refuses a structure outside the scope (403, no file) and incomplete filters (400)', async () => {
    const b = await (await agentFor('referentB')).get(`/administration/revue/export?domaine=SANITAIRE&coordination=${DEPT_A}&structure=${w.estA.id}`);
    expect(b.statusCode).toBe(403);
    expect(b.headers['content-type']).toContain('text/html');
    expect(b.body).not.toContain(w.estA.name);
    const coordination = await (await agentFor('coordinationA')).get(`/administration/revue/export?domaine=SANITAIRE&coordination=${DEPT_A}`);
    expect(coordination.statusCode).toBe(400);
  });

  it('the export stops fetching rows while the client does not read, and finishes once it reads', async () => {
    // 40 batches of 500 synthetic rows, each "fetched" after a short wait as from the database.
    let fetched = 0;
    const row = (i: number): ReviewRow => ({
      habilitation_id: i, account_id: i, last_name: `Nom${i}`, first_name: 'Camille', username: `u${i}`, profile_id: 1, profile_name: 'Référent structure',
      unit_id: null, unit_name: null, establishment_id: 1, establishment_name: 'Structure', finess: '999999999', start_date: '2026-01-01', end_date: '2027-01-01',
      email_notifications: true, deleted_at: null, deleted_by: null,
    });
    const output = new PassThrough({ highWaterMark: 16 * 1024 });
    const writing = writeReviewWorkbook(output, {
      filters: [{ label: 'Structure', value: 'Structure' }],
      today,
      rightsOf: () => [RIGHTS['accounts.manage']],
      rows: async (onBatch) => {
        for (let b = 0; b < 40; b += 1) {
          await new Promise((resolve) => setTimeout(resolve, 2));
          fetched += 1;
          await onBatch(Array.from({ length: 500 }, (_, i) => row(b * 500 + i)));
        }
        return 40 * 500;
      },
    });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    // Nobody reads: the writer waits after a few batches instead of piling up the whole workbook.
    expect(fetched).toBeLessThan(10);
    const chunks: Buffer[] = [];
    const ended = new Promise((resolve) => output.on('end', resolve));
    output.on('data', (chunk: Buffer) => chunks.push(chunk));
    expect(await writing).toBe(20_000);
    await ended;
    expect(fetched).toBe(40);
    expect((await readWorkbook(Buffer.concat(chunks))).getWorksheet(REVIEW_SHEET)!.rowCount).toBe(20_001);
  }, 60_000);
});

describe('R25 structures with fewer than 2 referents', () => {
  it('R25 lists the structures of the territory with fewer than 2 active structure referents, with their count', async () => {
    const lonely = await buildEstablishment(t.deps.db, { department: DEPT_A, region: REGION, name: 'SESSAD Un Seul Référent' });
    await person('REFERENT_STRUCTURE', { establishmentId: lonely.id });
    await person('REFERENT_STRUCTURE', { establishmentId: lonely.id }, { start: addToDate(today, { years: -2 }), end: addToDate(today, { days: -1 }) });
    const covered = await buildEstablishment(t.deps.db, { department: DEPT_A, region: REGION, name: 'IME Deux Référents' });
    await person('REFERENT_STRUCTURE', { establishmentId: covered.id });
    await person('REFERENT_STRUCTURE', { establishmentId: covered.id });
    const page = await (await agentFor('coordinationA')).get('/administration/structures-sans-referents');
    expect(page.statusCode).toBe(200);
    expect(page.body).toMatch(new RegExp(`<th scope="row">SESSAD Un Seul Référent</th><td>${lonely.finess}</td><td>${DEPT_A} – [^<]+</td><td>1</td>`));
    expect(page.body).toContain(`<th scope="row">${w.estA.name}</th>`);
    expect(page.body).not.toContain('IME Deux Référents');
    // Structure B (another department) is not the coordination's.
    expect(page.body).not.toContain(w.estB.name);
    expect((await (await agentFor('region')).get('/administration/structures-sans-referents')).body).toContain(w.estB.name);
  });

  it('R25 the review shows the banner when the structure has fewer than 2 referents, not otherwise', async () => {
    const agent = await agentFor('coordinationA');
    const a = await agent.get(reviewUrlA());
    expect(a.body).toContain('Moins de 2 référents');
    expect(a.body).toContain(`${w.estA.name} n’a un seul référent structure actif`);
    const covered = await buildEstablishment(t.deps.db, { department: DEPT_A, region: REGION, name: 'Clinique Bien Couverte' });
    await t.deps.db.updateTable('establishments').set({ domain_code: 'SANITAIRE' }).where('id', '=', covered.id).execute();
    await person('REFERENT_STRUCTURE', { establishmentId: covered.id });
    await person('REFERENT_STRUCTURE', { establishmentId: covered.id });
    const c = await agent.get(`/administration/revue?domaine=SANITAIRE&coordination=${DEPT_A}&structure=${covered.id}`);
    expect(c.statusCode).toBe(200);
    expect(c.body).not.toContain('Moins de 2 référents');
  });
});

describe('who may call the routes of the review (generated matrix)', () => {
  const ROUTES = [
    { method: 'GET', url: () => reviewUrlA(), expect: { anonymous: 303, simpleUser: 403, referentA: 200, unitReferentA: 200, referentB: 403, coordinationA: 200, region: 200, directionA: 200 } },
    {
      method: 'GET',
      url: () => reviewUrlA().replace('/revue?', '/revue/export?'),
      expect: { anonymous: 303, simpleUser: 403, referentA: 200, unitReferentA: 200, referentB: 403, coordinationA: 200, region: 200, directionA: 200 },
    },
    {
      method: 'GET',
      url: () => `/administration/revue/habilitations/${w.hUnitA2}/suppression`,
      expect: { anonymous: 303, simpleUser: 403, referentA: 200, unitReferentA: 404, referentB: 404, coordinationA: 200, region: 200, directionA: 403 },
    },
    {
      method: 'POST',
      url: () => `/administration/revue/habilitations/${w.hB}/date-de-fin`,
      expect: { anonymous: 401, simpleUser: 403, referentA: 404, unitReferentA: 404, referentB: 303, coordinationA: 404, region: 303, directionA: 403 },
    },
    {
      method: 'GET',
      url: () => '/administration/structures-sans-referents',
      expect: { anonymous: 303, simpleUser: 403, referentA: 403, unitReferentA: 403, referentB: 403, coordinationA: 200, region: 200, directionA: 403 },
    },
  ] as const;

  for (const route of ROUTES) {
    for (const [who, status] of Object.entries(route.expect) as [Who, number][]) {
      it(`R39 ${route.method} ${route.url.toString().slice(6, 60)} as ${who} → ${status}`, async () => {
        const agent = await agentFor(who);
        const url = route.url();
        const response =
          route.method === 'GET' ? await agent.get(url) : await agent.post(url, { endDate: addToDate(today, { months: 20 }), retour: '/administration/revue' });
        expect(response.statusCode).toBe(status);
      });
    }
  }

  it('R39 the delete POST of a row of A by every principal outside A’s grant scope changes nothing', async () => {
    for (const who of ['simpleUser', 'unitReferentA', 'referentB', 'directionA'] as Who[]) {
      const response = await (await agentFor(who)).post(`/administration/revue/habilitations/${w.hUnitA2}/suppression`);
      expect([403, 404], who).toContain(response.statusCode);
    }
    expect((await habilitation(w.hUnitA2)).deleted_at).toBeNull();
  });
});
