/**
 * A tiny orientation module, client of Habilis (issue 17, docs/integration.md): it signs its users
 * in through Habilis (OpenID Connect, authorization code + PKCE, with openid-client), reads who they
 * are and how strongly they authenticated (acr, amr) and their habilitations (userinfo), then asks
 * Habilis a decision with its own client-credentials token. Everything a real module needs, in
 * one file; its sessions live in memory (a real module keeps them server-side like Habilis does).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import * as oidc from 'openid-client';

export interface ModuleSettings {
  /** Habilis's issuer, e.g. https://habilis.example.fr/oidc */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Where this module listens (0: any free port) and is reached. */
  port?: number;
  /** The acr the module requires (acr_values); absent: Habilis's default. */
  acrValues?: string;
  /** What the decision asks, for the page: a right at a place. */
  decision?: { right: string; resource: { type: string; id: string } };
}

export interface RunningModule {
  url: string;
  close(): Promise<void>;
}

interface Pending {
  verifier: string;
  state: string;
  nonce: string;
}

const escape = (value: unknown) => String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(res: ServerResponse, title: string, body: string, status = 200): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(`<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>${escape(title)} – Module d’orientation</title></head><body><main><h1>${escape(title)}</h1>${body}</main></body></html>`);
}

function cookie(req: IncomingMessage, name: string): string | undefined {
  return (req.headers.cookie ?? '')
    .split(';')
    .map((part) => part.trim().split('='))
    .find(([key]) => key === name)?.[1];
}

export async function startOrientationModule(settings: ModuleSettings): Promise<RunningModule> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(settings.port ?? 0, '127.0.0.1', resolve));
  const url = `http://localhost:${(server.address() as AddressInfo).port}`;
  const redirectUri = `${url}/retour`;
  // http is for the loopback of development and tests only: Habilis is https in production.
  const insecure = settings.issuer.startsWith('http://') ? { execute: [oidc.allowInsecureRequests] } : undefined;
  const config = await oidc.discovery(new URL(settings.issuer), settings.clientId, settings.clientSecret, undefined, insecure);
  const pending = new Map<string, Pending>();
  const sessions = new Map<string, { claims: oidc.IDToken; userinfo: oidc.UserInfoResponse; decision: boolean | null }>();

  /** The module's own token for Habilis's API (client credentials), asked when needed. */
  const evaluate = async (sub: string): Promise<boolean | null> => {
    if (!settings.decision) return null;
    const { access_token: token } = await oidc.clientCredentialsGrant(config, { scope: 'access.evaluate' });
    const answer = await fetch(new URL('/api/v1/access/evaluation', settings.issuer), {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ subject: { type: 'user', id: sub }, action: { name: settings.decision.right }, resource: settings.decision.resource }),
    });
    return ((await answer.json()) as { decision: boolean }).decision;
  };

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const current = new URL(req.url ?? '/', url);
      if (current.pathname === '/favicon.ico') {
        res.writeHead(204).end();
        return;
      }
      if (current.pathname === '/') {
        const session = sessions.get(cookie(req, 'module_session') ?? '');
        if (!session) return page(res, 'Module d’orientation', '<p><a href="/connexion">Se connecter avec Habilis</a></p>');
        const habilitations = (session.userinfo.habilitations as { profile: { name: string } }[] | undefined) ?? [];
        return page(
          res,
          'Module d’orientation',
          `<p id="personne">${escape(session.userinfo.given_name)} ${escape(session.userinfo.family_name)}</p>
           <p>acr : <code id="acr">${escape(session.claims.acr)}</code></p>
           <p>amr : <code id="amr">${escape(((session.claims.amr as string[] | undefined) ?? []).join(' '))}</code></p>
           <p>auth_time : <code id="auth-time">${escape(session.claims.auth_time)}</code></p>
           <p>Habilitations : <span id="habilitations">${habilitations.map((h) => escape(h.profile.name)).join(', ') || 'aucune'}</span></p>
           <p>Décision de Habilis : <strong id="decision">${session.decision === null ? 'non demandée' : session.decision ? 'autorisé' : 'refusé'}</strong></p>`,
        );
      }
      if (current.pathname === '/connexion') {
        const flow: Pending = { verifier: oidc.randomPKCECodeVerifier(), state: oidc.randomState(), nonce: oidc.randomNonce() };
        const id = randomBytes(16).toString('base64url');
        pending.set(id, flow);
        const target = oidc.buildAuthorizationUrl(config, {
          redirect_uri: redirectUri,
          scope: 'openid profile email habilitations',
          code_challenge: await oidc.calculatePKCECodeChallenge(flow.verifier),
          code_challenge_method: 'S256',
          state: flow.state,
          nonce: flow.nonce,
          ...(settings.acrValues ? { acr_values: settings.acrValues } : {}),
        });
        res.writeHead(303, { location: target.href, 'set-cookie': `module_flow=${id}; Path=/; HttpOnly; SameSite=Lax` }).end();
        return;
      }
      if (current.pathname === '/retour') {
        const flow = pending.get(cookie(req, 'module_flow') ?? '');
        if (!flow) return page(res, 'Connexion impossible', '<p>Aucune connexion en cours.</p>', 400);
        pending.delete(cookie(req, 'module_flow')!);
        // openid-client checks the state, the code with PKCE, the ID token's signature (Habilis's JWKS), issuer, audience, nonce and expiry.
        const tokens = await oidc.authorizationCodeGrant(config, current, { pkceCodeVerifier: flow.verifier, expectedState: flow.state, expectedNonce: flow.nonce });
        const claims = tokens.claims()!;
        const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
        const id = randomBytes(16).toString('base64url');
        sessions.set(id, { claims, userinfo, decision: await evaluate(claims.sub) });
        res.writeHead(303, { location: '/', 'set-cookie': `module_session=${id}; Path=/; HttpOnly; SameSite=Lax` }).end();
        return;
      }
      page(res, 'Page introuvable', '<p>Cette page n’existe pas.</p>', 404);
    })().catch((error: unknown) => page(res, 'Erreur', `<p>${escape(error instanceof Error ? error.message : error)}</p>`, 500));
  });

  return { url, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
