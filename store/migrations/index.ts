import type { Migration, MigrationProvider } from 'kysely';
import * as initial from './0001-initial.ts';
import * as functionNumbers from './0002-function-numbers.ts';
import * as orgDataVersions from './0003-org-data-versions.ts';
import * as changeNotifications from './0004-change-notifications.ts';

/** One migration set for PGlite and PostgreSQL; names sort in the order they apply. */
export const migrations: Record<string, Migration> = {
  '0001-initial': initial,
  '0002-function-numbers': functionNumbers,
  '0003-org-data-versions': orgDataVersions,
  '0004-change-notifications': changeNotifications,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: () => Promise.resolve(migrations),
};
