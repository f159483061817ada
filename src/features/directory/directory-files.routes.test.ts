/** The directory through HTTP: photographs and PDF documents of a sheet (R51), checked by content, audited. */
import { describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { sql } from 'kysely';
import { testConfig } from '../../../test/test-app.js';
import { agentFor, countIn, photoCount, t, upload, useDirectoryWorld, world } from '../../../test/directory-world.js';
import { buildPdf } from '../../../test/pdf.js';

useDirectoryWorld();

describe('R51 photographs', () => {
  it('R51 a real image is accepted, re-encoded with a thumbnail, served with caching, and audited', async () => {
    const agent = await agentFor(world.referent);
    const png = await sharp({ create: { width: 800, height: 600, channels: 3, background: '#336699' } }).png().toBuffer();
    const response = await upload(agent, `/annuaire/etablissements/${world.synced.id}/photos`, { filename: 'facade.png', type: 'image/png', data: png }, 'Façade principale');
    expect(response.statusCode).toBe(303);
    const photo = await t.deps.db.selectFrom('establishment_photos').select(['id', 'width', 'height', 'content_type', 'alt_text']).where('establishment_id', '=', world.synced.id).executeTakeFirstOrThrow();
    expect(photo).toMatchObject({ width: 800, height: 600, content_type: 'image/png', alt_text: 'Façade principale' });

    const professional = await agentFor(world.professional);
    const sheet = await professional.get(`/annuaire/etablissements/${world.synced.id}`);
    expect(sheet.body).toContain(`/annuaire/photos/${photo.id}/miniature`);
    const thumb = await professional.get(`/annuaire/photos/${photo.id}/miniature`);
    expect(thumb.statusCode).toBe(200);
    expect(thumb.headers['content-type']).toBe('image/webp');
    expect(thumb.headers['cache-control']).toBe('private, max-age=86400');
    expect((await sharp(thumb.rawPayload).metadata()).width).toBe(320);
    const again = await professional.get(`/annuaire/photos/${photo.id}/miniature`, { 'if-none-match': String(thumb.headers.etag) });
    expect(again.statusCode).toBe(304);
    expect((await professional.get(`/annuaire/photos/${photo.id}`)).headers['content-type']).toBe('image/png');
    const events = await t.deps.db.selectFrom('audit_events').select('details').where('code', '=', 'DIRECTORY_PHOTO_ADDED').where('actor_account_id', '=', world.referent.id).execute();
    expect(events.map((e) => e.details)).toEqual([{ establishmentId: world.synced.id, photoId: photo.id }]);

    const removed = await agent.post(`/annuaire/etablissements/${world.synced.id}/photos/${photo.id}/retirer`);
    expect(removed.statusCode).toBe(303);
    expect(await photoCount(world.synced.id)).toBe(0);
  });

  it('R51 a renamed executable, an oversized file and a corrupt image are refused in French and nothing is stored', async () => {
    const agent = await agentFor(world.referent);
    const url = `/annuaire/etablissements/${world.local.id}/photos`;
    const elf = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01]), Buffer.alloc(2000, 1)]);
    const exe = await upload(agent, url, { filename: 'photo.jpg', type: 'image/jpeg', data: elf });
    expect(exe.statusCode).toBe(415);
    expect(exe.body).toContain('n’est pas une image JPEG, PNG ou WebP');

    const big = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(5 * 1024 * 1024 + 10)]);
    const oversized = await upload(agent, url, { filename: 'grande.png', type: 'image/png', data: big });
    expect(oversized.statusCode).toBe(413);
    expect(oversized.body).toContain('dépasse 5 Mo');

    const jpeg = await sharp({ create: { width: 200, height: 200, channels: 3, background: '#aa3300' } }).jpeg().toBuffer();
    for (const data of [Buffer.concat([jpeg.subarray(0, 3), Buffer.alloc(3000, 0x41)]), jpeg.subarray(0, Math.floor(jpeg.length / 2))]) {
      const corrupt = await upload(agent, url, { filename: 'abimee.jpg', type: 'image/jpeg', data });
      expect(corrupt.statusCode).toBe(422);
      expect(corrupt.body).toContain('illisible ou abîmée');
    }
    const missing = await upload(agent, url);
    expect(missing.statusCode).toBe(400);
    expect(await photoCount(world.local.id)).toBe(0);

    // Another referent cannot add one; neither can a professional without the right, nor a visitor.
    const intruder = await agentFor(world.otherReferent);
    expect((await upload(intruder, url, { filename: 'x.jpg', type: 'image/jpeg', data: jpeg })).statusCode).toBe(403);
    expect((await upload(await agentFor(world.professional), url, { filename: 'x.jpg', type: 'image/jpeg', data: jpeg })).statusCode).toBe(403);
    expect((await upload(await agentFor(null), url, { filename: 'x.jpg', type: 'image/jpeg', data: jpeg })).statusCode).toBe(401);
    expect(await photoCount(world.local.id)).toBe(0);
  });

  it('R51 multipart bodies stay refused everywhere but the upload route', async () => {
    const agent = await agentFor(world.referent);
    const response = await upload(agent, `/annuaire/etablissements/${world.local.id}/modifier`);
    expect(response.statusCode).toBe(415);
  });
});

describe('R51 documentation files', () => {
  const url = () => `/annuaire/etablissements/${world.synced.id}/documents`;
  const pdf = buildPdf('Livret d’accueil');
  const documentAudits = async (code: string) =>
    t.deps.db.selectFrom('audit_events').select(['description', 'details']).where('code', '=', code).where('actor_account_id', '=', world.referent.id).orderBy('id').execute();

  it('R51 a referent adds a PDF: stored in PostgreSQL, listed on the sheet, downloaded as an attachment, removed, each step in the history', async () => {
    const agent = await agentFor(world.referent);
    const form = await agent.get(`/annuaire/etablissements/${world.synced.id}/modifier`);
    expect(form.body).toContain('Un document PDF, 1 Mo au plus.');
    const added = await upload(agent, url(), { field: 'document', filename: 'C:\\Documents\\Livret d’accueil.pdf', type: 'application/pdf', data: pdf }, { documentTitle: '  Livret   d’accueil ' });
    expect(added.statusCode).toBe(303);
    expect(added.headers.location).toBe(`/annuaire/etablissements/${world.synced.id}?fait=document`);
    const row = await t.deps.db.selectFrom('establishment_documents').selectAll().where('establishment_id', '=', world.synced.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ title: 'Livret d’accueil', filename: 'Livret d’accueil.pdf', content_type: 'application/pdf', byte_size: pdf.length, created_by_account_id: world.referent.id });
    expect(row.data.equals(pdf)).toBe(true);
    expect(await documentAudits('DIRECTORY_DOCUMENT_ADDED')).toEqual([
      { description: `Ajout du document « Livret d’accueil » à la fiche de l’établissement ${world.synced.name}`, details: { establishmentId: world.synced.id, documentId: row.id, byteSize: pdf.length } },
    ]);

    const professional = await agentFor(world.professional);
    const sheet = await professional.get(`/annuaire/etablissements/${world.synced.id}?fait=document`);
    expect(sheet.body).toContain('Le document est ajouté.');
    expect(sheet.body).toContain(`href="/annuaire/documents/${row.id}"`);
    expect(sheet.body).toContain('Livret d’accueil');
    const download = await professional.get(`/annuaire/documents/${row.id}`);
    expect(download.statusCode).toBe(200);
    expect(download.headers['content-type']).toBe('application/pdf');
    expect(download.headers['content-disposition']).toBe(`attachment; filename="Livret d_accueil.pdf"; filename*=UTF-8''Livret%20d%E2%80%99accueil.pdf`);
    expect(download.headers['x-content-type-options']).toBe('nosniff');
    expect(download.rawPayload.equals(pdf)).toBe(true);
    expect((await (await agentFor(null)).get(`/annuaire/documents/${row.id}`)).statusCode).toBe(303);

    // Only the establishment's referents remove it; another sheet's id is not found.
    const intruder = await agentFor(world.otherReferent);
    expect((await intruder.post(`${url()}/${row.id}/retirer`)).statusCode).toBe(403);
    expect((await agent.post(`/annuaire/etablissements/${world.local.id}/documents/${row.id}/retirer`)).statusCode).toBe(404);
    const removed = await agent.post(`${url()}/${row.id}/retirer`);
    expect(removed.statusCode).toBe(303);
    expect(await countIn('establishment_documents', world.synced.id)).toBe(0);
    expect((await professional.get(`/annuaire/documents/${row.id}`)).statusCode).toBe(404);
    expect(await documentAudits('DIRECTORY_DOCUMENT_DELETED')).toEqual([
      { description: `Retrait du document « Livret d’accueil » de la fiche de l’établissement ${world.synced.name}`, details: { establishmentId: world.synced.id, documentId: row.id } },
    ]);
  });

  it('R51 a renamed executable, an image, a corrupt PDF and an oversized file are refused in French at the field, 4xx, nothing stored', async () => {
    const agent = await agentFor(world.referent);
    const target = `/annuaire/etablissements/${world.local.id}/documents`;
    const elf = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01]), Buffer.alloc(2000, 1)]);
    const png = await sharp({ create: { width: 20, height: 20, channels: 3, background: '#336699' } }).png().toBuffer();
    const cases: [string, Buffer, number, string][] = [
      ['rapport.pdf', elf, 415, 'n’est pas un document PDF'],
      ['plan.pdf', png, 415, 'n’est pas un document PDF'],
      ['MZ.pdf', Buffer.concat([Buffer.from('MZ'), pdf]), 415, 'n’est pas un document PDF'],
      ['coupe.pdf', pdf.subarray(0, pdf.length - 40), 422, 'incomplet ou abîmé'],
      ['faux.pdf', Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(3000, 0x41)]), 422, 'incomplet ou abîmé'],
      ['gros.pdf', buildPdf('Trop gros', 1024 * 1024), 413, 'Ce document dépasse 1 Mo'],
    ];
    for (const [filename, data, status, message] of cases) {
      const response = await upload(agent, target, { field: 'document', filename, type: 'application/pdf', data }, { documentTitle: 'Essai' });
      expect(response.statusCode, filename).toBe(status);
      // The message is at the file field, linked from the error summary; the typed title is kept.
      expect(response.body, filename).toMatch(new RegExp(`<p id="document-error" class="field__error"><span class="visually-hidden">Erreur : </span>[^<]*${message}`));
      expect(response.body).toContain('aria-invalid="true"');
      expect(response.body).toContain('href="#document"');
      expect(response.body).toContain('value="Essai"');
    }
    const longTitle = await upload(agent, target, { field: 'document', filename: 'ok.pdf', type: 'application/pdf', data: pdf }, { documentTitle: 'x'.repeat(201) });
    expect(longTitle.statusCode).toBe(400);
    expect(longTitle.body).toContain('<p id="documentTitle-error" class="field__error">');
    const missing = await upload(agent, target, undefined, { documentTitle: 'Sans fichier' });
    expect(missing.statusCode).toBe(400);
    expect(missing.body).toContain('Choisissez un document PDF à envoyer.');
    expect(await countIn('establishment_documents', world.local.id)).toBe(0);

    // Another referent, a professional without the right and a visitor cannot add one at all.
    const file = { field: 'document', filename: 'ok.pdf', type: 'application/pdf', data: pdf };
    expect((await upload(await agentFor(world.otherReferent), target, file)).statusCode).toBe(403);
    expect((await upload(await agentFor(world.professional), target, file)).statusCode).toBe(403);
    expect((await upload(await agentFor(null), target, file)).statusCode).toBe(401);
    expect(await countIn('establishment_documents', world.local.id)).toBe(0);
    const audits = await t.deps.db.selectFrom('audit_events').select('id').where('code', '=', 'DIRECTORY_DOCUMENT_ADDED').where(sql<boolean>`(details->>'establishmentId')::int = ${world.local.id}`).execute();
    expect(audits).toHaveLength(0);
  });

  it('R51 the document limit defaults to 10 MB and is read from DIRECTORY_DOCUMENT_MAX_MB', () => {
    expect(testConfig().directoryDocumentMaxBytes).toBe(10 * 1024 * 1024);
    expect(t.deps.config.directoryDocumentMaxBytes).toBe(1024 * 1024);
    expect(() => testConfig({ DIRECTORY_DOCUMENT_MAX_MB: '0' })).toThrow(/DIRECTORY_DOCUMENT_MAX_MB/);
  });
});
