/**
 * The directory's JSON API for registered applications (scope directory.read, R52): the search's
 * query, parsed strictly (a bad value is a French message at its parameter, 400), and the answers'
 * shapes, from which the OpenAPI document is generated. The answers carry what the sheet shows every
 * signed-in professional, nothing the page keeps to referents (their count, edit rights) nor the
 * application's bookkeeping (folded names, which fields came from the ROR).
 */
import { z } from 'zod';
import type { DirectoryFilters } from './directory.repository.js';

export const API_PAGE_SIZE = 20;
export const API_PAGE_SIZE_MAX = 100;
export const API_PAGE_MAX = 10_000;

/** The search's parameters, the page's names (/annuaire/etablissements), and the page size. */
export const SEARCH_PARAMETERS = {
  nom: 'Une partie du nom, accents et casse ignorés (100 caractères au plus)',
  adresse: 'Une partie de l’adresse, accents et casse ignorés (100 caractères au plus)',
  finess: 'Le début du numéro FINESS (9 caractères au plus)',
  categorie: 'Une partie de la catégorie (100 caractères au plus)',
  departement: 'Le code du département (34, 2A, 971…)',
  domaine: 'Le code du domaine (SANITAIRE, GRAND_AGE…)',
  commune: 'Le début du nom de la commune, accents et casse ignorés (100 caractères au plus)',
  fermes: '1 pour inclure les établissements fermés (exclus sinon)',
  page: `Le numéro de page, de 1 à ${API_PAGE_MAX} (1 par défaut)`,
  taille: `Le nombre d’établissements par page, de 1 à ${API_PAGE_SIZE_MAX} (${API_PAGE_SIZE} par défaut)`,
} as const;

const text = (label: string, max: number) => z.string({ error: `${label} : une seule valeur texte est attendue.` }).trim().max(max, { error: `${label} : ${max} caractères au plus.` });
const number = (label: string, max: number) =>
  z
    .string({ error: `${label} : un seul nombre est attendu.` })
    .regex(/^[1-9][0-9]{0,5}$/, { error: `${label} : un nombre entier de 1 à ${max} est attendu.` })
    .transform(Number)
    .refine((n) => n <= max, { error: `${label} : un nombre entier de 1 à ${max} est attendu.` });

export const searchQuerySchema = z.object({
  nom: text('Le nom', 100).default(''),
  adresse: text('L’adresse', 100).default(''),
  finess: text('Le numéro FINESS', 9).default(''),
  categorie: text('La catégorie', 100).default(''),
  departement: z
    .string({ error: 'Le département : un seul code est attendu.' })
    .regex(/^([0-9AB]{2,3})?$/, { error: 'Le département : un code de 2 ou 3 caractères est attendu (34, 2A, 971…).' })
    .default(''),
  domaine: z
    .string({ error: 'Le domaine : un seul code est attendu.' })
    .regex(/^([A-Z_]{2,30})?$/, { error: 'Le domaine : un code en majuscules est attendu (SANITAIRE, GRAND_AGE…).' })
    .default(''),
  commune: text('La commune', 100).default(''),
  fermes: z.enum(['0', '1'], { error: 'Fermés : 0 ou 1 est attendu.' }).default('0'),
  page: number('La page', API_PAGE_MAX).default(1),
  taille: number('La taille de page', API_PAGE_SIZE_MAX).default(API_PAGE_SIZE),
});
export type SearchQuery = z.infer<typeof searchQuerySchema>;

/** The query string as the search's filters, or a French message per parameter (unknown ones included). */
export function parseSearchQuery(query: unknown): { ok: true; filters: DirectoryFilters; page: number; pageSize: number; query: SearchQuery } | { ok: false; fields: Record<string, string> } {
  const raw = (typeof query === 'object' && query !== null ? query : {}) as Record<string, unknown>;
  const fields: Record<string, string> = {};
  for (const key of Object.keys(raw).slice(0, 20)) {
    if (!Object.hasOwn(SEARCH_PARAMETERS, key)) fields[key.slice(0, 50)] = `Paramètre inconnu : les paramètres admis sont ${Object.keys(SEARCH_PARAMETERS).join(', ')}.`;
  }
  const parsed = searchQuerySchema.safeParse(raw);
  if (!parsed.success) for (const issue of parsed.error.issues.slice(0, 20)) fields[String(issue.path[0] ?? 'requête')] = issue.message;
  if (!parsed.success || Object.keys(fields).length > 0) return { ok: false, fields };
  const q = parsed.data;
  return {
    ok: true,
    filters: { name: q.nom, address: q.adresse, finess: q.finess, category: q.categorie, domain: q.domaine, department: q.departement, city: q.commune, includeClosed: q.fermes === '1' },
    page: q.page,
    pageSize: q.taille,
    query: q,
  };
}

const closure = {
  closed: z.boolean().describe('vrai si l’établissement (ou l’unité) est fermé aujourd’hui'),
  closedAt: z.iso.datetime().nullable().describe('la date de fermeture'),
  closureType: z.enum(['definitive', 'temporary']).nullable().describe('définitive ou temporaire (ROR)'),
  reopensOn: z.iso.date().nullable().describe('la fin d’une fermeture temporaire'),
};

export const establishmentSummarySchema = z.object({
  id: z.number().int().positive().describe('identifiant dans Habilis'),
  rorId: z.string().nullable().describe('identifiant ROR (null pour un établissement non synchronisé)'),
  finess: z.string(),
  name: z.string(),
  category: z.string(),
  domain: z.string().nullable().describe('code du domaine'),
  departmentCode: z.string(),
  postcode: z.string().nullable(),
  city: z.string().nullable(),
  rorSynced: z.boolean(),
  ...closure,
  url: z.url().describe('la fiche dans l’API'),
});

export const searchResponseSchema = z.object({
  total: z.number().int().nonnegative(),
  page: z.number().int().positive(),
  pageSize: z.number().int().positive(),
  pages: z.number().int().positive(),
  items: z.array(establishmentSummarySchema),
  links: z.object({ self: z.url(), next: z.url().nullable().describe('la page suivante, null à la dernière') }),
});

export const serviceSchema = z.object({
  id: z.number().int().positive(),
  name: z.string(),
  category: z.string().nullable(),
  types: z.string().nullable(),
  specialties: z.string().nullable(),
  closed: z.boolean(),
  place: z.string().nullable().describe('le lieu (nom, adresse) où le service est rendu'),
});

export const unitSchema = z.object({
  id: z.number().int().positive(),
  rorId: z.string().nullable(),
  name: z.string(),
  level: z.string().nullable().describe('type d’unité du ROR (TRE_R207 : Pôle, Structure interne, Service…)'),
  parentId: z.number().int().positive().nullable().describe('l’unité dont elle fait partie ; null : rattachée à l’établissement'),
  internalCode: z.string().nullable().describe('le code interne que le référent a donné (R51)'),
  ...closure,
  services: z.array(serviceSchema),
});

export const establishmentSchema = z.object({
  id: z.number().int().positive(),
  rorId: z.string().nullable(),
  finess: z.string(),
  name: z.string(),
  category: z.string(),
  domain: z.object({ code: z.string(), name: z.string() }).nullable(),
  legalEntity: z.object({ name: z.string(), finess: z.string().nullable() }).nullable(),
  address: z.object({ street: z.string().nullable(), postcode: z.string().nullable(), city: z.string().nullable() }),
  department: z.object({ code: z.string(), name: z.string() }),
  regionCode: z.string(),
  rorSynced: z.boolean(),
  rorSyncedAt: z.iso.datetime().nullable(),
  ...closure,
  closesOn: z.iso.date().nullable().describe('une fermeture annoncée par le ROR, à venir'),
  contacts: z.object({
    phone: z.string().nullable(),
    email: z.string().nullable(),
    mssante: z.string().nullable().describe('adresse de messagerie sécurisée de santé (MSSanté), jamais l’e-mail'),
  }),
  description: z.string().nullable(),
  accessItinerary: z.string().nullable(),
  units: z.array(unitSchema),
  services: z.array(serviceSchema).describe('les services rattachés à l’établissement sans unité'),
});

export type EstablishmentSummary = z.infer<typeof establishmentSummarySchema>;
export type EstablishmentJson = z.infer<typeof establishmentSchema>;
