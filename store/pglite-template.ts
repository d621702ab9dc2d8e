import { createHash } from 'node:crypto';
import { cpSync, existsSync, readdirSync, readFileSync } from 'node:fs';
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

/**
 * Where the template for the installed PGlite version and the current migration set lives: a new or
 * changed migration makes the old template stale, and Vaxel then starts without one.
 */
export function templatePath(): string {
  const dir = join(dirname(fileURLToPath(import.meta.url)), 'migrations');
  const hash = createHash('sha256');
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .sort())
    hash.update(file).update(readFileSync(join(dir, file)));
  const schema = hash.digest('hex').slice(0, 12);
  return join(TEMPLATE_DIR, `pglite-${pgliteVersion()}-${schema}.tar.gz`);
}

/** The template as a Blob, for an in-memory store, when a matching one exists. */
export function templateTarball(): Blob | undefined {
  const path = templatePath();
  return existsSync(path) ? new Blob([readFileSync(path)]) : undefined;
}

/** The same template as a closed data folder, copied as files into a new data folder. */
export function templateDirPath(): string {
  return templatePath().replace(/\.tar\.gz$/, '');
}

/**
 * Seeds an empty data folder by copying the template folder (much faster than unpacking the
 * tarball through PGlite). Returns false when there is nothing to copy or the folder is in use.
 */
export function seedDataDirFromTemplate(dataDir: string): boolean {
  if (existsSync(dataDir) && readdirSync(dataDir).length > 0) return false;
  const source = templateDirPath();
  if (!existsSync(join(source, 'PG_VERSION'))) return false;
  cpSync(source, dataDir, { recursive: true });
  return true;
}
