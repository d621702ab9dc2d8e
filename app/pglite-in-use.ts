import { existsSync, readdirSync, readlinkSync, realpathSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';

/**
 * Whether another process has the embedded store's data folder open (a running `vaxel start`).
 *
 * PGlite takes no lock: a second instance on the same folder opens without complaint and the two
 * overwrite each other's pages. While open it keeps a `postmaster.pid` in the folder, but with no
 * real process id in it (-42), and the file stays behind when a process is killed. So: no file,
 * not in use; with the file, look (on Linux) for a process of ours holding files of the folder
 * open. Without /proc there is no way to tell a stale file from a live one, and we assume in use.
 */
export function pgliteInUse(dataDir: string): boolean {
  if (!existsSync(join(dataDir, 'postmaster.pid'))) return false;
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((n) => /^[0-9]+$/.test(n) && Number(n) !== process.pid);
  } catch {
    return true;
  }
  const prefix = realpathSync(dataDir) + sep;
  const uid = process.getuid?.();
  // Another user's processes are unreadable; the folder's owner is the one that runs Vaxel on it.
  const ours = (pid: string) => uid === undefined || uid === 0 || attempt(() => statSync(`/proc/${pid}`).uid === uid) === true;
  return pids.some(
    (pid) =>
      ours(pid) && (attempt(() => readdirSync(`/proc/${pid}/fd`)) ?? []).some((fd) => attempt(() => readlinkSync(`/proc/${pid}/fd/${fd}`))?.startsWith(prefix)),
  );
}

/** Processes end and close files while we look: such a one simply has nothing to report. */
function attempt<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch {
    return undefined;
  }
}
