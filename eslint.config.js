import js from '@eslint/js'
import prettier from 'eslint-config-prettier'
import vue from 'eslint-plugin-vue'
import globals from 'globals'
import tseslint from 'typescript-eslint'

/** Where code may run decides what it may import (see DESIGN.md, "One core, three faces"). */
const onlyShellImportsElectron = {
  paths: [
    { name: 'electron', message: 'Only src/main/electron and src/preload may import electron.' },
  ],
}

/** The API's schemas (zod) run on the main side; a window loads only the plain values. */
const rendererSkipsValidation =
  'Import types from @shared/contract, and values from @shared/contract/values: the schemas stay out of the renderer bundle.'

export default tseslint.config(
  {
    ignores: [
      'out/**',
      'node_modules/**',
      'test-results/**',
      'playwright-report/**',
      'native/**',
      'scratch/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...vue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-restricted-syntax': [
        'error',
        { selector: 'TSAnyKeyword', message: 'No `any`: use `unknown` and narrow it.' },
      ],
    },
  },
  {
    files: ['src/renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      // The TypeScript flavour of the rule: it can let type-only imports through.
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            ...onlyShellImportsElectron.paths,
            { name: 'zod', message: rendererSkipsValidation },
            { name: '@shared/contract', allowTypeImports: true, message: rendererSkipsValidation },
          ],
          patterns: [
            {
              group: ['**/main/**', 'node:*'],
              message: 'The renderer talks to the main side only through the typed API client.',
            },
            {
              group: ['@shared/contract/*', '!@shared/contract/values'],
              allowTypeImports: true,
              message: rendererSkipsValidation,
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/shared/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: onlyShellImportsElectron.paths,
          patterns: [
            {
              group: ['**/main/**', '**/renderer/**', '**/preload/**', 'node:*'],
              message:
                'src/shared runs everywhere: it imports nothing from main, renderer, preload or Node.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/main/**'],
    ignores: ['src/main/electron/**'],
    rules: { 'no-restricted-imports': ['error', onlyShellImportsElectron] },
  },
  prettier,
)
