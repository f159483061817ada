import { describe, expect, it } from 'vitest';
import { safeReturnPath } from './guard.js';

describe('return paths after login', () => {
  it('keeps a local path with its query', () => {
    expect(safeReturnPath('/administration/comptes?q=martin')).toBe('/administration/comptes?q=martin');
  });

  it.each(['https://evil.example/', '//evil.example/', '/\\evil.example', '/\t/evil.example/', '/\n/evil.example', '/%09/evil.example', 'evil', '', null, 42])(
    'refuses %j, which a browser could send to another site',
    (value) => {
      const result = safeReturnPath(value);
      expect(result.startsWith('/')).toBe(true);
      expect(new URL(result, 'https://habilis.example.fr').origin).toBe('https://habilis.example.fr');
    },
  );

  it('refuses tabs and newlines outright', () => {
    expect(safeReturnPath('/\t/evil.example/')).toBe('/');
    expect(safeReturnPath('/a\nb')).toBe('/');
  });
});
