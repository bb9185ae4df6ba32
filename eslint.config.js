// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const outward = (layers) => layers.map((layer) => `**/${layer}/**`);

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'artifacts/**', 'data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/only-throw-error': 'error',
    },
  },
  // The dependency rule: arrows point inward only.
  {
    files: ['src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: outward(['application', 'infrastructure', 'interfaces']),
              message: 'domain depends on nothing outward',
            },
            { regex: '^(?!\\.)', message: 'domain imports no package and no node module' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/application/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: outward(['infrastructure', 'interfaces']), message: 'application sees ports only' },
            {
              regex: '^(mongodb|koa|@koa/.*|pino|jose|bcrypt|node:.*|testcontainers)$',
              message: 'application knows no framework, driver or runtime module',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/infrastructure/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: outward(['interfaces']), message: 'adapters do not know the interfaces' }] },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
);
