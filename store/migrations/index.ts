import type { Migration, MigrationProvider } from 'kysely';
import * as initial from './0001-initial.ts';

/** One migration set for PGlite and PostgreSQL; names sort in the order they apply. */
export const migrations: Record<string, Migration> = {
  '0001-initial': initial,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: () => Promise.resolve(migrations),
};
