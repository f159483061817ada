/** "Notifications reçues" (R70, Handicap): the period's orientation decisions by category, MDPH, age band (Creton flagged) and month. */
import { defineRequest } from '../observatory.request.js';
import { AGE_BANDS, ageBand, monthsOf, sumBy, type Cell, type Column } from '../observatory.rules.js';
import { receivedNotifications } from './received-notifications.repository.js';

const COUNTS: Column[] = [
  { key: 'notifications', label: 'Notifications', type: 'count', persons: true },
  { key: 'creton', label: 'dont amendement Creton', type: 'count', persons: true },
];

export const receivedNotificationsRequest = defineRequest({
  code: 'notifications-recues',
  theme: 'Handicap',
  domain: 'HANDICAP',
  title: 'Notifications reçues par catégorie, MDPH et âge',
  description: 'Les notifications d’orientation adressées aux ESMS de votre périmètre dont la décision date de la période : par catégorie d’orientation, par MDPH, par tranche d’âge (amendement Creton signalé) et par mois.',
  periodHint: 'Une notification est comptée à la date de la décision de la CDAPH ; l’âge est celui de la personne à cette date.',
  criteria: ['departement', 'etablissement', 'categorie'],
  compute: async ({ db, scope, places, criteria, period }) => {
    const rows = await receivedNotifications(db, { scope, places, category: criteria.categorie as string | undefined, period });
    const fields = { notifications: (r: (typeof rows)[number]) => r.notifications, creton: (r: (typeof rows)[number]) => (r.creton ? r.notifications : 0) };
    const table = (sums: Map<string, Record<'notifications' | 'creton', number>>): Cell[][] => [...sums].map(([k, v]) => [k, v.notifications, v.creton]);
    const byCategory = sumBy([...rows].sort((a, b) => a.category.localeCompare(b.category)), (r) => r.category, fields);
    const byMdph = sumBy([...rows].sort((a, b) => a.mdph.localeCompare(b.mdph)), (r) => `MDPH ${r.mdph}`, fields);
    const byAge = sumBy(rows, (r) => ageBand(r.age), fields, AGE_BANDS.map(([, label]) => label));
    const byMonth = sumBy(rows, (r) => r.month, fields, monthsOf(period));
    return {
      tables: [
        { key: 'categories', title: 'Par catégorie d’orientation', columns: [{ key: 'categorie', label: 'Catégorie', type: 'text' }, ...COUNTS], rows: table(byCategory), total: true },
        { key: 'mdph', title: 'Par MDPH', columns: [{ key: 'mdph', label: 'MDPH', type: 'text' }, ...COUNTS], rows: table(byMdph), total: true },
        { key: 'ages', title: 'Par tranche d’âge', columns: [{ key: 'age', label: 'Âge à la décision', type: 'text' }, ...COUNTS], rows: table(byAge), total: true },
        { key: 'mois', title: 'Par mois de décision', columns: [{ key: 'mois', label: 'Mois', type: 'month' }, ...COUNTS], rows: table(byMonth) },
      ],
      charts: [
        {
          kind: 'bars',
          table: 'categories',
          label: 'categorie',
          value: 'notifications',
          title: 'Notifications reçues par catégorie d’orientation',
          description: 'Diagramme en barres horizontales : une barre par catégorie d’orientation, sa longueur proportionnelle au nombre de notifications. Les effectifs inférieurs à 5 ne sont pas dessinés.',
        },
        {
          kind: 'line',
          table: 'mois',
          label: 'mois',
          values: ['notifications', 'creton'],
          title: 'Notifications reçues par mois',
          description: 'Courbes : le nombre de notifications de chaque mois de la période, et celles relevant de l’amendement Creton. Les mois à moins de 5 notifications ne sont pas placés.',
        },
      ],
    };
  },
});
