/**
 * The lint rule that keeps SQL in repositories (STYLE 3): the rule itself on samples (RuleTester),
 * then the project's configuration on file paths — a service refused, a repository, platform/, db/
 * and tests allowed.
 */
import { describe, expect, it } from 'vitest';
import { ESLint, RuleTester } from 'eslint';
import tseslint from 'typescript-eslint';
import rule from '../../eslint-rules/no-sql-outside-repositories.js';

RuleTester.describe = describe;
RuleTester.it = it;

const tester = new RuleTester({ languageOptions: { parser: tseslint.parser, ecmaVersion: 2023, sourceType: 'module' } });

describe('habilis/no-sql-outside-repositories on samples', () => {
  tester.run('no-sql-outside-repositories', rule, {
    valid: [
      "import * as repo from './account.repository.js'; await repo.getById(db, 1);",
      "import type { Kysely, RawBuilder } from 'kysely';",
      "import { type Kysely } from 'kysely';",
      "const selectFrom = 1; list.filter((x) => x.selectFrom);",
      'const text = html`<p>${name}</p>`;',
    ],
    invalid: [
      { code: "await db.selectFrom('accounts').selectAll().execute();", errors: [{ messageId: 'builder' }] },
      { code: "await trx.insertInto('sessions').values(row).execute();", errors: [{ messageId: 'builder' }] },
      { code: "await deps.db.updateTable('accounts').set({ blocked_at: null }).execute();", errors: [{ messageId: 'builder' }] },
      { code: "await trx.deleteFrom('sessions').where('account_id', '=', id).execute();", errors: [{ messageId: 'builder' }] },
      { code: 'const ok = sql<boolean>`current_date`;', errors: [{ messageId: 'sql' }] },
      { code: "const column = sql.ref('hp.region_code');", errors: [{ messageId: 'sql' }] },
      { code: "const order = sql.raw('id desc');", errors: [{ messageId: 'sql' }] },
      { code: "import { sql } from 'kysely';", errors: [{ messageId: 'importSql' }] },
      { code: "import { CompiledQuery, type Kysely } from 'kysely';", errors: [{ messageId: 'importSql' }] },
    ],
  });
});

describe('habilis/no-sql-outside-repositories in the project configuration', () => {
  const eslint = new ESLint({ cwd: process.cwd() });
  const sample = "import { sql } from 'kysely';\nexport const q = (db: any) => db.selectFrom('accounts').where(sql`true`);\n";
  const errorsAt = async (filePath: string) => {
    const [result] = await eslint.lintText(sample, { filePath });
    return result!.messages.filter((m) => m.ruleId === 'habilis/no-sql-outside-repositories').length;
  };

  it('refuses SQL in a service, a job, routes and http/', async () => {
    expect(await errorsAt('src/features/accounts/account-sample.service.ts')).toBe(3);
    expect(await errorsAt('src/features/habilitations/sample.job.ts')).toBe(3);
    expect(await errorsAt('src/http/sample.ts')).toBe(3);
  });

  it('allows it in a repository, src/platform/, src/db/, tests and benches', async () => {
    expect(await errorsAt('src/features/accounts/account-sample.repository.ts')).toBe(0);
    expect(await errorsAt('src/platform/sample.ts')).toBe(0);
    expect(await errorsAt('src/db/sample.ts')).toBe(0);
    expect(await errorsAt('src/features/accounts/sample.test.ts')).toBe(0);
    expect(await errorsAt('test/sample.ts')).toBe(0);
    expect(await errorsAt('bench/sample.ts')).toBe(0);
  });
});
