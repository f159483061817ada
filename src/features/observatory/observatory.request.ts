/**
 * What a predefined request of the Observatoire is (R70): one module (`requests/*.request.ts`)
 * declaring its criteria (zod, from the catalogue below), its SQL (in its own repository), its
 * tables and its charts. The registry (`observatory.registry.ts`) lists them, one line each: adding
 * a request touches no other file.
 */
import { z } from 'zod';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { ObservatoryScope, RawTable, ResultTable } from './observatory.rules.js';

export type { ObservatoryScope };

/** The places the criteria narrow the order to (each inside the scope, checked by the policy). */
export interface PlaceFilter {
  departmentCode?: string;
  establishmentId?: number;
  unitId?: number;
}

/** What a request computes with: a read-only snapshot, the scope, its criteria, the period, the clock. */
export interface ComputeContext<C> {
  db: Kysely<Database>;
  scope: ObservatoryScope;
  places: PlaceFilter;
  criteria: C;
  period: { from: string; to: string };
  today: string;
  now: Date;
}

/** A chart drawn from one table of the result (after suppression): it can never show more than the table. */
export type ChartSpec =
  | { kind: 'bars'; table: string; label: string; value: string; title: string; description: string }
  | { kind: 'line'; table: string; label: string; values: string[]; title: string; description: string }
  | { kind: 'funnel'; table: string; label: string; value: string; title: string; description: string };

export interface ComputedResult {
  tables: RawTable[];
  charts: ChartSpec[];
}

// ─── Criteria: the catalogue every request picks from ────────────────────────────────────────
const id = z.preprocess((v) => (typeof v === 'string' && /^[1-9][0-9]{0,9}$/.test(v) ? Number(v) : v), z.number({ message: 'Choisissez une valeur de la liste.' }).int().positive().max(2_147_483_647));
const departmentCode = z.string().regex(/^([0-9]{2,3}|2A|2B)$/, 'Choisissez un département de la liste.');
const code = z.string().regex(/^[A-Za-z0-9_.-]{1,40}$/, 'Choisissez une valeur de la liste.');

/** Every criterion an order may carry: its form name, its label, its schema, what it designates. */
export const CRITERIA = {
  departement: { label: 'Département (coordination)', schema: departmentCode, kind: 'department' },
  etablissement: { label: 'Établissement', schema: id, kind: 'establishment' },
  unite: { label: 'Unité', schema: id, kind: 'unit' },
  profil: { label: 'Profil', schema: id, kind: 'profile' },
  categorie: { label: 'Catégorie d’orientation', schema: code, kind: 'code' },
} as const;

export type CriterionKey = keyof typeof CRITERIA;

/** The zod schema of a request's criteria: each one optional; an empty field means "all". */
export function criteriaSchema<K extends CriterionKey>(keys: readonly K[]) {
  const shape: Record<string, z.ZodType> = Object.fromEntries(keys.map((key) => [key, z.preprocess((v) => (v === '' ? undefined : v), CRITERIA[key].schema.optional())]));
  return z.object(shape) as unknown as z.ZodType<Partial<Record<K, unknown>>>;
}

/** One predefined request. */
export interface ObservatoryRequest<K extends CriterionKey = CriterionKey> {
  /** Stable code, in URLs and in orders ('habilitations-actives'). */
  code: string;
  /** The theme the menu and the catalogue group it under. */
  theme: 'Comptes et habilitations' | 'Handicap';
  /** Domain whose order right it needs (a Handicap request: 'HANDICAP'); null: every domain. */
  domain: string | null;
  title: string;
  description: string;
  /** What the period means for this request (shown under the period fields). */
  periodHint: string;
  criteria: readonly K[];
  schema: z.ZodType<Partial<Record<K, unknown>>>;
  compute(context: ComputeContext<Partial<Record<K, unknown>>>): Promise<ComputedResult>;
}

/** Declares a request, its criteria schema built from its criteria keys. */
export function defineRequest<K extends CriterionKey>(request: Omit<ObservatoryRequest<K>, 'schema'>): ObservatoryRequest {
  return { ...request, schema: criteriaSchema(request.criteria) } as unknown as ObservatoryRequest;
}

/** What the Voir page and the file show of a ready order: suppressed tables, charts over them, and the parameters. */
export interface OrderResult {
  tables: ResultTable[];
  charts: ChartSpec[];
  scope: string[];
  orderedBy: string;
  computedAt: string;
  dataAsOf: string;
}
