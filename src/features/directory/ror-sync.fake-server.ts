/**
 * A FHIR R4 "ROR" on loopback for tests and the benchmark: an OAuth2 token endpoint and
 * `GET /fhir/{Organization|Location|HealthcareService}` serving the resources it is given, in pages
 * linked by `next`, filtered by `_lastUpdated=ge…`. It can be told to fail (HTTP 500) or to hang
 * (timeouts), and to speak HTTPS requiring a client certificate (mutual TLS).
 * Never used by the application itself.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';

export interface FakeRor {
  baseUrl: string;
  tokenUrl: string;
  resources: Record<string, unknown>[];
  mode: 'ok' | 'fail' | 'hang' | 'fail-once';
  /** Every search received, in order: its resource type and query string. */
  requests: { type: string; query: URLSearchParams }[];
  tokensIssued: number;
  /** Over HTTPS: the subject CN of the client certificate of every request (token and searches). */
  clientCertificates: string[];
  close(): Promise<void>;
}

export const FAKE_CLIENT = { id: 'habilis', secret: 'secret-de-test', token: 'jeton-de-test', header: 'x-ror-profil' } as const;
const SEARCHABLE = new Set(['Organization', 'Location', 'HealthcareService']);
const DEFAULT_UPDATED = '2026-01-01T00:00:00Z';

export function organization(values: {
  id: string;
  kind: 'EJ' | 'EG' | 'OI';
  name: string;
  finess?: string;
  partOf?: string;
  active?: boolean;
  postcode?: string;
  city?: string;
  line?: string;
  category?: string;
  /** FINESS category code (TRE_R66) of `category`; 355 (centre hospitalier) by default. */
  categoryCode?: string;
  phone?: string;
  lastUpdated?: string;
}): Record<string, unknown> {
  return {
    resourceType: 'Organization',
    id: values.id,
    meta: { lastUpdated: values.lastUpdated ?? DEFAULT_UPDATED },
    active: values.active ?? true,
    identifier: values.finess ? [{ system: 'http://finess.sante.gouv.fr', value: values.finess }] : [],
    type: [
      { coding: [{ system: 'https://mos.esante.gouv.fr/NOS/TRE_R292-TypeOrganisation', code: values.kind }] },
      ...(values.category
        ? [{ coding: [{ system: 'https://mos.esante.gouv.fr/NOS/TRE_R66-CategorieEtablissement/FHIR/TRE-R66-CategorieEtablissement', code: values.categoryCode ?? '355', display: values.category }] }]
        : []),
    ],
    name: values.name,
    ...(values.phone ? { telecom: [{ system: 'phone', value: values.phone }] } : {}),
    ...(values.postcode ? { address: [{ line: values.line ? [values.line] : [], postalCode: values.postcode, city: values.city }] } : {}),
    ...(values.partOf ? { partOf: { reference: `Organization/${values.partOf}` } } : {}),
  };
}

/** A FHIR Location managed by an establishment or unit. */
export function location(values: {
  id: string;
  organization: string;
  name?: string;
  line?: string;
  postcode?: string;
  city?: string;
  position?: { latitude: number; longitude: number };
  status?: 'active' | 'suspended' | 'inactive';
  lastUpdated?: string;
}): Record<string, unknown> {
  return {
    resourceType: 'Location',
    id: values.id,
    meta: { lastUpdated: values.lastUpdated ?? DEFAULT_UPDATED },
    status: values.status ?? 'active',
    ...(values.name ? { name: values.name } : {}),
    address: { line: values.line ? [values.line] : [], ...(values.postcode ? { postalCode: values.postcode } : {}), ...(values.city ? { city: values.city } : {}) },
    ...(values.position ? { position: values.position } : {}),
    managingOrganization: { reference: `Organization/${values.organization}` },
  };
}

/** A FHIR HealthcareService provided by an establishment or unit. */
export function healthcareService(values: {
  id: string;
  providedBy: string;
  name: string;
  category?: string;
  types?: string[];
  specialties?: string[];
  location?: string;
  active?: boolean;
  lastUpdated?: string;
}): Record<string, unknown> {
  const concept = (system: string, display: string) => ({ coding: [{ system: `https://mos.esante.gouv.fr/NOS/${system}`, code: display.slice(0, 3).toUpperCase(), display }] });
  return {
    resourceType: 'HealthcareService',
    id: values.id,
    meta: { lastUpdated: values.lastUpdated ?? DEFAULT_UPDATED },
    active: values.active ?? true,
    providedBy: { reference: `Organization/${values.providedBy}` },
    name: values.name,
    ...(values.category ? { category: [concept('TRE_R227-ChampActivite', values.category)] } : {}),
    ...(values.types ? { type: values.types.map((t) => concept('TRE_R211-ActiviteOperationnelle', t)) } : {}),
    ...(values.specialties ? { specialty: values.specialties.map((t) => concept('TRE_R210-ActiviteSpecifique', t)) } : {}),
    ...(values.location ? { location: [{ reference: `Location/${values.location}` }] } : {}),
  };
}

export interface FakeRorOptions {
  /** HTTPS with these PEM texts; the client must present a certificate signed by `ca`. */
  tls?: { key: string; cert: string; ca: string };
}

export async function startFakeRor(initial: Record<string, unknown>[] = [], options: FakeRorOptions = {}): Promise<FakeRor> {
  const hanging = new Set<ServerResponse>();
  const state = {
    resources: initial,
    mode: 'ok' as FakeRor['mode'],
    requests: [] as FakeRor['requests'],
    tokensIssued: 0,
    clientCertificates: [] as string[],
  };
  // The resources of each type, computed once per assignment of `resources` (pages are slices of it).
  let byType: Map<string, Record<string, unknown>[]> | null = null;
  const ofType = (type: string) => {
    if (!byType) {
      byType = new Map([...SEARCHABLE].map((t) => [t, []]));
      // Anything that is not a Location or a HealthcareService is served as an Organization (malformed resources included).
      for (const resource of state.resources) byType.get(SEARCHABLE.has(String(resource.resourceType)) ? String(resource.resourceType) : 'Organization')!.push(resource);
    }
    return byType.get(type)!;
  };
  const send = (res: ServerResponse, status: number, body: unknown, type = 'application/fhir+json') => {
    res.writeHead(status, { 'content-type': type });
    res.end(JSON.stringify(body));
  };
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    if (options.tls) state.clientCertificates.push(String((req.socket as TLSSocket).getPeerCertificate().subject?.CN ?? ''));
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method === 'POST' && url.pathname === '/token') {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const form = new URLSearchParams(body);
        if (form.get('grant_type') !== 'client_credentials' || form.get('client_id') !== FAKE_CLIENT.id || form.get('client_secret') !== FAKE_CLIENT.secret) {
          return send(res, 401, { error: 'invalid_client' }, 'application/json');
        }
        state.tokensIssued += 1;
        send(res, 200, { access_token: FAKE_CLIENT.token, token_type: 'Bearer', expires_in: 3600 }, 'application/json');
      });
      return;
    }
    const type = url.pathname.replace(/^\/fhir\//, '');
    if (req.method !== 'GET' || !url.pathname.startsWith('/fhir/') || !SEARCHABLE.has(type)) return send(res, 404, { resourceType: 'OperationOutcome' });
    if (req.headers.authorization !== `Bearer ${FAKE_CLIENT.token}` || !req.headers[FAKE_CLIENT.header]) {
      return send(res, 401, { resourceType: 'OperationOutcome' });
    }
    state.requests.push({ type, query: url.searchParams });
    if (state.mode === 'hang') {
      hanging.add(res);
      return;
    }
    if (state.mode === 'fail' || state.mode === 'fail-once') {
      if (state.mode === 'fail-once') state.mode = 'ok';
      return send(res, 500, { resourceType: 'OperationOutcome' });
    }
    const since = url.searchParams.get('_lastUpdated')?.replace(/^ge/, '');
    const count = Number(url.searchParams.get('_count') ?? '50');
    const page = Number(url.searchParams.get('_page') ?? '0');
    const all = ofType(type);
    const matching = since ? all.filter((r) => Date.parse(String((r.meta as { lastUpdated?: string } | undefined)?.lastUpdated)) >= Date.parse(since)) : all;
    const slice = matching.slice(page * count, (page + 1) * count);
    const next = new URLSearchParams(url.searchParams);
    next.set('_page', String(page + 1));
    send(res, 200, {
      resourceType: 'Bundle',
      type: 'searchset',
      total: matching.length,
      link: [
        { relation: 'self', url: url.toString() },
        ...((page + 1) * count < matching.length ? [{ relation: 'next', url: `${baseUrl}/${type}?${next.toString()}` }] : []),
      ],
      entry: slice.map((resource) => ({ fullUrl: `${baseUrl}/${type}/${String(resource.id)}`, resource })),
    });
  };
  const server = options.tls
    ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert, ca: options.tls.ca, requestCert: true, rejectUnauthorized: true }, handler)
    : createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  const baseUrl = `${origin}/fhir`;
  const fake: FakeRor = {
    baseUrl,
    tokenUrl: `${origin}/token`,
    get resources() {
      return state.resources;
    },
    set resources(value) {
      state.resources = value;
      byType = null;
    },
    get mode() {
      return state.mode;
    },
    set mode(value) {
      state.mode = value;
    },
    get requests() {
      return state.requests;
    },
    get tokensIssued() {
      return state.tokensIssued;
    },
    get clientCertificates() {
      return state.clientCertificates;
    },
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return fake;
}

/** The ROR options of Habilis pointed at a fake ROR. */
export function fakeRorEnv(fake: FakeRor, timeoutMs = 2000): Record<string, string> {
  return {
    ROR_BASE_URL: fake.baseUrl,
    ROR_TOKEN_URL: fake.tokenUrl,
    ROR_CLIENT_ID: FAKE_CLIENT.id,
    ROR_CLIENT_SECRET: FAKE_CLIENT.secret,
    ROR_HEADERS: JSON.stringify({ [FAKE_CLIENT.header]: 'PROFIL-TEST' }),
    ROR_TIMEOUT_MS: String(timeoutMs),
  };
}
