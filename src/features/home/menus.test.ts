/** Menus only for what exists: no menu entry leads to a 404 or a 403, for any kind of person (issue 13). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/test-app.js';
import { Agent } from '../../../test/agent.js';
import { buildAccount, buildEstablishment, buildHabilitation, buildUnit, openTestSession } from '../../../test/factories.js';

let t: TestApp;
const people: Record<string, number> = {};

beforeAll(async () => {
  t = await buildTestApp();
  const db = t.deps.db;
  const est = await buildEstablishment(db, { department: '34' });
  const unit = await buildUnit(db, est.id);
  const holder = async (name: string, profile: string, place: Parameters<typeof buildHabilitation>[1] extends infer P ? Omit<P & object, 'accountId' | 'profile'> : never) => {
    const account = await buildAccount(db);
    await buildHabilitation(db, { accountId: account.id, profile, ...place });
    people[name] = account.id;
  };
  await holder('prescripteur', 'SANITAIRE_PRESCRIPTEUR', { unitId: unit.id });
  await holder('référent structure', 'REFERENT_STRUCTURE', { establishmentId: est.id });
  await holder('référent unité', 'REFERENT_UNITE', { unitId: unit.id });
  await holder('direction Grand Âge', 'GRAND_AGE_DIRECTION', { establishmentId: est.id });
  await holder('coordination', 'SANITAIRE_COORDINATION', { departmentCode: '34' });
  await holder('région', 'SANITAIRE_REGION', { regionCode: '76' });
  await holder('administration régionale', 'ADMINISTRATEUR_REGIONAL', { regionCode: '76' });
});
afterAll(async () => {
  await t.close();
});

async function menuOf(accountId: number): Promise<{ agent: Agent; links: string[] }> {
  const agent = new Agent(t.app);
  agent.cookies.set('habilis_session', (await openTestSession(t.deps.db, accountId)).split('=')[1]!);
  const home = await agent.get('/');
  const nav = /<nav class="main-nav"[\s\S]*?<\/nav>/.exec(home.body)?.[0] ?? '';
  return { agent, links: [...nav.matchAll(/href="([^"]+)"/g)].map((m) => m[1]!) };
}

describe('menus lead only to what exists', () => {
  it('no menu entry answers 404 or 403, whoever is signed in', async () => {
    for (const [name, id] of Object.entries(people)) {
      const { agent, links } = await menuOf(id);
      expect(links.length, name).toBeGreaterThan(0);
      for (const href of links) {
        expect([name, href, (await agent.get(href)).statusCode]).toEqual([name, href, 200]);
      }
    }
  });

  it('"Synchronisation ROR" only for those who may run it (directory administrators at a region)', async () => {
    expect((await menuOf(people['référent structure']!)).links).not.toContain('/annuaire/synchronisation');
    expect((await menuOf(people['direction Grand Âge']!)).links).not.toContain('/annuaire/synchronisation');
    expect((await menuOf(people['région']!)).links).toContain('/annuaire/synchronisation');
  });
});
