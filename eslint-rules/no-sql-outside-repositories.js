/**
 * Habilis: all SQL of a feature lives in its repository (STYLE 3, DESIGN). This rule reports a Kysely
 * query builder (`.selectFrom(`, `.insertInto(`, `.updateTable(`, `.deleteFrom(`…), an `sql`
 * tagged template or helper (`sql\`…\``, `sql.ref(…)`, `sql.raw(…)`…) and a value import of `sql`
 * or `CompiledQuery` from kysely. eslint.config.js applies it everywhere but repositories,
 * src/platform/ and src/db/ (and tests, which inspect the database).
 */
const BUILDERS = new Set(['selectFrom', 'selectNoFrom', 'insertInto', 'replaceInto', 'updateTable', 'deleteFrom', 'mergeInto']);
const SQL_VALUES = new Set(['sql', 'CompiledQuery']);
const WHERE = 'SQL belongs in a *.repository.ts file (or src/platform/, src/db/): call a repository function instead.';

/** @type {import('eslint').Rule.RuleModule} */
const rule = {
  meta: {
    type: 'problem',
    docs: { description: 'Refuse Kysely query builders and raw SQL outside repositories, src/platform/ and src/db/.' },
    messages: {
      builder: `'.{{name}}(' builds a query here. ${WHERE}`,
      sql: `'{{name}}' writes SQL here. ${WHERE}`,
      importSql: `'{{name}}' is imported from kysely to write SQL here. ${WHERE}`,
    },
    schema: [],
  },
  create(context) {
    const isSqlTag = (node) => node.type === 'Identifier' && node.name === 'sql';
    return {
      CallExpression(node) {
        const callee = node.callee;
        if (callee.type !== 'MemberExpression' || callee.computed || callee.property.type !== 'Identifier') return;
        if (BUILDERS.has(callee.property.name)) context.report({ node: callee.property, messageId: 'builder', data: { name: callee.property.name } });
        else if (isSqlTag(callee.object)) context.report({ node: callee, messageId: 'sql', data: { name: `sql.${callee.property.name}` } });
      },
      TaggedTemplateExpression(node) {
        if (isSqlTag(node.tag)) context.report({ node: node.tag, messageId: 'sql', data: { name: 'sql`…`' } });
      },
      ImportDeclaration(node) {
        if (node.source.value !== 'kysely' || node.importKind === 'type') return;
        for (const specifier of node.specifiers) {
          if (specifier.type !== 'ImportSpecifier' || specifier.importKind === 'type') continue;
          const name = specifier.imported.type === 'Identifier' ? specifier.imported.name : String(specifier.imported.value);
          if (SQL_VALUES.has(name)) context.report({ node: specifier, messageId: 'importSql', data: { name } });
        }
      },
    };
  },
};

export default rule;
