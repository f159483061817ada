/** "Méthodes d'authentification forte utilisées" (R70, R06): code by e-mail or SMS, card, e-CPS, over the period. */
import { defineRequest } from '../observatory.request.js';
import { monthsOf, type Cell } from '../observatory.rules.js';
import { countByMethod, countByMonth, type LoginMethod } from './login-methods.repository.js';

const METHODS: [LoginMethod, string][] = [
  ['code-email', 'Code par e-mail'],
  ['code-sms', 'Code par SMS'],
  ['trusted-browser', 'Navigateur de confiance (code reçu auparavant)'],
  ['cps', 'Carte CPS'],
  ['psc', 'e-CPS (Pro Santé Connect)'],
  ['partner', 'Site partenaire'],
  ['other', 'Autre'],
];

export const loginMethods = defineRequest({
  code: 'authentification-forte',
  theme: 'Comptes et habilitations',
  domain: null,
  title: 'Méthodes d’authentification forte utilisées',
  description: 'Les connexions réussies de la période des professionnels habilités dans votre périmètre, par méthode : code par e-mail, par SMS, carte CPS, e-CPS ; par mois.',
  periodHint: 'Les connexions comptées sont celles de la période, des comptes habilités dans le périmètre pendant celle-ci.',
  criteria: ['departement', 'etablissement'],
  compute: async ({ db, scope, places, period }) => {
    const where = { scope, places, period };
    const [byMethod, byMonth] = await Promise.all([countByMethod(db, where), countByMonth(db, where)]);
    const used = METHODS.filter(([method]) => method !== 'other' || byMethod.some((r) => r.method === 'other'));
    const perMonth = new Map(byMonth.map((r) => [`${r.month}|${r.method}`, r.logins]));
    return {
      tables: [
        {
          key: 'methodes',
          title: 'Connexions par méthode',
          description: 'Une personne qui a utilisé plusieurs méthodes est comptée pour chacune.',
          columns: [
            { key: 'methode', label: 'Méthode', type: 'text' },
            { key: 'personnes', label: 'Personnes', type: 'count', persons: true },
            { key: 'connexions', label: 'Connexions', type: 'count', over: 'personnes' },
          ],
          rows: used.map(([method, label]) => {
            const row = byMethod.find((r) => r.method === method);
            return [label, row?.persons ?? 0, row?.logins ?? 0] as Cell[];
          }),
        },
        {
          key: 'mois',
          title: 'Connexions par mois et méthode',
          columns: [
            { key: 'mois', label: 'Mois', type: 'month' },
            ...used.map(([method, label]) => ({ key: method, label, type: 'count' as const, persons: true })),
          ],
          rows: monthsOf(period).map((month) => [month, ...used.map(([method]) => perMonth.get(`${month}|${method}`) ?? 0)]),
        },
      ],
      charts: [
        {
          kind: 'bars',
          table: 'methodes',
          label: 'methode',
          value: 'personnes',
          title: 'Personnes par méthode d’authentification',
          description: 'Diagramme en barres horizontales : une barre par méthode, sa longueur proportionnelle au nombre de personnes qui l’ont utilisée. Les effectifs inférieurs à 5 ne sont pas dessinés.',
        },
        {
          kind: 'line',
          table: 'mois',
          label: 'mois',
          values: used.map(([method]) => method),
          title: 'Connexions par mois et par méthode',
          description: 'Courbes : une par méthode, le nombre de connexions de chaque mois de la période. Les mois à moins de 5 connexions ne sont pas placés.',
        },
      ],
    };
  },
});
