/** Builds the real application for a test, on the run's database, with the dependencies a test chooses. */
import { inject } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { loadConfig, type Config } from '../src/config.js';
import { buildDeps, type Deps } from '../src/deps.js';
import { buildApp } from '../src/http/app.js';

export const TEST_SECRET = 'test-secret-of-at-least-32-bytes-long!';

export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    SESSION_SECRET: TEST_SECRET,
    DATABASE_URL: inject('databaseUrl'),
    DATABASE_POOL_SIZE: '4',
    LOG_LEVEL: 'silent',
    JOBS: 'false',
    // The uniform delay of failed logins is proven by bench/login.ts; tests need not wait for it.
    LOGIN_FAILURE_MIN_MS: '0',
    ...env,
  });
}

export function buildTestDeps(options: { env?: Record<string, string>; deps?: Partial<Deps> } = {}): Deps {
  const config = testConfig(options.env);
  return buildDeps(config, config.databaseUrl!, { mailTransport: null, smsTransport: null, ...options.deps });
}

export interface TestApp {
  app: FastifyInstance;
  deps: Deps;
  close(): Promise<void>;
}

export async function buildTestApp(options: { env?: Record<string, string>; deps?: Partial<Deps> } = {}): Promise<TestApp> {
  const deps = buildTestDeps(options);
  const app = await buildApp(deps);
  return {
    app,
    deps,
    close: async () => {
      await app.close();
      await deps.db.destroy();
    },
  };
}

/** The CSRF cookie and the token a page would carry, read from a GET of the home page. */
export async function csrfPair(app: FastifyInstance): Promise<{ cookie: string; token: string }> {
  const response = await app.inject({ method: 'GET', url: '/' });
  const setCookie = response.cookies.find((c) => c.name === 'habilis_csrf');
  if (!setCookie) throw new Error('pas de cookie CSRF');
  const token = /name="_csrf" value="([^"]+)"/.exec(response.body)?.[1] ?? (await tokenFromCookie(setCookie.value));
  return { cookie: `habilis_csrf=${setCookie.value}`, token };
}

async function tokenFromCookie(seed: string): Promise<string> {
  const { hmac } = await import('../src/platform/crypto.js');
  return hmac(Buffer.from(TEST_SECRET), `csrf:${seed}`);
}
