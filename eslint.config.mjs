// Lint rules for the whole project. Type-aware (typescript-eslint with the project's tsconfig).
// The architecture itself (what may import what) is checked by test/architecture.test.ts;
// the `workflows/**` override below catches the same mistake at edit time.
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import prettier from 'eslint-config-prettier';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

/** Modules that do I/O or are not deterministic: never in workflow code. */
const IO_MODULES = [
  'fs',
  'fs/promises',
  'node:fs',
  'node:fs/promises',
  'net',
  'node:net',
  'http',
  'node:http',
  'https',
  'node:https',
  'child_process',
  'node:child_process',
  'crypto',
  'node:crypto',
  'os',
  'node:os',
  'pg',
  'pino',
  'fastify',
  '@temporalio/client',
  '@temporalio/worker',
  '@temporalio/activity',
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.tsx'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx'] },
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })],
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'no-console': 'error',
    },
  },
  {
    // The CLI writes to its own stdout; benchmarks, scripts and test tools print their reports.
    files: [
      'engine/cli/**',
      'engine/temporal/bundle-workflows.ts',
      'bench/**',
      'scripts/**',
      'soak/**',
      'fuzz/**',
      'test/**',
    ],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['test/**'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off', '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Workflow code is replayed: only @temporalio/workflow, the pure core and schemas.
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: IO_MODULES.map((name) => ({ name, message: 'workflow code must stay deterministic: no I/O modules' })),
          patterns: [
            {
              group: [
                '**/engine/db/**',
                '**/engine/api/**',
                '**/engine/cli/**',
                '**/engine/temporal/**',
                '**/engine/functions/**',
                '**/engine/service/**',
              ],
              message: 'workflows/ imports only @temporalio/workflow, engine/core and schemas',
            },
            {
              group: ['**/activities/**'],
              allowTypeImports: true,
              message: 'workflows import activities as types only',
            },
          ],
        },
      ],
    },
  },
  prettier,
);
