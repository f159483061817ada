/** Referent administration through HTTP (R03, R20–R24, R30–R38), and who may do what. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { buildTestApp, type TestApp } from '../../../test/test-app.js';
import { Agent } from '../../../test/agent.js';
import { buildAccount, buildEstablishment, buildHabilitation, buildUnit, ensureTerritory, openTestSession, profileId } from '../../../test/factories.js';
import { messagesTo } from '../../../test/mails.js';
import { addToDate, formatDate, parisDate } from '../../platform/clock.js';
import type { Account } from '../../db/schema.js';

let t: TestApp;
const today = parisDate(new Date());
const world = {} as {
  estA: { id: number };
  unitA: { id: number };
  estB: { id: number };
  target: Account;
  principals: Record<Principal, Account | null>;
};
type Principal = 'anonymous' | 'simpleUser' | 'referentA' | 'unitReferentA' | 'referentB' | 'coordinationA' | 'region';
const PRINCIPALS: Principal[] = ['anonymous', 'simpleUser', 'referentA', 'unitReferentA', 'referentB', 'coordinationA', 'region'];

async function agentFor(who: Principal): Promise<Agent> {
  const agent = new Agent(t.app);
  const account = world.principals[who];
  if (account) agent.cookies.set('habilis_session', (await openTestSession(t.deps.db, account.id)).split('=')[1]!);
  return agent;
}

async function audit(accountId: number, code: string) {
  return t.deps.db.selectFrom('audit_events').selectAll().where('subject_account_id', '=', accountId).where('code', '=', code).execute();
}

beforeAll(async () => {
  t = await buildTestApp();
  const db = t.deps.db;
  await ensureTerritory(db, '76', '34');
  await ensureTerritory(db, '76', '30');
  world.estA = await buildEstablishment(db, { department: '34' });
  world.unitA = await buildUnit(db, world.estA.id);
  world.estB = await buildEstablishment(db, { department: '30' });
  const withHabilitation = async (profile: string, place: Parameters<typeof buildHabilitation>[1] extends infer P ? Omit<P & object, 'accountId' | 'profile'> : never) => {
    const account = await buildAccount(db);
    await buildHabilitation(db, { accountId: account.id, profile, ...place });
    return account;
  };
  world.principals = {
    anonymous: null,
    simpleUser: await withHabilitation('SANITAIRE_PRESCRIPTEUR', { unitId: world.unitA.id }),
    referentA: await withHabilitation('REFERENT_STRUCTURE', { establishmentId: world.estA.id }),
    unitReferentA: await withHabilitation('REFERENT_UNITE', { unitId: world.unitA.id }),
    referentB: await withHabilitation('REFERENT_STRUCTURE', { establishmentId: world.estB.id }),
    coordinationA: await withHabilitation('SANITAIRE_COORDINATION', { departmentCode: '34' }),
    region: await withHabilitation('SANITAIRE_REGION', { regionCode: '76' }),
  };
  world.target = await withHabilitation('SANITAIRE_PRESCRIPTEUR', { unitId: world.unitA.id });
});
afterAll(async () => {
  await t.close();
});

describe('R21 search before creating', () => {
  it('R21 finds "HELENE" when typing "Hélène", by partial words, and shows only identity and state', async () => {
    const suffix = randomUUID().slice(0, 6).replace(/\d/g, 'x');
    const helene = await buildAccount(t.deps.db, { first_name: 'HELENE', last_name: `Vidal${suffix}`, email: `h.vidal.${suffix}@exemple.test` });
    await buildHabilitation(t.deps.db, { accountId: helene.id, profile: 'SANITAIRE_RECEVEUR', unitId: world.unitA.id });
    const agent = await agentFor('referentA');
    const page = await agent.get(`/administration/comptes?q=${encodeURIComponent(`Hélène vidal${suffix.slice(0, 3)}`)}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`VIDAL${suffix.toUpperCase()}`);
    expect(page.body).toContain(`href="/administration/comptes/${helene.id}"`);
    expect(page.body).toContain('1 compte trouvé');
    const byEmail = await agent.get(`/administration/comptes?q=h.vidal.${suffix}`);
    expect(byEmail.body).toContain(helene.username);
  });

  it('R21 lists last names starting with the word first, then e-mails starting with it, then the rest', async () => {
    const tag = randomUUID().slice(0, 6).replace(/\d/g, 'k');
    const make = async (last: string, email: string) => {
      const account = await buildAccount(t.deps.db, { last_name: last, first_name: 'Paul', email: `${email}@exemple.test` });
      await buildHabilitation(t.deps.db, { accountId: account.id, profile: 'SANITAIRE_RECEVEUR', unitId: world.unitA.id });
      return account;
    };
    const inside = await make(`Mar${tag}`, `p.mar${tag}x`);
    const byEmail = await make('Abel', `${tag}.paul`);
    const byName = await make(tag.toUpperCase(), `paul.${randomUUID().slice(0, 6)}`);
    const page = await (await agentFor('referentA')).get(`/administration/comptes?q=${tag}`);
    const order = [byName, byEmail, inside].map((a) => page.body.indexOf(a.username));
    expect(order.every((i) => i > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('R21 any referent may search; accounts outside the scope are listed without a link', async () => {
    const agent = await agentFor('referentB');
    const page = await agent.get(`/administration/comptes?q=${world.target.username}`);
    expect(page.body).toContain(world.target.username);
    expect(page.body).not.toContain(`href="/administration/comptes/${world.target.id}"`);
    expect(page.body).toContain('hors de votre périmètre');
    expect((await agent.get(`/administration/comptes/${world.target.id}`)).statusCode).toBe(404);
  });
});

describe('R20 R21 account creation', () => {
  it('R21 proposes a username from the names, made unique, and sends the activation e-mail', async () => {
    const agent = await agentFor('referentA');
    const last = `Dupré${randomUUID().slice(0, 4).replace(/\d/g, 'x')}`;
    const first = await agent.post('/administration/comptes/nouveau', { lastName: last, firstName: 'Élise', email: `${randomUUID()}@exemple.test`, profession: 'Infirmier' });
    expect(first.statusCode).toBe(303);
    const second = await agent.post('/administration/comptes/nouveau', { lastName: last, firstName: 'Émile', email: `${randomUUID()}@exemple.test` });
    const ids = [first, second].map((r) => Number(/comptes\/(\d+)/.exec(r.headers.location!)![1]));
    const rows = await t.deps.db.selectFrom('accounts').select(['username', 'email', 'created_by_account_id']).where('id', 'in', ids).orderBy('id').execute();
    const base = `e${last.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '')}`;
    expect(rows.map((r) => r.username)).toEqual([base, `${base}2`]);
    expect(rows[0]!.created_by_account_id).toBe(world.principals.referentA!.id);
    expect((await messagesTo(t.deps.db, rows[0]!.email))[0]!.subject).toBe('Votre compte Habilis est créé');
    const page = await agent.get(first.headers.location!);
    expect(page.body).toContain('Le compte est créé.');
    expect(page.body).toContain('Création du compte');
  });

  it('R20 refuses an e-mail of an active account and explains how to find it', async () => {
    const agent = await agentFor('referentA');
    const response = await agent.post('/administration/comptes/nouveau', { lastName: 'Double', firstName: 'Jean', email: world.target.email.toUpperCase() });
    expect(response.statusCode).toBe(409);
    expect(response.body).toContain('un professionnel n’a qu’un compte');
    expect(response.body).toContain(`/administration/comptes?q=${encodeURIComponent(world.target.email.toUpperCase())}`);
  });

  it('R20 warns about a shared-looking address, then creates when confirmed', async () => {
    const agent = await agentFor('referentA');
    const email = `secretariat.${randomUUID().slice(0, 8)}@chu-exemple.fr`;
    const warned = await agent.post('/administration/comptes/nouveau', { lastName: 'Partage', firstName: 'Anne', email });
    expect(warned.statusCode).toBe(400);
    expect(warned.body).toContain('Cette adresse semble partagée');
    const confirmed = await agent.post('/administration/comptes/nouveau', { lastName: 'Partage', firstName: 'Anne', email, confirmShared: '1' });
    expect(confirmed.statusCode).toBe(303);
  });

  it('refuses bad input field by field, in French, writing nothing', async () => {
    const agent = await agentFor('referentA');
    const before = await t.deps.db.selectFrom('accounts').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const response = await agent.post('/administration/comptes/nouveau', { lastName: '', firstName: 'J3an', email: 'pas-une-adresse', phone: '12', profession: 'Astronaute' });
    expect(response.statusCode).toBe(400);
    for (const message of ['Le nom est obligatoire.', 'Le prénom ne peut contenir que des lettres', 'Adresse e-mail invalide', 'Numéro de téléphone invalide', 'Choisissez une profession dans la liste.']) {
      expect(response.body).toContain(message);
    }
    const after = await t.deps.db.selectFrom('accounts').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });
});

describe('R22–R24 account page', () => {
  it('R22 a referent updates the identity of a person of the structure; R24 the history names the responsible', async () => {
    const agent = await agentFor('referentA');
    const person = await buildAccount(t.deps.db);
    await buildHabilitation(t.deps.db, { accountId: person.id, profile: 'SANITAIRE_RECEVEUR', establishmentId: world.estA.id });
    const email = `${randomUUID()}@exemple.test`;
    const response = await agent.post(`/administration/comptes/${person.id}/identite`, { lastName: person.last_name, firstName: 'Camille', email, phone: '04 67 00 00 00', profession: 'Infirmier' });
    expect(response.statusCode).toBe(303);
    const row = await t.deps.db.selectFrom('accounts').select(['email', 'phone', 'username']).where('id', '=', person.id).executeTakeFirstOrThrow();
    // The new address waits for its owner to open the link; the old one stays and is told.
    expect(row).toEqual({ email: person.email, phone: '0467000000', username: person.username });
    expect((await messagesTo(t.deps.db, email)).map((m) => m.subject)).toHaveLength(1);
    expect(await messagesTo(t.deps.db, person.email)).toHaveLength(1);
    const pending = await t.deps.db.selectFrom('email_changes').select('new_email').where('account_id', '=', person.id).execute();
    expect(pending).toEqual([{ new_email: email }]);
    const page = await agent.get(`/administration/comptes/${person.id}`);
    const referent = world.principals.referentA!;
    expect(page.body).toContain('Modification du compte : adresse e-mail (en attente de validation par lien), téléphone, profession');
    expect(page.body).toContain(`${referent.first_name} ${referent.last_name.toUpperCase()} (${referent.username})`);
  });

  it('R03 unblocks a blocked account after a confirmation; the history says "Déblocage du compte"', async () => {
    await t.deps.db.updateTable('accounts').set({ blocked_at: new Date(), failed_login_count: 5 }).where('id', '=', world.target.id).execute();
    const agent = await agentFor('referentA');
    const confirm = await agent.get(`/administration/comptes/${world.target.id}/debloquer`);
    expect(confirm.body).toContain('Oui, débloquer le compte');
    const done = await agent.post(`/administration/comptes/${world.target.id}/debloquer`);
    expect(done.statusCode).toBe(303);
    const row = await t.deps.db.selectFrom('accounts').select(['blocked_at', 'failed_login_count']).where('id', '=', world.target.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ blocked_at: null, failed_login_count: 0 });
    expect((await audit(world.target.id, 'ACCOUNT_UNBLOCKED')).at(-1)!.description).toBe('Déblocage du compte');
  });

  it('R23 blocking or deactivating ends the person’s sessions; reactivation brings the account back', async () => {
    const person = await buildAccount(t.deps.db);
    await buildHabilitation(t.deps.db, { accountId: person.id, profile: 'SANITAIRE_RECEVEUR', establishmentId: world.estA.id });
    await openTestSession(t.deps.db, person.id);
    expect(await t.deps.db.selectFrom('sessions').select('account_id').where('account_id', '=', person.id).execute()).toHaveLength(1);
    const agent = await agentFor('referentA');
    expect((await agent.post(`/administration/comptes/${person.id}/desactiver`)).statusCode).toBe(303);
    expect(await t.deps.db.selectFrom('sessions').select('account_id').where('account_id', '=', person.id).execute()).toEqual([]);
    expect((await agent.post(`/administration/comptes/${person.id}/reactiver`)).statusCode).toBe(303);
    const page = await agent.get(`/administration/comptes/${person.id}`);
    expect(page.body).toContain('Réactivation du compte par un référent');
    expect(page.body).toContain('Désactivation du compte par un référent');
  });

  it('R24 the history lists every change, newest first', async () => {
    const agent = await agentFor('referentA');
    const person = await buildAccount(t.deps.db);
    await buildHabilitation(t.deps.db, { accountId: person.id, profile: 'SANITAIRE_RECEVEUR', establishmentId: world.estA.id });
    await agent.post(`/administration/comptes/${person.id}/bloquer`);
    await agent.post(`/administration/comptes/${person.id}/debloquer`);
    const page = await agent.get(`/administration/comptes/${person.id}`);
    const history = page.body.slice(page.body.indexOf('Historique du compte'));
    expect(history.indexOf('Déblocage du compte')).toBeGreaterThan(0);
    expect(history.indexOf('Déblocage du compte')).toBeLessThan(history.indexOf('Blocage du compte par un référent'));
  });

  it('refuses to administer one’s own account here', async () => {
    const me = world.principals.referentA!;
    const agent = await agentFor('referentA');
    const response = await agent.post(`/administration/comptes/${me.id}/desactiver`);
    expect(response.statusCode).toBe(403);
    expect(response.body).toContain('Mon compte');
  });
});

describe('R30–R38 habilitations of an account', () => {
  const grantTo = async (who: Principal, accountIds: number[], values: Record<string, string> = {}) => {
    const agent = await agentFor(who);
    const form = new URLSearchParams();
    for (const id of accountIds) form.append('comptes', String(id));
    const body: Record<string, string> = {
      profil: String(await profileId(t.deps.db, 'SANITAIRE_RECEVEUR')),
      lieu: `unit:${world.unitA.id}`,
      debut: today,
      fin: addToDate(today, { years: 2 }),
      mail: '1',
      ...values,
    };
    for (const [k, v] of Object.entries(body)) form.append(k, v);
    return t.app.inject({
      method: 'POST',
      url: '/administration/habilitations/attribuer',
      remoteAddress: agent.ip,
      headers: { cookie: `${agent.cookieHeader}; ${await csrfCookie(agent)}`, origin: 'http://localhost:3000', 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
      payload: `${form.toString()}&_csrf=${await csrfToken(agent)}`,
    });
  };
  const csrfCookie = async (agent: Agent) => {
    if (!agent.cookies.has('habilis_csrf')) await agent.get('/');
    return `habilis_csrf=${agent.cookies.get('habilis_csrf')}`;
  };
  const csrfToken = async (agent: Agent) => {
    const { hmac } = await import('../../platform/crypto.js');
    const { TEST_SECRET } = await import('../../../test/test-app.js');
    return hmac(Buffer.from(TEST_SECRET), `csrf:${agent.cookies.get('habilis_csrf')}`);
  };
  const newPeople = async (n: number) => {
    const people: Account[] = [];
    for (let i = 0; i < n; i += 1) {
      const person = await buildAccount(t.deps.db);
      await buildHabilitation(t.deps.db, { accountId: person.id, profile: 'SANITAIRE_PRESCRIPTEUR', unitId: world.unitA.id });
      people.push(person);
    }
    return people;
  };
  const habilitationsOf = (accountId: number) => t.deps.db.selectFrom('habilitations').selectAll().where('account_id', '=', accountId).orderBy('id').execute();

  it('R31 the grant form proposes today and today + 2 years, and only grantable profiles and places of the scope', async () => {
    const agent = await agentFor('unitReferentA');
    const page = await agent.get(`/administration/habilitations/attribuer?comptes=${world.target.id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`value="${today}"`);
    expect(page.body).toContain(`value="${addToDate(today, { years: 2 })}"`);
    expect(page.body).toContain(`value="unit:${world.unitA.id}"`);
    expect(page.body).not.toContain(`value="establishment:${world.estA.id}"`);
    expect(page.body).toContain('Sanitaire - Receveur');
    expect(page.body).not.toContain('>Sanitaire - Région<');
  });

  it('R34 grants the same habilitation to three accounts at once, with an event each, and lists who received what', async () => {
    const people = await newPeople(3);
    const response = await grantTo('referentA', people.map((p) => p.id));
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('est attribuée à 3 comptes');
    for (const person of people) expect(response.body).toContain(`href="/administration/comptes/${person.id}"`);
    for (const person of people) {
      const rows = await habilitationsOf(person.id);
      expect(rows).toHaveLength(2);
      expect(rows[1]).toMatchObject({ unit_id: world.unitA.id, start_date: today, end_date: addToDate(today, { years: 2 }), email_notifications: true });
      expect(await audit(person.id, 'HABILITATION_GRANTED')).toHaveLength(1);
    }
  });

  it('R32 refuses a grant to oneself whatever the request says, and writes nothing for the others', async () => {
    const [other] = await newPeople(1);
    const me = world.principals.referentA!;
    const response = await grantTo('referentA', [other!.id, me.id]);
    expect(response.statusCode).toBe(403);
    expect(response.body).toContain('Vous ne pouvez pas vous attribuer une habilitation');
    expect(await habilitationsOf(other!.id)).toHaveLength(1);
  });

  it('R33 refuses a place outside the scope and a profile the referent may not grant', async () => {
    const [person] = await newPeople(1);
    const outside = await grantTo('unitReferentA', [person!.id], { lieu: `establishment:${world.estB.id}`, profil: String(await profileId(t.deps.db, 'GRAND_AGE_DIRECTION')) });
    expect(outside.statusCode).toBe(400);
    expect(outside.body).toContain('Choisissez un lieu de votre périmètre.');
    const notGrantable = await grantTo('referentA', [person!.id], { profil: String(await profileId(t.deps.db, 'SANITAIRE_REGION')), lieu: 'region:76' });
    expect(notGrantable.statusCode).toBe(400);
    expect(notGrantable.body).toContain('Choisissez un profil que vous pouvez attribuer.');
    const wrongLevel = await grantTo('referentA', [person!.id], { lieu: `establishment:${world.estA.id}` });
    expect(wrongLevel.body).toContain('s’attribue sur une unité');
    expect(await habilitationsOf(person!.id)).toHaveLength(1);
  });

  it('R33 a forged id of an account outside the scope makes the whole grant fail', async () => {
    const [mine] = await newPeople(1);
    const stranger = await buildAccount(t.deps.db);
    await buildHabilitation(t.deps.db, { accountId: stranger.id, profile: 'SANITAIRE_RECEVEUR', establishmentId: world.estB.id });
    const response = await grantTo('referentA', [mine!.id, stranger.id]);
    expect(response.statusCode).toBe(404);
    expect(await habilitationsOf(mine!.id)).toHaveLength(1);
    expect(await habilitationsOf(stranger.id)).toHaveLength(1);
  });

  it('R31 refuses more than 5 years and an end before the start', async () => {
    const [person] = await newPeople(1);
    const long = await grantTo('referentA', [person!.id], { fin: addToDate(today, { years: 5, days: 1 }) });
    expect(long.statusCode).toBe(400);
    expect(long.body).toContain('Une habilitation dure au plus 5 ans.');
    const reversed = await grantTo('referentA', [person!.id], { debut: addToDate(today, { days: 10 }), fin: addToDate(today, { days: 5 }) });
    expect(reversed.body).toContain('La date de fin doit suivre la date de début.');
    expect((await grantTo('referentA', [person!.id], { fin: addToDate(today, { years: 5 }) })).statusCode).toBe(303);
  });

  it('R23 adding a habilitation to a deactivated account reactivates it', async () => {
    const [person] = await newPeople(1);
    await t.deps.db.updateTable('accounts').set({ deactivated_at: new Date() }).where('id', '=', person!.id).execute();
    expect((await grantTo('referentA', [person!.id])).statusCode).toBe(303);
    const row = await t.deps.db.selectFrom('accounts').select('deactivated_at').where('id', '=', person!.id).executeTakeFirstOrThrow();
    expect(row.deactivated_at).toBeNull();
    expect((await audit(person!.id, 'ACCOUNT_REACTIVATED'))[0]!.description).toBe('Réactivation du compte par ajout d’habilitation');
  });

  it('R35 prolongs by a button from today, or shortens to a date; R36 deletion keeps the row visible; R38 rights in French', async () => {
    const [person] = await newPeople(1);
    const [h] = await habilitationsOf(person!.id);
    const agent = await agentFor('referentA');
    const page = await agent.get(`/administration/comptes/${person!.id}`);
    // It ends in 1 year: "+6 mois" and "+1 an" would not prolong it, so they are not offered (R35).
    expect(page.body).not.toContain('+6 mois');
    expect(page.body).toContain(`+2 ans → ${formatDate(addToDate(today, { years: 2 }))}`);
    expect(page.body).toContain('Changer la fin (prolonger ou raccourcir)');
    expect(page.body).toContain('Créer et envoyer des demandes d’admission (prescripteur)');
    const oneYear = addToDate(today, { years: 1 });
    expect((await agent.post(`/administration/comptes/${person!.id}/habilitations/${h!.id}/fin`, { fin: oneYear })).statusCode).toBe(303);
    expect((await habilitationsOf(person!.id))[0]!.end_date).toBe(oneYear);
    expect((await agent.post(`/administration/comptes/${person!.id}/habilitations/${h!.id}/fin`, { fin: today })).statusCode).toBe(303);
    expect((await habilitationsOf(person!.id))[0]!.end_date).toBe(today);
    const confirm = await agent.get(`/administration/comptes/${person!.id}/habilitations/${h!.id}/supprimer`);
    expect(confirm.body).toContain('Oui, supprimer l’habilitation');
    expect((await agent.post(`/administration/comptes/${person!.id}/habilitations/${h!.id}/supprimer`)).statusCode).toBe(303);
    const after = await agent.get(`/administration/comptes/${person!.id}`);
    expect(after.body).toContain('Supprimée le');
    expect(after.body).toContain(`(${world.principals.referentA!.username})`);
    expect(after.body).toContain(formatDate(today));
  });

  it('R33 prolonging or deleting needs the right to grant that profile: a unit referent cannot extend a peer unit referent', async () => {
    const peer = await buildAccount(t.deps.db);
    const h = await buildHabilitation(t.deps.db, { accountId: peer.id, profile: 'REFERENT_UNITE', unitId: world.unitA.id });
    const byPeer = await (await agentFor('unitReferentA')).post(`/administration/comptes/${peer.id}/habilitations/${h.id}/fin`, { fin: addToDate(today, { years: 4 }) });
    expect(byPeer.statusCode).toBe(403);
    const deleteByPeer = await (await agentFor('unitReferentA')).post(`/administration/comptes/${peer.id}/habilitations/${h.id}/supprimer`);
    expect(deleteByPeer.statusCode).toBe(403);
    const row = await t.deps.db.selectFrom('habilitations').select(['end_date', 'deleted_at']).where('id', '=', h.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ end_date: h.end_date, deleted_at: null });
    // The structure referent may grant "Référent unité", so may prolong it.
    expect((await (await agentFor('referentA')).post(`/administration/comptes/${peer.id}/habilitations/${h.id}/fin`, { fin: addToDate(today, { years: 1 }) })).statusCode).toBe(303);
  });

  it('R37 an end date within 15 days is red and within a month orange, with words', async () => {
    const person = await buildAccount(t.deps.db);
    await buildHabilitation(t.deps.db, { accountId: person.id, profile: 'SANITAIRE_RECEVEUR', unitId: world.unitA.id, end: addToDate(today, { days: 10 }) });
    await buildHabilitation(t.deps.db, { accountId: person.id, profile: 'SANITAIRE_PRESCRIPTEUR', unitId: world.unitA.id, end: addToDate(today, { days: 25 }) });
    const page = await (await agentFor('referentA')).get(`/administration/comptes/${person.id}`);
    expect(page.body).toMatch(/class="end--soon">[^<]*<span class="end-notice"> \(expire dans 10 jours\)/);
    expect(page.body).toMatch(/class="end--near">[^<]*<span class="end-notice"> \(expire dans 25 jours\)/);
  });
});

describe('authorization matrix: every route of the administration × every kind of principal', () => {
  // Expected status per principal, in PRINCIPALS order:
  // anonymous, simple user, referent of A, unit referent of A, referent of B, coordination of A's department, region.
  const matrix: { name: string; run: (agent: Agent) => Promise<number>; expected: number[]; before?: () => Promise<void> }[] = [
    { name: 'GET search', run: async (a) => (await a.get('/administration/comptes?q=test')).statusCode, expected: [303, 403, 200, 200, 200, 200, 200] },
    { name: 'GET account of A', run: async (a) => (await a.get(`/administration/comptes/${world.target.id}`)).statusCode, expected: [303, 403, 200, 200, 404, 200, 200] },
    {
      name: 'POST identity of A',
      run: async (a) => (await a.post(`/administration/comptes/${world.target.id}/identite`, { lastName: world.target.last_name, firstName: world.target.first_name, email: world.target.email, phone: `04 67 ${String(Math.floor(Math.random() * 1e6)).padStart(6, '0').replace(/(\d\d)(?=\d)/g, '$1 ')}` })).statusCode,
      expected: [401, 403, 303, 303, 404, 303, 303],
    },
    {
      name: 'POST unblock A',
      before: async () => {
        await t.deps.db.updateTable('accounts').set({ blocked_at: new Date() }).where('id', '=', world.target.id).execute();
      },
      run: async (a) => (await a.post(`/administration/comptes/${world.target.id}/debloquer`)).statusCode,
      expected: [401, 403, 303, 303, 404, 303, 303],
    },
    { name: 'GET grant form', run: async (a) => (await a.get(`/administration/habilitations/attribuer?comptes=${world.target.id}`)).statusCode, expected: [303, 403, 200, 200, 200, 200, 200] },
    {
      name: 'POST change end date of A’s habilitation',
      run: async (a) => {
        const [h] = await t.deps.db.selectFrom('habilitations').select('id').where('account_id', '=', world.target.id).where('deleted_at', 'is', null).orderBy('id').execute();
        return (await a.post(`/administration/comptes/${world.target.id}/habilitations/${h!.id}/fin`, { fin: addToDate(today, { months: 7 }) })).statusCode;
      },
      expected: [401, 403, 303, 303, 404, 303, 303],
    },
    {
      name: 'POST delete A’s habilitation',
      run: async (a) => {
        const h = await buildHabilitation(t.deps.db, { accountId: world.target.id, profile: 'SANITAIRE_RECEVEUR', unitId: world.unitA.id });
        const status = (await a.post(`/administration/comptes/${world.target.id}/habilitations/${h.id}/supprimer`)).statusCode;
        const row = await t.deps.db.selectFrom('habilitations').select('deleted_at').where('id', '=', h.id).executeTakeFirstOrThrow();
        // A refused deletion leaves the row as it was.
        if (status !== 303) expect(row.deleted_at).toBeNull();
        return status;
      },
      expected: [401, 403, 303, 303, 404, 303, 303],
    },
  ];

  for (const route of matrix) {
    it(`${route.name}`, async () => {
      const statuses: number[] = [];
      for (const who of PRINCIPALS) {
        await route.before?.();
        statuses.push(await route.run(await agentFor(who)));
      }
      expect(Object.fromEntries(PRINCIPALS.map((p, i) => [p, statuses[i]]))).toEqual(Object.fromEntries(PRINCIPALS.map((p, i) => [p, route.expected[i]])));
    });
  }
});

describe('R33 R32 authorization matrix: a person with two grant profiles, coordinations of other domains, oneself', () => {
  const m = {} as {
    twoGrants: Account;
    grandAgeCoordination: Account;
    unitB: { id: number };
    ime: { id: number };
    hospital: { id: number };
    imePerson: Account;
    imeHabilitation: number;
    hospitalPerson: Account;
    unitReferentOfA: Account;
    unitReferentHabilitation: number;
  };
  const agentOf = async (account: Account) => {
    const agent = new Agent(t.app);
    agent.cookies.set('habilis_session', (await openTestSession(t.deps.db, account.id)).split('=')[1]!);
    return agent;
  };
  const grant = async (who: Account, to: Account, profile: string, place: string) =>
    (await agentOf(who)).post('/administration/habilitations/attribuer', {
      comptes: String(to.id),
      profil: String(await profileId(t.deps.db, profile)),
      lieu: place,
      debut: today,
      fin: addToDate(today, { years: 1 }),
    });
  const habilitationCount = async (accountId: number) => (await t.deps.db.selectFrom('habilitations').select('id').where('account_id', '=', accountId).execute()).length;

  beforeAll(async () => {
    const db = t.deps.db;
    const holding = async (profile: string, place: Omit<Parameters<typeof buildHabilitation>[1], 'accountId' | 'profile'>) => {
      const account = await buildAccount(db);
      const h = await buildHabilitation(db, { accountId: account.id, profile, ...place });
      return { account, h };
    };
    m.unitB = await buildUnit(db, world.estB.id);
    m.ime = await buildEstablishment(db, { department: '34', name: `IME ${randomUUID().slice(0, 6)}`, domain: 'HANDICAP' });
    m.hospital = await buildEstablishment(db, { department: '34', name: `Hôpital ${randomUUID().slice(0, 6)}`, domain: 'SANITAIRE' });
    // Unit referent of unit A, and structure referent of establishment B.
    m.twoGrants = (await holding('REFERENT_UNITE', { unitId: world.unitA.id })).account;
    await buildHabilitation(db, { accountId: m.twoGrants.id, profile: 'REFERENT_STRUCTURE', establishmentId: world.estB.id });
    m.grandAgeCoordination = (await holding('GRAND_AGE_COORDINATION', { departmentCode: '34' })).account;
    const ime = await holding('HANDICAP_ESMS_ADMINISTRATIF', { establishmentId: m.ime.id });
    m.imePerson = ime.account;
    m.imeHabilitation = ime.h.id;
    m.hospitalPerson = (await holding('REFERENT_STRUCTURE', { establishmentId: m.hospital.id })).account;
    const unitReferent = await holding('REFERENT_UNITE', { unitId: world.unitA.id });
    m.unitReferentOfA = unitReferent.account;
    m.unitReferentHabilitation = unitReferent.h.id;
  });

  it('R33 the two-grant person grants in the unit only what a unit referent grants, and at B what a structure referent grants', async () => {
    const person = await buildAccount(t.deps.db);
    await buildHabilitation(t.deps.db, { accountId: person.id, profile: 'SANITAIRE_PRESCRIPTEUR', unitId: world.unitA.id });
    const refused = await grant(m.twoGrants, person, 'REFERENT_UNITE', `unit:${world.unitA.id}`);
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('Aucune de vos habilitations ne vous permet d’attribuer le profil « Référent unité » sur ce lieu.');
    expect(await habilitationCount(person.id)).toBe(1);
    expect((await grant(m.twoGrants, person, 'SANITAIRE_RECEVEUR', `unit:${world.unitA.id}`)).statusCode).toBe(303);
    expect((await grant(m.twoGrants, person, 'REFERENT_UNITE', `unit:${m.unitB.id}`)).statusCode).toBe(303);
    expect(await habilitationCount(person.id)).toBe(3);
  });

  it('R33 the two-grant person may not prolong or delete, in the unit, a profile only a structure referent grants', async () => {
    const agent = await agentOf(m.twoGrants);
    const end = await agent.post(`/administration/comptes/${m.unitReferentOfA.id}/habilitations/${m.unitReferentHabilitation}/fin`, { fin: addToDate(today, { months: 9 }) });
    expect(end.statusCode).toBe(403);
    const deletion = await agent.post(`/administration/comptes/${m.unitReferentOfA.id}/habilitations/${m.unitReferentHabilitation}/supprimer`);
    expect(deletion.statusCode).toBe(403);
    const row = await t.deps.db.selectFrom('habilitations').select(['end_date', 'deleted_at']).where('id', '=', m.unitReferentHabilitation).executeTakeFirstOrThrow();
    expect(row.deleted_at).toBeNull();
    expect(row.end_date).not.toBe(addToDate(today, { months: 9 }));
  });

  it('R33 the grant page offers the two-grant person only places where some profile is grantable, and those profiles', async () => {
    const page = await (await agentOf(m.twoGrants)).get(`/administration/habilitations/attribuer?comptes=${world.target.id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`value="unit:${world.unitA.id}"`);
    expect(page.body).toContain(`value="unit:${m.unitB.id}"`);
    expect(page.body).toContain(`value="establishment:${world.estB.id}"`);
    expect(page.body).not.toContain(`value="establishment:${world.estA.id}"`);
  });

  it('R33 a Sanitaire coordination neither administers nor grants in a Handicap structure', async () => {
    const coordination = world.principals.coordinationA!;
    const agent = await agentOf(coordination);
    expect((await agent.get(`/administration/comptes/${m.imePerson.id}`)).statusCode).toBe(404);
    expect((await agent.get(`/administration/comptes/${m.hospitalPerson.id}`)).statusCode).toBe(200);
    const medical = await grant(coordination, world.target, 'HANDICAP_ESMS_MEDICAL', `establishment:${m.ime.id}`);
    expect(medical.statusCode).toBe(400);
    expect(medical.body).toContain('Choisissez un profil que vous pouvez attribuer.');
    const referent = await grant(coordination, world.target, 'REFERENT_STRUCTURE', `establishment:${m.ime.id}`);
    expect(referent.statusCode).toBe(400);
    expect(referent.body).toContain('Aucune de vos habilitations ne vous permet d’attribuer le profil « Référent structure » sur ce lieu.');
    const deletion = await agent.post(`/administration/revue/habilitations/${m.imeHabilitation}/suppression`);
    expect(deletion.statusCode).toBe(403);
    expect((await t.deps.db.selectFrom('habilitations').select('deleted_at').where('id', '=', m.imeHabilitation).executeTakeFirstOrThrow()).deleted_at).toBeNull();
    const page = await agent.get(`/administration/habilitations/attribuer?comptes=${world.target.id}`);
    expect(page.body).toContain(`value="establishment:${m.hospital.id}"`);
    expect(page.body).not.toContain(`value="establishment:${m.ime.id}"`);
    expect(page.body).not.toContain('Handicap - ESMS Médical');
  });

  it('R33 a Grand Âge coordination administers no account of a Sanitaire structure or profile', async () => {
    const agent = await agentOf(m.grandAgeCoordination);
    expect((await agent.get(`/administration/comptes/${m.hospitalPerson.id}`)).statusCode).toBe(404);
    expect((await agent.get(`/administration/comptes/${world.target.id}`)).statusCode).toBe(404);
    const granted = await grant(m.grandAgeCoordination, world.target, 'SANITAIRE_RECEVEUR', `unit:${world.unitA.id}`);
    expect(granted.statusCode).toBe(400);
    expect(granted.body).toContain('Choisissez un profil que vous pouvez attribuer.');
  });

  it('R32 the two-grant person grants, prolongs and deletes nothing of their own', async () => {
    const own = await buildHabilitation(t.deps.db, { accountId: m.twoGrants.id, profile: 'SANITAIRE_PRESCRIPTEUR', unitId: m.unitB.id });
    const self = await grant(m.twoGrants, m.twoGrants, 'SANITAIRE_RECEVEUR', `unit:${m.unitB.id}`);
    expect(self.statusCode).toBe(403);
    expect(self.body).toContain('Vous ne pouvez pas vous attribuer une habilitation');
    const agent = await agentOf(m.twoGrants);
    expect((await agent.post(`/administration/revue/habilitations/${own.id}/date-de-fin`, { endDate: addToDate(today, { years: 2 }), retour: '/administration/revue' })).statusCode).toBe(403);
    expect((await agent.post(`/administration/revue/habilitations/${own.id}/suppression`)).statusCode).toBe(403);
    expect(await t.deps.db.selectFrom('habilitations').select(['end_date', 'deleted_at']).where('id', '=', own.id).executeTakeFirstOrThrow()).toEqual({ end_date: own.end_date, deleted_at: null });
  });
});
