/**
 * The OpenAPI 3.1 description of Habilis's JSON API (/api/v1/openapi.json), generated from the zod
 * schemas the routes parse with: the document cannot drift from what the API accepts. Another
 * API adds its operation to API_OPERATIONS (with its zod schemas) and appears here and on the
 * documentation page.
 */
import { z } from 'zod';
import { evaluationRequestSchema, evaluationResponseSchema, evaluationsRequestSchema, evaluationsResponseSchema } from './decision.schemas.js';
import { API_SCOPES, type ApiScope } from './idp.rules.js';
import { establishmentSchema, searchResponseSchema, SEARCH_PARAMETERS } from '../directory/directory.schemas.js';
import { importBatchDocSchema, importErrorsSchema, importResultSchema, notificationJsonSchema, statusBundleSchema } from '../esms/esms.schemas.js';

export interface ApiOperation {
  method: 'post' | 'get';
  path: string;
  /** A service client's token with this scope; or, for a reading of a signed-in person, the session and its right. */
  scope?: ApiScope;
  session?: string;
  parameters?: { name: string; in: 'query' | 'path'; required: boolean; description: string }[];
  contentType?: string;
  /** A 400 whose body is not the common Error (e.g. the import's errors by line and field). */
  badRequest?: z.ZodType;
  /** A token-authenticated reading of one thing by its id: the 404's description. */
  notFound?: string;
  summary: string;
  description: string;
  request?: z.ZodType;
  response: z.ZodType;
  example?: { request?: unknown; response: unknown };
}

/** The F5 statuses' query, the same for a signed-in reader and for an application. */
const STATUS_PARAMETERS: ApiOperation['parameters'] = [
  { name: '_lastUpdated', in: 'query', required: true, description: 'gtAAAA-MM-JJ ou gtAAAA-MM-JJThh:mm:ssZ' },
  { name: '_count', in: 'query', required: false, description: '1 à 500 (100 par défaut)' },
  { name: '_page_token', in: 'query', required: false, description: 'le jeton du lien « next »' },
];

export const API_OPERATIONS: ApiOperation[] = [
  {
    method: 'post',
    path: '/api/v1/access/evaluation',
    scope: 'access.evaluate',
    summary: 'Une décision (AuthZEN « evaluation »)',
    description:
      'Cette personne peut-elle exercer ce droit à cet endroit (`can`), ou lire / écrire ce domaine des dossiers de ce professionnel libéral (`canActFor`, R15) ? Répondu par les mêmes fonctions que les pages de Habilis. Un refus est tracé dans l’historique.',
    request: evaluationRequestSchema,
    response: evaluationResponseSchema,
    example: {
      request: { subject: { type: 'user', id: '42' }, action: { name: 'esms.medical.read' }, resource: { type: 'finess', id: '340780477' } },
      response: { decision: true },
    },
  },
  {
    method: 'post',
    path: '/api/v1/access/evaluations',
    scope: 'access.evaluate',
    summary: 'Plusieurs décisions (AuthZEN « evaluations »)',
    description: 'Jusqu’à 100 décisions en une requête ; chaque évaluation reprend le sujet, l’action ou la ressource du niveau supérieur quand elle ne les donne pas.',
    request: evaluationsRequestSchema,
    response: evaluationsResponseSchema,
    example: {
      request: {
        subject: { type: 'user', id: '42' },
        evaluations: [
          { action: { name: 'read' }, resource: { type: 'professional', id: '17', properties: { area: 'medical' } } },
          { action: { name: 'habilitations.grant' }, resource: { type: 'unit', id: '1203' } },
        ],
      },
      response: { evaluations: [{ decision: true }, { decision: false, context: { reason: 'NOT_PERMITTED' } }] },
    },
  },
  {
    method: 'post',
    path: '/api/v1/esms/decisions',
    scope: 'esms.import',
    summary: 'Import des décisions d’orientation de la MDPH (ESMS)',
    description:
      'Tout ou rien, idempotent sur `idNat_Decision`. L’application doit avoir été rattachée à une région par un administrateur de région (page « Import des décisions ») : 403 sinon ; un établissement hors de cette région est une erreur de la ligne. Guide : docs/esms-import.md.',
    request: importBatchDocSchema,
    response: importResultSchema,
    badRequest: importErrorsSchema,
    example: { response: { created: 2, updated: 0, unchanged: 0, mails: 1 } },
  },
  {
    method: 'get',
    path: '/api/v1/esms/statuts',
    session: 'esms.notifications.read',
    summary: 'Statuts des notifications ESMS (flux F5, FHIR Task)',
    description: 'Les statuts changés depuis un instant, en ESMSTask dans un Bundle searchset, pour les ESMS de la personne connectée, paginés (`_page_token`). Palier 1 : aucun nom.',
    parameters: STATUS_PARAMETERS,
    contentType: 'application/fhir+json',
    response: statusBundleSchema,
  },
  {
    method: 'get',
    path: '/api/v1/esms/applications/statuts',
    scope: 'esms.read',
    summary: 'Statuts des notifications ESMS pour une application (flux F5, FHIR Task)',
    description:
      'La même réponse que `/api/v1/esms/statuts` (palier 1 : identifiants, statuts, dates ; aucun nom, aucune donnée d’évaluation ni médicale), pour les seuls ESMS auxquels un administrateur de région a rattaché l’application (page « Import des décisions ») : 403 si elle n’est rattachée à aucun. Chaque lecture est tracée. Guide : docs/esms-import.md.',
    parameters: STATUS_PARAMETERS,
    contentType: 'application/fhir+json',
    response: statusBundleSchema,
  },
  {
    method: 'get',
    path: '/api/v1/annuaire/etablissements',
    scope: 'directory.read',
    summary: 'Recherche d’établissements dans l’annuaire (R52)',
    description:
      'La recherche de la page « Annuaire » (mêmes critères, mêmes règles : nom, adresse et commune sans accents ni casse, FINESS par son début, établissements fermés exclus sauf `fermes=1`), par ordre de nom, paginée : suivez `links.next` jusqu’à `null`. Un paramètre inconnu ou mal formé est refusé (400, message par paramètre). Guide : docs/integration.md.',
    parameters: Object.entries(SEARCH_PARAMETERS).map(([name, description]) => ({ name, in: 'query' as const, required: false, description })),
    response: searchResponseSchema,
    example: {
      response: {
        total: 41,
        page: 1,
        pageSize: 2,
        pages: 21,
        items: [
          {
            id: 812,
            rorId: '34-1234567',
            finess: '340780477',
            name: 'Centre hospitalier de Béziers',
            category: 'Centre hospitalier',
            domain: 'SANITAIRE',
            departmentCode: '34',
            postcode: '34500',
            city: 'Béziers',
            rorSynced: true,
            closed: false,
            closedAt: null,
            closureType: null,
            reopensOn: null,
            url: 'https://habilis.example/api/v1/annuaire/etablissements/812',
          },
        ],
        links: { self: 'https://habilis.example/api/v1/annuaire/etablissements?departement=34&page=1&taille=2', next: 'https://habilis.example/api/v1/annuaire/etablissements?departement=34&page=2&taille=2' },
      },
    },
  },
  {
    method: 'get',
    path: '/api/v1/annuaire/etablissements/{id}',
    scope: 'directory.read',
    summary: 'La fiche d’un établissement de l’annuaire, ses unités et ses services (R52)',
    description:
      'Ce que la fiche montre à tout professionnel connecté : identifiants (Habilis, ROR, FINESS), identité, adresse, département et région, état (fermé, fermeture temporaire ou annoncée), contacts publics (téléphone, e-mail, MSSanté à part), description, itinéraire d’accès, unités (type, rattachement, code interne) avec leurs services. Ni photographies ni documents. Guide : docs/integration.md.',
    parameters: [{ name: 'id', in: 'path', required: true, description: 'identifiant décimal strictement positif (le champ `id` de la recherche)' }],
    notFound: 'Aucun établissement sous cet identifiant (ou identifiant mal formé)',
    response: establishmentSchema,
    example: {
      response: {
        id: 812,
        rorId: '34-1234567',
        finess: '340780477',
        name: 'Centre hospitalier de Béziers',
        category: 'Centre hospitalier',
        domain: { code: 'SANITAIRE', name: 'Sanitaire' },
        legalEntity: { name: 'CH de Béziers', finess: '340000207' },
        address: { street: '2 rue Valentin Haüy', postcode: '34500', city: 'Béziers' },
        department: { code: '34', name: 'Hérault' },
        regionCode: '76',
        rorSynced: true,
        rorSyncedAt: '2026-12-05T02:00:00.000Z',
        closed: false,
        closedAt: null,
        closureType: null,
        reopensOn: null,
        closesOn: null,
        contacts: { phone: '04 67 35 70 35', email: 'accueil@ch-beziers.example', mssante: 'accueil@ch-beziers.mssante.fr' },
        description: null,
        accessItinerary: 'Bus 1, arrêt Hôpital.',
        units: [
          {
            id: 1203,
            rorId: '34-U-88',
            name: 'Pôle gériatrie',
            level: 'Pôle',
            parentId: null,
            internalCode: 'GER',
            closed: false,
            closedAt: null,
            closureType: null,
            reopensOn: null,
            services: [{ id: 5120, name: 'Hôpital de jour gériatrique', category: 'Hospitalisation de jour', types: null, specialties: 'Gériatrie', closed: false, place: 'Site principal – 2 rue Valentin Haüy, 34500 Béziers' }],
          },
        ],
        services: [],
      },
    },
  },
  {
    method: 'get',
    path: '/api/v1/esms/notifications/{id}',
    session: 'esms.notifications.read',
    summary: 'Une notification ESMS au palier du lecteur (R60)',
    description: 'La même projection que la page, au palier de la personne connectée à cet endroit ; la lecture est tracée (R64). 404 pour une notification hors de son périmètre comme pour une absente.',
    parameters: [{ name: 'id', in: 'path', required: true, description: 'identifiant décimal strictement positif' }],
    response: notificationJsonSchema,
  },
];

const errorSchema = z.object({ code: z.string(), message: z.string().describe('en français'), requestId: z.string(), fields: z.record(z.string(), z.string()).optional().describe('message par champ') });

const jsonSchema = (schema: z.ZodType) => z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' });

export function openApiDocument(baseUrl: URL): Record<string, unknown> {
  const origin = baseUrl.origin;
  const paths: Record<string, Record<string, unknown>> = {};
  const error = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });
  for (const op of API_OPERATIONS) {
    const contentType = op.contentType ?? 'application/json';
    const refusals = op.scope
      ? { 401: error('Jeton absent, invalide ou expiré'), 403: error('Portée manquante'), ...(op.notFound ? { 404: error(op.notFound) } : {}), 429: error('Trop de demandes de ce client') }
      : { 401: error('Pas de session ouverte'), 403: error('Droit manquant'), 404: error('Absent ou hors du périmètre du lecteur') };
    paths[op.path] = {
      ...paths[op.path],
      [op.method]: {
        summary: op.summary,
        description: op.description,
        security: op.scope ? [{ clientCredentials: [op.scope] }] : [{ session: [] }],
        ...(op.parameters ? { parameters: op.parameters.map((p) => ({ ...p, schema: { type: 'string' } })) } : {}),
        ...(op.request ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(op.request), ...(op.example?.request ? { example: op.example.request } : {}) } } } } : {}),
        responses: {
          200: { description: 'Réponse', content: { [contentType]: { schema: jsonSchema(op.response), ...(op.example ? { example: op.example.response } : {}) } } },
          400: op.badRequest ? { description: 'Refusé en entier : chaque erreur avec sa ligne et son champ', content: { 'application/json': { schema: jsonSchema(op.badRequest) } } } : error('Demande mal formée (message par champ)'),
          ...refusals,
        },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'API de Habilis',
      version: '1',
      description: `Décisions d’accès, import et lectures ESMS, annuaire des établissements, services de Habilis pour les modules d’orientation. Jetons : OAuth 2 client credentials sur ${origin}/oidc/token ; fournisseur OpenID : ${origin}/oidc/.well-known/openid-configuration. Guide : docs/integration.md.`,
    },
    servers: [{ url: origin }],
    paths,
    components: {
      schemas: { Error: jsonSchema(errorSchema) },
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: 'habilis_session', description: 'La session d’une personne connectée à Habilis (authentification forte), avec le droit indiqué par l’opération.' },
        clientCredentials: {
          type: 'oauth2',
          flows: { clientCredentials: { tokenUrl: `${origin}/oidc/token`, scopes: Object.fromEntries(API_SCOPES.map((s) => [s, s])) } },
        },
      },
    },
  };
}
