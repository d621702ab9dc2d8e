import type { Migration, MigrationProvider } from 'kysely';
import * as initial from './0001-initial.ts';
import * as functionNumbers from './0002-function-numbers.ts';
import * as changeTracking from './0003-change-tracking.ts';
import * as sip from './0004-sip.ts';
import * as numberConversion from './0005-number-conversion.ts';

/** One migration set for PGlite and PostgreSQL; names sort in the order they apply. */
export const migrations: Record<string, Migration> = {
  '0001-initial': initial,
  '0002-function-numbers': functionNumbers,
  '0003-change-tracking': changeTracking,
  '0004-sip': sip,
  '0005-number-conversion': numberConversion,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: () => Promise.resolve(migrations),
};
