import tseslint from 'typescript-eslint';

const coreRestrictions = {
  patterns: [
    { group: ['node:*'], message: 'core/ does no I/O: no node: modules.' },
    { group: ['../*', '!../*.ts', '../../*'], message: 'core/ imports nothing from other folders.' },
  ],
  paths: ['fs', 'path', 'net', 'dgram', 'http', 'crypto', 'pg', 'kysely', 'fastify', 'zod', '@electric-sql/pglite', 'pino'].map((name) => ({
    name,
    message: 'core/ has no I/O or framework dependencies.',
  })),
};

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', '.tmp/**', 'coverage/**', 'web/**', '.data/**', 'bin/**', 'eslint.config.js'] },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-floating-promises': 'error',
    },
  },
  {
    files: ['**/*.test.ts', 'api/test-app.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    files: ['core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', coreRestrictions],
      'no-restricted-syntax': [
        'error',
        { selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']", message: 'core/ reads time from an injected Clock.' },
        { selector: "NewExpression[callee.name='Date']", message: 'core/ reads time from an injected Clock.' },
        { selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']", message: 'core/ takes randomness from an injected Rng.' },
      ],
    },
  },
);
