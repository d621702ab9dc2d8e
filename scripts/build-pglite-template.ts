// Runs at `npm ci` (the "prepare" script): initdb of the embedded PostgreSQL takes seconds of WASM,
// so we do it once at install and start each new data folder from this template, the way
// distributions run initdb at package install. Keyed by PGlite version; stale templates are ignored.
import { mkdirSync, writeFileSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { TEMPLATE_DIR, templatePath } from '../store/pglite-template.ts';

const db = new PGlite();
await db.waitReady;
const blob = await db.dumpDataDir('gzip');
await db.close();
mkdirSync(TEMPLATE_DIR, { recursive: true });
writeFileSync(templatePath(), Buffer.from(await blob.arrayBuffer()));
console.log(`PGlite template written to ${templatePath()}`);
