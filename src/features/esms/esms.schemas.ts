/** Input of the ESMS pages and of the import, validated at the boundary (zod): a bad value is a French message at its field. */
import { z } from 'zod';
import { STAGES, TIER2_FIELDS, TIER3_FIELDS, type Stage, type Validity } from './esms.rules.js';
import { FINESS_PATTERN } from '../../platform/finess.js';

const id = z.preprocess((v) => (typeof v === 'string' && /^[1-9][0-9]{0,9}$/.test(v) && Number(v) <= 2_147_483_647 ? Number(v) : null), z.number().nullable()).catch(null);
const code = (pattern: RegExp) => z.preprocess((v) => (typeof v === 'string' && pattern.test(v) ? v : null), z.string().nullable()).catch(null);

export const SORTS = ['statut', 'decision', 'echeance', 'nom'] as const;
export const PAGE_SIZE = 50;

export interface DashboardQuery {
  establishmentId: number | null;
  stage: Stage;
  status: string | null;
  category: string | null;
  unitId: number | null;
  validity: Validity | null;
  search: string | null;
  sort: (typeof SORTS)[number];
  page: number;
}

const dashboardSchema = z.object({
  etablissement: id,
  onglet: z.enum(STAGES).catch('a_traiter'),
  statut: code(/^[0-9]{2,3}$/),
  categorie: code(/^[0-9]{3}$/),
  unite: id,
  validite: z.enum(['valide', 'bientot', 'expiree']).nullable().catch(null),
  q: z.preprocess((v) => (typeof v === 'string' && v.trim() !== '' ? v.trim().slice(0, 100) : null), z.string().nullable()).catch(null),
  tri: z.enum(SORTS).catch('statut'),
  page: z.preprocess((v) => (typeof v === 'string' && /^[1-9][0-9]{0,5}$/.test(v) ? Number(v) : 1), z.number()).catch(1),
});

export function parseDashboardQuery(query: unknown): DashboardQuery {
  const q = dashboardSchema.parse({ validite: null, ...(query as object) });
  return { establishmentId: q.etablissement, stage: q.onglet, status: q.statut, category: q.categorie, unitId: q.unite, validity: q.validite, search: q.q, sort: q.tri, page: q.page };
}

export function dashboardSearch(q: DashboardQuery, changes: Partial<DashboardQuery> = {}): string {
  const v = { ...q, ...changes };
  const p = new URLSearchParams();
  if (v.establishmentId) p.set('etablissement', String(v.establishmentId));
  p.set('onglet', v.stage);
  if (v.status) p.set('statut', v.status);
  if (v.category) p.set('categorie', v.category);
  if (v.unitId) p.set('unite', String(v.unitId));
  if (v.validity) p.set('validite', v.validity);
  if (v.search) p.set('q', v.search);
  if (v.sort !== 'statut') p.set('tri', v.sort);
  if (v.page > 1) p.set('page', String(v.page));
  return p.toString();
}

/** A date typed in a form: 'AAAA-MM-JJ' (date input) or 'JJ/MM/AAAA'; null when it is not a real date. */
export function parseFormDate(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const v = value.trim();
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v) ?? (/^(\d{2})\/(\d{2})\/(\d{4})$/.exec(v) ? ((x) => [x[0], x[3], x[2], x[1]])(/^(\d{2})\/(\d{2})\/(\d{4})$/.exec(v)!) : null);
  if (!m) return null;
  const iso = `${m[1]}-${m[2]}-${m[3]}`;
  const d = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === iso && Number(m[1]) >= 1900 ? iso : null;
}

export interface FollowupForm {
  version: number | null;
  statusCode: string | null;
  statusDate: string | null;
  rawDate: string;
  reasonCode: string | null;
  unitId: number | null;
  comment: string;
}

export function parseFollowupForm(body: unknown): FollowupForm {
  const b = (body ?? {}) as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  const version = /^[1-9][0-9]{0,9}$/.test(str(b.version)) ? Number(b.version) : null;
  return {
    version,
    statusCode: /^[0-9]{2,3}$/.test(str(b.statut)) ? str(b.statut) : null,
    statusDate: parseFormDate(b.date),
    rawDate: str(b.date).slice(0, 20),
    reasonCode: /^[0-9]{2,3}$/.test(str(b.motif)) ? str(b.motif) : null,
    unitId: /^[1-9][0-9]{0,9}$/.test(str(b.unite)) ? Number(b.unite) : null,
    comment: str(b.commentaire).trim(),
  };
}

export interface RetrievalForm {
  mdphDepartment: string | null;
  individualNumber: string | null;
  birthDate: string | null;
  raw: { mdph: string; numero: string; naissance: string };
  decisionId: number | null;
  establishmentId: number | null;
}

export function parseRetrievalForm(body: unknown): RetrievalForm {
  const b = (body ?? {}) as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
  const mdph = str(b.mdph).toUpperCase();
  const numero = str(b.numero);
  return {
    mdphDepartment: /^(0[1-9]|[1-8][0-9]|9[0-5]|2A|2B|97[1-6])$/.test(mdph) ? mdph : null,
    individualNumber: /^[A-Za-z0-9]{1,20}$/.test(numero) ? numero : null,
    birthDate: parseFormDate(b.naissance),
    raw: { mdph: mdph.slice(0, 10), numero: numero.slice(0, 30), naissance: str(b.naissance).slice(0, 20) },
    decisionId: /^[1-9][0-9]{0,9}$/.test(str(b.decision)) ? Number(b.decision) : null,
    establishmentId: /^[1-9][0-9]{0,9}$/.test(str(b.etablissement)) ? Number(b.etablissement) : null,
  };
}

// ─── Import (JSON API and CSV page) ───────────────────────────────────────────────────────────
const isoDate = z.string().refine((v) => parseFormDate(v) !== null && /^\d{4}-\d{2}-\d{2}$/.test(v), 'date attendue au format AAAA-MM-JJ');
const text = (max: number) => z.string().trim().min(1, 'obligatoire').max(max, `${max} caractères au plus`);
const optionalText = z.string().trim().max(2000, '2 000 caractères au plus').nullish().transform((v) => (v ? v : null));

/** One decision of an import, with the ESMS it is addressed to (FINESS of establishments, optionally a unit id). */
export const importDecisionSchema = z
  .object({
    idNat_Decision: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'lettres, chiffres, « . », « _ » ou « - », 64 au plus'),
    idDecision: text(64),
    dateDecision: isoDate,
    natureDroit: text(100),
    dateOuverture: isoDate,
    dateEcheance: isoDate,
    categorie: z.string().regex(/^[0-9]{3}$/, 'code de catégorie à 3 chiffres'),
    creton: z.boolean().default(false),
    personne: z.object({
      nom: text(100),
      prenom: text(100),
      dateNaissance: isoDate,
      mdph: z.string().regex(/^(0[1-9]|[1-8][0-9]|9[0-5]|2A|2B|97[1-6])$/, 'code de département de la MDPH (ex. 34, 2A, 974)'),
      numeroIndividuel: z.string().regex(/^[A-Za-z0-9]{1,20}$/, 'lettres et chiffres, 20 au plus'),
    }),
    esms: z.array(z.object({ finess: z.string().regex(FINESS_PATTERN, 'numéro FINESS à 9 caractères'), uniteId: z.number().int().positive().max(2_147_483_647).nullish() })).min(1, 'au moins un ESMS').max(20),
    evaluation: z.object(Object.fromEntries(TIER2_FIELDS.map((f) => [f, optionalText])) as Record<(typeof TIER2_FIELDS)[number], typeof optionalText>).partial().default({}),
    donneesMedicales: z.object(Object.fromEntries(TIER3_FIELDS.map((f) => [f, optionalText])) as Record<(typeof TIER3_FIELDS)[number], typeof optionalText>).partial().default({}),
  })
  .strict();

export type ImportDecision = z.infer<typeof importDecisionSchema>;

export const importBatchSchema = z.object({ decisions: z.array(z.unknown()).min(1, 'au moins une décision').max(5000, '5 000 décisions au plus par envoi') }).strict();

export interface ImportError {
  /** 1-based line of the batch (the decision's rank, or the CSV line). */
  line: number;
  field: string;
  message: string;
}

// ─── The JSON API's description (OpenAPI, /api/v1/openapi.json) ───────────────────────────────
/** The import's body as documented: each line is checked with importDecisionSchema (the batch itself with importBatchSchema). */
export const importBatchDocSchema = z.object({ decisions: z.array(importDecisionSchema).min(1).max(5000) });
export const importResultSchema = z.object({ created: z.number().int(), updated: z.number().int(), unchanged: z.number().int(), mails: z.number().int().describe('e-mails R40 mis en file') });
export const importErrorsSchema = z.object({
  code: z.string(),
  message: z.string(),
  requestId: z.string(),
  errors: z.array(z.object({ line: z.number().int().describe('rang de la décision, à partir de 1 ; 0 : l’envoi entier'), field: z.string(), message: z.string() })),
});
/** F5: a FHIR searchset Bundle of ESMSTask (Task) resources. */
export const statusBundleSchema = z.object({
  resourceType: z.literal('Bundle'),
  type: z.literal('searchset'),
  link: z.array(z.object({ relation: z.enum(['self', 'next']), url: z.string() })),
  entry: z.array(z.object({ fullUrl: z.string(), resource: z.looseObject({ resourceType: z.literal('Task'), id: z.string(), status: z.string(), intent: z.string() }) })),
});
/** R60: a notification's projection at the reader's tier (the fields above it are absent). */
export const notificationJsonSchema = z.looseObject({ tier: z.union([z.literal(1), z.literal(2), z.literal(3)]).describe('palier du lecteur (R60)'), base: z.looseObject({}).describe('champs du palier 1') });
