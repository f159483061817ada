/**
 * The OpenAPI 3.1 description of Habilis's JSON API (/api/v1/openapi.json), generated from the zod
 * schemas the routes parse with: the document cannot drift from what the API accepts. Another
 * API adds its operation to API_OPERATIONS (with its zod schemas) and appears here and on the
 * documentation page.
 */
import { z } from 'zod';
import { evaluationRequestSchema, evaluationResponseSchema, evaluationsRequestSchema, evaluationsResponseSchema } from './decision.schemas.js';
import { API_SCOPES, type ApiScope } from './idp.rules.js';

export interface ApiOperation {
  method: 'post' | 'get';
  path: string;
  scope: ApiScope;
  summary: string;
  description: string;
  request?: z.ZodType;
  response: z.ZodType;
  example?: { request?: unknown; response: unknown };
}

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
];

const errorSchema = z.object({ code: z.string(), message: z.string().describe('en français'), requestId: z.string(), fields: z.record(z.string(), z.string()).optional().describe('message par champ') });

const jsonSchema = (schema: z.ZodType) => z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' });

export function openApiDocument(baseUrl: URL): Record<string, unknown> {
  const origin = baseUrl.origin;
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of API_OPERATIONS) {
    paths[op.path] = {
      ...paths[op.path],
      [op.method]: {
        summary: op.summary,
        description: op.description,
        security: [{ clientCredentials: [op.scope] }],
        ...(op.request ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(op.request), ...(op.example?.request ? { example: op.example.request } : {}) } } } } : {}),
        responses: {
          200: { description: 'Réponse', content: { 'application/json': { schema: jsonSchema(op.response), ...(op.example ? { example: op.example.response } : {}) } } },
          400: { description: 'Demande mal formée (message par champ)', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
          401: { description: 'Jeton absent, invalide ou expiré', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
          403: { description: 'Portée manquante', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
          429: { description: 'Trop de demandes de ce client', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
        },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'API de Habilis',
      version: '1',
      description: `Décisions d’accès et services de Habilis pour les modules d’orientation. Jetons : OAuth 2 client credentials sur ${origin}/oidc/token ; fournisseur OpenID : ${origin}/oidc/.well-known/openid-configuration. Guide : docs/integration.md.`,
    },
    servers: [{ url: origin }],
    paths,
    components: {
      schemas: { Error: jsonSchema(errorSchema) },
      securitySchemes: {
        clientCredentials: {
          type: 'oauth2',
          flows: { clientCredentials: { tokenUrl: `${origin}/oidc/token`, scopes: Object.fromEntries(API_SCOPES.map((s) => [s, s])) } },
        },
      },
    },
  };
}
