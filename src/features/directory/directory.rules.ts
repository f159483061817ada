/**
 * Pure rules of the directory: what a referent may change on a sheet (R50, R51), the validation of
 * the sheet form, and the sniffing of photographs and documents by their bytes (never by their
 * name or declared type).
 */
export const DESCRIPTION_MAX = 4000;
export const PHOTO_MAX_BYTES = 5 * 1024 * 1024;
export const PHOTO_MAX_SIDE = 8000;
export const PHOTOS_PER_ESTABLISHMENT = 12;
export const THUMBNAIL_WIDTH = 320;

export type PhotoType = 'image/jpeg' | 'image/png' | 'image/webp';

/** The type an image really is, from its magic bytes; null for anything else (an executable, a PDF…). */
export function sniffImageType(bytes: Buffer): PhotoType | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (bytes.length >= 12 && bytes.toString('latin1', 0, 4) === 'RIFF' && bytes.toString('latin1', 8, 12) === 'WEBP') return 'image/webp';
  return null;
}

export const DOCUMENTS_PER_ESTABLISHMENT = 20;
export const DOCUMENT_TITLE_MAX = 200;

/**
 * What a document really is, from its bytes: a PDF starts with `%PDF-1.x` or `%PDF-2.x` and has its
 * `%%EOF` marker within the last 1 024 bytes (where readers look for it); without it, the file was
 * cut short or damaged. Anything else (an executable, an image, a renamed file) is 'not-pdf'.
 */
export function checkPdf(bytes: Buffer): 'pdf' | 'not-pdf' | 'truncated' {
  if (bytes.length < 16 || !/^%PDF-[12]\.[0-9]/.test(bytes.toString('latin1', 0, 8))) return 'not-pdf';
  return bytes.subarray(Math.max(0, bytes.length - 1024)).includes('%%EOF', 0, 'latin1') ? 'pdf' : 'truncated';
}

/**
 * The name a document is downloaded under: the uploaded name without its folders, reduced to
 * letters, digits, spaces, apostrophes and . _ ( ) -, always ending in .pdf (the bytes are a PDF, whatever the
 * name said). Falls back on the title, then on "document".
 */
export function documentFileName(original: string | undefined, title: string): string {
  const clean = (value: string) =>
    value
      .normalize('NFC')
      .replace(/[^\p{L}\p{N} ._()'’-]+/gu, '_')
      .replace(/^[ ._]+|[ .]+$/g, '')
      .slice(0, 120);
  const base = (original ?? '').split(/[\\/]/).pop() ?? '';
  return `${clean(base.replace(/\.pdf$/i, '')) || clean(title) || 'document'}.pdf`;
}

/** The title shown on the sheet: the one typed, else the file's name without .pdf. */
export function documentTitle(typed: string, fileName: string): { ok: true; value: string } | { ok: false } {
  const title = typed.trim().replace(/\s+/g, ' ');
  if (title.length > DOCUMENT_TITLE_MAX) return { ok: false };
  return { ok: true, value: title || fileName.replace(/\.pdf$/, '') };
}

/** Content-Disposition of a download: an ASCII name for old clients, the exact one in RFC 5987 form. */
export function attachmentDisposition(fileName: string): string {
  const ascii = fileName
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}

/** ROR-owned fields (R50): read-only when the establishment is synchronised and the ROR sends them. */
export const ROR_OWNED_FIELDS = ['finess', 'name', 'category', 'address', 'postcode', 'city', 'phone', 'email'] as const;
export type IdentityField = (typeof ROR_OWNED_FIELDS)[number];

/**
 * The identity fields the ROR owns on this establishment: none when it is not synchronised; all when
 * it is, except a phone or an e-mail the ROR does not send, which stay the referent's (R50, R51).
 */
export function rorOwnedFields(e: { ror_synced: boolean; phone_from_ror: boolean; email_from_ror: boolean }): IdentityField[] {
  if (!e.ror_synced) return [];
  return ROR_OWNED_FIELDS.filter((field) => (field !== 'phone' || e.phone_from_ror) && (field !== 'email' || e.email_from_ror));
}

export interface SheetForm {
  description: string;
  accessItinerary: string;
  identity: Record<IdentityField, string>;
  unitCodes: Record<number, string>;
}

type Identity = { finess: string; name: string; category: string; address: string | null; postcode: string | null; city: string | null; phone: string | null; email: string | null };

export interface ValidSheet {
  description: string | null;
  accessItinerary: string | null;
  /** The identity fields the referent may change (those the ROR does not own), checked; null when none. */
  identity: Partial<Identity> | null;
  unitCodes: Record<number, string | null>;
}

const blankToNull = (value: string) => (value.trim() === '' ? null : value.trim());

/** French messages of the identity fields, each checked only when the referent may change it. */
const IDENTITY_CHECKS: Record<IdentityField, (value: string) => string | null> = {
  finess: (v) => (/^[0-9][0-9AB][0-9]{7}$/.test(v.trim()) ? null : 'Le numéro FINESS compte 9 caractères (chiffres, A ou B en 2e position).'),
  name: (v) => (v.trim().length >= 1 && v.trim().length <= 200 ? null : 'Saisissez le nom de l’établissement (200 caractères au plus).'),
  category: (v) => (v.trim().length >= 1 && v.trim().length <= 120 ? null : 'Saisissez la catégorie (120 caractères au plus).'),
  postcode: (v) => (v.trim() === '' || /^[0-9]{5}$/.test(v.trim()) ? null : 'Le code postal compte 5 chiffres.'),
  email: (v) => (v.trim() === '' || /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(v.trim()) ? null : 'Saisissez une adresse e-mail valide, par exemple accueil@exemple.fr.'),
  address: (v) => (v.length <= 300 ? null : 'L’adresse fait au plus 300 caractères.'),
  city: (v) => (v.length <= 120 ? null : 'La commune fait au plus 120 caractères.'),
  phone: (v) => (v.length <= 50 ? null : 'Le téléphone fait au plus 50 caractères.'),
};
const REQUIRED: readonly IdentityField[] = ['finess', 'name', 'category'];

/** Checks a sheet form; the fields the ROR owns (R50) are ignored, always-editable fields go through (R51). */
export function validateSheet(form: SheetForm, rorOwned: readonly IdentityField[]): { ok: true; value: ValidSheet } | { ok: false; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  if (form.description.length > DESCRIPTION_MAX) errors.description = `La description fait au plus ${DESCRIPTION_MAX} caractères.`;
  if (form.accessItinerary.length > DESCRIPTION_MAX) errors.accessItinerary = `L’itinéraire d’accès fait au plus ${DESCRIPTION_MAX} caractères.`;
  for (const [unitId, code] of Object.entries(form.unitCodes)) {
    if (code.trim().length > 50) errors[`unit-${unitId}`] = 'Le code interne fait au plus 50 caractères.';
  }
  const editable = ROR_OWNED_FIELDS.filter((field) => !rorOwned.includes(field));
  const identity: Partial<Identity> = {};
  for (const field of editable) {
    const message = IDENTITY_CHECKS[field](form.identity[field]);
    if (message) errors[field] = message;
    (identity as Record<string, string | null>)[field] = REQUIRED.includes(field) ? form.identity[field].trim() : blankToNull(form.identity[field]);
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    value: {
      description: blankToNull(form.description),
      accessItinerary: blankToNull(form.accessItinerary),
      identity: editable.length > 0 ? identity : null,
      unitCodes: Object.fromEntries(Object.entries(form.unitCodes).map(([id, code]) => [Number(id), blankToNull(code)])),
    },
  };
}
