/** "Structures avec moins de 2 référents" (R70, R25): continuity during absences, structure by structure. */
import { defineRequest } from '../observatory.request.js';
import type { Cell } from '../observatory.rules.js';
import { establishmentsWithReferents } from './referent-coverage.repository.js';

/** R25: continuity during absences needs two. */
const MINIMUM = 2;

export const referentCoverage = defineRequest({
  code: 'structures-sans-2-referents',
  theme: 'Comptes et habilitations',
  domain: null,
  title: 'Structures avec moins de 2 référents',
  description: 'Les établissements ouverts qui comptaient moins de 2 référents structure joignables le dernier jour de la période : leur nombre par département, puis leur liste.',
  periodHint: 'Les référents comptés sont ceux habilités le dernier jour de la période (comptes ni bloqués ni désactivés aujourd’hui).',
  criteria: ['departement', 'etablissement'],
  compute: async ({ db, scope, places, period }) => {
    const rows = await establishmentsWithReferents(db, { scope, places, day: period.to });
    const byDepartment = new Map<string, { open: number; none: number; one: number }>();
    for (const row of rows) {
      const d = byDepartment.get(row.department) ?? { open: 0, none: 0, one: 0 };
      d.open += 1;
      if (row.referents === 0) d.none += 1;
      else if (row.referents < MINIMUM) d.one += 1;
      byDepartment.set(row.department, d);
    }
    const few = rows.filter((r) => r.referents < MINIMUM);
    return {
      tables: [
        {
          key: 'departements',
          title: 'Structures par département',
          // Counts of structures, not of persons: no small-count suppression applies.
          columns: [
            { key: 'departement', label: 'Département', type: 'text' },
            { key: 'ouvertes', label: 'Structures ouvertes', type: 'count' },
            { key: 'aucun', label: 'Sans référent', type: 'count' },
            { key: 'un', label: 'Un seul référent', type: 'count' },
            { key: 'moins', label: 'Moins de 2 référents', type: 'count' },
          ],
          rows: [...byDepartment].map(([department, d]) => [department, d.open, d.none, d.one, d.none + d.one] as Cell[]),
          total: true,
        },
        {
          key: 'structures',
          title: 'Structures concernées',
          columns: [
            { key: 'departement', label: 'Département', type: 'text' },
            { key: 'finess', label: 'FINESS', type: 'text' },
            { key: 'structure', label: 'Établissement', type: 'text' },
            { key: 'situation', label: 'Situation', type: 'text' },
          ],
          rows: few.map((r) => [r.department, r.finess, r.name, r.referents === 0 ? 'Aucun référent' : 'Un seul référent']),
        },
      ],
      charts: [
        {
          kind: 'bars',
          table: 'departements',
          label: 'departement',
          value: 'moins',
          title: 'Structures avec moins de 2 référents, par département',
          description: 'Diagramme en barres horizontales : une barre par département, sa longueur proportionnelle au nombre d’établissements ouverts comptant moins de 2 référents structure.',
        },
      ],
    };
  },
});
