/** "Parcours de suivi" (R70, Handicap): the funnel 39 → 40 → 41 → 42 → 47 with the median delay between stages. */
import { defineRequest } from '../observatory.request.js';
import { funnel } from './followup-funnel.repository.js';

export const followupFunnel = defineRequest({
  code: 'parcours-suivi',
  theme: 'Handicap',
  domain: 'HANDICAP',
  title: 'Parcours de suivi : de la notification à l’entrée',
  description: 'Des notifications dont la décision date de la période : combien ont été lues (40), ont donné lieu à un contact (41), à une inscription en liste d’attente (42), à une entrée (47), et le délai médian depuis l’étape précédente.',
  periodHint: 'Les notifications suivies sont celles dont la décision de la CDAPH date de la période ; leurs étapes sont comptées jusqu’au jour du calcul.',
  criteria: ['departement', 'etablissement', 'categorie'],
  compute: async ({ db, scope, places, criteria, period }) => {
    const rows = await funnel(db, { scope, places, category: criteria.categorie as string | undefined, period });
    const first = rows[0]?.reached ?? 0;
    return {
      tables: [
        {
          key: 'etapes',
          title: 'Étapes du suivi',
          columns: [
            { key: 'etape', label: 'Étape', type: 'text' },
            { key: 'notifications', label: 'Notifications', type: 'count', persons: true },
            { key: 'part', label: 'Part des notifications', type: 'percent', over: 'notifications' },
            { key: 'delai', label: 'Délai médian depuis l’étape précédente', type: 'days', over: 'notifications' },
          ],
          rows: rows.map((r) => [`${r.code} – ${r.label}`, r.reached, first === 0 ? null : Math.round((r.reached / first) * 1000) / 10, r.median_delay]),
          // Each stage is a subset of the previous one: no sum to protect, only small counts.
          nested: true,
        },
      ],
      charts: [
        {
          kind: 'funnel',
          table: 'etapes',
          label: 'etape',
          value: 'notifications',
          title: 'Entonnoir du suivi des notifications',
          description: 'Entonnoir : une barre centrée par étape (39 envoyée, 40 lue, 41 contact, 42 liste d’attente, 47 entrée), sa largeur proportionnelle au nombre de notifications qui l’ont atteinte. Les effectifs inférieurs à 5 ne sont pas dessinés.',
        },
      ],
    };
  },
});
