/**
 * Import direction of Habilis (docs/ARCHITECTURE.md, "Dependencies"), checked by `npm run lint`.
 *
 *   http (route table, app, hooks) → features → platform, db, views, config
 *   within features, one way:  accounts → habilitations → auth → {self-service, account-admin, card-login, directory, esms}
 *                              card-login → assistants
 *
 * Every rule is an error: an arrow that points back up fails the lint.
 */
const FEATURES = '^src/features/';
/** Feature folders, lowest first: a feature may import only features listed before it. */
const LAYERS = [
  ['accounts'],
  ['habilitations'],
  ['auth'],
  ['self-service', 'account-admin', 'card-login', 'directory', 'home', 'dev', 'esms'],
  ['assistants'],
];

/** One rule per feature: it may not import a feature of its own layer or of a higher one. */
const layerRules = LAYERS.flatMap((layer, index) => {
  const upward = LAYERS.slice(index).flat();
  return layer.map((feature) => {
    const forbidden = upward.filter((other) => other !== feature);
    return {
      name: `feature-layers-${feature}`,
      comment: `${feature} may import only the features below it (${LAYERS.slice(0, index).flat().join(', ') || 'none'}): no feature cycles.`,
      severity: 'error',
      from: { path: `^src/features/${feature}/`, pathNot: '\\.test\\.tsx?$' },
      to: { path: `^src/features/(${forbidden.join('|')})/` },
    };
  }).filter((rule) => rule.to.path !== '^src/features/()/');
});

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'No import cycle at all, between files of src/.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    ...layerRules,
    {
      name: 'platform-and-db-stay-below',
      comment: 'platform/ and db/ are mechanisms: they never import features/ or http/ (the seed is the exception below).',
      severity: 'error',
      from: { path: '^src/(platform|db)/', pathNot: '^src/db/seed/|\\.test\\.tsx?$' },
      to: { path: '^src/(features|http)/' },
    },
    {
      name: 'seed-reads-pure-modules-only',
      comment:
        'The seed (catalogue, demo data, synthetic volume) writes rows directly and may import only pure constants and rules of features (rights, rules, terms), never their services or repositories.',
      severity: 'error',
      from: { path: '^src/db/seed/' },
      to: { path: '^src/(http/|features/.*\\.(service|repository|routes|pages|job)\\.tsx?$)' },
    },
    {
      name: 'features-never-import-the-app',
      comment: 'A feature is registered by the route table; it never imports it, nor the app that builds it.',
      severity: 'error',
      from: { path: FEATURES },
      to: { path: '^src/http/(route-table|app)\\.ts$' },
    },
    {
      name: 'routes-never-import-routes',
      comment: 'A routes file never imports another routes file: shared helpers go to *.cookies.ts, *.hooks.ts or http/.',
      severity: 'error',
      from: { path: '\\.routes\\.ts$' },
      to: { path: '\\.routes\\.ts$' },
    },
    {
      name: 'views-stay-below',
      comment: 'Shared views are pure components: they import no feature and no HTTP code.',
      severity: 'error',
      from: { path: '^src/views/', pathNot: '\\.test\\.tsx?$' },
      to: { path: '^src/(features|http)/' },
    },
    {
      name: 'no-test-code-in-src',
      comment: 'Test fakes and helpers live under test/: application code never imports them.',
      severity: 'error',
      from: { path: '^src/', pathNot: '\\.test\\.tsx?$' },
      to: { path: '^test/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|data|coverage)/' },
    // Type-only imports are dependencies too: a type that points up is an arrow that points up.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.tsx', '.js'] },
  },
};
