/** Input of "Mon compte", validated at the boundary with French messages at each field (R41). */
import { z } from 'zod';
import { parseMobile, parsePhone } from '../accounts/account.rules.js';
import { emailAddress, MOBILE_MESSAGE, personName, PHONE_MESSAGE, phoneNumber } from '../accounts/account.schemas.js';

/** What a form field carries: a string of bounded length, '' when absent or malformed. */
export const formText = (max: number) => z.string().max(max).catch('');

export const identitySchema = z.object({
  lastName: personName('Le nom'),
  firstName: personName('Le prénom'),
  email: emailAddress(),
  phone: phoneNumber(parsePhone, PHONE_MESSAGE),
  fax: phoneNumber(parsePhone, 'Numéro de fax invalide : 10 chiffres (ex. 04 67 12 34 57) ou un numéro international commençant par +.'),
  mobilePhone: phoneNumber(parseMobile, MOBILE_MESSAGE),
  profession: z
    .string()
    .trim()
    .max(100, 'La profession : 100 caractères au plus.')
    .transform((v) => (v === '' ? null : v)),
});

export type IdentityInput = z.input<typeof identitySchema>;

/** The form of "Informations personnelles" as posted (unknown fields are dropped, never used). */
export const identityForm = z.object({
  lastName: formText(1000),
  firstName: formText(1000),
  email: formText(1000),
  phone: formText(1000),
  fax: formText(1000),
  mobilePhone: formText(1000),
  profession: formText(1000),
  currentPassword: formText(1000),
});

export const otpChannelForm = z.object({ channel: formText(10), channelPassword: formText(1000) });
export const passwordForm = z.object({ currentPassword: formText(1000), password: formText(1000), confirmation: formText(1000) });
export const codeForm = z.object({ code: formText(50) });
export const emailFlagForm = z.object({ mails: formText(5) });
export const tokenForm = z.object({ jeton: formText(200) });

/** A numeric id of a URL: anything else is no id (404, never a 500). */
export function parseId(raw: unknown): number | null {
  return typeof raw === 'string' && /^[1-9]\d{0,9}$/.test(raw) && Number(raw) <= 2_147_483_647 ? Number(raw) : null;
}

/** A session or browser reference of a URL: the base64url HMAC the page printed. */
export function parseRef(raw: unknown): string | null {
  return typeof raw === 'string' && /^[A-Za-z0-9_-]{20,64}$/.test(raw) ? raw : null;
}
