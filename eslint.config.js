import tseslint from 'typescript-eslint';
import noSqlOutsideRepositories from './eslint-rules/no-sql-outside-repositories.js';

export default tseslint.config(
  { ignores: ['node_modules/', 'data/', 'coverage/'] },
  ...tseslint.configs.recommended,
  {
    plugins: { habilis: { rules: { 'no-sql-outside-repositories': noSqlOutsideRepositories } } },
    rules: {
      '@typescript-eslint/no-explicit-any': ['error', { ignoreRestArgs: true }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'error',
      eqeqeq: ['error', 'always', { null: 'ignore' }],
    },
  },
  {
    // All SQL in *.repository.ts, src/platform/ and src/db/ (STYLE 3). Tests and benches inspect the
    // database: they may query it directly.
    files: ['src/**/*.{ts,tsx}'],
    ignores: ['src/**/*.repository.ts', 'src/platform/**', 'src/db/**', 'src/**/*.test.{ts,tsx}'],
    rules: { 'habilis/no-sql-outside-repositories': 'error' },
  },
  {
    // Benchmarks print their figures.
    files: ['bench/**'],
    rules: { 'no-console': 'off' },
  },
  {
    // Migrations take Kysely<any> by design: they must not depend on the application's types.
    files: ['src/db/migrations/**', 'src/db/migrate.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
