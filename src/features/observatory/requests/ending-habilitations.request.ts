/** "Habilitations arrivant à échéance dans le mois" (R70): what referents must prolong soon (R37's orange and red). */
import { addToDate } from '../../../platform/clock.js';
import { defineRequest } from '../observatory.request.js';
import { endingByEstablishment, endingByProfile } from './ending-habilitations.repository.js';

export const endingHabilitations = defineRequest({
  code: 'habilitations-echeance',
  theme: 'Comptes et habilitations',
  domain: null,
  title: 'Habilitations arrivant à échéance dans le mois',
  description: 'Les habilitations valides le dernier jour de la période dont la fin tombe dans le mois qui suit (dont 15 jours), par profil et par établissement.',
  periodHint: 'L’échéance est comptée à partir du dernier jour de la période.',
  criteria: ['departement', 'etablissement', 'unite', 'profil'],
  compute: async ({ db, scope, places, criteria, period }) => {
    const where = { scope, places, day: period.to, until: addToDate(period.to, { months: 1 }), profileId: criteria.profil as number | undefined };
    const [byProfile, byPlace] = await Promise.all([endingByProfile(db, where), endingByEstablishment(db, where)]);
    return {
      tables: [
        {
          key: 'profils',
          title: 'Échéances par profil',
          columns: [
            { key: 'profil', label: 'Profil', type: 'text' },
            { key: 'quinze', label: 'Dans les 15 jours', type: 'count', persons: true },
            { key: 'mois', label: 'Dans le mois', type: 'count', persons: true },
          ],
          rows: byProfile.map((r) => [r.profile, r.within_15_days, r.within_month]),
          total: true,
        },
        {
          key: 'lieux',
          title: 'Échéances par établissement',
          columns: [
            { key: 'departement', label: 'Département', type: 'text' },
            { key: 'lieu', label: 'Établissement ou niveau', type: 'text' },
            { key: 'finess', label: 'FINESS', type: 'text' },
            { key: 'mois', label: 'Dans le mois', type: 'count', persons: true },
          ],
          rows: byPlace.map((r) => [r.department, r.place, r.finess, r.within_month]),
          total: true,
        },
      ],
      charts: [
        {
          kind: 'bars',
          table: 'profils',
          label: 'profil',
          value: 'mois',
          title: 'Habilitations arrivant à échéance dans le mois, par profil',
          description: 'Diagramme en barres horizontales : une barre par profil, sa longueur proportionnelle au nombre d’habilitations qui prennent fin dans le mois. Les effectifs inférieurs à 5 ne sont pas dessinés.',
        },
      ],
    };
  },
});
