/** R39: every profile that may review can submit the filters, with and without JavaScript; R35 in the review: shortcuts with their dates. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/test-app.js';
import { Agent } from '../../../test/agent.js';
import { buildAccount, buildEstablishment, buildHabilitation, buildUnit, ensureTerritory, openTestSession } from '../../../test/factories.js';
import { addToDate, formatDate, parisDate } from '../../platform/clock.js';
import type { Account } from '../../db/schema.js';

let t: TestApp;
const today = parisDate(new Date());
// A territory of its own, so that lists are not crowded by other files' structures.
const REGION = '97';
const DEPT = '971';
const w = {} as { est: { id: number; name: string }; region: Account; coordination: Account; holder: Account; habilitationId: number };

async function agentFor(account: Account): Promise<Agent> {
  const agent = new Agent(t.app);
  agent.cookies.set('habilis_session', (await openTestSession(t.deps.db, account.id)).split('=')[1]!);
  return agent;
}

/** The <select> of this id, as the page sends it. */
const selectOf = (body: string, id: string) => new RegExp(`<select id="${id}"[^>]*>[\\s\\S]*?</select>`).exec(body)?.[0] ?? '';

beforeAll(async () => {
  t = await buildTestApp();
  const db = t.deps.db;
  await ensureTerritory(db, REGION, DEPT);
  w.est = await buildEstablishment(db, { department: DEPT, region: REGION, name: 'Hôpital des Étapes', domain: 'SANITAIRE' });
  const unit = await buildUnit(db, w.est.id, 'Pneumologie');
  w.region = await buildAccount(db);
  await buildHabilitation(db, { accountId: w.region.id, profile: 'SANITAIRE_REGION', regionCode: REGION });
  w.coordination = await buildAccount(db);
  await buildHabilitation(db, { accountId: w.coordination.id, profile: 'SANITAIRE_COORDINATION', departmentCode: DEPT });
  w.holder = await buildAccount(db, { first_name: 'Rémi', last_name: 'Étape' });
  // Started 3 years ago and ends in 18 months: "+6 mois" and "+1 an" would shorten it, "+5 ans" would pass 5 years.
  w.habilitationId = (await buildHabilitation(db, { accountId: w.holder.id, profile: 'SANITAIRE_PRESCRIPTEUR', unitId: unit.id, start: addToDate(today, { years: -3 }), end: addToDate(today, { months: 18 }) })).id;
});
afterAll(async () => {
  await t.close();
});

describe('R39 the review form for coordination and region users', () => {
  for (const who of ['region', 'coordination'] as const) {
    it(`R39 a ${who} user loads the structure list by a plain GET step, then reviews`, async () => {
      const agent = await agentFor(w[who]);
      const first = await agent.get('/administration/revue');
      expect(first.statusCode).toBe(200);
      // Nothing chosen: the structure list is empty and NOT required (a required empty list blocks the form).
      expect(selectOf(first.body, 'structure')).not.toContain('required');
      expect(selectOf(first.body, 'structure')).toContain('Choisissez d’abord un domaine et une coordination');
      expect(first.body).toMatch(/<button type="submit" id="charger-structures" name="etape" value="structures" formnovalidate/);

      const step = await agent.get(`/administration/revue?domaine=SANITAIRE&coordination=${DEPT}&etape=structures`);
      const structures = selectOf(step.body, 'structure');
      expect(structures).toContain(`value="${w.est.id}"`);
      expect(structures).toContain('required');
      expect(step.body).not.toContain('Choisissez d’abord');

      const shown = await agent.get(`/administration/revue?domaine=SANITAIRE&coordination=${DEPT}&structure=${w.est.id}`);
      expect(shown.body).toContain(`Habilitations de ${w.est.name}`);
      expect(shown.body).toContain('ÉTAPE');
    });
  }

  it('R39 "Choisissez d’abord…" appears only when it is true', async () => {
    const agent = await agentFor(w.region);
    const none = await agent.get(`/administration/revue?domaine=CPAM&coordination=${DEPT}&etape=structures`);
    expect(selectOf(none.body, 'structure')).toContain('Aucune structure de ce domaine dans cette coordination');
    expect(none.body).not.toContain('Choisissez d’abord');
    const domainOnly = await agent.get('/administration/revue?domaine=SANITAIRE&etape=structures');
    expect(selectOf(domainOnly.body, 'structure')).toContain('Choisissez d’abord un domaine et une coordination');
  });
});

describe('R35 prolongation from the review', () => {
  it('R35 the review’s end-date page shows each shortcut with its date, never one that shortens, and says why "+5 ans" is absent', async () => {
    const agent = await agentFor(w.region);
    const page = await agent.get(`/administration/revue/habilitations/${w.habilitationId}/date-de-fin?retour=${encodeURIComponent('/administration/revue')}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`+2 ans → ${formatDate(addToDate(today, { years: 2 }))}`);
    expect(page.body).not.toContain('+6 mois');
    expect(page.body).not.toContain('+1 an →');
    expect(page.body).not.toContain('+5 ans →');
    expect(page.body).toContain('« +5 ans » n’est pas proposé : une habilitation dure au plus 5 ans depuis son début');
    expect(page.body).toContain('Changer la fin (prolonger ou raccourcir)');
    const review = await agent.get(`/administration/revue?domaine=SANITAIRE&coordination=${DEPT}&structure=${w.est.id}`);
    expect(review.body).toContain(`/administration/revue/habilitations/${w.habilitationId}/date-de-fin?retour=`);
  });
});
