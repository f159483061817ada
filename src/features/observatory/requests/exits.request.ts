/** "Sorties" (R70, Handicap): exits (48) of the period by reason and by length of stay. */
import { defineRequest } from '../observatory.request.js';
import { percentile, sumBy } from '../observatory.rules.js';
import { exitsOfPeriod } from './exits.repository.js';

const STAYS: [maxDays: number, label: string][] = [
  [365, 'Moins d’un an'],
  [3 * 365, 'De 1 à 3 ans'],
  [5 * 365, 'De 3 à 5 ans'],
  [Infinity, '5 ans et plus'],
];
const UNKNOWN_STAY = 'Date d’entrée non enregistrée';

export const exits = defineRequest({
  code: 'sorties',
  theme: 'Handicap',
  domain: 'HANDICAP',
  title: 'Sorties par motif et durée de séjour',
  description: 'Les usagers sortis (48) pendant la période des ESMS de votre périmètre, par motif de sortie et par durée de séjour depuis leur entrée (47).',
  periodHint: 'Une sortie est comptée à sa date de statut ; la durée de séjour court depuis l’entrée.',
  criteria: ['departement', 'etablissement', 'categorie'],
  compute: async ({ db, scope, places, criteria, period }) => {
    const rows = await exitsOfPeriod(db, { scope, places, category: criteria.categorie as string | undefined, period });
    const reasons = [...new Set(rows.map((r) => r.reason))].sort();
    const stayBand = (days: number | null) => (days === null ? UNKNOWN_STAY : STAYS.find(([max]) => days < max)![1]);
    const byStay = sumBy(rows, (r) => stayBand(r.stay), { exits: () => 1 }, [...STAYS.map(([, label]) => label), UNKNOWN_STAY]);
    return {
      tables: [
        {
          key: 'motifs',
          title: 'Par motif de sortie',
          columns: [
            { key: 'motif', label: 'Motif', type: 'text' },
            { key: 'sorties', label: 'Sorties', type: 'count', persons: true },
            { key: 'duree', label: 'Durée de séjour médiane', type: 'days', over: 'sorties' },
          ],
          rows: reasons.map((reason) => {
            const stays = rows.filter((r) => r.reason === reason && r.stay !== null).map((r) => r.stay!).sort((a, b) => a - b);
            return [reason, rows.filter((r) => r.reason === reason).length, percentile(stays, 50)];
          }),
          total: true,
        },
        {
          key: 'durees',
          title: 'Par durée de séjour',
          columns: [
            { key: 'duree', label: 'Durée de séjour', type: 'text' },
            { key: 'sorties', label: 'Sorties', type: 'count', persons: true },
          ],
          rows: [...byStay].filter(([label, v]) => label !== UNKNOWN_STAY || v.exits > 0).map(([label, v]) => [label, v.exits]),
          total: true,
        },
      ],
      charts: [
        {
          kind: 'bars',
          table: 'motifs',
          label: 'motif',
          value: 'sorties',
          title: 'Sorties par motif',
          description: 'Diagramme en barres horizontales : une barre par motif de sortie, sa longueur proportionnelle au nombre de sorties. Les effectifs inférieurs à 5 ne sont pas dessinés.',
        },
        {
          kind: 'bars',
          table: 'durees',
          label: 'duree',
          value: 'sorties',
          title: 'Sorties par durée de séjour',
          description: 'Diagramme en barres horizontales : une barre par durée de séjour, sa longueur proportionnelle au nombre de sorties. Les effectifs inférieurs à 5 ne sont pas dessinés.',
        },
      ],
    };
  },
});
