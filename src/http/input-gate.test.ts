/**
 * The symptoms of issue 12, named by what they send: each once answered a 500, "enregistré" while
 * erasing a stored value, or opened the wrong account. The input gate (src/platform/input.ts)
 * answers them all with a French 4xx at the field, and what was stored stays.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { agentFor, t, upload, useDirectoryWorld, world } from '../../test/directory-world.js';
import { uniqueMobile } from '../../test/factories.js';
import { buildPdf } from '../../test/pdf.js';
import { Agent } from '../../test/agent.js';

useDirectoryWorld();

const STORED = { phone: '04 67 12 34 56', profession: 'Infirmier' };
let mobile: string;

beforeAll(async () => {
  mobile = uniqueMobile();
  await t.deps.db.updateTable('accounts').set({ mobile_phone: mobile, phone: STORED.phone, profession: STORED.profession }).where('id', '=', world.professional.id).execute();
});

const stored = () =>
  t.deps.db.selectFrom('accounts').select(['last_name', 'first_name', 'email', 'phone', 'mobile_phone', 'profession']).where('id', '=', world.professional.id).executeTakeFirstOrThrow();

/** The identity form as its page sends it, with one field changed. */
const identity = (changes: Record<string, string>) => ({
  lastName: world.professional.last_name,
  firstName: world.professional.first_name,
  email: world.professional.email,
  phone: STORED.phone,
  fax: '',
  mobilePhone: mobile,
  profession: STORED.profession,
  currentPassword: '',
  ...changes,
});

const frenchPage = (body: string) => expect(body).toContain('<html lang="fr"');

describe('issue 12 symptoms: NUL bytes never reach PostgreSQL', () => {
  for (const url of [
    '/annuaire/etablissements?nom=Cli%00nique',
    '/annuaire/etablissements?commune=S%00te',
    '/annuaire/services?nom=%00',
    '/annuaire/unites?nom=P%00',
    '/administration/comptes?q=dup%00ont',
    '/administration/revue?domaine=SANITAIRE&coordination=34&structure=1&retour=%00',
  ]) {
    it(`a NUL byte in a search (${url}) answers a French 400, never a 500`, async () => {
      const agent = await agentFor(world.referent);
      const response = await agent.get(url);
      expect(response.statusCode).toBe(400);
      frenchPage(response.body);
      expect(response.body).toContain('caractères de contrôle');
    });
  }

  it('a NUL byte in a directory form (the sheet’s description) is refused at its field; the sheet stays', async () => {
    const before = await t.deps.db.selectFrom('establishments').select(['description', 'name']).where('id', '=', world.local.id).executeTakeFirstOrThrow();
    const agent = await agentFor(world.referent);
    const response = await agent.post(`/annuaire/etablissements/${world.local.id}/modifier`, { name: 'Maison\u0000', category: 'EHPAD', description: 'Accueil\u0000de jour' });
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('La description contient des caractères de contrôle invisibles');
    expect(response.body).toContain('id="description-error"');
    expect(await t.deps.db.selectFrom('establishments').select(['description', 'name']).where('id', '=', world.local.id).executeTakeFirstOrThrow()).toEqual(before);
  });

  it('a NUL byte in a login or forgotten-password username answers a French 400, never a 500', async () => {
    for (const [url, fields] of [
      ['/connexion', { username: 'hmar\u0000tin', password: 'x' }],
      ['/mot-de-passe-oublie', { username: 'hmar\u0000tin' }],
    ] as const) {
      const response = await new Agent(t.app).post(url, fields);
      expect(response.statusCode, url).toBe(400);
      frenchPage(response.body);
    }
  });
});

describe('issue 12 symptoms: a value too long is refused at its field, never stored cut or empty', () => {
  it('a 10 000-character mobile number in Mon compte is refused at its field, and the stored mobile stays', async () => {
    const before = await stored();
    const agent = await agentFor(world.professional);
    const response = await agent.post('/mon-compte/informations', identity({ mobilePhone: '0'.repeat(10_000) }));
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('Le téléphone mobile : 30 caractères au plus.');
    expect(response.body).toContain('id="mobilePhone-error"');
    expect(await stored()).toEqual(before);
    expect(before.mobile_phone).not.toBeNull();
  });

  it('a 10 000-character mobile number from a referent is refused at its field, and the stored mobile stays', async () => {
    const before = await stored();
    const agent = await agentFor(world.referent);
    const response = await agent.post(`/administration/comptes/${world.professional.id}/identite`, identity({ mobilePhone: '6'.repeat(10_000) }));
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('Le téléphone mobile : 30 caractères au plus.');
    expect(await stored()).toEqual(before);
  });

  it('a 60-digit phone number is refused at its field, and the stored phone stays', async () => {
    const before = await stored();
    const agent = await agentFor(world.professional);
    const response = await agent.post('/mon-compte/informations', identity({ phone: '4'.repeat(60) }));
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('Le téléphone : 30 caractères au plus.');
    expect((await stored()).phone).toBe(STORED.phone);
    expect(await stored()).toEqual(before);
  });

  it('a 300-character profession is refused at its field, and the stored profession stays', async () => {
    const before = await stored();
    for (const agent of [await agentFor(world.professional), await agentFor(world.referent)]) {
      const url = agent.cookies.size && (await agent.get('/administration/comptes')).statusCode === 200 ? `/administration/comptes/${world.professional.id}/identite` : '/mon-compte/informations';
      const response = await agent.post(url, identity({ profession: 'p'.repeat(300) }));
      expect(response.statusCode, url).toBe(400);
      expect(response.body).toContain('La profession : 100 caractères au plus.');
    }
    expect((await stored()).profession).toBe(STORED.profession);
    expect(await stored()).toEqual(before);
  });
});

describe('issue 12 symptoms: ids are strict positive decimal integers', () => {
  it('` N`, `0N`, `0x…`, `N e0`, `N.0`, `+N`, `-N`, 2⁶³ and 2³¹ never open account N (404, French page)', async () => {
    const id = world.professional.id;
    const agent = await agentFor(world.referent);
    const genuine = await agent.get(`/administration/comptes/${id}`);
    expect(genuine.statusCode).toBe(200);
    expect(genuine.body).toContain(world.professional.username);
    for (const variant of [` ${id}`, `0${id}`, `0x${id.toString(16)}`, `${id}e0`, `${id / 10}e1`, `${id}.0`, `+${id}`, `-${id}`, '9223372036854775808', '2147483648', `${id} `]) {
      const response = await agent.get(`/administration/comptes/${encodeURIComponent(variant)}`);
      expect(response.statusCode, JSON.stringify(variant)).toBe(404);
      frenchPage(response.body);
      expect(response.body, JSON.stringify(variant)).not.toContain(world.professional.username);
      const post = await agent.post(`/administration/comptes/${encodeURIComponent(variant)}/bloquer`);
      expect(post.statusCode, `POST ${JSON.stringify(variant)}`).toBe(404);
    }
    expect((await t.deps.db.selectFrom('accounts').select('blocked_at').where('id', '=', id).executeTakeFirstOrThrow()).blocked_at).toBeNull();
  });
});

describe('issue 12 symptoms found by the fuzz over the route table', () => {
  it('R36 R35 a habilitation of another account under /administration/comptes/:id/… answers 404 and changes nothing (it used to be deleted first)', async () => {
    const habilitation = await t.deps.db.selectFrom('habilitations').select(['id', 'end_date', 'deleted_at']).where('account_id', '=', world.professional.id).executeTakeFirstOrThrow();
    const agent = await agentFor(world.referent);
    const elsewhere = `/administration/comptes/${world.referent.id}/habilitations/${habilitation.id}`;
    expect((await agent.post(`${elsewhere}/supprimer`)).statusCode).toBe(404);
    expect((await agent.post(`${elsewhere}/fin`, { fin: '2030-01-01' })).statusCode).toBe(404);
    expect(await t.deps.db.selectFrom('habilitations').select(['id', 'end_date', 'deleted_at']).where('id', '=', habilitation.id).executeTakeFirstOrThrow()).toEqual(habilitation);
    // The referent may change it: under its holder's URL, the same request goes through.
    const own = await agent.post(`/administration/comptes/${world.professional.id}/habilitations/${habilitation.id}/fin`, { fin: habilitation.end_date });
    expect(own.statusCode).toBe(303);
  });
});

describe('issue 12 symptoms: upload names', () => {
  const url = () => `/annuaire/etablissements/${world.local.id}/documents`;
  const documents = async () => (await t.deps.db.selectFrom('establishment_documents').select('id').where('establishment_id', '=', world.local.id).execute()).length;

  it('a document title full of control characters is refused at its field, and nothing is stored', async () => {
    const agent = await agentFor(world.referent);
    const before = await documents();
    const response = await upload(agent, url(), { field: 'document', filename: 'livret.pdf', type: 'application/pdf', data: buildPdf() }, { documentTitle: 'Livret\u0007\u001b[2J\u0000\u0008 d’accueil' });
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('contient des caractères de contrôle invisibles');
    expect(await documents()).toBe(before);
    // Tab and line feed (which the generic check of multipart fields lets through) are refused at the title's field.
    const tabbed = await upload(agent, url(), { field: 'document', filename: 'livret.pdf', type: 'application/pdf', data: buildPdf() }, { documentTitle: 'Livret\t\n d’accueil' });
    expect(tabbed.statusCode).toBe(400);
    expect(tabbed.body).toContain('Le titre contient des caractères de contrôle invisibles');
    expect(await documents()).toBe(before);
  });

  it('a 201-character alternative text of a photograph is refused at its field, never cut, and nothing is stored', async () => {
    const agent = await agentFor(world.referent);
    const png = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#336699' } }).png().toBuffer();
    const photos = async () => (await t.deps.db.selectFrom('establishment_photos').select('id').where('establishment_id', '=', world.local.id).execute()).length;
    const before = await photos();
    const response = await upload(agent, `/annuaire/etablissements/${world.local.id}/photos`, { filename: 'facade.png', type: 'image/png', data: png }, 'a'.repeat(201));
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('Le texte alternatif : 200 caractères au plus.');
    expect(await photos()).toBe(before);
    const ok = await upload(agent, `/annuaire/etablissements/${world.local.id}/photos`, { filename: 'facade.png', type: 'image/png', data: png }, 'a'.repeat(200));
    expect(ok.statusCode).toBe(303);
    expect((await t.deps.db.selectFrom('establishment_photos').select('alt_text').where('establishment_id', '=', world.local.id).orderBy('id', 'desc').executeTakeFirstOrThrow()).alt_text).toBe('a'.repeat(200));
  });

  it('R51 parallel uploads to one sheet never pass its limit of documents', async () => {
    const agent = await agentFor(world.referent);
    const { DOCUMENTS_PER_ESTABLISHMENT } = await import('../features/directory/directory.rules.js');
    const sheet = world.local.id;
    const answers = await Promise.all(
      Array.from({ length: DOCUMENTS_PER_ESTABLISHMENT + 5 }, (_, i) => upload(agent, `/annuaire/etablissements/${sheet}/documents`, { field: 'document', filename: `doc-${i}.pdf`, type: 'application/pdf', data: buildPdf(`Doc ${i}`) }, { documentTitle: `Doc ${i}` })),
    );
    expect(answers.every((r) => r.statusCode < 500)).toBe(true);
    const count = (await t.deps.db.selectFrom('establishment_documents').select('id').where('establishment_id', '=', sheet).execute()).length;
    expect(answers.filter((r) => r.statusCode === 303)).toHaveLength(count);
    expect(count).toBe(DOCUMENTS_PER_ESTABLISHMENT);
  });

  it('a document file name full of control characters is refused at its field, and nothing is stored', async () => {
    const agent = await agentFor(world.referent);
    const before = await documents();
    const response = await upload(agent, url(), { field: 'document', filename: 'liv\u0001ret\u0007\u001b.pdf', type: 'application/pdf', data: buildPdf() }, { documentTitle: 'Livret' });
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('Le nom du fichier contient des caractères de contrôle invisibles');
    expect(await documents()).toBe(before);
  });
});
