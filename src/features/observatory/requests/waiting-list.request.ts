/** "Liste d'attente" (R70, Handicap): a snapshot of statuses 42, 72 and 71 on the last day, with median and 90th-percentile waits. */
import { defineRequest } from '../observatory.request.js';
import type { Column } from '../observatory.rules.js';
import { waitingByStatusAndCategory, type WaitingRow } from './waiting-list.repository.js';

const FIGURES: Column[] = [
  { key: 'personnes', label: 'Personnes', type: 'count', persons: true },
  { key: 'mediane', label: 'Attente médiane', type: 'days', over: 'personnes' },
  { key: 'p90', label: 'Attente, 90e centile', type: 'days', over: 'personnes' },
];
const cells = (rows: WaitingRow[]) => rows.map((r) => [r.key, r.persons, r.median, r.p90]);

export const waitingList = defineRequest({
  code: 'liste-attente',
  theme: 'Handicap',
  domain: 'HANDICAP',
  title: 'Liste d’attente : photographie et durées d’attente',
  description: 'Les personnes en liste d’attente des ESMS de votre périmètre le dernier jour de la période (statuts 42 en cours d’analyse, 72 admissible, 71 admis), avec la durée d’attente médiane et celle que 90 % ne dépassent pas.',
  periodHint: 'La photographie est prise le dernier jour de la période ; l’attente court depuis l’entrée en liste d’attente.',
  criteria: ['departement', 'etablissement', 'categorie'],
  compute: async ({ db, scope, places, criteria, period }) => {
    const where = { scope, places, category: criteria.categorie as string | undefined };
    const { byStatus, byCategory } = await waitingByStatusAndCategory(db, where, period.to);
    return {
      tables: [
        { key: 'statuts', title: 'Par statut', columns: [{ key: 'statut', label: 'Statut', type: 'text' }, ...FIGURES], rows: cells(byStatus), total: true },
        { key: 'categories', title: 'Par catégorie d’orientation', columns: [{ key: 'categorie', label: 'Catégorie', type: 'text' }, ...FIGURES], rows: cells(byCategory), total: true },
      ],
      charts: [
        {
          kind: 'bars',
          table: 'statuts',
          label: 'statut',
          value: 'personnes',
          title: 'Personnes en liste d’attente par statut',
          description: 'Diagramme en barres horizontales : une barre par statut (42, 72, 71), sa longueur proportionnelle au nombre de personnes. Les effectifs inférieurs à 5 ne sont pas dessinés.',
        },
        {
          kind: 'bars',
          table: 'categories',
          label: 'categorie',
          value: 'mediane',
          title: 'Attente médiane par catégorie d’orientation (jours)',
          description: 'Diagramme en barres horizontales : une barre par catégorie, sa longueur proportionnelle à la durée d’attente médiane en jours. Une médiane calculée sur moins de 5 personnes n’est pas dessinée.',
        },
      ],
    };
  },
});
