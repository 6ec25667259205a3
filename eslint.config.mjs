// ESLint for the plugin (server, admin, the front-end helper), its tests and benches.
// TypeScript's recommended rules and React's, formatting left to Prettier (eslint-config-prettier
// turns off every rule that would fight it). `npm run lint`; .ci/run runs it.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import react from 'eslint-plugin-react';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'playground/dist/**',
      'playground/.strapi/**',
      'playground/.tmp/**',
      'tests/apps/*/dist/**',
      'tests/apps/*/.strapi/**',
      'bench/results/**',
      'coverage/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      // `_name` says "deliberately unused" (a destructured key left out, a callback's first argument).
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrors: 'none',
          ignoreRestSiblings: true,
        },
      ],
      // Types all the way: an `any` needs a reason, given as an eslint-disable comment next to it.
      '@typescript-eslint/no-explicit-any': 'error',
      // `import type` keeps server types out of the admin bundle and makes intent visible.
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false },
      ],
      // The contracts name each route's shapes as `declare namespace X { Request; Response }`, as Strapi's own do.
      '@typescript-eslint/no-namespace': ['error', { allowDeclarations: true }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'no-console': 'off',
      // Validators and renderers match control characters on purpose, to refuse or strip them.
      'no-control-regex': 'off',
    },
  },
  {
    // Strapi answers 4xx only for errors of its own @strapi/utils copy; the plugin's may be
    // another copy (utils/strapi-errors.ts says why). Server code takes `errors` from there.
    files: ['server/src/**/*.ts'],
    ignores: ['server/src/utils/strapi-errors.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: '@strapi/utils',
              importNames: ['errors'],
              message: "Import errors from server/src/utils/strapi-errors (Strapi's own copy).",
            },
          ],
        },
      ],
    },
  },
  {
    files: ['admin/src/**/*.{ts,tsx}'],
    ...react.configs.flat.recommended,
    languageOptions: {
      ...react.configs.flat.recommended.languageOptions,
      globals: { ...globals.browser },
    },
    settings: { react: { version: '18.3' } },
  },
  {
    files: ['admin/src/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      // The new JSX transform: React need not be in scope; props are typed by TypeScript.
      'react/react-in-jsx-scope': 'off',
      'react/prop-types': 'off',
    },
  },
  {
    files: ['server/src/front-end/**/*.ts', 'playground/public/**/*.js'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    // Tests and benches: jest's globals; require() in a few CommonJS helpers that Strapi loads.
    files: ['tests/**/*.{ts,js}', 'bench/**/*.{ts,js}', '**/*.js', '**/*.cjs'],
    languageOptions: { globals: { ...globals.node, ...globals.jest } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  prettier
);
