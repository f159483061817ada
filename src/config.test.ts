import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

const PRODUCTION = {
  NODE_ENV: 'production',
  BASE_URL: 'https://habilis.example.fr',
  SESSION_SECRET: 'a'.repeat(48),
  DATABASE_URL: 'postgres://habilis@db.example.fr/habilis',
  SMTP_URL: 'smtp://smtp.example.fr:587',
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
});
