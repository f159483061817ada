/** "Réponses des ESMS sous 15 jours" (R70, Handicap): the share of notifications an ESMS answered within 15 days. */
import { defineRequest } from '../observatory.request.js';
import { monthsOf, sumBy, type Cell, type Column } from '../observatory.rules.js';
import { ANSWER_DAYS, answersOfPeriod } from './answer-delays.repository.js';

const FIGURES: Column[] = [
  { key: 'notifications', label: 'Notifications', type: 'count', persons: true },
  { key: 'sous15', label: `Réponses sous ${ANSWER_DAYS} jours`, type: 'count', persons: true },
  { key: 'part', label: `Part des réponses sous ${ANSWER_DAYS} jours`, type: 'percent', over: ['notifications', 'sous15'] },
];

const share = (within: number, all: number): number | null => (all === 0 ? null : Math.round((within / all) * 1000) / 10);

export const answerDelays = defineRequest({
  code: 'reponses-15-jours',
  theme: 'Handicap',
  domain: 'HANDICAP',
  title: `Réponses des ESMS sous ${ANSWER_DAYS} jours`,
  description: `La part des notifications de la période auxquelles l’ESMS a répondu (contact, liste d’attente, admission impossible, entrée…) dans les ${ANSWER_DAYS} jours suivant la décision, par catégorie d’orientation et par mois.`,
  periodHint: 'Les notifications comptées sont celles dont la décision de la CDAPH date de la période.',
  criteria: ['departement', 'etablissement', 'categorie'],
  compute: async ({ db, scope, places, criteria, period }) => {
    const rows = await answersOfPeriod(db, { scope, places, category: criteria.categorie as string | undefined, period });
    const fields = { notifications: (r: (typeof rows)[number]) => r.notifications, within: (r: (typeof rows)[number]) => r.within };
    const cells = (sums: Map<string, { notifications: number; within: number }>): Cell[][] => [...sums].map(([k, v]) => [k, v.notifications, v.within, share(v.within, v.notifications)]);
    return {
      tables: [
        {
          key: 'categories',
          title: 'Par catégorie d’orientation',
          columns: [{ key: 'categorie', label: 'Catégorie', type: 'text' }, ...FIGURES],
          rows: cells(sumBy([...rows].sort((a, b) => a.category.localeCompare(b.category)), (r) => r.category, fields)),
          total: true,
        },
        { key: 'mois', title: 'Par mois de décision', columns: [{ key: 'mois', label: 'Mois', type: 'month' }, ...FIGURES], rows: cells(sumBy(rows, (r) => r.month, fields, monthsOf(period))) },
      ],
      charts: [
        {
          kind: 'bars',
          table: 'categories',
          label: 'categorie',
          value: 'part',
          title: `Part des réponses sous ${ANSWER_DAYS} jours, par catégorie (%)`,
          description: 'Diagramme en barres horizontales : une barre par catégorie d’orientation, sa longueur proportionnelle à la part des notifications ayant reçu une réponse sous 15 jours. Une part calculée sur moins de 5 notifications n’est pas dessinée.',
        },
        {
          kind: 'line',
          table: 'mois',
          label: 'mois',
          values: ['part'],
          title: `Part des réponses sous ${ANSWER_DAYS} jours, par mois (%)`,
          description: 'Courbe : pour chaque mois de décision, la part des notifications ayant reçu une réponse de l’ESMS sous 15 jours. Les mois à moins de 5 notifications ne sont pas placés.',
        },
      ],
    };
  },
});
