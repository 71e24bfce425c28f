import globals from 'globals'
import neostandard, { plugins, resolveIgnoresFromGitignore } from 'neostandard'

export default [
  ...neostandard({ ts: true, ignores: [...resolveIgnoresFromGitignore(), 'src/web/vendor/**'] }),
  {
    rules: {
      // `void promise` marks a promise we deliberately do not await (its errors are handled inside).
      'no-void': ['error', { allowAsStatement: true }]
    }
  },
  {
    files: ['**/*.ts'],
    plugins: { '@typescript-eslint': plugins['typescript-eslint'].plugin },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error'
    }
  },
  {
    // The progress page is plain browser JavaScript served as-is, without a build step.
    files: ['src/web/assets/**/*.js'],
    languageOptions: { globals: globals.browser }
  }
]
