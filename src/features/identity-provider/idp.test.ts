/** Habilis as the OpenID provider of the orientation modules (issue 17): sign-in, acr/amr, step-up, claims (R17). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { buildTestApp, type TestApp } from '../../../test/test-app.js';
import { Agent } from '../../../test/agent.js';
import { buildActiveAccount } from '../../../test/factories.js';
import { adminPrincipal, authorizeUrl, codeOf, exchangeCode, follow, PASSWORD, pkce, registerTestClient, signInWithCode, verifyIdToken, type TestClient } from '../../../test/idp-world.js';
import type { Principal } from '../habilitations/habilitation.policy.js';

let t: TestApp;
let admin: Principal;
let client: TestClient;

beforeAll(async () => {
  t = await buildTestApp();
  admin = await adminPrincipal(t.deps);
  client = await registerTestClient(t.deps, admin);
});
afterAll(async () => {
  await t.close();
});

const person = () => buildActiveAccount(t.deps.db, PASSWORD, { email: `${randomUUID()}@exemple.test` });

describe('R17 sign-in of a module through Habilis', () => {
  it('R17 password + e-mail code: the ID token says acr mfa, amr pwd otp mfa, and the real auth_time', async () => {
    const account = await person();
    const agent = new Agent(t.app);
    const { verifier, challenge } = pkce();
    const toLogin = await follow(agent, authorizeUrl(client, challenge));
    expect(toLogin.statusCode).toBe(303);
    expect(toLogin.headers.location).toMatch(/^\/connexion\?retour=%2Foidc%2Finteraction%2F/);
    const retour = decodeURIComponent(toLogin.headers.location!.split('retour=')[1]!);
    const before = Math.floor(Date.now() / 1000);
    const back = await signInWithCode(t.deps, agent, account, retour);
    expect(back).toBe(retour);
    const atModule = await follow(agent, back);
    expect(atModule.statusCode).toBe(303);
    expect(atModule.headers.location).toMatch(/^http:\/\/localhost:4000\/retour\?code=/);
    const tokens = await exchangeCode(t.app, client, codeOf(atModule.headers.location!), verifier);
    expect(tokens.status).toBe(200);
    const claims = await verifyIdToken(t.app, tokens.body.id_token!);
    expect(claims.sub).toBe(String(account.id));
    expect(claims.acr).toBe('urn:habilis:acr:mfa');
    expect(claims.amr).toEqual(['pwd', 'otp', 'mfa']);
    expect(claims.auth_time).toBeGreaterThanOrEqual(before - 1);
    expect(claims.nonce).toBe('nonce-1');
  });
});
