/** The directory through HTTP: search of establishments and services and sheets (R52), referent edits (R50, R51), sync button. */
import { beforeAll, describe, expect, it } from 'vitest';
import { randomInt } from 'node:crypto';
import { sql } from 'kysely';
import { addService, agentFor, t, tag, triggered, useDirectoryWorld, world } from '../../../test/directory-world.js';
import { buildAccount, buildEstablishment, buildHabilitation } from '../../../test/factories.js';

useDirectoryWorld();

describe('directory search and sheets', () => {
  it('R52 every signed-in professional searches by name, FINESS, category, department and town, page by page', async () => {
    const agent = await agentFor(world.professional);
    const byName = await agent.get(`/annuaire/etablissements?nom=${encodeURIComponent(`synchro ${tag}`)}`);
    expect(byName.statusCode).toBe(200);
    expect(byName.body).toContain(`href="/annuaire/etablissements/${world.synced.id}"`);
    expect(byName.body).toContain('1 établissement – page 1 sur 1');
    for (const query of [`finess=${world.synced.finess}`, `categorie=${encodeURIComponent(`catégorie ${tag}`)}`, `commune=${encodeURIComponent(`sète${tag}`)}&departement=34`]) {
      const response = await agent.get(`/annuaire/etablissements?${query}`);
      expect(response.body, query).toContain(`/annuaire/etablissements/${world.synced.id}"`);
    }
    const wrongDepartment = await agent.get(`/annuaire/etablissements?nom=${encodeURIComponent(`synchro ${tag}`)}&departement=30`);
    expect(wrongDepartment.body).toContain('Aucun établissement ne correspond');

    const page1 = await agent.get(`/annuaire/etablissements?nom=${encodeURIComponent(`pagination ${tag}`)}`);
    expect(page1.body).toContain('23 établissements – page 1 sur 2');
    expect(page1.body).toContain(`Pagination ${tag} 00`);
    expect(page1.body).not.toContain(`Pagination ${tag} 20`);
    const page2 = await agent.get(`/annuaire/etablissements?nom=${encodeURIComponent(`pagination ${tag}`)}&page=2`);
    expect(page2.body).toContain(`Pagination ${tag} 22`);
    // Nonsense parameters are ignored, never a 500.
    expect((await agent.get('/annuaire/etablissements?page=-4&departement=%27%3B&nom[]=x')).statusCode).toBe(200);
  });

  it('R52 the sheet shows identity, address, units and the ROR marker; anonymous visitors go to the login', async () => {
    const agent = await agentFor(world.professional);
    const sheet = await agent.get(`/annuaire/etablissements/${world.synced.id}`);
    expect(sheet.statusCode).toBe(200);
    expect(sheet.body).toContain(world.synced.name);
    expect(sheet.body).toContain(world.synced.finess);
    expect(sheet.body).toContain('Pédiatrie');
    expect(sheet.body).toContain('Synchronisé ROR');
    expect(sheet.body).not.toContain('Modifier la fiche');
    expect((await agent.get('/annuaire/etablissements/999999999')).statusCode).toBe(404);
    expect((await agent.get('/annuaire/etablissements/abc')).statusCode).toBe(404);
    const units = await agent.get('/annuaire/unites?nom=diatrie');
    expect(units.statusCode).toBe(200);
    expect(units.body).toContain(`href="/annuaire/etablissements/${world.synced.id}"`);

    const anonymous = await agentFor(null);
    const refused = await anonymous.get('/annuaire/etablissements');
    expect(refused.statusCode).toBe(303);
    expect(refused.headers.location).toContain('/connexion');
  });
});

describe('R25 banner on the structure’s own sheet', () => {
  it('R25 the referents of a structure with a single referent see the banner; a second referent removes it', async () => {
    const establishment = await buildEstablishment(t.deps.db, { department: '30', name: `Structure Seule ${tag}` });
    const only = await buildAccount(t.deps.db);
    await buildHabilitation(t.deps.db, { accountId: only.id, profile: 'REFERENT_STRUCTURE', establishmentId: establishment.id });
    const agent = await agentFor(only);
    const before = await agent.get(`/annuaire/etablissements/${establishment.id}`);
    expect(before.body).toContain('Moins de 2 référents');
    expect(before.body).toContain('un seul référent structure actif');
    const second = await buildAccount(t.deps.db);
    await buildHabilitation(t.deps.db, { accountId: second.id, profile: 'REFERENT_STRUCTURE', establishmentId: establishment.id });
    expect((await agent.get(`/annuaire/etablissements/${establishment.id}`)).body).not.toContain('Moins de 2 référents');
  });
});

describe('referent edits', () => {
  it('R50 R51 on a synchronised establishment the ROR fields are read-only and the description, itinerary and unit code are saved and audited', async () => {
    const agent = await agentFor(world.referent);
    const form = await agent.get(`/annuaire/etablissements/${world.synced.id}/modifier`);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('synchronisé ROR');
    expect(form.body).toContain('dernière synchronisation le');
    expect(form.body).not.toContain('name="name"');
    expect(form.body).not.toContain('name="finess"');
    expect(form.body).toContain(`name="unit-${world.unit.id}"`);

    const saved = await agent.post(`/annuaire/etablissements/${world.synced.id}/modifier`, {
      description: 'Clinique de 120 lits.',
      accessItinerary: 'Tram ligne 1, arrêt Hôpital.',
      [`unit-${world.unit.id}`]: 'PED-01',
      name: 'Nom forcé',
      finess: '123456789',
    });
    expect(saved.statusCode).toBe(303);
    const row = await t.deps.db.selectFrom('establishments').select(['name', 'finess', 'description', 'access_itinerary']).where('id', '=', world.synced.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ name: world.synced.name, finess: world.synced.finess, description: 'Clinique de 120 lits.', access_itinerary: 'Tram ligne 1, arrêt Hôpital.' });
    const unit = await t.deps.db.selectFrom('units').select('internal_code').where('id', '=', world.unit.id).executeTakeFirstOrThrow();
    expect(unit.internal_code).toBe('PED-01');
    const events = await t.deps.db
      .selectFrom('audit_events')
      .selectAll()
      .where('code', '=', 'DIRECTORY_ESTABLISHMENT_UPDATED')
      .where('actor_account_id', '=', world.referent.id)
      .execute();
    expect(events).toHaveLength(1);
    expect(events[0]!.subject_account_id).toBeNull();
    expect(events[0]!.details).toMatchObject({ establishmentId: world.synced.id, fields: ['description', 'access_itinerary', `unit:${world.unit.id}:internal_code`] });
    expect((await agent.get(`/annuaire/etablissements/${world.synced.id}`)).body).toContain('Clinique de 120 lits.');
  });

  it('R50 an unsynchronised establishment is fully editable by its referent, with French messages for bad values', async () => {
    const agent = await agentFor(world.referent);
    const form = await agent.get(`/annuaire/etablissements/${world.local.id}/modifier`);
    expect(form.body).toContain('name="name"');
    expect(form.body).toContain('Non synchronisé');
    const bad = await agent.post(`/annuaire/etablissements/${world.local.id}/modifier`, { finess: '12', name: '', category: 'EHPAD', postcode: '3000', description: 'x' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Le numéro FINESS compte 9 caractères');
    expect(bad.body).toContain('Le code postal compte 5 chiffres.');
    // Longer than its field: refused at the field by the input gate (issue 12), before the sheet's rules.
    const long = await agent.post(`/annuaire/etablissements/${world.local.id}/modifier`, { finess: '12', name: '', category: 'EHPAD', postcode: '3000', description: 'x'.repeat(4001) });
    expect(long.statusCode).toBe(400);
    expect(long.body).toContain('La description : 4000 caractères au plus.');
    const finess = `98${String(randomInt(0, 10_000_000)).padStart(7, '0')}`;
    const ok = await agent.post(`/annuaire/etablissements/${world.local.id}/modifier`, { finess, name: `Maison Renommée ${tag}`, category: 'EHPAD', postcode: '30000', city: 'Nîmes', address: '', phone: '', email: '', description: '' });
    expect(ok.statusCode).toBe(303);
    const row = await t.deps.db.selectFrom('establishments').select(['finess', 'name', 'category', 'city']).where('id', '=', world.local.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ finess, name: `Maison Renommée ${tag}`, category: 'EHPAD', city: 'Nîmes' });
  });

  it('R50 only the referents of the establishment may edit it', async () => {
    for (const account of [world.otherReferent, world.professional]) {
      const agent = await agentFor(account);
      expect((await agent.get(`/annuaire/etablissements/${world.synced.id}/modifier`)).statusCode).toBe(403);
      expect((await agent.post(`/annuaire/etablissements/${world.synced.id}/modifier`, { description: 'pirate' })).statusCode).toBe(403);
    }
    const row = await t.deps.db.selectFrom('establishments').select('description').where('id', '=', world.synced.id).executeTakeFirstOrThrow();
    expect(row.description).not.toBe('pirate');
  });
});

describe('R50 synchronisation button', () => {
  it('R50 a regional administrator sees the runs and asks for a synchronisation; a structure referent cannot', async () => {
    const admin = await agentFor(world.region);
    const counts = { created: 3, updated: 1, closed: 2, unchanged: 4 };
    await t.deps.db
      .insertInto('directory_sync_runs')
      .values({ kind: 'full', status: 'succeeded', finished_at: new Date(), counts_by_kind: JSON.stringify({ organizations: counts, locations: counts, services: { ...counts, created: 7 } }) })
      .execute();
    const page = await admin.get('/annuaire/synchronisation');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Synchroniser maintenant');
    expect(page.body).toContain('Services : 7 créé(s), 1 mis à jour, 2 fermé(s), 4 inchangé(s)');
    expect(page.body).toContain('Lieux : 3 créé(s)');
    const response = await admin.post('/annuaire/synchronisation');
    expect(response.statusCode).toBe(303);
    expect(triggered).toEqual(['directory-sync']);
    const events = await t.deps.db.selectFrom('audit_events').select('code').where('actor_account_id', '=', world.region.id).where('code', '=', 'DIRECTORY_SYNC_REQUESTED').execute();
    expect(events).toHaveLength(1);

    const referent = await agentFor(world.referent);
    expect((await referent.get('/annuaire/synchronisation')).statusCode).toBe(403);
    expect((await referent.post('/annuaire/synchronisation')).statusCode).toBe(403);
    expect(triggered).toHaveLength(1);
  });
});

describe('R52 search of services', () => {
  const services: Record<string, number> = {};
  beforeAll(async () => {
    const db = t.deps.db;
    await db.updateTable('establishments').set({ domain_code: 'GRAND_AGE', city: `Uzès${tag}` }).where('id', '=', world.other.id).execute();
    const place = await db
      .insertInto('establishment_locations')
      .values({ ror_id: `loc-${tag}`, establishment_id: world.synced.id, name: `Bâtiment ${tag}`, address: '2 quai de la Marine', postcode: '34200', city: 'Sète', latitude: 43.4028, longitude: 3.6928 })
      .returning('id')
      .executeTakeFirstOrThrow();
    services.consult = (await addService(world.synced.id, { name: `Consultations ${tag}`, category: 'Médecine', specialties: `Cardiopédiatrie${tag}`, unitId: world.unit.id, locationId: place.id })).id;
    services.hebergement = (await addService(world.other.id, { name: `Hébergement ${tag}`, category: `Hébergement${tag}` })).id;
    services.closed = (await addService(world.synced.id, { name: `Ancien service ${tag}`, category: 'Médecine' })).id;
    await db.updateTable('establishment_services').set({ closed_at: new Date() }).where('id', '=', services.closed).execute();
    for (let i = 0; i < 23; i += 1) await addService(world.other.id, { name: `Pagination service ${tag} ${String(i).padStart(2, '0')}` });
  });

  it('R52 professionals search services by name, category or specialty, FINESS, domain, department and town', async () => {
    const agent = await agentFor(world.professional);
    const search = async (query: Record<string, string>) => {
      const response = await agent.get(`/annuaire/services?${new URLSearchParams(query).toString()}`);
      expect(response.statusCode).toBe(200);
      return response.body;
    };
    const byName = await search({ nom: `consultations ${tag}` });
    expect(byName).toContain('1 service – page 1 sur 1');
    expect(byName).toContain(`href="/annuaire/etablissements/${world.synced.id}"`);
    expect(byName).toContain('Pédiatrie');
    expect(await search({ categorie: `cardiopédiatrie${tag}` })).toContain(`Consultations ${tag}`);
    expect(await search({ categorie: `hébergement${tag}` })).toContain(`Hébergement ${tag}`);
    // Accents and case are ignored.
    expect(await search({ nom: `HEBERGEMENT ${tag}` })).toContain(`Hébergement ${tag}`);
    expect(await search({ categorie: `cardiopediatrie${tag}` })).toContain(`Consultations ${tag}`);
    expect(await search({ nom: tag, finess: world.synced.finess })).toContain(`Consultations ${tag}`);
    expect(await search({ nom: tag, finess: world.synced.finess })).not.toContain(`Hébergement ${tag}`);
    // Domain, department and town are the establishment's.
    const sanitaire = await search({ nom: tag, domaine: 'SANITAIRE' });
    expect(sanitaire).toContain(`Consultations ${tag}`);
    expect(sanitaire).not.toContain(`Hébergement ${tag}`);
    const grandAge = await search({ nom: tag, domaine: 'GRAND_AGE', departement: '30' });
    expect(grandAge).toContain(`Hébergement ${tag}`);
    expect(grandAge).not.toContain(`Consultations ${tag}`);
    expect(await search({ nom: `consultations ${tag}`, departement: '30' })).toContain('Aucun service ne correspond');
    expect(await search({ commune: `uzès${tag}`, nom: `hébergement ${tag}` })).toContain(`Hébergement ${tag}`);
    expect(await search({ commune: `sète${tag}`, nom: `hébergement ${tag}` })).toContain('Aucun service ne correspond');
    // A closed service only on request.
    expect(await search({ nom: `ancien service ${tag}` })).toContain('Aucun service ne correspond');
    expect(await search({ nom: `ancien service ${tag}`, fermes: '1' })).toContain('Fermé');
    // Nonsense parameters are ignored, never a 500.
    expect((await agent.get('/annuaire/services?domaine=%3Cscript%3E&page=abc&nom[]=x')).statusCode).toBe(200);
    expect((await (await agentFor(null)).get('/annuaire/services')).statusCode).toBe(303);
  });

  it('R52 service results are paginated, 20 a page, the filters kept from page to page', async () => {
    const agent = await agentFor(world.professional);
    const page1 = await agent.get(`/annuaire/services?nom=${encodeURIComponent(`pagination service ${tag}`)}&domaine=GRAND_AGE`);
    expect(page1.body).toContain('23 services – page 1 sur 2');
    expect(page1.body).toContain(`Pagination service ${tag} 19`);
    expect(page1.body).not.toContain(`Pagination service ${tag} 20`);
    expect(page1.body).toContain(`href="/annuaire/services?nom=${encodeURIComponent(`pagination service ${tag}`).replace(/%20/g, '+')}&amp;domaine=GRAND_AGE&amp;page=2"`);
    const page2 = await agent.get(`/annuaire/services?nom=${encodeURIComponent(`pagination service ${tag}`)}&domaine=GRAND_AGE&page=2`);
    expect(page2.body).toContain(`Pagination service ${tag} 22`);
    expect(page2.body).not.toContain(`Pagination service ${tag} 19`);
  });

  it('R52 a broad services search counts up to 1 000, asks to narrow it and shows 50 pages at most', async () => {
    await t.deps.db
      .insertInto('establishment_services')
      .columns(['ror_id', 'establishment_id', 'name'])
      .expression(sql`SELECT ${`wide-${tag}-`} || n, ${world.other.id}, ${`Large ${tag} `} || lpad(n::text, 4, '0') FROM generate_series(1, 1005) AS n`)
      .execute();
    const agent = await agentFor(world.professional);
    // French number formatting separates thousands with a narrow no-break space.
    const page = async (query: string) => (await agent.get(`/annuaire/services?${query}`)).body.replace(/[\u202f\u00a0]/g, ' ');
    const first = await page(`nom=${encodeURIComponent(`large ${tag}`)}`);
    expect(first).toContain('Plus de 1 000 services correspondent');
    expect(first).toContain('Plus de 1 000 services – page 1 sur 50');
    expect(first).toContain(`Large ${tag} 0001`);
    const beyond = await page(`nom=${encodeURIComponent(`large ${tag}`)}&page=70`);
    expect(beyond).toContain('page 50 sur 50');
    expect(beyond).toContain(`Large ${tag} 0981`);
    expect(beyond).not.toContain('rel="next"');
    const narrowed = await page(`nom=${encodeURIComponent(`large ${tag} 00`)}`);
    expect(narrowed).toContain('99 services – page 1 sur 5');
    expect(narrowed).not.toContain('Plus de');
  });

  it('R52 beyond 1 000 matches, pages list in name order the services with a word starting with the search', async () => {
    const word = `cardio${tag}`.toLowerCase();
    await t.deps.db
      .insertInto('establishment_services')
      .columns(['ror_id', 'establishment_id', 'name'])
      .expression(sql`SELECT ${`band-${tag}-`} || n, ${world.other.id}, (ARRAY['Zèbre', 'Ours', 'Gazelle'])[n % 3 + 1] || ' ' || ${word} || ' ' || lpad(n::text, 4, '0') FROM generate_series(1, 1005) AS n`)
      .execute();
    // A name with the text inside a word, first in name order: not in the word band.
    await t.deps.db.insertInto('establishment_services').values({ ror_id: `band-${tag}-infix`, establishment_id: world.other.id, name: `Aardvark x${word}` }).execute();
    const agent = await agentFor(world.professional);
    const body = (await agent.get(`/annuaire/services?nom=${encodeURIComponent(word)}`)).body.replace(/[\u202f\u00a0]/g, ' ');
    expect(body).toContain('Plus de 1 000 services correspondent');
    const names = [...body.matchAll(new RegExp(`(Gazelle|Ours|Zèbre|Aardvark) x?${word}( \\d{4})?`, 'g'))].map((m) => m[0]);
    expect(names).toHaveLength(20);
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b, 'fr')));
    expect(names[0]).toBe(`Gazelle ${word} 0002`);
    expect(names).not.toContain(`Aardvark x${word}`);
    // A renamed service leaves its old words: the index follows the name.
    await t.deps.db.updateTable('establishment_services').set({ name: `Renommé ${tag}` }).where('ror_id', '=', `band-${tag}-2`).execute();
    const after = (await agent.get(`/annuaire/services?nom=${encodeURIComponent(word)}`)).body;
    expect(after).not.toContain(`Gazelle ${word} 0002`);
    expect(after).toContain(`Gazelle ${word} 0005`);
  });

  it('R52 establishments are searched by domain too, and the sheet shows the domain, the services and the places', async () => {
    const agent = await agentFor(world.professional);
    const sanitaire = await agent.get(`/annuaire/etablissements?nom=${encodeURIComponent(`synchro ${tag}`)}&domaine=SANITAIRE`);
    expect(sanitaire.body).toContain(`/annuaire/etablissements/${world.synced.id}"`);
    expect(sanitaire.body).toContain('Sanitaire');
    const handicap = await agent.get(`/annuaire/etablissements?nom=${encodeURIComponent(`synchro ${tag}`)}&domaine=HANDICAP`);
    expect(handicap.body).toContain('Aucun établissement ne correspond');

    const sheet = await agent.get(`/annuaire/etablissements/${world.synced.id}`);
    expect(sheet.body).toMatch(/<dt>Domaine<\/dt><dd>Sanitaire<\/dd>/);
    expect(sheet.body).toContain(`Consultations ${tag}`);
    expect(sheet.body).toContain(`Médecine – Cardiopédiatrie${tag}`);
    expect(sheet.body).toContain(`Bâtiment ${tag} – 2 quai de la Marine, 34200 Sète`);
    expect(sheet.body).toContain('latitude 43,4028, longitude 3,6928');
    // The closed service is listed, marked closed.
    expect(sheet.body).toMatch(new RegExp(`Ancien service ${tag}</td>.*?Fermé`, 's'));
  });
});
