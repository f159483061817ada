import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config.js';

describe('ROR options', () => {
  it('R50 without ROR_BASE_URL the synchronisation is off; with it, the options are typed and defaulted', () => {
    expect(loadConfig({ NODE_ENV: 'test' }).ror).toBeNull();
    const ror = loadConfig({ NODE_ENV: 'test', ROR_BASE_URL: 'https://ror.exemple.fr/fhir/', ROR_HEADERS: '{"X-Profil":"ADMIN"}' }).ror;
    expect(ror).toEqual({
      baseUrl: 'https://ror.exemple.fr/fhir',
      tokenUrl: undefined,
      clientId: undefined,
      clientSecret: undefined,
      headers: { 'X-Profil': 'ADMIN' },
      syncCron: '30 3 * * *',
      timeoutMs: 30_000,
      tls: null,
    });
  });

  it('R50 refuses malformed ROR options, naming the variable', () => {
    expect(() => loadConfig({ NODE_ENV: 'test', ROR_BASE_URL: 'https://ror.exemple.fr/fhir', ROR_HEADERS: 'pas du json' })).toThrow(/ROR_HEADERS/);
    expect(() => loadConfig({ NODE_ENV: 'test', ROR_BASE_URL: 'pas une url' })).toThrow(/ROR_BASE_URL/);
    expect(() => loadConfig({ NODE_ENV: 'test', ROR_BASE_URL: 'https://ror.exemple.fr/fhir', ROR_TOKEN_URL: 'https://ror.exemple.fr/token' })).toThrow(ConfigError);
  });
});
