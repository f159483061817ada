import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

const PRODUCTION = {
  NODE_ENV: 'production',
  BASE_URL: 'https://habilis.example.fr',
  SESSION_SECRET: 'a'.repeat(48),
  DATABASE_URL: 'postgres://habilis@db.example.fr/habilis',
  SMTP_URL: 'smtp://smtp.example.fr:587',
  IDP_KEY_ENCRYPTION_KEY: 'a2tra2tra2tra2tra2tra2tra2tra2tra2tra2tra2s=',
};

describe('configuration', () => {
  it('gives safe local defaults outside production', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.host).toBe('127.0.0.1');
    expect(config.baseUrl.toString()).toBe('http://localhost:3000/');
    expect(config.sessionSecret.length).toBe(32);
    expect(config.databaseUrl).toBeUndefined();
    expect(config.demoData).toBe(true);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('generates a different secret at each start outside production', () => {
    expect(loadConfig({}).sessionSecret.equals(loadConfig({}).sessionSecret)).toBe(false);
  });

  it('names the variable of a malformed value', () => {
    expect(() => loadConfig({ PORT: 'trois-mille' })).toThrow(/PORT/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL/);
    expect(() => loadConfig({ DEMO_DATA: 'peut-être' })).toThrow(/DEMO_DATA/);
  });

  it('refuses a session secret shorter than 32 bytes', () => {
    expect(() => loadConfig({ SESSION_SECRET: 'court' })).toThrow(/SESSION_SECRET : 32 octets au moins/);
  });

  it('refuses production without IDP_KEY_ENCRYPTION_KEY, and a key that is not 32 bytes (issue 17)', () => {
    const withoutKey: Record<string, string> = { ...PRODUCTION };
    delete withoutKey.IDP_KEY_ENCRYPTION_KEY;
    expect(() => loadConfig(withoutKey)).toThrow(/IDP_KEY_ENCRYPTION_KEY : obligatoire en production/);
    expect(() => loadConfig({ IDP_KEY_ENCRYPTION_KEY: 'Y291cnQ=' })).toThrow(/IDP_KEY_ENCRYPTION_KEY/);
  });

  it('starts in production when everything required is given, without demo data', () => {
    const config = loadConfig(PRODUCTION);
    expect(config.isProduction).toBe(true);
    expect(config.demoData).toBe(false);
  });

  it.each([
    ['BASE_URL', { BASE_URL: undefined }, /BASE_URL : obligatoire/],
    ['BASE_URL in http', { BASE_URL: 'http://habilis.example.fr' }, /BASE_URL : doit être en https/],
    ['SESSION_SECRET', { SESSION_SECRET: undefined }, /SESSION_SECRET : obligatoire/],
    ['DATABASE_URL', { DATABASE_URL: undefined }, /DATABASE_URL : obligatoire/],
    ['SMTP_URL', { SMTP_URL: undefined }, /SMTP_URL : obligatoire/],
    ['DEMO_DATA', { DEMO_DATA: 'true' }, /DEMO_DATA : interdit/],
  ])('refuses production without a safe %s', (_name, change, message) => {
    expect(() => loadConfig({ ...PRODUCTION, ...change })).toThrow(message);
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '' }).port).toBe(3000);
  });

  it('R13 PSC: a secret with client_secret_basic; a certificate and its key, not a secret, with tls_client_auth', () => {
    const psc = { PSC_ISSUER: 'https://psc.example.fr/realms/esante-wallet', PSC_CLIENT_ID: 'habilis' };
    expect(() => loadConfig(psc)).toThrow(/PSC_CLIENT_SECRET : obligatoire avec PSC_ISSUER/);
    expect(loadConfig({ ...psc, PSC_CLIENT_SECRET: 's3cret' }).psc).toMatchObject({ clientAuth: 'client_secret_basic', clientSecret: 's3cret', tls: null });
    expect(() => loadConfig({ ...psc, PSC_CLIENT_AUTH: 'tls_client_auth' })).toThrow(/PSC_TLS_CERT_FILE, PSC_TLS_KEY_FILE : obligatoires/);
    expect(() => loadConfig({ ...psc, PSC_CLIENT_AUTH: 'tls_client_auth', PSC_TLS_CERT_FILE: '/nulle/part.crt' })).toThrow(/PSC_TLS_CERT_FILE, PSC_TLS_KEY_FILE : à fournir ensemble/);
    expect(() => loadConfig({ ...psc, PSC_CLIENT_AUTH: 'tls_client_auth', PSC_TLS_CERT_FILE: '/nulle/part.crt', PSC_TLS_KEY_FILE: '/nulle/part.key' })).toThrow(
      /PSC_TLS_CERT_FILE : fichier illisible/,
    );
    expect(() => loadConfig({ ...psc, PSC_CLIENT_AUTH: 'certificat' })).toThrow(/PSC_CLIENT_AUTH/);
  });

  it('R12 HTTPS: certificate and key together, named by their variables; in production with card login, revocation lists are required', () => {
    expect(() => loadConfig({ HTTPS_CERT_FILE: '/nulle/part.crt' })).toThrow(/HTTPS_CERT_FILE, HTTPS_KEY_FILE : à fournir ensemble/);
    expect(() => loadConfig({ HTTPS_CERT_FILE: '/nulle/part.crt', HTTPS_KEY_FILE: '/nulle/part.key' })).toThrow(/HTTPS_CERT_FILE : fichier illisible/);
    expect(() => loadConfig({ ...PRODUCTION, HTTPS_CERT_FILE: '/nulle/part.crt', HTTPS_KEY_FILE: '/nulle/part.key', CARD_CA_FILE: '/nulle/ca.pem' })).toThrow(
      /CARD_CRL_FILE : obligatoire en production quand Habilis termine TLS/,
    );
  });
});
