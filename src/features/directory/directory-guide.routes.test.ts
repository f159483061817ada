/**
 * The directory through HTTP on what the ROR guide adds (issue 16): search with or without accents
 * in any case (R52), the MSSanté address shown as such, closures on the sheet, and the contact
 * fields the ROR does not send left to the referent (R50, R51).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { buildTestApp, type TestApp } from '../../../test/test-app.js';
import { Agent } from '../../../test/agent.js';
import { buildAccount, buildEstablishment, buildHabilitation, buildUnit, ensureTerritory, openTestSession } from '../../../test/factories.js';
import type { Account } from '../../db/schema.js';

let t: TestApp;
const tag = randomUUID().slice(0, 8);
const world = {} as { beziers: { id: number; name: string }; referent: Account; professional: Account };

async function agentFor(account: Account): Promise<Agent> {
  const agent = new Agent(t.app);
  agent.cookies.set('habilis_session', (await openTestSession(t.deps.db, account.id)).split('=')[1]!);
  await agent.get('/');
  return agent;
}

beforeAll(async () => {
  t = await buildTestApp();
  const db = t.deps.db;
  await ensureTerritory(db, '76', '34');
  const beziers = await buildEstablishment(db, { department: '34', name: `Clinique Saint-Privat Béziers ${tag}` });
  await db
    .updateTable('establishments')
    .set({
      ror_synced: true,
      ror_id: `guide-${tag}`,
      city: `Béziers${tag}`,
      postcode: '34500',
      address: `Rue de l’Église ${tag}`,
      phone: '04 67 00 00 00',
      phone_from_ror: true,
      email: null,
      email_from_ror: false,
      mssante: `accueil@clinique-${tag}.mssante.fr`,
      closes_on: '2026-01-15',
      closure_type: 'temporary',
      reopens_on: '2099-02-01',
      closed_at: new Date('2026-01-14T23:00:00Z'),
    })
    .where('id', '=', beziers.id)
    .execute();
  world.beziers = { id: beziers.id, name: beziers.name };
  const unit = await buildUnit(db, beziers.id, `Cardiologie ${tag}`);
  await db
    .insertInto('establishment_services')
    .values({ ror_id: `svc-${tag}`, establishment_id: beziers.id, unit_id: unit.id, name: `Échographie cardiaque ${tag}` })
    .execute();
  world.referent = await buildAccount(db);
  await buildHabilitation(db, { accountId: world.referent.id, profile: 'REFERENT_STRUCTURE', establishmentId: beziers.id });
  world.professional = await buildAccount(db);
  await buildHabilitation(db, { accountId: world.professional.id, profile: 'SANITAIRE_PRESCRIPTEUR', unitId: unit.id });
});
afterAll(async () => {
  await t.close();
});

describe('R52 search with or without accents, in any case', () => {
  it('R52 names, towns and addresses of establishments: "Béziers", "BEZIERS" and "beziers" find the same', async () => {
    const agent = await agentFor(world.professional);
    const found = (body: string) => body.includes(`href="/annuaire/etablissements/${world.beziers.id}"`);
    for (const spelling of ['Béziers', 'BEZIERS', 'beziers']) {
      const base = `fermes=1&departement=34`;
      expect(found((await agent.get(`/annuaire/etablissements?${base}&nom=${encodeURIComponent(`saint-privat ${spelling} ${tag}`)}`)).body), `nom ${spelling}`).toBe(true);
      expect(found((await agent.get(`/annuaire/etablissements?${base}&commune=${encodeURIComponent(`${spelling}${tag}`)}`)).body), `commune ${spelling}`).toBe(true);
    }
    for (const spelling of ['l’Église', 'L’EGLISE', 'l’eglise']) {
      expect(found((await agent.get(`/annuaire/etablissements?fermes=1&adresse=${encodeURIComponent(`${spelling} ${tag}`)}`)).body), `adresse ${spelling}`).toBe(true);
    }
    expect(found((await agent.get(`/annuaire/etablissements?fermes=1&commune=${encodeURIComponent(`nimes${tag}`)}`)).body)).toBe(false);
  });

  it('R52 services by their name and by their establishment’s town, accents and case ignored', async () => {
    const agent = await agentFor(world.professional);
    for (const [name, town] of [
      [`Échographie cardiaque ${tag}`, `Béziers${tag}`],
      [`ECHOGRAPHIE CARDIAQUE ${tag}`, `BEZIERS${tag}`],
      [`echographie cardiaque ${tag}`, `beziers${tag}`],
    ]) {
      const response = await agent.get(`/annuaire/services?fermes=1&nom=${encodeURIComponent(name!)}&commune=${encodeURIComponent(town!)}`);
      expect(response.body, `${name} ${town}`).toContain(`Échographie cardiaque ${tag}`);
      expect(response.body).toContain('1 service – page 1 sur 1');
    }
    const units = await agent.get(`/annuaire/unites?nom=${encodeURIComponent(`CARDIOLOGIE ${tag}`)}`);
    expect(units.body).toContain(`Cardiologie ${tag}`);
  });
});

describe('R50 R51 what the guide adds to a sheet', () => {
  it('R50 the MSSanté address is shown as such, never as the e-mail; a temporary closure says until when', async () => {
    const agent = await agentFor(world.professional);
    const sheet = await agent.get(`/annuaire/etablissements/${world.beziers.id}`);
    expect(sheet.statusCode).toBe(200);
    expect(sheet.body).toContain(`<dt>Messagerie sécurisée de santé (MSSanté)</dt><dd>accueil@clinique-${tag}.mssante.fr</dd>`);
    expect(sheet.body).toContain('<dt>Adresse e-mail</dt><dd>Non renseignée</dd>');
    expect(sheet.body).toContain('Fermé temporairement depuis le 15/01/2026 00:00, jusqu’au 01/02/2099');
    // Closed establishments are left out of a search unless asked for.
    expect((await agent.get(`/annuaire/etablissements?nom=${encodeURIComponent(`saint-privat béziers ${tag}`)}`)).body).toContain('Aucun établissement ne correspond');
  });

  it('R50 R51 a contact field the ROR does not send is the referent’s: editable and saved, the ROR’s stay read-only', async () => {
    const agent = await agentFor(world.referent);
    const form = await agent.get(`/annuaire/etablissements/${world.beziers.id}/modifier`);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('name="email"');
    expect(form.body).not.toContain('name="phone"');
    expect(form.body).not.toContain('name="name"');
    const saved = await agent.post(`/annuaire/etablissements/${world.beziers.id}/modifier`, { email: 'secretariat@clinique.fr', phone: '01 02 03 04 05', name: 'Nom forcé', description: '' });
    expect(saved.statusCode).toBe(303);
    const row = await t.deps.db.selectFrom('establishments').select(['email', 'phone', 'name']).where('id', '=', world.beziers.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ email: 'secretariat@clinique.fr', phone: '04 67 00 00 00', name: world.beziers.name });
    const event = await t.deps.db
      .selectFrom('audit_events')
      .select(['details'])
      .where('code', '=', 'DIRECTORY_ESTABLISHMENT_UPDATED')
      .where('actor_account_id', '=', world.referent.id)
      .executeTakeFirstOrThrow();
    expect(event.details).toMatchObject({ establishmentId: world.beziers.id, fields: ['email'] });
    const bad = await agent.post(`/annuaire/etablissements/${world.beziers.id}/modifier`, { email: 'pas une adresse' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Saisissez une adresse e-mail valide');
  });
});
