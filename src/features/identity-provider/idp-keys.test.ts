/** The provider's signing keys (issue 17): encrypted at rest, rotated, the old key still published a day. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/test-app.js';
import { loadSigningKeys, rotateSigningKey } from './idp-keys.service.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('signing keys', () => {
  it('are stored encrypted (no private member in clear), and a rotation keeps the old key published', async () => {
    const [current] = await loadSigningKeys(t.deps);
    const rows = await t.deps.db.selectFrom('idp_keys').selectAll().execute();
    for (const row of rows) {
      expect(JSON.stringify(row.public_jwk)).not.toContain('"d"');
      expect(row.private_jwk_encrypted.toString('utf8')).not.toContain(current!.d!.slice(0, 20));
    }
    const { kid } = await rotateSigningKey(t.deps);
    const keys = await loadSigningKeys(t.deps);
    expect(keys[0]!.kid).toBe(kid);
    expect(keys.map((k) => k.kid)).toContain(current!.kid);
    // A wrong key-encryption key decrypts nothing.
    const wrong = { ...t.deps, config: { ...t.deps.config, idp: { ...t.deps.config.idp, keyEncryptionKey: Buffer.alloc(32, 7) } } };
    await expect(loadSigningKeys(wrong)).rejects.toThrow();
  });

  it('the JWKS publishes public keys only', async () => {
    const jwks = (await t.app.inject({ method: 'GET', url: '/oidc/jwks' })).json() as { keys: Record<string, unknown>[] };
    expect(jwks.keys.length).toBeGreaterThan(0);
    for (const key of jwks.keys) expect(key.d).toBeUndefined();
    const discovery = (await t.app.inject({ method: 'GET', url: '/oidc/.well-known/openid-configuration' })).json() as Record<string, unknown>;
    expect(discovery.issuer).toBe('http://localhost:3000/oidc');
    expect(discovery.code_challenge_methods_supported).toEqual(['S256']);
    expect(discovery.acr_values_supported).toEqual(['urn:habilis:acr:trusted-browser', 'urn:habilis:acr:mfa', 'urn:habilis:acr:card']);
    expect(discovery.end_session_endpoint).toBe('http://localhost/oidc/session/end');
  });
});

describe('API documentation', () => {
  it('serves an OpenAPI 3.1 document generated from the zod schemas, and a French documentation page', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json() as { openapi: string; paths: Record<string, { post: { requestBody: { content: { 'application/json': { schema: { properties: Record<string, unknown> } } } }; security: unknown } }> };
    expect(doc.openapi).toBe('3.1.0');
    const evaluation = doc.paths['/api/v1/access/evaluation']!.post;
    expect(Object.keys(evaluation.requestBody.content['application/json'].schema.properties)).toEqual(['subject', 'action', 'resource', 'context']);
    expect(evaluation.security).toEqual([{ clientCredentials: ['access.evaluate'] }]);
    expect(doc.paths['/api/v1/access/evaluations']).toBeDefined();
    const page = await t.app.inject({ method: 'GET', url: '/documentation/api', headers: { accept: 'text/html' } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('POST /api/v1/access/evaluation');
  });

  it('describes every JSON endpoint of the route table with its security: a token scope, or the session and its right', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json() as {
      paths: Record<string, Record<string, { security: unknown; responses: Record<string, unknown> }>>;
      components: { securitySchemes: Record<string, unknown> };
    };
    const endpoints = t.app.routeTable.filter((r) => r.url.startsWith('/api/') && r.url !== '/api/v1/openapi.json');
    expect(endpoints.length).toBeGreaterThanOrEqual(5);
    for (const route of endpoints) {
      const operation = doc.paths[route.url.replace(/:(\w+)/g, '{$1}')]?.[route.method.toLowerCase()];
      expect(operation, `${route.method} ${route.url}`).toBeDefined();
      const access = route.access as { scope?: string; right?: string };
      expect(operation!.security).toEqual(access.scope ? [{ clientCredentials: [access.scope] }] : [{ session: [] }]);
      if (!access.scope) expect(access.right).toBe('esms.notifications.read');
    }
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(['clientCredentials', 'session']);
    const esmsImport = doc.paths['/api/v1/esms/decisions']!.post!;
    expect(Object.keys(esmsImport.responses)).toEqual(['200', '400', '401', '403', '429']);
  });
});
