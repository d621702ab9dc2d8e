import { connectStore, migrateToLatest, type StoreConnection } from '../store/connect.ts';
import { createStore, type Store } from '../store/store.ts';
import type { VaxelConfig } from './config.ts';

/** Opens the configured store and brings its schema up to date. */
export async function openStore(config: Pick<VaxelConfig, 'store'>): Promise<{ store: Store; connection: StoreConnection; applied: string[] }> {
  const connection =
    config.store.engine === 'postgres'
      ? await connectStore({ engine: 'postgres', databaseUrl: config.store.databaseUrl })
      : await connectStore({ engine: 'pglite', dataDir: config.store.dataDir });
  const applied = await migrateToLatest(connection.db);
  return { store: createStore(connection.db), connection, applied };
}
