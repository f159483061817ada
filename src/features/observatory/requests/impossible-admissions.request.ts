/** "Admissions impossibles" (R70, Handicap): reported (45) and confirmed (46) in the period, by reason. */
import { defineRequest } from '../observatory.request.js';
import { impossibleByReason } from './impossible-admissions.repository.js';

export const impossibleAdmissions = defineRequest({
  code: 'admissions-impossibles',
  theme: 'Handicap',
  domain: 'HANDICAP',
  title: 'Admissions impossibles par motif',
  description: 'Les admissions impossibles signalées (45) et entérinées (46) pendant la période dans les ESMS de votre périmètre, par motif.',
  periodHint: 'Un signalement ou une décision est compté à sa date de statut.',
  criteria: ['departement', 'etablissement', 'categorie'],
  compute: async ({ db, scope, places, criteria, period }) => {
    const rows = await impossibleByReason(db, { scope, places, category: criteria.categorie as string | undefined, period });
    return {
      tables: [
        {
          key: 'motifs',
          title: 'Par motif',
          columns: [
            { key: 'motif', label: 'Motif', type: 'text' },
            { key: 'signalees', label: 'Signalées (45)', type: 'count', persons: true },
            { key: 'enterinees', label: 'Entérinées (46)', type: 'count', persons: true },
          ],
          rows: rows.map((r) => [r.reason, r.reported, r.confirmed]),
          total: true,
        },
      ],
      charts: [
        {
          kind: 'bars',
          table: 'motifs',
          label: 'motif',
          value: 'signalees',
          title: 'Admissions impossibles signalées, par motif',
          description: 'Diagramme en barres horizontales : une barre par motif, sa longueur proportionnelle au nombre d’admissions impossibles signalées. Les effectifs inférieurs à 5 ne sont pas dessinés.',
        },
      ],
    };
  },
});
