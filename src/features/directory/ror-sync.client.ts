/**
 * A small FHIR R4 client for the ROR API: OAuth2 client credentials (the token is cached until
 * shortly before it expires), the ROR's required headers, JSON searchsets followed through their
 * `next` links, a time limit per request and a few retries on server errors and timeouts.
 * Only `next` links on the ROR's own origin are followed: the bearer token never leaves for another host.
 */
import type { RorConfig } from '../../config.js';

export class RorFetchError extends Error {
  override name = 'RorFetchError';
}

export interface FhirResource {
  resourceType?: unknown;
  id?: unknown;
  [key: string]: unknown;
}

interface Bundle {
  resourceType?: unknown;
  link?: { relation?: unknown; url?: unknown }[];
  entry?: { resource?: FhirResource }[];
}

export interface RorClientOptions {
  /** Retries after a 5xx, a 429 or a timeout (not after a 4xx: asking again would not help). */
  retries?: number;
  retryDelayMs?: number;
  pageSize?: number;
}

export interface RorClient {
  /** Every Organization of the ROR, or those updated since `since`, page after page. */
  organizations(since: Date | null): AsyncGenerator<FhirResource[]>;
}

export function createRorClient(config: RorConfig, options: RorClientOptions = {}): RorClient {
  const retries = options.retries ?? 2;
  const retryDelayMs = options.retryDelayMs ?? 1000;
  const pageSize = options.pageSize ?? 1000;
  const origin = new URL(config.baseUrl).origin;
  let token: { value: string; expiresAt: number } | null = null;

  async function request(url: string, init: RequestInit): Promise<Response> {
    let attempt = 0;
    for (;;) {
      try {
        const response = await fetch(url, { ...init, signal: AbortSignal.timeout(config.timeoutMs), redirect: 'error' });
        if ((response.status >= 500 || response.status === 429) && attempt < retries) {
          await response.body?.cancel();
        } else {
          return response;
        }
      } catch (error) {
        const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
        if (attempt >= retries) {
          throw new RorFetchError(timedOut ? `le ROR n’a pas répondu en ${config.timeoutMs} ms` : `ROR injoignable : ${(error as Error).message}`);
        }
      }
      attempt += 1;
      await new Promise((resolve) => setTimeout(resolve, retryDelayMs * attempt));
    }
  }

  async function bearer(): Promise<string | null> {
    if (!config.tokenUrl) return null;
    if (token && token.expiresAt > Date.now()) return token.value;
    const response = await request(config.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: config.clientId ?? '',
        client_secret: config.clientSecret ?? '',
      }).toString(),
    });
    if (!response.ok) {
      await response.body?.cancel();
      throw new RorFetchError(`jeton OAuth2 refusé par le ROR (HTTP ${response.status})`);
    }
    const body = (await response.json().catch(() => null)) as { access_token?: unknown; expires_in?: unknown } | null;
    if (!body || typeof body.access_token !== 'string') throw new RorFetchError('réponse du serveur de jetons illisible');
    const lifetime = typeof body.expires_in === 'number' ? body.expires_in : 300;
    // Renewed 30 s early so a long page sequence never sends an expired token.
    token = { value: body.access_token, expiresAt: Date.now() + Math.max(0, lifetime - 30) * 1000 };
    return token.value;
  }

  async function getBundle(url: string): Promise<Bundle> {
    const accessToken = await bearer();
    const response = await request(url, {
      method: 'GET',
      headers: {
        accept: 'application/fhir+json',
        ...config.headers,
        ...(accessToken ? { authorization: `Bearer ${accessToken}` } : {}),
      },
    });
    if (response.status === 401 && token) token = null;
    if (!response.ok) {
      await response.body?.cancel();
      throw new RorFetchError(`le ROR a répondu HTTP ${response.status}`);
    }
    const bundle = (await response.json().catch(() => null)) as Bundle | null;
    if (!bundle || bundle.resourceType !== 'Bundle') throw new RorFetchError('réponse du ROR illisible (Bundle attendu)');
    return bundle;
  }

  return {
    async *organizations(since) {
      const params = new URLSearchParams({ _count: String(pageSize) });
      if (since) params.set('_lastUpdated', `ge${since.toISOString()}`);
      let url: string | null = `${config.baseUrl}/Organization?${params.toString()}`;
      const seen = new Set<string>();
      while (url) {
        if (seen.has(url)) throw new RorFetchError('pagination du ROR en boucle');
        seen.add(url);
        const bundle = await getBundle(url);
        yield (bundle.entry ?? []).map((entry) => entry.resource ?? {});
        const next = bundle.link?.find((link) => link.relation === 'next')?.url;
        if (typeof next !== 'string') {
          url = null;
        } else {
          const nextUrl = new URL(next, `${config.baseUrl}/`);
          if (nextUrl.origin !== origin) throw new RorFetchError('lien « next » hors du ROR refusé');
          url = nextUrl.toString();
        }
      }
    },
  };
}
