/**
 * One server per data folder: a lock file (`zhiyin.lock`, holding the process id) taken with
 * exclusive creation. A second server on the same folder is refused, since it would clear the
 * first one's uploads in progress and start its running jobs again. A lock left by a process
 * that no longer runs (a crash, a kill) is taken over.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ZhiyinError } from '../errors/index.js';

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the data folder's lock; returns its release. */
export function lockDataFolder(dataDir: string): () => void {
  const path = join(dataDir, 'zhiyin.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, String(process.pid), { flag: 'wx' });
      return () => rmSync(path, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number(readFileSync(path, 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && running(pid))
        throw new ZhiyinError(
          'IO_ERROR',
          `another Zhiyin server (process ${pid}) uses the data folder ${dataDir}: stop it, or give this one another --data folder.`,
        );
      if (pid === process.pid)
        throw new ZhiyinError(
          'IO_ERROR',
          `this process already serves the data folder ${dataDir}: close that server first.`,
        );
      rmSync(path, { force: true }); // left by a process that has ended
    }
  }
  throw new ZhiyinError('IO_ERROR', `cannot lock the data folder ${dataDir}.`);
}
