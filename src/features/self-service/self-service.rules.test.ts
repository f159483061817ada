import { describe, expect, it } from 'vitest';
import {
  changedIdentityFields,
  describeUserAgent,
  formatPhone,
  habilitationStatus,
  lacksReferents,
  locationLabel,
  needsPasswordAgain,
  pageNumber,
  parseMobile,
  parsePhone,
  type Identity,
} from './self-service.rules.js';
import { identitySchema } from './self-service.schemas.js';

describe('phone numbers (R41)', () => {
  it('R41 accepts the usual ways of writing a French number and stores its 10 digits', () => {
    expect(parsePhone('04 67 12 34 56')).toBe('0467123456');
    expect(parsePhone('04.67.12.34.56')).toBe('0467123456');
    expect(parsePhone('+33 4 67 12 34 56')).toBe('0467123456');
    expect(parsePhone('0033467123456')).toBe('0467123456');
    expect(parsePhone('+32 2 123 45 67')).toBe('+3221234567');
    expect(parsePhone('   ')).toBeNull();
    expect(parsePhone('12')).toBe('invalid');
    expect(parsePhone('04 67 12 34 5x')).toBe('invalid');
  });

  it('R41 a mobile must be a French mobile (06, 07) to receive SMS', () => {
    expect(parseMobile('06 12 34 56 78')).toBe('0612345678');
    expect(parseMobile('+33 7 12 34 56 78')).toBe('0712345678');
    expect(parseMobile('04 67 12 34 56')).toBe('invalid');
    expect(parseMobile('')).toBeNull();
  });

  it('shows a French number in pairs', () => {
    expect(formatPhone('0612345678')).toBe('06 12 34 56 78');
    expect(formatPhone('+3221234567')).toBe('+3221234567');
    expect(formatPhone(null)).toBe('');
  });
});

describe('identity changes (R41)', () => {
  const current: Identity = {
    lastName: 'Martin',
    firstName: 'Hélène',
    email: 'Helene.Martin@exemple.fr',
    phone: '04 67 12 34 56',
    fax: null,
    mobilePhone: '0612345678',
    profession: 'Cadre de santé',
  };

  it('R41 compares e-mails whatever their case and phones whatever their spacing', () => {
    expect(changedIdentityFields(current, { ...current, email: 'helene.martin@exemple.fr', phone: '0467123456', mobilePhone: '0612345678' })).toEqual([]);
    expect(changedIdentityFields(current, { ...current, lastName: 'Martin-Durand', fax: '0467123457' })).toEqual(['lastName', 'fax']);
  });

  it('R41 asks the password again only for the e-mail and the mobile', () => {
    expect(needsPasswordAgain(['lastName', 'phone', 'profession'])).toBe(false);
    expect(needsPasswordAgain(['email'])).toBe(true);
    expect(needsPasswordAgain(['mobilePhone'])).toBe(true);
  });

  it('R41 validates each field with a French message', () => {
    const result = identitySchema.safeParse({
      lastName: ' ',
      firstName: 'x'.repeat(101),
      email: 'pas-une-adresse',
      phone: '12',
      fax: 'abc',
      mobilePhone: '04 67 12 34 56',
      profession: 'p'.repeat(101),
    });
    expect(result.success).toBe(false);
    const messages = Object.fromEntries(result.error!.issues.map((i) => [String(i.path[0]), i.message]));
    expect(messages).toEqual({
      lastName: 'Le nom est obligatoire.',
      firstName: 'Le prénom : 100 caractères au plus.',
      email: 'Adresse e-mail invalide : elle doit avoir la forme prenom.nom@etablissement.fr.',
      phone: expect.stringContaining('Numéro de téléphone invalide'),
      fax: expect.stringContaining('Numéro de fax invalide'),
      mobilePhone: expect.stringContaining('Numéro de téléphone mobile invalide'),
      profession: 'La profession : 100 caractères au plus.',
    });
  });
});

describe('what the pages show', () => {
  it('names a device from its user agent', () => {
    expect(describeUserAgent('Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36')).toBe('Chrome sous Windows');
    expect(describeUserAgent('Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0')).toBe('Firefox sous Linux');
    expect(describeUserAgent('Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1')).toBe('Safari sous iOS');
    expect(describeUserAgent('Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/124.0 Safari/537.36 Edg/124.0')).toBe('Edge sous Windows');
    expect(describeUserAgent(null)).toBe('Appareil inconnu');
  });

  it('names a place as users read it', () => {
    const names = { unitName: 'Cardiologie', establishmentName: 'CHU de Montpellier', departmentCode: '34', departmentName: 'Hérault', regionName: 'Occitanie' };
    expect(locationLabel({ level: 'unit', ...names })).toBe('Cardiologie – CHU de Montpellier');
    expect(locationLabel({ level: 'establishment', ...names })).toBe('CHU de Montpellier');
    expect(locationLabel({ level: 'department', ...names })).toBe('Coordination 34 – Hérault');
    expect(locationLabel({ level: 'region', ...names })).toBe('Région Occitanie');
  });

  it('R36 tells an active, upcoming, expired and deleted habilitation apart', () => {
    const h = { start_date: '2026-01-01', end_date: '2026-12-31', deleted_at: null };
    expect(habilitationStatus(h, '2026-06-01')).toBe('active');
    expect(habilitationStatus(h, '2025-12-31')).toBe('upcoming');
    expect(habilitationStatus(h, '2027-01-01')).toBe('expired');
    expect(habilitationStatus({ ...h, deleted_at: new Date() }, '2026-06-01')).toBe('deleted');
  });

  it('R25 R42 a structure with fewer than 2 referents is flagged', () => {
    expect(lacksReferents(0)).toBe(true);
    expect(lacksReferents(1)).toBe(true);
    expect(lacksReferents(2)).toBe(false);
  });

  it('keeps a page number within the pages that exist', () => {
    expect(pageNumber(undefined, 120, 50)).toEqual({ page: 1, pages: 3 });
    expect(pageNumber('3', 120, 50)).toEqual({ page: 3, pages: 3 });
    expect(pageNumber('99', 120, 50)).toEqual({ page: 3, pages: 3 });
    expect(pageNumber('-1', 0, 50)).toEqual({ page: 1, pages: 1 });
    expect(pageNumber('abc', 10, 50)).toEqual({ page: 1, pages: 1 });
  });
});
