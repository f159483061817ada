/**
 * THE input gate (issue 12, mechanism 1): every text a client sends — form fields, JSON bodies,
 * query strings, path parameters, upload file names — passes one normalisation before any rule
 * sees it:
 * - one value per field (a repeated field is refused, except in a declared list);
 * - well-formed Unicode, put in NFC (secrets excepted: a password is compared as typed);
 * - NUL and the other control characters refused, tab and line breaks only in a field declared
 *   `multiline`; Unicode line/paragraph separators count as line breaks;
 * - surrounding spaces trimmed (secrets excepted);
 * - at most the field's declared length, counted in characters: a longer value is REFUSED at its
 *   field, never cut, never emptied (what is stored stays as it was);
 * - ids: strict positive decimal integers of PostgreSQL's `integer` (` 63`, `063`, `0x3f`, `6.3e1`,
 *   `-1`, 2⁶³ are no ids).
 * A route declares its form with `form({...})` and `withInput(...)` (the route table reads it from
 * the handler); the HTTP hook (`src/http/input-gate.ts`) runs it before the handler and answers a
 * refusal with a French 400 that names each field. What a route does not declare still gets the
 * generic checks (`checkLooseValue`).
 */
import { z } from 'zod';
import { defineErrors } from './errors.js';

export const inputErrors = defineErrors({
  INPUT_INVALID: {
    status: 400,
    message: 'Certaines valeurs envoyées sont refusées : rien n’a été enregistré. Corrigez les champs indiqués puis recommencez.',
  },
});

/** Largest id: PostgreSQL's `integer`. */
export const MAX_ID = 2_147_483_647;
/** Length allowed to a value no schema declares (query strings, undeclared fields). */
export const LOOSE_MAX = 10_000;

/** With the u flag a paired surrogate is one code point: only a lone one matches. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/gu;
const SINGLE_LINE_CONTROLS = /[\u0000-\u001F\u007F-\u009F\u2028\u2029]/;
const MULTI_LINE_CONTROLS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
const SINGLE_LINE_CONTROLS_G = new RegExp(SINGLE_LINE_CONTROLS.source, 'g');
const MULTI_LINE_CONTROLS_G = new RegExp(MULTI_LINE_CONTROLS.source, 'g');

export type FieldKind = 'text' | 'texts' | 'secret' | 'id' | 'ids';

/** What a declared field accepts: read by the fuzz tests to generate values that break it. */
export interface FieldSpec {
  kind: FieldKind;
  label: string;
  max: number;
  multiline: boolean;
}

const specs = new WeakMap<z.ZodType, FieldSpec>();

/** The declaration of a field built here (undefined for any other zod schema). */
export function fieldSpec(schema: z.ZodType): FieldSpec | undefined {
  return specs.get(schema);
}

function declare<T extends z.ZodType>(schema: T, spec: FieldSpec): T {
  specs.set(schema, spec);
  return schema;
}

/** Characters as a person counts them (code points): a low surrogate ends a pair already counted. */
function codePoints(value: string): number {
  let count = 0;
  for (let i = 0; i < value.length; i += 1) {
    const unit = value.charCodeAt(i);
    if (unit < 0xdc00 || unit > 0xdfff) count += 1;
  }
  return count;
}

/**
 * The checks every text value gets, declared or not: the refusal's French message, or the
 * normalised value. `label` names the field in the message.
 */
export function normaliseText(raw: string, opts: { label: string; max: number; multiline?: boolean; secret?: boolean }): { ok: true; value: string } | { ok: false; message: string } {
  if (/[\uD800-\uDFFF]/u.test(raw)) return { ok: false, message: `${opts.label} : caractères invalides.` };
  const value = opts.secret ? raw : raw.normalize('NFC');
  if ((opts.multiline ? MULTI_LINE_CONTROLS : SINGLE_LINE_CONTROLS).test(value)) {
    return {
      ok: false,
      message: opts.multiline
        ? `${opts.label} contient des caractères de contrôle invisibles (par exemple un caractère nul) : retirez-les.`
        : `${opts.label} contient des caractères de contrôle invisibles (tabulation, retour à la ligne, caractère nul…) : il tient sur une ligne.`,
    };
  }
  const trimmed = opts.secret ? value : value.trim();
  if (trimmed.length > opts.max && codePoints(trimmed) > opts.max) {
    return { ok: false, message: `${opts.label} : ${opts.max} caractères au plus.` };
  }
  return { ok: true, value: trimmed };
}

function textSchema(label: string, max: number, multiline: boolean, secret: boolean) {
  return z.unknown().optional().transform((raw, ctx): string => {
    if (raw === undefined || raw === null) return '';
    if (typeof raw !== 'string') {
      ctx.addIssue({ code: 'custom', message: Array.isArray(raw) ? `${label} : une seule valeur est attendue.` : `${label} : du texte est attendu.` });
      return z.NEVER;
    }
    const checked = normaliseText(raw, { label, max, multiline, secret });
    if (!checked.ok) {
      ctx.addIssue({ code: 'custom', message: checked.message });
      return z.NEVER;
    }
    return checked.value;
  });
}

/** A text field ('' when absent): NFC, no controls (line breaks only when `multiline`), trimmed, at most `max` characters. */
export function text(label: string, max: number, opts: { multiline?: boolean } = {}) {
  return declare(textSchema(label, max, opts.multiline ?? false, false), { kind: 'text', label, max, multiline: opts.multiline ?? false });
}

/** A password or a one-time secret: compared as typed (no NFC, no trim), no controls, at most `max`. */
export function secret(label: string, max = 1000) {
  return declare(textSchema(label, max, false, true), { kind: 'secret', label, max, multiline: false });
}

/** A strict id as written in a URL or a form: "1" to "2147483647", nothing else. */
export function isStrictId(raw: unknown): raw is string {
  return typeof raw === 'string' && /^[1-9][0-9]{0,9}$/.test(raw) && Number(raw) <= MAX_ID;
}

/** A value already read as an id (a form parsed twice, a JSON number): a positive integer of PostgreSQL's `integer`. */
function isIdNumber(raw: unknown): raw is number {
  return typeof raw === 'number' && Number.isInteger(raw) && raw >= 1 && raw <= MAX_ID;
}

/** The id written in `raw`, or null when it is none. */
export function parseStrictId(raw: unknown): number | null {
  return isStrictId(raw) ? Number(raw) : null;
}

/** An id field: a strict positive decimal integer, or null when absent or empty. */
export function id(label: string) {
  return declare(
    z.unknown().optional().transform((raw, ctx): number | null => {
      if (raw === undefined || raw === null || raw === '') return null;
      if (isIdNumber(raw)) return raw;
      if (!isStrictId(raw)) {
        ctx.addIssue({ code: 'custom', message: `${label} : identifiant invalide.` });
        return z.NEVER;
      }
      return Number(raw);
    }),
    { kind: 'id', label, max: 10, multiline: false },
  );
}

/** A repeated id field (multi-select): every value a strict id, at most `maxItems`. */
export function ids(label: string, maxItems: number) {
  return declare(
    z.unknown().optional().transform((raw, ctx): number[] => {
      if (raw === undefined || raw === null || raw === '') return [];
      const values = Array.isArray(raw) ? raw : [raw];
      if (values.length > maxItems) {
        ctx.addIssue({ code: 'custom', message: `${label} : ${maxItems} au plus.` });
        return z.NEVER;
      }
      if (!values.every((v) => isStrictId(v) || isIdNumber(v))) {
        ctx.addIssue({ code: 'custom', message: `${label} : identifiant invalide.` });
        return z.NEVER;
      }
      return [...new Set(values.map(Number))];
    }),
    { kind: 'ids', label, max: maxItems, multiline: false },
  );
}

/** A repeated text field (several hidden inputs of one name): each value a `text(label, max)`, at most `maxItems`, empty ones dropped. */
export function texts(label: string, max: number, maxItems: number) {
  return declare(
    z.unknown().optional().transform((raw, ctx): string[] => {
      if (raw === undefined || raw === null) return [];
      const values = Array.isArray(raw) ? raw : [raw];
      if (values.length > maxItems) {
        ctx.addIssue({ code: 'custom', message: `${label} : ${maxItems} au plus.` });
        return z.NEVER;
      }
      const kept: string[] = [];
      for (const value of values) {
        if (typeof value !== 'string') {
          ctx.addIssue({ code: 'custom', message: `${label} : du texte est attendu.` });
          return z.NEVER;
        }
        const checked = normaliseText(value, { label, max });
        if (!checked.ok) {
          ctx.addIssue({ code: 'custom', message: checked.message });
          return z.NEVER;
        }
        if (checked.value !== '') kept.push(checked.value);
      }
      return kept;
    }),
    { kind: 'texts', label, max, multiline: false },
  );
}

/** A form: its declared fields; anything else it carries is dropped, never used. */
export function form<T extends z.ZodRawShape>(shape: T) {
  return z.object(shape);
}

export type Form = z.ZodObject<z.ZodRawShape>;

/** The declared inputs of a route, carried by its handler (`withInput`) and read by the route table. */
export interface RouteInput {
  body?: Form;
  /**
   * The handler shows a refusal at the fields of its own form: the gate then does not answer by
   * itself; it keeps the refusal for `refuseInput` (which the handler calls before any write) and
   * gives the handler display values (controls removed, cut at the field's length) to show again.
   */
  rendersRefusals?: boolean;
  /** Path parameters that are not ids (every other `:…id` parameter is a strict id). */
  textParams?: readonly string[];
}

const INPUT = Symbol('route input');

/** Attaches its declared inputs to a route handler. */
export function withInput<H extends object>(input: RouteInput, handler: H): H {
  return Object.assign(handler, { [INPUT]: input });
}

/** The inputs a handler declares (none: the generic checks only). */
export function inputOf(handler: unknown): RouteInput | undefined {
  return (handler as { [INPUT]?: RouteInput } | null)?.[INPUT];
}

/** Field messages of a failed parse, by field name (the first message of each). */
export function fieldMessages(error: z.ZodError): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = String(issue.path[0] ?? '_');
    fields[key] ??= issue.message;
  }
  return fields;
}

/** What a refused form shows again in its fields: never stored (the handler throws the refusal first). */
export function displayValues(schema: Form, raw: unknown): Record<string, unknown> {
  const source = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(source)) {
    const field = schema.shape[key] as z.ZodType | undefined;
    const spec = field ? fieldSpec(field) : undefined;
    if (typeof value !== 'string') {
      out[key] = spec?.kind === 'ids' && Array.isArray(value) ? value.filter(isStrictId).slice(0, spec.max) : '';
      continue;
    }
    const cleaned = value.replace(LONE_SURROGATE, '').replace(spec?.multiline ? MULTI_LINE_CONTROLS_G : SINGLE_LINE_CONTROLS_G, '').trim();
    out[key] = spec?.kind === 'id' || spec?.kind === 'ids' ? (isStrictId(cleaned) ? cleaned : '') : Array.from(cleaned).slice(0, spec?.max ?? 200).join('');
  }
  return out;
}

/** Parses a declared form; a refusal is the French 400 with a message at each refused field. */
export function parseForm<F extends Form>(schema: F, raw: unknown): z.output<F> {
  const parsed = schema.safeParse(typeof raw === 'object' && raw !== null && !Buffer.isBuffer(raw) ? raw : {});
  if (!parsed.success) throw inputErrors.INPUT_INVALID(fieldMessages(parsed.error));
  return parsed.data;
}

/**
 * The generic checks of a value nobody declared (query strings, undeclared fields, JSON bodies):
 * every string inside is put in NFC and refused with controls other than tab and line breaks or
 * beyond LOOSE_MAX characters. Returns the normalised value and the refused fields.
 */
export function checkLooseValue(value: unknown, name: string, fields: Record<string, string>, depth = 0): unknown {
  if (typeof value === 'string') {
    const checked = normaliseText(value, { label: `« ${name} »`, max: LOOSE_MAX, multiline: true, secret: false });
    if (!checked.ok) {
      fields[name] ??= checked.message;
      return value;
    }
    // Not trimmed: an undeclared field may be a password.
    return value.normalize('NFC');
  }
  if (depth > 8) {
    fields[name] ??= `« ${name} » : structure trop profonde.`;
    return value;
  }
  if (Array.isArray(value)) return value.map((item) => checkLooseValue(item, name, fields, depth + 1));
  if (value !== null && typeof value === 'object' && !Buffer.isBuffer(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      if (key === '__proto__') continue;
      const keyCheck = normaliseText(key, { label: 'Un nom de champ', max: 200 });
      if (!keyCheck.ok) fields[name || '_'] ??= keyCheck.message;
      out[key] = checkLooseValue(item, name ? `${name}.${key}` : key, fields, depth + 1);
    }
    return out;
  }
  return value;
}

/** An uploaded file's name: the same checks as a text field (255 characters). */
export function checkFileName(name: string, label = 'Le nom du fichier'): { ok: true; value: string } | { ok: false; message: string } {
  return normaliseText(name, { label, max: 255 });
}
