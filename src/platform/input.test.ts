/** The input gate's rules, value by value (issue 12, mechanism 1). */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { checkFileName, checkLooseValue, form, id, ids, isStrictId, normaliseText, parseForm, secret, text } from './input.js';
import { DomainError } from './errors.js';

describe('input gate: text fields', () => {
  const name = text('Le nom', 100);

  it('puts text in NFC and trims it', () => {
    expect(name.parse('  Ame\u0301lie ')).toBe('Amélie');
    expect(name.parse(undefined)).toBe('');
  });

  it('refuses NUL and other control characters, tab and line breaks where the field holds one line', () => {
    for (const value of ['Du\u0000pont', 'Dupont\u0007', 'Du\tpont', 'Dupont\nX', 'Du\rpont', 'Dupont\u0085', 'Dupont\u2028', '\u001b[31mDupont', 'Dupont\u007f']) {
      const parsed = name.safeParse(value);
      expect(parsed.success, JSON.stringify(value)).toBe(false);
      expect(parsed.error!.issues[0]!.message).toContain('Le nom contient des caractères de contrôle');
    }
  });

  it('lets tab and line breaks through in a multiline field, never NUL', () => {
    const description = text('La description', 4000, { multiline: true });
    expect(description.parse('Ligne 1\r\nLigne\t2')).toBe('Ligne 1\r\nLigne\t2');
    expect(description.safeParse('a\u0000b').success).toBe(false);
  });

  it('refuses a value longer than its field, counted in characters, never cutting it', () => {
    expect(name.parse('é'.repeat(100))).toBe('é'.repeat(100));
    expect(name.parse('😀'.repeat(100))).toHaveLength(200);
    const refused = name.safeParse('x'.repeat(101));
    expect(refused.error!.issues[0]!.message).toBe('Le nom : 100 caractères au plus.');
  });

  it('refuses a repeated field, a number where text is expected, and a lone surrogate', () => {
    expect(name.safeParse(['a', 'b']).error!.issues[0]!.message).toBe('Le nom : une seule valeur est attendue.');
    expect(name.safeParse(12).error!.issues[0]!.message).toBe('Le nom : du texte est attendu.');
    expect(name.safeParse('a\uD800b').error!.issues[0]!.message).toBe('Le nom : caractères invalides.');
  });

  it('keeps a password as typed (no NFC, no trim), controls refused', () => {
    const password = secret('Le mot de passe');
    expect(password.parse(' Ame\u0301lie ')).toBe(' Ame\u0301lie ');
    expect(password.safeParse('abc\u0000').success).toBe(false);
  });

  it('never lets a control character, an unpaired surrogate or an over-long value through (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 150 }), (raw) => {
        const parsed = name.safeParse(raw);
        if (parsed.success) {
          expect(parsed.data).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/);
          expect(/[\uD800-\uDFFF]/u.test(parsed.data)).toBe(false);
          expect(Array.from(parsed.data).length).toBeLessThanOrEqual(100);
          expect(parsed.data).toBe(parsed.data.normalize('NFC').trim());
        }
      }),
    );
  });
});

describe('input gate: ids', () => {
  it('accepts only strict positive decimal integers of PostgreSQL’s integer', () => {
    for (const good of ['1', '63', '2147483647']) expect(isStrictId(good), good).toBe(true);
    for (const bad of [' 63', '63 ', '063', '0x3f', '6.3e1', '-63', '+63', '0', '', '2147483648', '9223372036854775808', '６３', '63\u0000', 63]) {
      expect(isStrictId(bad), JSON.stringify(bad)).toBe(false);
    }
  });

  it('reads id and id-list fields, refusing anything else at the field', () => {
    const grant = form({ profil: id('Le profil'), comptes: ids('Les comptes', 3) });
    expect(grant.parse({ profil: '7', comptes: ['1', '2', '2'] })).toEqual({ profil: 7, comptes: [1, 2] });
    expect(grant.parse({})).toEqual({ profil: null, comptes: [] });
    // Parsed twice (the gate, then the handler): still the same ids.
    expect(grant.parse(grant.parse({ profil: '7', comptes: '1' }))).toEqual({ profil: 7, comptes: [1] });
    expect(() => parseForm(grant, { profil: '0x3f' })).toThrow(DomainError);
    expect(grant.safeParse({ comptes: ['1', '2', '3', '4'] }).success).toBe(false);
    expect(grant.safeParse({ comptes: ['1', ' 2'] }).success).toBe(false);
  });
});

describe('input gate: forms, loose values, file names', () => {
  it('drops undeclared fields and answers a refusal with a French message at each field', () => {
    const identity = form({ lastName: text('Le nom', 100), mobilePhone: text('Le téléphone mobile', 30) });
    expect(parseForm(identity, { lastName: 'Dupont', autre: 'x' })).toEqual({ lastName: 'Dupont', mobilePhone: '' });
    try {
      parseForm(identity, { lastName: 'Du\u0000pont', mobilePhone: '0'.repeat(10_000) });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(DomainError);
      expect((error as DomainError).status).toBe(400);
      expect((error as DomainError).fields).toEqual({
        lastName: 'Le nom contient des caractères de contrôle invisibles (tabulation, retour à la ligne, caractère nul…) : il tient sur une ligne.',
        mobilePhone: 'Le téléphone mobile : 30 caractères au plus.',
      });
    }
  });

  it('checks what no schema declares (query strings, JSON): NFC, no NUL, bounded, at any depth', () => {
    const fields: Record<string, string> = {};
    expect(checkLooseValue({ nom: 'Ame\u0301lie', page: ['1', '2'] }, '', fields)).toEqual({ nom: 'Amélie', page: ['1', '2'] });
    expect(fields).toEqual({});
    checkLooseValue({ nom: 'a\u0000', liste: [{ x: 'y'.repeat(10_001) }] }, '', fields);
    expect(Object.keys(fields).sort()).toEqual(['liste.x', 'nom']);
  });

  it('refuses an upload’s file name with control characters', () => {
    expect(checkFileName('rapport.pdf')).toEqual({ ok: true, value: 'rapport.pdf' });
    expect(checkFileName('rap\u0000port\u0007.pdf').ok).toBe(false);
    expect(normaliseText('x'.repeat(256), { label: 'Le nom du fichier', max: 255 }).ok).toBe(false);
  });
});
