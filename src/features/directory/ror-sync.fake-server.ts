/**
 * A FHIR R4 "ROR" on loopback for tests and the benchmark: an OAuth2 token endpoint and
 * `GET /fhir/Organization` serving the resources it is given, in pages linked by `next`,
 * filtered by `_lastUpdated=ge…`. It can be told to fail (HTTP 500) or to hang (timeouts).
 * Never used by the application itself.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRor {
  baseUrl: string;
  tokenUrl: string;
  resources: Record<string, unknown>[];
  mode: 'ok' | 'fail' | 'hang' | 'fail-once';
  /** Query strings of every Organization search received. */
  requests: URLSearchParams[];
  tokensIssued: number;
  close(): Promise<void>;
}

export const FAKE_CLIENT = { id: 'habilis', secret: 'secret-de-test', token: 'jeton-de-test', header: 'x-ror-profil' } as const;

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
  phone?: string;
  lastUpdated?: string;
}): Record<string, unknown> {
  return {
    resourceType: 'Organization',
    id: values.id,
    meta: { lastUpdated: values.lastUpdated ?? '2026-01-01T00:00:00Z' },
    active: values.active ?? true,
    identifier: values.finess ? [{ system: 'http://finess.sante.gouv.fr', value: values.finess }] : [],
    type: [
      { coding: [{ system: 'https://mos.esante.gouv.fr/NOS/TRE_R292-TypeOrganisation', code: values.kind }] },
      ...(values.category
        ? [{ coding: [{ system: 'https://mos.esante.gouv.fr/NOS/TRE_R66-CategorieEtablissement/FHIR/TRE-R66-CategorieEtablissement', code: '355', display: values.category }] }]
        : []),
    ],
    name: values.name,
    ...(values.phone ? { telecom: [{ system: 'phone', value: values.phone }] } : {}),
    ...(values.postcode ? { address: [{ line: values.line ? [values.line] : [], postalCode: values.postcode, city: values.city }] } : {}),
    ...(values.partOf ? { partOf: { reference: `Organization/${values.partOf}` } } : {}),
  };
}

export async function startFakeRor(initial: Record<string, unknown>[] = []): Promise<FakeRor> {
  const hanging = new Set<ServerResponse>();
  const state = {
    resources: initial,
    mode: 'ok' as FakeRor['mode'],
    requests: [] as URLSearchParams[],
    tokensIssued: 0,
  };
  const send = (res: ServerResponse, status: number, body: unknown, type = 'application/fhir+json') => {
    res.writeHead(status, { 'content-type': type });
    res.end(JSON.stringify(body));
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
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
    if (req.method !== 'GET' || url.pathname !== '/fhir/Organization') return send(res, 404, { resourceType: 'OperationOutcome' });
    if (req.headers.authorization !== `Bearer ${FAKE_CLIENT.token}` || !req.headers[FAKE_CLIENT.header]) {
      return send(res, 401, { resourceType: 'OperationOutcome' });
    }
    state.requests.push(url.searchParams);
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
    const matching = since
      ? state.resources.filter((r) => Date.parse(String((r.meta as { lastUpdated?: string } | undefined)?.lastUpdated)) >= Date.parse(since))
      : state.resources;
    const slice = matching.slice(page * count, (page + 1) * count);
    const next = new URLSearchParams(url.searchParams);
    next.set('_page', String(page + 1));
    send(res, 200, {
      resourceType: 'Bundle',
      type: 'searchset',
      total: matching.length,
      link: [
        { relation: 'self', url: url.toString() },
        ...((page + 1) * count < matching.length ? [{ relation: 'next', url: `${baseUrl}/Organization?${next.toString()}` }] : []),
      ],
      entry: slice.map((resource) => ({ fullUrl: `${baseUrl}/Organization/${String(resource.id)}`, resource })),
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}/fhir`;
  const fake: FakeRor = {
    baseUrl,
    tokenUrl: `http://127.0.0.1:${port}/token`,
    get resources() {
      return state.resources;
    },
    set resources(value) {
      state.resources = value;
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
