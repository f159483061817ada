/**
 * The decision API's shapes (OpenID AuthZEN Authorization API 1.0 draft: subject, action,
 * resource, context → { decision }), as zod schemas: the requests are parsed with them and the
 * OpenAPI document (/api/v1/openapi.json) is generated from them.
 */
import { z } from 'zod';
import { DELEGATION_AREAS } from '../habilitations/habilitation.policy.js';
import { FINESS_PATTERN } from '../../platform/finess.js';

/** A strict positive decimal id that fits PostgreSQL's integer. */
const id = z
  .string()
  .regex(/^[1-9]\d{0,9}$/, 'identifiant : entier décimal strictement positif')
  .refine((value) => Number(value) <= 2_147_483_647, 'identifiant trop grand');

export const subjectSchema = z
  .object({ type: z.literal('user').describe('toujours « user »'), id: id.describe('le sub des jetons d’identité de Habilis'), properties: z.record(z.string(), z.unknown()).optional() })
  .describe('La personne dont on demande si elle peut agir.');

export const actionSchema = z
  .object({
    name: z.string().min(1).max(100).describe('un droit (« habilitations.grant », « esms.medical.read »…) ; pour une ressource « professional » : « read » ou « write »'),
    properties: z.record(z.string(), z.unknown()).optional(),
  })
  .describe('Ce que la personne veut faire.');

const place = <T extends string>(type: T, idSchema: z.ZodType<string>, what: string) => z.object({ type: z.literal(type), id: idSchema, properties: z.record(z.string(), z.unknown()).optional() }).describe(what);

export const resourceSchema = z
  .discriminatedUnion('type', [
    place('unit', id, 'une unité (identifiant Habilis)'),
    place('establishment', id, 'un établissement (identifiant Habilis)'),
    place('finess', z.string().regex(FINESS_PATTERN, 'FINESS : 9 caractères'), 'un établissement par son numéro FINESS'),
    place('department', z.string().regex(/^(\d{2,3}|2A|2B)$/, 'code de département'), 'un département (coordination)'),
    place('region', z.string().regex(/^\d{2}$/, 'code de région'), 'une région'),
    z
      .object({ type: z.literal('professional'), id: id.describe('le sub du professionnel libéral'), properties: z.object({ area: z.enum(DELEGATION_AREAS).describe('files : dossiers ; medical : données médicales ; autonomy : données d’autonomie') }) })
      .describe('les ressources d’un professionnel libéral (R15 : lui-même, ou ses assistants selon leurs délégations)'),
  ])
  .describe('Où, ou sur quoi.');

export const evaluationRequestSchema = z
  .object({ subject: subjectSchema, action: actionSchema, resource: resourceSchema, context: z.record(z.string(), z.unknown()).optional() })
  .describe('Une demande de décision.');

export const evaluationResponseSchema = z
  .object({
    decision: z.boolean().describe('true : permis'),
    context: z.object({ reason: z.string().describe('pour un refus : UNKNOWN_SUBJECT, UNKNOWN_RESOURCE, NOT_PERMITTED') }).optional(),
  })
  .describe('La décision.');

export const evaluationsRequestSchema = z
  .object({
    subject: subjectSchema.optional(),
    action: actionSchema.optional(),
    resource: resourceSchema.optional(),
    context: z.record(z.string(), z.unknown()).optional(),
    evaluations: z
      .array(z.object({ subject: subjectSchema.optional(), action: actionSchema.optional(), resource: resourceSchema.optional(), context: z.record(z.string(), z.unknown()).optional() }))
      .min(1)
      .max(100)
      .describe('au plus 100 ; chaque champ absent reprend celui du niveau supérieur'),
  })
  .describe('Plusieurs décisions en une requête (AuthZEN « evaluations »).');

export const evaluationsResponseSchema = z.object({ evaluations: z.array(evaluationResponseSchema) }).describe('Les décisions, dans l’ordre des demandes.');

export type EvaluationRequest = z.infer<typeof evaluationRequestSchema>;
export type EvaluationResponse = z.infer<typeof evaluationResponseSchema>;
