/** "Comptes par état" (R70, R23): active, blocked, deactivated accounts of the people of the scope. */
import { defineRequest } from '../observatory.request.js';
import type { AccountState } from './account-states.repository.js';
import { countByDepartmentAndState, countByState } from './account-states.repository.js';

const STATES: [AccountState, string][] = [
  ['active', 'Actif'],
  ['blocked', 'Bloqué'],
  ['deactivated', 'Désactivé'],
];

export const accountStates = defineRequest({
  code: 'comptes-par-etat',
  theme: 'Comptes et habilitations',
  domain: null,
  title: 'Comptes par état',
  description: 'Les comptes des professionnels habilités dans votre périmètre pendant la période, selon leur état au moment du calcul : actif, bloqué, désactivé.',
  periodHint: 'Un compte est compté s’il a détenu une habilitation du périmètre à un moment de la période ; son état est celui du jour du calcul.',
  criteria: ['departement', 'etablissement'],
  compute: async ({ db, scope, places, period }) => {
    const where = { scope, places, period };
    const [byState, byDepartment] = await Promise.all([countByState(db, where), countByDepartmentAndState(db, where)]);
    const count = new Map(byState.map((r) => [r.state, r.accounts]));
    const label = new Map(STATES);
    return {
      tables: [
        {
          key: 'etats',
          title: 'Comptes par état',
          columns: [
            { key: 'etat', label: 'État', type: 'text' },
            { key: 'comptes', label: 'Comptes', type: 'count', persons: true },
          ],
          rows: STATES.map(([state, text]) => [text, count.get(state) ?? 0]),
          total: true,
        },
        {
          key: 'departements',
          title: 'Comptes par département et état',
          description: 'Un compte habilité dans plusieurs départements est compté dans chacun.',
          columns: [
            { key: 'departement', label: 'Département', type: 'text' },
            { key: 'etat', label: 'État', type: 'text' },
            { key: 'comptes', label: 'Comptes', type: 'count', persons: true },
          ],
          rows: byDepartment.map((r) => [r.department, label.get(r.state) ?? r.state, r.accounts]),
          // The sum of each state is published by the first table: each state is protected on its own.
          groupBy: 'etat',
        },
      ],
      charts: [
        {
          kind: 'bars',
          table: 'etats',
          label: 'etat',
          value: 'comptes',
          title: 'Comptes par état',
          description: 'Diagramme en barres horizontales : actifs, bloqués et désactivés, longueur proportionnelle au nombre de comptes. Les effectifs inférieurs à 5 ne sont pas dessinés.',
        },
      ],
    };
  },
});
