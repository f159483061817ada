/** "Habilitations actives par profil et par lieu" (R70): who may act where, on the last day of the period. */
import { defineRequest } from '../observatory.request.js';
import { countByPlace, countByProfile } from './active-habilitations.repository.js';

export const activeHabilitations = defineRequest({
  code: 'habilitations-actives',
  theme: 'Comptes et habilitations',
  domain: null,
  title: 'Habilitations actives par profil et par lieu',
  description: 'Le nombre d’habilitations en cours de validité le dernier jour de la période, par profil et par établissement.',
  periodHint: 'Les habilitations comptées sont celles valides le dernier jour de la période.',
  criteria: ['departement', 'etablissement', 'unite', 'profil'],
  compute: async ({ db, scope, places, criteria, period }) => {
    const where = { scope, places, day: period.to, profileId: criteria.profil as number | undefined };
    const [byProfile, byPlace] = await Promise.all([countByProfile(db, where), countByPlace(db, where)]);
    return {
      tables: [
        {
          key: 'profils',
          title: 'Habilitations par profil',
          columns: [
            { key: 'profil', label: 'Profil', type: 'text' },
            { key: 'domaine', label: 'Domaine', type: 'text' },
            { key: 'habilitations', label: 'Habilitations', type: 'count', persons: true },
          ],
          rows: byProfile.map((r) => [r.profile, r.domain, r.habilitations]),
          total: true,
        },
        {
          key: 'lieux',
          title: 'Habilitations par lieu',
          columns: [
            { key: 'departement', label: 'Département', type: 'text' },
            { key: 'lieu', label: 'Établissement ou niveau', type: 'text' },
            { key: 'finess', label: 'FINESS', type: 'text' },
            { key: 'habilitations', label: 'Habilitations', type: 'count', persons: true },
          ],
          rows: byPlace.map((r) => [r.department, r.place, r.finess, r.habilitations]),
          total: true,
        },
      ],
      charts: [
        {
          kind: 'bars',
          table: 'profils',
          label: 'profil',
          value: 'habilitations',
          title: 'Habilitations actives par profil',
          description: 'Diagramme en barres horizontales : une barre par profil, sa longueur proportionnelle au nombre d’habilitations actives. Les effectifs inférieurs à 5 ne sont pas dessinés.',
        },
      ],
    };
  },
});
