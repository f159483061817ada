/** "Notifications arrivant à échéance" (R70, Handicap): still open on the last day, their decision ends within 3 months. */
import { addToDate } from '../../../platform/clock.js';
import { defineRequest } from '../observatory.request.js';
import { monthsOf, sumBy } from '../observatory.rules.js';
import { expiringNotifications } from './expiring-notifications.repository.js';

export const expiringNotificationsRequest = defineRequest({
  code: 'notifications-echeance',
  theme: 'Handicap',
  domain: 'HANDICAP',
  title: 'Notifications arrivant à échéance dans les 3 mois',
  description: 'Les notifications non clôturées le dernier jour de la période dont la décision prend fin dans les 3 mois qui suivent, par catégorie d’orientation et par mois d’échéance.',
  periodHint: 'L’échéance est comptée à partir du dernier jour de la période.',
  criteria: ['departement', 'etablissement', 'categorie'],
  compute: async ({ db, scope, places, criteria, period }) => {
    const until = addToDate(period.to, { months: 3 });
    const rows = await expiringNotifications(db, { scope, places, category: criteria.categorie as string | undefined, day: period.to, until });
    const count = { notifications: (r: (typeof rows)[number]) => r.notifications };
    return {
      tables: [
        {
          key: 'categories',
          title: 'Par catégorie d’orientation',
          columns: [
            { key: 'categorie', label: 'Catégorie', type: 'text' },
            { key: 'notifications', label: 'Notifications', type: 'count', persons: true },
          ],
          rows: [...sumBy([...rows].sort((a, b) => a.category.localeCompare(b.category)), (r) => r.category, count)].map(([k, v]) => [k, v.notifications]),
          total: true,
        },
        {
          key: 'mois',
          title: 'Par mois d’échéance',
          columns: [
            { key: 'mois', label: 'Mois', type: 'month' },
            { key: 'notifications', label: 'Notifications', type: 'count', persons: true },
          ],
          rows: [...sumBy(rows, (r) => r.month, count, monthsOf({ from: period.to, to: until }))].map(([k, v]) => [k, v.notifications]),
          total: true,
        },
      ],
      charts: [
        {
          kind: 'bars',
          table: 'categories',
          label: 'categorie',
          value: 'notifications',
          title: 'Notifications arrivant à échéance, par catégorie',
          description: 'Diagramme en barres horizontales : une barre par catégorie d’orientation, sa longueur proportionnelle au nombre de notifications dont la décision prend fin dans les 3 mois. Les effectifs inférieurs à 5 ne sont pas dessinés.',
        },
      ],
    };
  },
});
