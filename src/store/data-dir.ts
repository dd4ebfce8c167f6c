import fs from 'node:fs';
import path from 'node:path';
import { StoreOpenError } from './open-errors.ts';

/**
 * Claims a data directory for this process: creates it, checks it is writable and that no other live
 * Mantra process holds it. Returns a release function.
 */
export function claimDataDir(dir: string): () => void {
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (err) {
    throw new StoreOpenError('create', { dir, cause: (err as Error).message });
  }
  const lock = path.join(dir, 'mantra.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lock, String(process.pid), { flag: 'wx', mode: 0o600 });
      return () => fs.rmSync(lock, { force: true });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EACCES' || code === 'EROFS' || code === 'EPERM') {
        throw new StoreOpenError('read_only', { dir });
      }
      if (code !== 'EEXIST') throw new StoreOpenError('lock', { dir, cause: (err as Error).message });
      const pid = Number(fs.readFileSync(lock, 'utf8'));
      if (pid && pid !== process.pid && alive(pid)) {
        throw new StoreOpenError('in_use', { dir, pid });
      }
      fs.rmSync(lock, { force: true }); // stale lock of a process that died
    }
  }
  throw new StoreOpenError('lock', { dir, cause: 'EEXIST' });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
