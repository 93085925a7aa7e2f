// Tests run against a real PostgreSQL: TEST_DATABASE_URL, else the local server at
// 127.0.0.1:5432 when it answers, else (or with TEST_DB=embedded) the embedded PostgreSQL that
// `npm start` uses, started once in globalSetup in a throwaway directory. Either way every test
// file gets a database of its own.
import { availableParallelism } from 'node:os';
import pg from 'pg';

async function reachable(url) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export default async () => {
  if (!process.env.TEST_DB_MODE) {
    const url = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
    if (process.env.TEST_DB !== 'embedded' && (await reachable(url))) {
      process.env.TEST_DB_MODE = 'postgres';
      process.env.TEST_ADMIN_DATABASE_URL = url;
    } else {
      process.env.TEST_DB_MODE = 'embedded';
    }
  }
  process.env.TEST_RUN_ID ??= `${Date.now().toString(36)}${process.pid}`;
  return {
    testEnvironment: 'node',
    testRegex: '(test|src)/.*\\.(e2e-|medium-)?spec\\.ts$',
    extensionsToTreatAsEsm: ['.ts'],
    moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
    // TEST_SKIP_BUILD=1 (mid-refactor runs): transpile only; `npm run typecheck` checks types.
    transform: {
      '^.+\\.ts$': [
        'ts-jest',
        { useESM: true, tsconfig: 'tsconfig.json', diagnostics: process.env.TEST_SKIP_BUILD !== '1' },
      ],
    },
    testTimeout: 60000,
    // One worker per core: each runs whole apps against PostgreSQL, which wants the cores too.
    maxWorkers: availableParallelism(),
    globalSetup: '<rootDir>/test/global-setup.mjs',
    globalTeardown: '<rootDir>/test/global-teardown.mjs',
  };
};
