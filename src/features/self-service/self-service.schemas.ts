/** Input of "Mon compte", validated at the boundary with French messages at each field (R41). */
import { z } from 'zod';
import { form, parseStrictId, secret, text } from '../../platform/input.js';
import { parseMobile, parsePhone } from '../accounts/account.rules.js';
import { emailAddress, MOBILE_MESSAGE, personName, PHONE_MESSAGE, phoneNumber } from '../accounts/account.schemas.js';

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

/**
 * The form of "Informations personnelles" as posted, through the input gate (issue 12): a value
 * longer than its field allows is refused at the field, and the stored one stays (unknown fields
 * are dropped, never used).
 */
export const identityForm = form({
  lastName: text('Le nom', 100),
  firstName: text('Le prénom', 100),
  email: text('L’adresse e-mail', 254),
  phone: text('Le téléphone', 30),
  fax: text('Le fax', 30),
  mobilePhone: text('Le téléphone mobile', 30),
  profession: text('La profession', 100),
  currentPassword: secret('Le mot de passe actuel'),
});

export const otpChannelForm = form({ channel: text('Le canal', 10), channelPassword: secret('Le mot de passe') });
export const passwordForm = form({ currentPassword: secret('Le mot de passe actuel'), password: secret('Le nouveau mot de passe'), confirmation: secret('La confirmation') });
export const codeForm = form({ code: text('Le code', 20) });
export const mobileCodeRequestForm = form({ depuis: text('L’origine', 10) });
export const emailFlagForm = form({ mails: text('La réception des mails', 5) });
export const tokenForm = form({ jeton: text('Le lien', 200) });

/** A numeric id of a URL: anything else is no id (404, never a 500). */
export const parseId = parseStrictId;

/** A session or browser reference of a URL: the base64url HMAC the page printed. */
export function parseRef(raw: unknown): string | null {
  return typeof raw === 'string' && /^[A-Za-z0-9_-]{20,64}$/.test(raw) ? raw : null;
}
