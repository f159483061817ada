/** The order form as posted (R70): strings only, bounded; what cannot be read becomes empty and is refused by the service at its field. */
import { z } from 'zod';
import { CRITERIA } from './observatory.request.js';

const text = (max: number) => z.string().max(max).catch('');

const orderFormSchema = z
  .object({
    demande: text(60),
    debut: text(20),
    fin: text(20),
    // Longer than allowed on purpose: a comment over 500 characters is refused with its message, not cut.
    commentaire: text(65_536),
  })
  .catch({ demande: '', debut: '', fin: '', commentaire: '' });

const CRITERION_FIELDS = [...Object.keys(CRITERIA), 'etablissement_finess'];

export function orderForm(body: unknown): { demande: string; debut: string; fin: string; commentaire: string; criteria: Record<string, string> } {
  const form = orderFormSchema.parse(body ?? {});
  const raw = (body ?? {}) as Record<string, unknown>;
  const criteria: Record<string, string> = {};
  for (const field of CRITERION_FIELDS) {
    const value = raw[field];
    if (typeof value === 'string' && value.length <= 60) criteria[field] = value.trim();
    else if (value !== undefined) criteria[field] = '\u0000';
  }
  return { ...form, criteria };
}
