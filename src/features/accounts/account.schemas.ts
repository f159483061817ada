/** Input of account use cases, validated at the boundary with French messages. */
import { z } from 'zod';

export const PROFESSIONS = [
  'Agent administratif', 'Aide-soignant', 'Assistant de service social', 'Cadre de santé', 'Chargé de mission', 'Chef de service',
  'Conseiller', 'Coordinateur de parcours', 'Directeur d’établissement', 'Éducateur spécialisé', 'Ergothérapeute', 'Gestionnaire',
  'Infirmier', 'Infirmier coordinateur', 'Kinésithérapeute', 'Médecin', 'Médecin coordonnateur', 'Médecin inspecteur',
  'Moniteur d’atelier', 'Orthophoniste', 'Pharmacien', 'Psychologue', 'Psychomotricien', 'Sage-femme', 'Secrétaire',
  'Secrétaire médical', 'Autre',
] as const;

const name = (label: string) =>
  z
    .string({ error: `${label} est obligatoire.` })
    .trim()
    .min(1, `${label} est obligatoire.`)
    .max(100, `${label} : 100 caractères au plus.`)
    .regex(/^[\p{L}][\p{L}\p{M} '’.-]*$/u, `${label} ne peut contenir que des lettres, des espaces, des apostrophes et des tirets.`);

const phone = (label: string) =>
  z
    .string()
    .trim()
    .max(30)
    .refine((v) => v === '' || /^\+?[0-9 .-]{10,20}$/.test(v), `${label} : saisissez un numéro à 10 chiffres, par exemple 04 67 00 00 00.`)
    .optional();

export const identitySchema = z.object({
  lastName: name('Le nom'),
  firstName: name('Le prénom'),
  email: z
    .string({ error: 'L’adresse e-mail est obligatoire.' })
    .trim()
    .toLowerCase()
    .min(1, 'L’adresse e-mail est obligatoire.')
    .max(254, 'L’adresse e-mail est trop longue.')
    .pipe(z.email('Adresse e-mail invalide : elle doit ressembler à prenom.nom@etablissement.fr.')),
  phone: phone('Le téléphone'),
  mobilePhone: phone('Le téléphone mobile'),
  profession: z
    .string()
    .trim()
    .refine((v) => v === '' || (PROFESSIONS as readonly string[]).includes(v), 'Choisissez une profession dans la liste.')
    .optional(),
});

export const newAccountSchema = identitySchema;

export type IdentityInput = z.input<typeof identitySchema>;
export type NewAccountInput = z.input<typeof newAccountSchema>;
