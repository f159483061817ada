/**
 * The HTTP application: security plugins and request hooks, then THE route table (route-table.ts),
 * where every URL of Habilis is registered, one line each, with the access it requires.
 */
import { randomUUID } from 'node:crypto';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from 'fastify';
import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import type { Deps } from '../deps.js';
import { isLocalBaseUrl } from '../config.js';
import type { Principal } from '../features/habilitations/habilitation.policy.js';
import { errorHandler, notFoundHandler } from './error-handler.js';
import { registerRoutes } from './route-table.js';
import { checkCsrf, issueCsrfToken } from './csrf.js';
import { BODY_LIMIT, registerBodyParsers } from './body-limits.js';
import { describeAccess, guard, type Access } from './guard.js';
import type { RouteEntry } from './route-table.js';
import { loadPrincipal, loadSession, type AuthSession } from './session.js';
import { metricsAccessCheck } from './metrics.js';
import { inputGate } from './input-gate.js';
import { recordRequest } from '../platform/metrics.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
    /** The session, whatever its strength or pending step; `principal` exists only for a complete strong one. */
    authSession: AuthSession | null;
    csrfToken: string;
    csrfSeedIsNew: boolean;
  }
  interface FastifyContextConfig {
    access?: Access;
    /** false: exempt from the CSRF check (token-authenticated API routes only). */
    csrf?: boolean;
  }
}


export async function buildApp(deps: Deps): Promise<FastifyInstance> {
  const { config } = deps;
  const local = isLocalBaseUrl(config);
  // R12 deployment (a): Habilis terminates TLS itself and, when card login is on, asks for the
  // client certificate at the handshake (verified by card-login.certificate, which can explain a
  // refusal). TLS 1.3 only then: before it, the card's certificate (name, RPPS) crossed the network in clear.
  const cardHandshake = { ca: config.card?.caPem, requestCert: true, rejectUnauthorized: false, minVersion: 'TLSv1.3' as const };
  const https = config.https ? { https: { cert: config.https.cert, key: config.https.key, ...(config.card ? cardHandshake : {}) } } : {};
  const app = Fastify({
    ...https,
    loggerInstance: deps.logger as FastifyBaseLogger,
    // Request logs are written by the onResponse hook below, without query strings (they may hold one-time tokens).
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: () => randomUUID(),
    requestIdHeader: false,
    trustProxy: config.trustProxy.length > 0 ? config.trustProxy : false,
    bodyLimit: BODY_LIMIT,
    routerOptions: { ignoreTrailingSlash: true },
  });

  await app.register(cookie);
  registerBodyParsers(app);
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
        ...(local ? {} : { upgradeInsecureRequests: [] }),
      },
    },
    // HSTS only where the service is really reached over https.
    strictTransportSecurity: local ? false : { maxAge: 63072000, includeSubDomains: true },
    referrerPolicy: { policy: 'same-origin' },
    frameguard: { action: 'deny' },
    crossOriginEmbedderPolicy: false,
  });
  await app.register(rateLimit, { global: false });

  app.decorate('metricsAllowed', metricsAccessCheck(config));
  app.decorateRequest('principal', null);
  app.decorateRequest('authSession', null);
  app.decorateRequest('csrfToken', '');
  app.decorateRequest('csrfSeedIsNew', false);

  // A route that does not say who may call it is a bug: refuse to start.
  app.addHook('onRoute', (route) => {
    if (!route.config?.access) {
      throw new Error(`la route ${String(route.method)} ${route.url} ne déclare pas son droit d'accès (config.access)`);
    }
  });

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
    // Token-authenticated API calls (routes declared with a scope) and public API documents carry no session
    // nor form: no cookie to read or issue. The ESMS JSON readings (/api/v1/esms/notifications/:id, /statuts)
    // are a signed-in person's, declared with a right: they keep the session.
    const access = request.routeOptions.config?.access;
    const tokenRoute = typeof access === 'object' && 'scope' in access;
    if (tokenRoute || (request.url.startsWith('/api/') && access === 'public')) return;
    if (request.url.startsWith('/static/') || request.url.startsWith('/health/') || request.url === '/metrics') return;
    issueCsrfToken(config, request, reply);
    request.authSession = await loadSession(deps, request);
    request.principal = await loadPrincipal(deps, request.authSession);
  });
  app.addHook('preHandler', async (request, reply) => {
    checkCsrf(config, request);
    await guard(request, reply);
    await inputGate(request);
  });
  app.addHook('onSend', async (request, reply) => {
    // Pages carry personal data and CSRF tokens: never stored by a shared hospital PC's cache.
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
  });
  app.addHook('onResponse', async (request, reply) => {
    // The route's pattern, never the URL (ids, tokens): a bounded set of series.
    recordRequest(request.method, request.routeOptions.url ?? '(aucune)', reply.statusCode, reply.elapsedTime / 1000);
    request.log.info(
      {
        method: request.method,
        path: request.url.split('?')[0],
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
        account: request.principal?.accountId,
      },
      'requête',
    );
  });

  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler(notFoundHandler);

  const routes = await registerRoutes(app, deps);
  app.decorate('routeTable', routes);
  app.log.debug({ routes: routes.map((r) => `${r.method} ${r.url} ${describeAccess(r.access)}`) }, 'routes');
  return app;
}

declare module 'fastify' {
  interface FastifyInstance {
    routeTable: RouteEntry[];
    /** The 'metrics' access (guard.ts): token or allowed address. */
    metricsAllowed: (request: FastifyRequest) => boolean;
  }
}
