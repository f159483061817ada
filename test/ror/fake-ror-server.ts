/**
 * A FHIR R4 "ROR" on loopback for tests and the benchmark: an OAuth2 token endpoint and
 * `GET /fhir/{Organization|Location|HealthcareService}` serving the resources it is given, in pages
 * linked by `next`, filtered by `_lastUpdated=ge…`. It can be told to fail (HTTP 500), to hang
 * (timeouts), to cut its answers short, or to answer anything a test gives it (an HTML page, a
 * malformed Bundle…), and to speak HTTPS requiring a client certificate (mutual TLS).
 * The resources it is given are shaped as the ROR implementation guide writes them: the builders
 * below follow its profiles (ROROrganization, RORLocation, RORHealthcareService), and the fixtures
 * of test/fixtures/ror/ are its published examples (see their README). A test fake, never used by
 * the application itself.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';

export interface FakeRor {
  baseUrl: string;
  tokenUrl: string;
  resources: Record<string, unknown>[];
  mode: 'ok' | 'fail' | 'hang' | 'fail-once' | 'cut';
  /** When set, every search gets this answer instead of a page (status, content type, raw body). */
  answer: { status: number; contentType: string; body: string } | null;
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

const NOS = 'https://mos.esante.gouv.fr/NOS';
const ROR_SD = 'https://interop.esante.gouv.fr/ig/fhir/ror/StructureDefinition';
const concept = (system: string, code: string, display: string) => ({ coding: [{ system: `${NOS}/${system}/FHIR/${system.replace('_', '-')}`, code, display }] });

/**
 * An Organization as the guide's ROROrganization profile writes it: an EJ by its legal status
 * (TRE_R72, TRE_R69, as in the guide's EJ example), an EG by its FINESS category (TRE_R66) and its
 * FINESS identifier (FR Core's system, type FINEG), an OI by its type (TRE_R207) and identifiantOI,
 * `partOf` its parent; the phone in the standard contact's telecom; a closure as organization-period
 * + ror-organization-closing-type (+ ror-organization-reopening-date).
 */
export function organization(values: {
  id: string;
  kind: 'EJ' | 'EG' | 'OI';
  name: string;
  finess?: string;
  /** The identifier system of the FINESS number; FR Core's current one by default. */
  finessSystem?: string;
  partOf?: string;
  active?: boolean;
  postcode?: string;
  city?: string;
  line?: string;
  category?: string;
  /** FINESS category code (TRE_R66) of `category`; 355 (centre hospitalier) by default. */
  categoryCode?: string;
  /** typeOI (TRE_R207): 1 pôle, 2 service, 3 unité fonctionnelle, 4 unité élémentaire; 2 by default. */
  unitLevel?: '1' | '2' | '3' | '4';
  phone?: string;
  email?: string;
  mssante?: string;
  closure?: { on: string; type: 'DEF' | 'PRO' | 'PRE'; reopensOn?: string };
  lastUpdated?: string;
}): Record<string, unknown> {
  const OI_LEVELS = { '1': 'Pôle', '2': 'Structure interne ou Service', '3': 'Unité fonctionnelle', '4': 'Unité élémentaire' } as const;
  const type =
    values.kind === 'EJ'
      ? [concept('TRE_R72-FinessStatutJuridique', '72', 'Société à responsabilité limitée (SARL)'), concept('TRE_R69-FinessAgregatStatutJuridiqueNiv2', '2200', 'Organisme privé à caractère commercial')]
      : values.kind === 'OI'
        ? [concept('TRE_R207-TypeOrganisationInterne', values.unitLevel ?? '2', OI_LEVELS[values.unitLevel ?? '2'])]
        : values.category
          ? [concept('TRE_R66-CategorieEtablissement', values.categoryCode ?? '355', values.category)]
          : [];
  const channel = (code: string, display: string) => ({ url: `${ROR_SD}/ror-telecom-communication-channel`, valueCodeableConcept: concept('TRE_R200-CanalCommunication', code, display) });
  const telecom = [
    ...(values.phone ? [{ system: 'phone', value: values.phone, extension: [channel('2', 'Téléphone fixe')] }] : []),
    ...(values.email ? [{ system: 'email', value: values.email, extension: [channel('3', 'Courrier électronique')] }] : []),
  ];
  const closure = values.closure;
  return {
    resourceType: 'Organization',
    id: values.id,
    meta: { lastUpdated: values.lastUpdated ?? DEFAULT_UPDATED, profile: [`${ROR_SD}/ror-organization`] },
    ...(values.active === undefined ? {} : { active: values.active }),
    identifier: [
      ...(values.finess
        ? [{ system: values.finessSystem ?? 'https://finess.esante.gouv.fr', type: { coding: [{ system: 'https://hl7.fr/ig/fhir/core/CodeSystem/fr-core-cs-v2-0203', code: values.kind === 'EJ' ? 'FINEJ' : 'FINEG' }] }, value: values.finess }]
        : []),
      ...(values.kind === 'OI' ? [{ system: 'https://oi.esante.gouv.fr', value: values.id }] : []),
    ],
    type,
    name: values.name,
    ...(values.mssante ? { telecom: [{ system: 'email', value: values.mssante, extension: [channel('3', 'Courrier électronique')] }] } : {}),
    ...(telecom.length > 0 ? { contact: [{ purpose: concept('TRE_R287-NatureContact', '06', 'standard'), telecom }] } : {}),
    ...(values.postcode ? { address: [{ line: values.line ? [values.line] : [], postalCode: values.postcode, city: values.city }] } : {}),
    ...(values.partOf ? { partOf: { reference: `Organization/${values.partOf}` } } : {}),
    ...(closure
      ? {
          extension: [
            { url: 'http://hl7.org/fhir/StructureDefinition/organization-period', valuePeriod: { end: closure.on } },
            { url: `${ROR_SD}/ror-organization-closing-type`, valueCodeableConcept: concept('TRE_R286-TypeFermeture', closure.type, closure.type === 'PRO' ? 'Provisoire' : closure.type === 'PRE' ? 'Prévisionnelle' : 'Définitive') },
            ...(closure.reopensOn ? [{ url: `${ROR_SD}/ror-organization-reopening-date`, valueDate: closure.reopensOn }] : []),
          ],
        }
      : {}),
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
    answer: null as FakeRor['answer'],
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
    if (state.answer) {
      res.writeHead(state.answer.status, { 'content-type': state.answer.contentType });
      return res.end(state.answer.body);
    }
    if (state.mode === 'cut') {
      // Headers announce a whole page, then the connection drops half-way through the body.
      res.writeHead(200, { 'content-type': 'application/fhir+json', 'content-length': '100000' });
      res.write('{"resourceType":"Bundle","type":"searchset","entry":[');
      setTimeout(() => res.socket?.destroy(), 10);
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
    get answer() {
      return state.answer;
    },
    set answer(value) {
      state.answer = value;
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
