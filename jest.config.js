/**
 * Projects:
 *   unit      plain functions, no database
 *   sqlite    integration suites against a fresh SQLite file per test file
 *   postgres  the same suites against a fresh Postgres database per file (when TEST_POSTGRES_URL is set)
 *   e2e       Debian's chromium driving the built app (skipped with a notice when chromium is missing)
 */
const swc = [
  '@swc/jest',
  {
    jsc: { parser: { syntax: 'typescript', tsx: true }, target: 'es2022', transform: { react: { runtime: 'automatic' } } },
    module: { type: 'es6' },
  },
]

const base = {
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j)sx?$': swc },
  extensionsToTreatAsEsm: ['.ts', '.tsx'],
  moduleNameMapper: { '^@/(.*)$': '<rootDir>/src/$1' },
  rootDir: import.meta.dirname,
}

const integration = ['<rootDir>/test/integration/**/*.test.ts']

export default {
  testTimeout: 60_000,
  maxWorkers: 2,
  projects: [
    { ...base, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    { ...base, displayName: 'sqlite', testMatch: integration, globals: { TEST_DB: 'sqlite' } },
    ...(process.env.TEST_POSTGRES_URL
      ? [{ ...base, displayName: 'postgres', testMatch: integration, globals: { TEST_DB: 'postgres' } }]
      : []),
    { ...base, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.test.ts'] },
  ],
}
