/** Input of account use cases, validated at the boundary with French messages. */
import { z } from 'zod';
import { parseMobile, parsePhone, type PhoneResult } from './account.rules.js';

export const PROFESSIONS = [
  'Agent administratif', 'Aide-soignant', 'Assistant de service social', 'Cadre de santé', 'Chargé de mission', 'Chef de service',
  'Conseiller', 'Coordinateur de parcours', 'Directeur d’établissement', 'Éducateur spécialisé', 'Ergothérapeute', 'Gestionnaire',
  'Infirmier', 'Infirmier coordinateur', 'Kinésithérapeute', 'Médecin', 'Médecin coordonnateur', 'Médecin inspecteur',
  'Moniteur d’atelier', 'Orthophoniste', 'Pharmacien', 'Psychologue', 'Psychomotricien', 'Sage-femme', 'Secrétaire',
  'Secrétaire médical', 'Autre',
] as const;

/** A last or first name: letters, spaces, apostrophes and hyphens. */
export const personName = (label: string) =>
  z
    .string({ error: `${label} est obligatoire.` })
    .trim()
    .min(1, `${label} est obligatoire.`)
    .max(100, `${label} : 100 caractères au plus.`)
    .refine((v) => v === '' || /^[\p{L}][\p{L}\p{M} '’.-]*$/u.test(v), `${label} ne peut contenir que des lettres, des espaces, des apostrophes et des tirets.`);

/** A phone number as typed → as stored (null when empty); `parse` decides what is valid. */
export const phoneNumber = (parse: (raw: string) => PhoneResult, message: string) =>
  z
    .string()
    .max(40, message)
    .transform((raw, ctx) => {
      const parsed = parse(raw);
      if (parsed === 'invalid') {
        ctx.addIssue({ code: 'custom', message });
        return z.NEVER;
      }
      return parsed;
    });

export const PHONE_MESSAGE = 'Numéro de téléphone invalide : 10 chiffres (ex. 04 67 12 34 56) ou un numéro international commençant par +.';
export const MOBILE_MESSAGE = 'Numéro de téléphone mobile invalide : 10 chiffres commençant par 06 ou 07 (ex. 06 12 34 56 78).';

export const emailAddress = () =>
  z
    .string({ error: 'L’adresse e-mail est obligatoire.' })
    .trim()
    .toLowerCase()
    .min(1, 'L’adresse e-mail est obligatoire.')
    .max(254, 'L’adresse e-mail : 254 caractères au plus.')
    .pipe(z.email('Adresse e-mail invalide : elle doit avoir la forme prenom.nom@etablissement.fr.'));

export const identitySchema = z.object({
  lastName: personName('Le nom'),
  firstName: personName('Le prénom'),
  email: emailAddress(),
  phone: phoneNumber(parsePhone, PHONE_MESSAGE).optional(),
  mobilePhone: phoneNumber(parseMobile, MOBILE_MESSAGE).optional(),
  profession: z
    .string()
    .trim()
    .refine((v) => v === '' || (PROFESSIONS as readonly string[]).includes(v), 'Choisissez une profession dans la liste.')
    .optional(),
});

export const newAccountSchema = identitySchema;

export type IdentityInput = z.input<typeof identitySchema>;
export type NewAccountInput = z.input<typeof newAccountSchema>;
