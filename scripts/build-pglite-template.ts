// Runs at `npm ci` (the "prepare" script): initdb of the embedded PostgreSQL takes seconds of WASM,
// so we do it once at install, apply the migrations, and start each new data folder from the
// result, the way distributions run initdb at package install. Two forms: a closed data folder
// (copied for a new data folder) and a tarball (loaded for in-memory stores). Keyed by PGlite
// version and migration set; a stale template is ignored.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely } from 'kysely';
import { migrateToLatest } from '../store/connect.ts';
import type { Database } from '../store/database.ts';
import { PGliteDialect } from '../store/pglite-dialect.ts';
import { TEMPLATE_DIR, templateDirPath, templatePath } from '../store/pglite-template.ts';

mkdirSync(TEMPLATE_DIR, { recursive: true });
for (const f of readdirSync(TEMPLATE_DIR)) if (f.startsWith('pglite-')) rmSync(join(TEMPLATE_DIR, f), { recursive: true, force: true });
const pglite = new PGlite(templateDirPath());
await pglite.waitReady;
const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
await migrateToLatest(db);
const blob = await pglite.dumpDataDir('gzip');
await db.destroy();
writeFileSync(templatePath(), Buffer.from(await blob.arrayBuffer()));
console.log(`PGlite templates written to ${templateDirPath()}[.tar.gz]`);
