/**
 * A real OpenID provider on loopback that behaves like Pro Santé Connect (R13), for tests and
 * browser journeys: oidc-provider, discovery also published at PSC's path
 * (`/.well-known/wallet-openid-configuration`), scope `openid scope_all`, `acr` chosen by the test,
 * and PSC's claim shapes in the userinfo (SubjectNameID = 8 + RPPS, given_name, family_name,
 * SubjectRefPro), an `amr` in the ID token. Its login page is a plain HTML form, as a browser would see it. With `mtls`, the
 * client authenticates by certificate (`tls_client_auth`, as PSC requires) at token and userinfo
 * endpoints served on a second, https-only host that asks for client certificates and is published
 * as `mtls_endpoint_aliases`, as PSC does.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import Provider, { type ProviderContext } from 'oidc-provider';

export interface PscUser {
  subjectNameId: string;
  givenName: string;
  familyName: string;
}

export interface TestPsc {
  /** Value for PSC_ISSUER: the discovery document at PSC's own path. */
  issuerSetting: string;
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The acr the next login gets (null: none). */
  acr: string | null;
  /** The amr the next login gets (null: none); `ECPS_AMR` unless a test says otherwise (R16, R17). */
  amr: string[] | null;
  /** How long ago the next login's authentication happened (auth_time), seconds. */
  authAgeSeconds: number;
  /** Errors the token endpoint answered (e.g. invalid_client), oldest first. */
  tokenErrors: string[];
  addUser(user: PscUser): void;
  /** Follows the authorization URL through the provider's login form as `subjectNameId`; returns the redirect back to the client. */
  login(authorizationUrl: string, subjectNameId: string): Promise<URL>;
  close(): Promise<void>;
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/** Mutual TLS of the token and userinfo endpoints: the provider's server certificate, the CA it trusts for clients, the client's registered subject. */
export interface TestPscMtls {
  serverCert: string;
  serverKey: string;
  clientCa: string;
  clientSubjectDn: string;
}

/** "CN=…,O=…,C=…" of the certificate the client presented on this TLS connection. */
function peerSubjectDn(socket: TLSSocket): string | null {
  const peer = socket.getPeerCertificate?.();
  if (!peer || !peer.subject) return null;
  return Object.entries(peer.subject)
    .map(([key, value]) => `${key}=${String(value)}`)
    .join(',');
}

/**
 * The amr the stand-in gives by default, as an e-CPS validation would: RFC 8176 values of a key
 * held in the phone's e-CPS application (`swk`), unlocked by the professional's code (`pin`), two
 * factors (`mfa`). Pro Santé Connect's own list of the amr values it sends was not reachable from
 * here: its public pages name it ("Valeurs AMR actuellement autorisées", industriels.esante.gouv.fr,
 * Pro Santé Connect, délégation à un fournisseur d'identité local) without the list showing in
 * what could be read. Habilis does not depend on these values: it passes on whatever amr the
 * provider gave (R17), and the tests check that against other values as well.
 */
export const ECPS_AMR: readonly string[] = ['swk', 'pin', 'mfa'];

/** Where the test applications (app.inject, BASE_URL http://localhost:3000) come back from the provider. */
export const TEST_APP_URIS = { redirectUri: 'http://localhost:3000/connexion/psc/retour', postLogoutRedirectUri: 'http://localhost:3000/' } as const;

/** The environment that points an application at this provider with its client secret. */
export function pscEnv(psc: TestPsc): Record<string, string> {
  return { PSC_ISSUER: psc.issuerSetting, PSC_CLIENT_ID: psc.clientId, PSC_CLIENT_SECRET: psc.clientSecret };
}

export async function startTestPsc(options: { redirectUri: string; postLogoutRedirectUri: string; signedUserinfo?: boolean; mtls?: TestPscMtls }): Promise<TestPsc> {
  const users = new Map<string, PscUser>();
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clientId = 'habilis-test';
  const clientSecret = randomBytes(24).toString('base64url');
  let mtlsServer: HttpsServer | null = null;
  let mtlsOrigin = '';
  if (options.mtls) {
    // The browser never comes here: only the client's back-channel requests, each with its certificate.
    mtlsServer = createHttpsServer({ cert: options.mtls.serverCert, key: options.mtls.serverKey, ca: options.mtls.clientCa, requestCert: true, rejectUnauthorized: false });
    await new Promise<void>((resolve) => mtlsServer!.listen(0, '127.0.0.1', resolve));
    mtlsOrigin = `https://localhost:${(mtlsServer.address() as AddressInfo).port}`;
  }
  const clientAuth = options.mtls
    ? { token_endpoint_auth_method: 'tls_client_auth', tls_client_auth_subject_dn: options.mtls.clientSubjectDn }
    : { client_secret: clientSecret, token_endpoint_auth_method: 'client_secret_basic' };
  const state = { acr: 'eidas1' as string | null, amr: [...ECPS_AMR] as string[] | null, authAgeSeconds: 0 };

  const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        ...clientAuth,
        redirect_uris: [options.redirectUri],
        post_logout_redirect_uris: [options.postLogoutRedirectUri],
        response_types: ['code'],
        grant_types: ['authorization_code'],
        require_auth_time: true,
        // PSC may answer the userinfo as a signed JWT.
        ...(options.signedUserinfo ? { userinfo_signed_response_alg: 'RS256' } : {}),
      },
    ],
    jwks: { keys: [{ ...signingKey, kid: 'test-psc', use: 'sig', alg: 'RS256' }] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    scopes: ['openid', 'scope_all'],
    // The amr goes in every ID token, unasked: Pro Santé Connect takes no claims parameter
    // (`claims_parameter_supported: false` in its discovery document, as the LemonLDAP::NG
    // documentation of Pro Santé Connect reproduces it), so a client has no way to ask for it.
    claims: { openid: ['sub', 'amr'], scope_all: ['SubjectNameID', 'given_name', 'family_name', 'SubjectRefPro'] },
    acrValues: ['eidas1', 'eidas2', 'eidas3', 'eidas0'],
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: { enabled: true },
      claimsParameter: { enabled: true },
      jwtUserinfo: { enabled: true },
      mTLS: {
        enabled: Boolean(options.mtls),
        tlsClientAuth: true,
        getCertificate: (ctx: ProviderContext) => {
          const socket = ctx.socket as TLSSocket;
          const raw = socket.encrypted ? socket.getPeerCertificate?.()?.raw : undefined;
          return raw ? `-----BEGIN CERTIFICATE-----\n${raw.toString('base64')}\n-----END CERTIFICATE-----\n` : undefined;
        },
        // Verified by the TLS handshake against the client CA of this host.
        certificateAuthorized: (ctx: ProviderContext) => (ctx.socket as TLSSocket).authorized === true,
        certificateSubjectMatches: (ctx: ProviderContext, property: string, expected: string) =>
          property === 'tls_client_auth_subject_dn' && peerSubjectDn(ctx.socket as TLSSocket) === expected,
      },
    },
    clientAuthMethods: ['client_secret_basic', ...(options.mtls ? ['tls_client_auth'] : [])],
    // PSC publishes the mutual-TLS host of its back-channel endpoints in the discovery document.
    ...(options.mtls ? { discovery: { mtls_endpoint_aliases: { token_endpoint: `${mtlsOrigin}/token`, userinfo_endpoint: `${mtlsOrigin}/me` } } } : {}),
    pkce: { required: () => true },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    // PSC asks no consent of the professional: the grant exists as soon as they are identified.
    loadExistingGrant: async (ctx: ProviderContext) => {
      const accountId = ctx.oidc.session?.accountId;
      if (!accountId || !ctx.oidc.client) return undefined;
      const grant = new provider.Grant({ clientId: ctx.oidc.client.clientId, accountId });
      grant.addOIDCScope('openid scope_all');
      await grant.save();
      return grant;
    },
    findAccount: async (_ctx: unknown, id: string) => {
      const user = users.get(id);
      if (!user) return undefined;
      return {
        accountId: id,
        claims: async () => ({
          sub: id,
          SubjectNameID: user.subjectNameId,
          given_name: user.givenName,
          family_name: user.familyName,
          SubjectRefPro: { codeCivilite: 'M', exercices: [{ codeProfession: '10', activities: [{ numeroFinessSite: '340000000', raisonSocialeSite: 'Cabinet médical des Tilleuls' }] }] },
        }),
      };
    },
    ttl: { Session: 600, Interaction: 600, Grant: 600, AccessToken: 600, AuthorizationCode: 60, IdToken: 600 },
  });
  const providerCallback = provider.callback();
  const tokenErrors: string[] = [];
  provider.on('grant.error', (_ctx: unknown, error: { error?: string }) => tokenErrors.push(error.error ?? 'erreur'));

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', issuer);
    // A browser asks the provider's origin for its icon: no icon, and no 404 in the console.
    if (url.pathname === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    if (url.pathname === '/.well-known/wallet-openid-configuration') req.url = '/.well-known/openid-configuration';
    const interaction = /^\/interaction\/([\w-]+)$/.exec(url.pathname);
    if (!interaction) return providerCallback(req, res);
    const details = await provider.interactionDetails(req, res);
    if (req.method === 'POST') {
      const form = await readForm(req);
      const subject = form.get('identifiant') ?? '';
      if (!users.has(subject)) {
        res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' }).end('identité inconnue du fournisseur de test');
        return;
      }
      const login = {
        accountId: subject,
        ts: Math.floor(Date.now() / 1000) - state.authAgeSeconds,
        ...(state.acr ? { acr: state.acr } : {}),
        ...(state.amr ? { amr: state.amr } : {}),
      };
      await provider.interactionFinished(req, res, { login }, { mergeWithLastSubmission: false });
      return;
    }
    const page = `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Pro Santé Connect (test)</title></head>
<body><main><h1>Pro Santé Connect (fournisseur de test)</h1>
<form method="post" action="/interaction/${escapeHtml(details.uid)}">
<label for="identifiant">Identifiant national (SubjectNameID)</label>
<input id="identifiant" name="identifiant" autocomplete="off">
<button type="submit">Valider avec mon e-CPS</button>
</form></main></body></html>`;
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page);
  };
  mtlsServer?.on('request', (req, res) => providerCallback(req, res));
  server.on('request', (req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(error));
    });
  });

  const login = async (authorizationUrl: string, subjectNameId: string): Promise<URL> => {
    const jar = new Map<string, string>();
    const send = async (target: string, init: RequestInit = {}) => {
      const response = await fetch(target, { ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string>), cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') } });
      for (const line of response.headers.getSetCookie()) {
        const [pair] = line.split(';');
        const at = pair!.indexOf('=');
        jar.set(pair!.slice(0, at), pair!.slice(at + 1));
      }
      return response;
    };
    let response = await send(authorizationUrl);
    let location = response.headers.get('location');
    for (let hops = 0; hops < 10 && location; hops += 1) {
      const next = new URL(location, issuer);
      if (!next.href.startsWith(issuer)) return next;
      if (/^\/interaction\//.test(next.pathname)) {
        await send(next.href);
        response = await send(next.href, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ identifiant: subjectNameId }).toString(),
        });
      } else {
        response = await send(next.href);
      }
      location = response.headers.get('location');
    }
    throw new Error(`le fournisseur de test n’a pas renvoyé vers le client (statut ${response.status}) : ${await response.text()}`);
  };

  return {
    issuerSetting: `${issuer}/.well-known/wallet-openid-configuration`,
    issuer,
    clientId,
    clientSecret,
    get acr() {
      return state.acr;
    },
    set acr(value: string | null) {
      state.acr = value;
    },
    get amr() {
      return state.amr;
    },
    set amr(value: string[] | null) {
      state.amr = value;
    },
    get authAgeSeconds() {
      return state.authAgeSeconds;
    },
    set authAgeSeconds(value: number) {
      state.authAgeSeconds = value;
    },
    tokenErrors,
    addUser: (user) => users.set(user.subjectNameId, user),
    login,
    close: async () => {
      for (const one of [server, mtlsServer]) {
        if (!one) continue;
        one.closeAllConnections();
        await new Promise<void>((resolve) => one.close(() => resolve()));
      }
    },
  };
}
