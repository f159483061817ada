/** Input of account use cases, validated at the boundary with French messages. */
import { z } from 'zod';

const name = (label: string) =>
  z
    .string({ error: `${label} est obligatoire.` })
    .trim()
    .min(1, `${label} est obligatoire.`)
    .max(100, `${label} : 100 caractères au plus.`);

export const newAccountSchema = z.object({
  lastName: name('Le nom'),
  firstName: name('Le prénom'),
  email: z.string({ error: 'L’adresse e-mail est obligatoire.' }).trim().toLowerCase().max(254).pipe(z.email('Adresse e-mail invalide.')),
  phone: z.string().trim().max(30).optional(),
  profession: z.string().trim().max(100).optional(),
});

export type NewAccountInput = z.input<typeof newAccountSchema>;
