/**
 * Issue 17's proof that a module reads the truth about each sign-in method (R17): a registered
 * module sends the browser to Habilis, the person signs in there with a CPS card through the real
 * card route (behind the TLS-terminating proxy, R12) or with e-CPS through a stand-in of Pro Santé
 * Connect (R13), comes back to the module, and the module's ID token says how: acr, amr, auth_time.
 * A module asking the card of a weaker session gets the card step-up, never a weaker token.
 */
// @peculiar/x509 relies on tsyringe, which needs the Reflect metadata API loaded first.
import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomInt, randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { buildTestApp, type TestApp } from '../../../test/test-app.js';
import { Agent } from '../../../test/agent.js';
import { buildActiveAccount, trustBrowserOf } from '../../../test/factories.js';
import { issueCard, newCa, type Ca, type Card } from '../../../test/certificates.js';
import { pscEnv, startTestPsc, TEST_APP_URIS, type TestPsc } from '../../../test/psc-provider.js';
import { adminPrincipal, authorizeUrl, codeOf, exchangeCode, follow, PASSWORD, pkce, registerTestClient, signInWithCode, verifyIdToken, type TestClient } from '../../../test/idp-world.js';

const PROXY = '10.250.0.1';
const HEADER = 'x-ssl-client-cert';
const MODULE = /^http:\/\/localhost:4000\/retour\?code=/;

let ca: Ca;
let dir: string;
let psc: TestPsc;
let t: TestApp;
let client: TestClient;

beforeAll(async () => {
  ca = await newCa('AC de test IGC-Santé');
  dir = await mkdtemp(path.join(tmpdir(), 'habilis-idp-methods-'));
  await writeFile(path.join(dir, 'ca.pem'), ca.cert.toString('pem'));
  psc = await startTestPsc(TEST_APP_URIS);
  t = await buildTestApp({ env: { ...pscEnv(psc), CARD_CA_FILE: path.join(dir, 'ca.pem'), CARD_CERT_HEADER: HEADER, CARD_PROXY_ADDRESSES: PROXY } });
  client = await registerTestClient(t.deps, await adminPrincipal(t.deps));
});

afterAll(async () => {
  await t?.close();
  await psc?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const person = (fields: Parameters<typeof buildActiveAccount>[2] = {}) => buildActiveAccount(t.deps.db, PASSWORD, { email: `${randomUUID()}@exemple.test`, ...fields });

/** A browser behind the TLS-terminating proxy: its requests reach Habilis from the proxy's address. */
const behindProxy = () => new Agent(t.app, PROXY);
const withCard = (card: Card) => ({ [HEADER]: encodeURIComponent(card.cert.toString('pem')) });
const nowSeconds = () => Math.floor(Date.now() / 1000);

/** The module's authorization request, followed through the provider's redirects. */
async function moduleAsks(agent: Agent, extra: Record<string, string> = {}) {
  const { verifier, challenge } = pkce();
  return { answer: await follow(agent, authorizeUrl(client, challenge, extra)), verifier };
}

/** Where the provider sent the browser to log in: the login page's `retour`, the interaction. */
function interactionOf(toLogin: LightMyRequestResponse): string {
  expect(toLogin.statusCode).toBe(303);
  expect(toLogin.headers.location).toMatch(/^\/connexion\?retour=%2Foidc%2Finteraction%2F/);
  return decodeURIComponent(toLogin.headers.location!.split('retour=')[1]!);
}

/** The link of a page the person clicks, as the page writes it. */
function linkOn(page: LightMyRequestResponse, pattern: RegExp): string {
  const href = pattern.exec(page.body)?.[1];
  expect(href, `lien ${pattern} absent de la page`).toBeDefined();
  return href!.replaceAll('&amp;', '&');
}

/** The module's back channel: the code for tokens, the ID token verified against Habilis's keys. */
async function idTokenAtModule(atModule: LightMyRequestResponse, verifier: string) {
  expect(atModule.statusCode).toBe(303);
  expect(atModule.headers.location).toMatch(MODULE);
  const tokens = await exchangeCode(t.app, client, codeOf(atModule.headers.location!), verifier);
  expect(tokens.status).toBe(200);
  return verifyIdToken(t.app, tokens.body.id_token!);
}

async function pairCard(card: Card, accountId: number) {
  await t.deps.db.insertInto('professional_identities').values({ kind: 'cps', subject: card.subject, account_id: accountId, paired_at: new Date() }).execute();
}

describe('R17 R12 a module signing in with the CPS card', () => {
  it('R17 R12 the login page’s card button brings the card back to the module: acr card, amr sc pin hwk, the auth_time of the card login', async () => {
    const card = await issueCard(ca);
    const account = await person();
    await pairCard(card, account.id);
    const browser = behindProxy();
    const { answer, verifier } = await moduleAsks(browser);
    const interaction = interactionOf(answer);
    const login = await browser.get(answer.headers.location!);
    const cardUrl = linkOn(login, /href="(\/connexion\/carte\?[^"]+)"/);
    expect(cardUrl).toBe(`/connexion/carte?retour=${encodeURIComponent(interaction)}`);

    const before = nowSeconds();
    const signedIn = await browser.get(cardUrl, withCard(card));
    expect(signedIn.statusCode).toBe(303);
    expect(signedIn.headers.location).toBe(interaction);
    const claims = await idTokenAtModule(await follow(browser, interaction), verifier);
    expect(claims.sub).toBe(String(account.id));
    expect(claims.acr).toBe('urn:habilis:acr:card');
    expect(claims.amr).toEqual(['sc', 'pin', 'hwk']);
    expect(claims.auth_time).toBeGreaterThanOrEqual(before - 1);
    expect(claims.auth_time).toBeLessThanOrEqual(nowSeconds());
    expect(claims.nonce).toBe('nonce-1');
  });

  it('R17 R12 a first card login pairs the card with the password, then comes back to the module with acr card', async () => {
    const card = await issueCard(ca);
    const account = await person();
    const browser = behindProxy();
    const { answer, verifier } = await moduleAsks(browser);
    const interaction = interactionOf(answer);
    const unknown = await browser.get(`/connexion/carte?retour=${encodeURIComponent(interaction)}`, withCard(card));
    expect(unknown.headers.location).toBe('/connexion/carte/association');
    await trustBrowserOf(t.deps.db, browser, account.id);
    const paired = await browser.post('/connexion/carte/association', { username: account.username, password: PASSWORD });
    expect(paired.statusCode).toBe(303);
    expect(paired.headers.location).toBe(interaction);
    const claims = await idTokenAtModule(await follow(browser, interaction), verifier);
    expect(claims.sub).toBe(String(account.id));
    expect(claims.acr).toBe('urn:habilis:acr:card');
    expect(claims.amr).toEqual(['sc', 'pin', 'hwk']);
  });

  it('R17 R12 a module asking the card of a password+code session gets the card step-up, never a token; after the real card login the token says card', async () => {
    const card = await issueCard(ca);
    const account = await person();
    await pairCard(card, account.id);
    const browser = behindProxy();

    // Signed in with the password and the code: a module asking nothing more gets acr mfa.
    const first = await moduleAsks(browser);
    await signInWithCode(t.deps, browser, account, interactionOf(first.answer));
    const mfa = await idTokenAtModule(await follow(browser, interactionOf(first.answer)), first.verifier);
    expect(mfa.acr).toBe('urn:habilis:acr:mfa');
    expect(mfa.amr).toEqual(['pwd', 'otp', 'mfa']);

    const { answer, verifier } = await moduleAsks(browser, { acr_values: 'urn:habilis:acr:card' });
    expect(answer.statusCode).toBe(200);
    expect(answer.headers.location).toBeUndefined();
    expect(answer.body).toContain('demande une connexion par carte CPS');
    const cardUrl = linkOn(answer, /href="(\/connexion\/carte\?retour=[^"]+)"/);
    const interaction = decodeURIComponent(cardUrl.split('retour=')[1]!);
    expect(interaction).toMatch(/^\/oidc\/interaction\/[\w-]+$/);
    // Coming back without the card changes nothing: the same step-up, no code for the module.
    const again = await follow(browser, interaction);
    expect(again.statusCode).toBe(200);
    expect(again.body).toContain('demande une connexion par carte CPS');

    const before = nowSeconds();
    const signedIn = await browser.get(cardUrl, withCard(card));
    expect(signedIn.headers.location).toBe(interaction);
    const claims = await idTokenAtModule(await follow(browser, interaction), verifier);
    expect(claims.sub).toBe(String(account.id));
    expect(claims.acr).toBe('urn:habilis:acr:card');
    expect(claims.amr).toEqual(['sc', 'pin', 'hwk']);
    expect(claims.auth_time).toBeGreaterThanOrEqual(before - 1);
  });

  it('R17 a card demand from a browser without a session: the password and the code lead to the card step-up, never to a token', async () => {
    const account = await person();
    const browser = behindProxy();
    const { answer } = await moduleAsks(browser, { acr_values: 'urn:habilis:acr:card' });
    const interaction = interactionOf(answer);
    expect(await signInWithCode(t.deps, browser, account, interaction)).toBe(interaction);
    const back = await follow(browser, interaction);
    expect(back.statusCode).toBe(200);
    expect(back.headers.location).toBeUndefined();
    expect(back.body).toContain('demande une connexion par carte CPS');
    expect(back.body).toContain(`href="/connexion/carte?retour=${encodeURIComponent(interaction)}"`);
  });
});

describe('R17 R13 a module signing in with e-CPS (Pro Santé Connect)', () => {
  function professional() {
    const rpps = `10${String(randomInt(0, 1_000_000_000)).padStart(9, '0')}`;
    const user = { subjectNameId: `8${rpps}`, givenName: 'Jeanne', familyName: 'Martin' };
    psc.addUser(user);
    return user;
  }

  /** The module's request, the login page's Pro Santé Connect button, the provider's form: the ID token the module gets. */
  async function signInWithEcps(subjectNameId: string, pairWith?: { accountId: number; username: string }) {
    const browser = new Agent(t.app);
    const { answer, verifier } = await moduleAsks(browser);
    const interaction = interactionOf(answer);
    const login = await browser.get(answer.headers.location!);
    const pscUrl = linkOn(login, /href="(\/connexion\/psc\?[^"]+)"/);
    expect(pscUrl).toBe(`/connexion/psc?retour=${encodeURIComponent(interaction)}`);
    const start = await browser.get(pscUrl);
    expect(start.statusCode).toBe(303);
    const back = await psc.login(start.headers.location!, subjectNameId);
    expect(back.pathname).toBe('/connexion/psc/retour');
    const before = nowSeconds();
    let callback = await browser.get(`${back.pathname}${back.search}`);
    expect(callback.statusCode).toBe(303);
    if (pairWith) {
      // A first e-CPS login: the pairing page, the account's password in a browser its code once proved.
      expect(callback.headers.location).toBe('/connexion/psc/association');
      await trustBrowserOf(t.deps.db, browser, pairWith.accountId);
      callback = await browser.post('/connexion/psc/association', { username: pairWith.username, password: PASSWORD });
      expect(callback.statusCode).toBe(303);
    }
    expect(callback.headers.location).toBe(interaction);
    return { claims: await idTokenAtModule(await follow(browser, interaction), verifier), before };
  }

  it('R17 R13 a paired account signs in through /connexion/psc: the ID token carries the amr Pro Santé Connect gave, acr mfa, the auth_time of the login', async () => {
    const pro = professional();
    const account = await person();
    await t.deps.db.insertInto('professional_identities').values({ kind: 'psc', subject: pro.subjectNameId, account_id: account.id, paired_at: new Date() }).execute();
    expect(psc.amr).toEqual(['swk', 'pin', 'mfa']);
    const { claims, before } = await signInWithEcps(pro.subjectNameId);
    expect(claims.sub).toBe(String(account.id));
    expect(claims.acr).toBe('urn:habilis:acr:mfa');
    expect(claims.amr).toEqual(['swk', 'pin', 'mfa']);
    expect(claims.auth_time).toBeGreaterThanOrEqual(before - 1);
    expect(claims.auth_time).toBeLessThanOrEqual(nowSeconds());

    // Whatever Pro Santé Connect says is what the module reads: a CPS card read by Pro Santé Connect.
    psc.amr = ['sc', 'pin', 'hwk'];
    try {
      const viaCard = await signInWithEcps(pro.subjectNameId);
      expect(viaCard.claims.amr).toEqual(['sc', 'pin', 'hwk']);
      expect(viaCard.claims.acr).toBe('urn:habilis:acr:mfa');
    } finally {
      psc.amr = ['swk', 'pin', 'mfa'];
    }
  });

  it('R17 R13 a first e-CPS login pairs the identity with the password, then the module reads the amr Pro Santé Connect gave', async () => {
    const pro = professional();
    const account = await person();
    psc.amr = ['pwd', 'otp', 'mfa'];
    try {
      const { claims } = await signInWithEcps(pro.subjectNameId, { accountId: account.id, username: account.username });
      expect(claims.sub).toBe(String(account.id));
      expect(claims.acr).toBe('urn:habilis:acr:mfa');
      expect(claims.amr).toEqual(['pwd', 'otp', 'mfa']);
    } finally {
      psc.amr = ['swk', 'pin', 'mfa'];
    }
    const identities = await t.deps.db.selectFrom('professional_identities').select(['kind', 'subject']).where('account_id', '=', account.id).execute();
    expect(identities).toEqual([{ kind: 'psc', subject: pro.subjectNameId }]);
  });
});
