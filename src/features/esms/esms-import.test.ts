/** The MDPH's import of decisions (JSON API): OAuth token of an application bound to a region, all-or-nothing, idempotence, bad inputs; and R40's e-mails. */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { randomUUID } from 'node:crypto';
import { buildTestApp, type TestApp } from '../../../test/test-app.js';
import { buildAccount, buildHabilitation, buildUnit, ensureTerritory, buildEstablishment } from '../../../test/factories.js';
import { buildEsmsWorld, type EsmsWorld } from '../../../test/esms-world.js';
import { messagesTo } from '../../../test/mails.js';
import { addToDate, fixedClock, parisDate } from '../../platform/clock.js';
import { bindImportApplication } from './esms-applications.repository.js';
import { adminPrincipal, clientCredentials, forgedBearers, registerTestClient } from '../../../test/idp-world.js';

const clock = fixedClock(new Date());
let t: TestApp;
let w: EsmsWorld;
let auth: string;
let mdph: string;
/** A registered application with these scopes, and its client-credentials access token. */
async function tokenOf(scopes: string[], scope = scopes[0]!) {
  const client = await registerTestClient(t.deps, await adminPrincipal(t.deps), { scopes, domains: [], redirect: '' });
  const issued = await clientCredentials(t.app, client, scope);
  expect(issued.status).toBe(200);
  return { clientId: client.clientId, bearer: `Bearer ${issued.body.access_token!}` };
}
const today = () => parisDate(clock.now());

function decision(overrides: Record<string, unknown> = {}, marker = randomUUID().slice(0, 8)) {
  return {
    idNat_Decision: `NAT-${marker}`,
    idDecision: `D-${marker}`,
    dateDecision: addToDate(today(), { months: -1 }),
    natureDroit: 'Orientation vers un établissement ou service',
    dateOuverture: addToDate(today(), { months: -1 }),
    dateEcheance: addToDate(today(), { years: 3 }),
    categorie: '183',
    creton: false,
    personne: { nom: `Imp${marker.replace(/\d/g, 'z')}`, prenom: 'Noé', dateNaissance: '2014-02-11', mdph: '34', numeroIndividuel: `I${marker}` },
    esms: [{ finess: w.ime.finess }],
    evaluation: { careArrangement: `Externat ${marker}` },
    donneesMedicales: { mainPathology: `Pathologie-${marker}` },
    ...overrides,
  };
}

async function post(body: unknown, authorization: string | undefined = auth) {
  return t.app.inject({ method: 'POST', url: '/api/v1/esms/decisions', headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) }, payload: JSON.stringify(body) });
}
const count = async (table: 'esms_decisions' | 'esms_notifications') => (await t.deps.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n;

beforeAll(async () => {
  t = await buildTestApp({ deps: { clock } });
  w = await buildEsmsWorld(t.deps.db);
  ({ clientId: mdph, bearer: auth } = await tokenOf(['esms.import']));
  expect(await bindImportApplication(t.deps.db, { clientId: mdph, regionCode: '76', createdBy: w.region.id, at: new Date() })).toBe(true);
});
afterAll(async () => {
  await t?.close();
});

describe('import of decisions', () => {
  it('refuses a caller without a token or with a client id and secret instead (401, the token asked for in WWW-Authenticate)', async () => {
    const answers = await Promise.all([post({ decisions: [decision()] }, ''), post({ decisions: [decision()] }, `Basic ${Buffer.from(`${mdph}:secret`).toString('base64')}`)]);
    for (const a of answers) {
      expect(a.statusCode).toBe(401);
      expect(a.headers['www-authenticate']).toBe('Bearer');
      expect(a.json().message).toBe('Jeton d’accès absent : envoyez « Authorization: Bearer <jeton> » obtenu par client credentials.');
    }
  });

  it('is idempotent on idNat_Decision: sent twice, the second changes nothing; a change is an update', async () => {
    const batch = [decision(), decision()];
    const first = await post({ decisions: batch });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ created: 2, updated: 0, unchanged: 0 });
    const before = await t.deps.db.selectFrom('esms_notifications').select(['id', 'updated_at']).orderBy('id').execute();
    const again = await post({ decisions: batch });
    expect(again.json()).toMatchObject({ created: 0, updated: 0, unchanged: 2, mails: 0 });
    expect(await t.deps.db.selectFrom('esms_notifications').select(['id', 'updated_at']).orderBy('id').execute()).toEqual(before);
    const changed = await post({ decisions: [{ ...batch[0], dateEcheance: addToDate(today(), { years: 4 }) }, batch[1]] });
    expect(changed.json()).toMatchObject({ created: 0, updated: 1, unchanged: 1 });
  });

  it('is all or nothing: the line and the field of every error, and nothing written', async () => {
    const [decisionsBefore, notificationsBefore] = [await count('esms_decisions'), await count('esms_notifications')];
    const good = decision();
    const response = await post({
      decisions: [
        good,
        decision({ categorie: '999' }),
        decision({ personne: { ...decision().personne, dateNaissance: addToDate(today(), { days: 1 }) } }),
        decision({ esms: [{ finess: '999999999' }] }),
        decision({ dateDecision: '2026-02-30' }),
        { ...decision(), natureDroit: undefined },
        decision({ esms: [{ finess: w.ime.finess, uniteId: 2_000_000_000 }] }),
        good,
      ],
    });
    expect(response.statusCode).toBe(400);
    const body = response.json();
    expect(body.message).toBe('Le fichier contient des erreurs : rien n’a été importé.');
    expect(body.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ line: 2, field: 'categorie' }),
        expect.objectContaining({ line: 3, field: 'personne.dateNaissance', message: 'la date de naissance ne peut pas être dans le futur' }),
        expect.objectContaining({ line: 4, field: 'esms.0.finess' }),
        expect.objectContaining({ line: 5, field: 'dateDecision' }),
        expect.objectContaining({ line: 6, field: 'natureDroit' }),
        expect.objectContaining({ line: 7, field: 'esms.0.uniteId' }),
        expect.objectContaining({ line: 8, field: 'idNat_Decision' }),
      ]),
    );
    expect(body.errors.some((e: { line: number }) => e.line === 1)).toBe(false);
    expect([await count('esms_decisions'), await count('esms_notifications')]).toEqual([decisionsBefore, notificationsBefore]);
  });

  it('refuses an establishment outside the caller’s region, a malformed body, an empty batch (400, French)', async () => {
    await ensureTerritory(t.deps.db, '84', '69');
    const lyon = await buildEstablishment(t.deps.db, { department: '69', region: '84' });
    const outside = await post({ decisions: [decision({ esms: [{ finess: lyon.finess }] })] });
    expect(outside.statusCode).toBe(400);
    expect(outside.json().errors[0]).toMatchObject({ line: 1, field: 'esms.0.finess', message: `établissement hors de votre région : ${lyon.finess}` });
    expect((await post({ decisions: [] })).statusCode).toBe(400);
    expect((await post({ autre: 1 })).statusCode).toBe(400);
    const broken = await t.app.inject({ method: 'POST', url: '/api/v1/esms/decisions', headers: { 'content-type': 'application/json', authorization: auth }, payload: '{"decisions": [' });
    expect(broken.statusCode).toBe(400);
  });
});

describe('import by an OAuth access token (client credentials, scope esms.import)', () => {
  it('an application with the scope that no region administrator bound imports nowhere (403)', async () => {
    const unbound = await tokenOf(['esms.import']);
    const response = await post({ decisions: [decision()] }, unbound.bearer);
    expect(response.statusCode).toBe(403);
    expect(response.json().message).toContain('rattachée à aucune région');
  });

  it('is all or nothing with a token, and refuses an establishment of another region than the application’s', async () => {
    const [decisionsBefore, notificationsBefore] = [await count('esms_decisions'), await count('esms_notifications')];
    const wrong = await post({ decisions: [decision(), decision({ categorie: '999' })] });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().errors).toEqual([expect.objectContaining({ line: 2, field: 'categorie' })]);
    await ensureTerritory(t.deps.db, '84', '69');
    const lyon = await buildEstablishment(t.deps.db, { department: '69', region: '84' });
    const outside = await post({ decisions: [decision(), decision({ esms: [{ finess: lyon.finess }] })] });
    expect(outside.statusCode).toBe(400);
    expect(outside.json().errors[0]).toMatchObject({ line: 2, field: 'esms.0.finess', message: `établissement hors de votre région : ${lyon.finess}` });
    expect([await count('esms_decisions'), await count('esms_notifications')]).toEqual([decisionsBefore, notificationsBefore]);
  });

  it('a token without the scope esms.import gets 403; a forged or expired token 401', async () => {
    const other = await tokenOf(['access.evaluate']);
    const noScope = await post({ decisions: [decision()] }, other.bearer);
    expect(noScope.statusCode).toBe(403);
    expect(noScope.headers['www-authenticate']).toBe('Bearer error="insufficient_scope"');
    expect(noScope.json().message).toBe('Ce client n’a pas la portée « esms.import » nécessaire à cet appel.');
    // The other client's token made to say esms.import, the bound one's with a broken signature, garbage.
    const forged = forgedBearers(auth, other.bearer, { scope: 'esms.import' });
    for (const authorization of forged) {
      const response = await post({ decisions: [decision()] }, authorization);
      expect(response.statusCode).toBe(401);
      expect(response.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
    }
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 10 * 60_000 });
    try {
      const expired = await post({ decisions: [decision()] });
      expect(expired.statusCode).toBe(401);
      expect(expired.json().message).toContain('invalide ou expiré');
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('R40 e-mails of new and updated notifications', () => {
  it('R40 one e-mail to each holder with "Réception des e-mails" checked at the unit or establishment, none to others, no personal datum, at most one per hour', async () => {
    const db = t.deps.db;
    const unitHolder = await buildAccount(db);
    await buildHabilitation(db, { accountId: unitHolder.id, profile: 'HANDICAP_ESMS_SOCIAL', unitId: w.unitA.id });
    const otherUnitHolder = await buildAccount(db);
    await buildHabilitation(db, { accountId: otherUnitHolder.id, profile: 'HANDICAP_ESMS_SOCIAL', unitId: w.unitB.id });
    const unchecked = await buildAccount(db);
    const h = await buildHabilitation(db, { accountId: unchecked.id, profile: 'HANDICAP_ESMS_MEDICAL', establishmentId: w.ime.id });
    await db.updateTable('habilitations').set({ email_notifications: false }).where('id', '=', h.id).execute();
    const ended = await buildAccount(db);
    await buildHabilitation(db, { accountId: ended.id, profile: 'HANDICAP_ESMS_MEDICAL', establishmentId: w.ime.id, start: addToDate(today(), { years: -2 }), end: addToDate(today(), { days: -1 }) });
    const unit = await buildUnit(db, w.ime.id);
    clock.advance(2 * 3_600_000);

    const d = decision({ esms: [{ finess: w.ime.finess, uniteId: w.unitA.id }] });
    expect((await post({ decisions: [d] })).statusCode).toBe(200);
    const mails = await messagesTo(db, unitHolder.email);
    expect(mails).toHaveLength(1);
    expect((await messagesTo(db, w.tier[1].email)).length).toBeGreaterThan(0);
    for (const nobody of [otherUnitHolder, unchecked, ended, w.referent, w.region, w.otherEsms]) expect(await messagesTo(db, nobody.email), nobody.username).toHaveLength(0);
    const body = `${mails[0]!.subject} ${mails[0]!.text_body} ${mails[0]!.html_body}`;
    for (const personal of [d.personne.nom, d.personne.prenom, '11/02/2014', '2014-02-11', d.personne.numeroIndividuel, d.donneesMedicales.mainPathology, d.evaluation.careArrangement, d.idNat_Decision]) {
      expect(body).not.toContain(personal);
    }
    expect(mails[0]!.text_body).toContain('/esms/tableau-de-bord');

    // Another notification within the hour: grouped, no second e-mail; after the hour, one more.
    await post({ decisions: [decision({ esms: [{ finess: w.ime.finess, uniteId: unit.id }] }), decision({ esms: [{ finess: w.ime.finess, uniteId: w.unitA.id }] })] });
    expect(await messagesTo(db, unitHolder.email)).toHaveLength(1);
    clock.advance(3_600_001);
    await post({ decisions: [decision({ esms: [{ finess: w.ime.finess, uniteId: w.unitA.id }] })] });
    expect(await messagesTo(db, unitHolder.email)).toHaveLength(2);
  });
});
