import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const TEMPLATE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');

function pgliteVersion(): string {
  // The package does not export its package.json; find it above the resolved entry point.
  let dir = dirname(fileURLToPath(import.meta.resolve('@electric-sql/pglite')));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version: string };
  return pkg.version;
}

/** Where the initdb template for the installed PGlite version lives. */
export function templatePath(): string {
  return join(TEMPLATE_DIR, `pglite-${pgliteVersion()}-template.tar.gz`);
}

/** The template as a Blob when the data folder is new (or in memory: null) and a matching template exists. */
export function templateFor(dataDir: string | null): Blob | undefined {
  if (dataDir !== null && existsSync(dataDir) && readdirSync(dataDir).length > 0) return undefined;
  const path = templatePath();
  if (!existsSync(path)) return undefined;
  return new Blob([readFileSync(path)]);
}
