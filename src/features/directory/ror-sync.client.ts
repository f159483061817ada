/**
 * A small FHIR R4 client for the ROR API: OAuth2 client credentials (the token is cached until
 * shortly before it expires), the ROR's required headers, JSON searchsets followed through their
 * `next` links, a time limit per request and a few retries on server errors and timeouts.
 * Only `next` links on the ROR's own origin are followed: the bearer token never leaves for another host.
 *
 * Requests go through tlsFetch: the optional mutual TLS (a client certificate and key, a CA for the
 * ROR's server certificate) serves the token endpoint and the FHIR API alike.
 */
import type { RorConfig } from '../../config.js';
import { ResponseTooLargeError, tlsFetch } from '../../platform/tls-fetch.js';
import type { FhirResource } from './ror-fhir.rules.js';

export type { FhirResource } from './ror-fhir.rules.js';

/** Anything that stops the reading of the ROR; its message is the French reason the run shows. */
export class RorFetchError extends Error {
  override name = 'RorFetchError';
}

interface Page {
  resources: FhirResource[];
  next: string | null;
}

export interface RorClientOptions {
  /** Retries after a 5xx, a 429 or a timeout (not after a 4xx: asking again would not help). */
  retries?: number;
  retryDelayMs?: number;
  pageSize?: number;
}

/** The FHIR resource types Habilis reads from the ROR (R50). */
export type RorResourceType = 'Organization' | 'Location' | 'HealthcareService';

export interface RorClient {
  /** Every resource of that type in the ROR, or those updated since `since`, page after page. */
  search(resourceType: RorResourceType, since: Date | null): AsyncGenerator<FhirResource[]>;
  /** Closes the kept-alive connections. */
  close(): void;
}

/** A bundle page is a few megabytes; anything far larger is not an answer of the ROR. */
const MAX_RESPONSE_BYTES = 256 * 1024 * 1024;

interface Answer {
  status: number;
  contentType: string;
  body: Buffer;
}

const parseJson = (body: Buffer): unknown => {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
};

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A searchset page as the client understands it, or the French reason it does not: an HTML page, a
 * body cut short, something else than a Bundle, an `entry` or `link` that is not a list, an entry
 * whose resource has no resourceType. Any of them stops the run: nothing is guessed.
 */
export function readSearchPage(answer: Answer): Page {
  const text = answer.body.toString('utf8').trimStart();
  if (/html/i.test(answer.contentType) || text.startsWith('<')) throw new RorFetchError(`le ROR a répondu une page HTML au lieu d’un Bundle FHIR (HTTP ${answer.status})`);
  const bundle = parseJson(answer.body);
  if (bundle === undefined) throw new RorFetchError('réponse du ROR tronquée ou illisible (JSON invalide)');
  if (!isRecord(bundle) || bundle.resourceType === undefined) throw new RorFetchError('réponse du ROR sans resourceType (Bundle attendu)');
  if (bundle.resourceType !== 'Bundle') throw new RorFetchError(`réponse du ROR de type ${String(bundle.resourceType).slice(0, 40)} (Bundle attendu)`);
  if (bundle.entry !== undefined && !Array.isArray(bundle.entry)) throw new RorFetchError('Bundle du ROR dont « entry » n’est pas une liste');
  if (bundle.link !== undefined && !Array.isArray(bundle.link)) throw new RorFetchError('Bundle du ROR dont « link » n’est pas une liste');
  const resources = ((bundle.entry ?? []) as unknown[]).map((entry, index) => {
    const resource = isRecord(entry) ? entry.resource : undefined;
    if (!isRecord(resource) || typeof resource.resourceType !== 'string') throw new RorFetchError(`entrée ${index + 1} du Bundle du ROR sans ressource ni resourceType`);
    return resource as FhirResource;
  });
  const next = ((bundle.link ?? []) as unknown[]).filter(isRecord).find((link) => link.relation === 'next')?.url;
  return { resources, next: typeof next === 'string' ? next : null };
}

export function createRorClient(config: RorConfig, options: RorClientOptions = {}): RorClient {
  const retries = options.retries ?? 2;
  const retryDelayMs = options.retryDelayMs ?? 1000;
  const pageSize = options.pageSize ?? 1000;
  const origin = new URL(config.baseUrl).origin;
  const send = tlsFetch(config.tls ?? {}, { maxBytes: MAX_RESPONSE_BYTES });
  let token: { value: string; expiresAt: number } | null = null;

  async function request(url: string, init: { method: 'GET' | 'POST'; headers: Record<string, string>; body?: string }): Promise<Answer> {
    let attempt = 0;
    for (;;) {
      const signal = AbortSignal.timeout(config.timeoutMs);
      try {
        const response = await send(url, { ...init, signal });
        const answer = { status: response.status, contentType: response.headers.get('content-type') ?? '', body: Buffer.from(await response.arrayBuffer()) };
        if ((answer.status < 500 && answer.status !== 429) || attempt >= retries) return answer;
      } catch (error) {
        if (error instanceof ResponseTooLargeError) throw new RorFetchError('réponse du ROR trop volumineuse');
        if (attempt >= retries) {
          // The reason of a TLS refusal (unknown CA, missing client certificate) is kept: it is what an operator needs.
          if (signal.aborted) throw new RorFetchError(`le ROR n’a pas répondu en ${config.timeoutMs} ms`);
          const reason = (error as Error).message;
          throw new RorFetchError(/^(aborted|terminated)$/i.test(reason) ? `réponse du ROR interrompue avant la fin (${reason})` : `ROR injoignable : ${reason}`);
        }
      }
      attempt += 1;
      await new Promise((resolve) => setTimeout(resolve, retryDelayMs * attempt));
    }
  }

  async function bearer(): Promise<string | null> {
    if (!config.tokenUrl) return null;
    if (token && token.expiresAt > Date.now()) return token.value;
    const answer = await request(config.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: config.clientId ?? '',
        client_secret: config.clientSecret ?? '',
      }).toString(),
    });
    if (answer.status < 200 || answer.status >= 300) throw new RorFetchError(`jeton OAuth2 refusé par le ROR (HTTP ${answer.status})`);
    const body = (parseJson(answer.body) ?? null) as { access_token?: unknown; expires_in?: unknown } | null;
    if (!body || typeof body.access_token !== 'string') throw new RorFetchError('réponse du serveur de jetons illisible');
    const lifetime = typeof body.expires_in === 'number' ? body.expires_in : 300;
    // Renewed 30 s early so a long page sequence never sends an expired token.
    token = { value: body.access_token, expiresAt: Date.now() + Math.max(0, lifetime - 30) * 1000 };
    return token.value;
  }

  async function getPage(url: string): Promise<Page> {
    const accessToken = await bearer();
    const answer = await request(url, {
      method: 'GET',
      headers: {
        accept: 'application/fhir+json',
        ...config.headers,
        ...(accessToken ? { authorization: `Bearer ${accessToken}` } : {}),
      },
    });
    if (answer.status === 401 && token) token = null;
    if (answer.status < 200 || answer.status >= 300) throw new RorFetchError(`le ROR a répondu HTTP ${answer.status}`);
    return readSearchPage(answer);
  }

  async function* search(resourceType: RorResourceType, since: Date | null): AsyncGenerator<FhirResource[]> {
    const params = new URLSearchParams({ _count: String(pageSize) });
    if (since) params.set('_lastUpdated', `ge${since.toISOString()}`);
    let url: string | null = `${config.baseUrl}/${resourceType}?${params.toString()}`;
    const seen = new Set<string>();
    while (url) {
      if (seen.has(url)) throw new RorFetchError('pagination du ROR en boucle');
      seen.add(url);
      const page = await getPage(url);
      yield page.resources;
      const next = page.next;
      if (next === null) {
        url = null;
      } else {
        const nextUrl = new URL(next, `${config.baseUrl}/`);
        if (nextUrl.origin !== origin) throw new RorFetchError('lien « next » hors du ROR refusé');
        url = nextUrl.toString();
      }
    }
  }

  return {
    search,
    close: send.close,
  };
}
