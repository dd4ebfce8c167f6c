import { BackupError } from '../store/backup-errors.ts';
import { createBackup } from '../store/backup.ts';
import { restoreBackup } from '../store/backup-restore.ts';
import { StoreOpenError } from '../store/open-errors.ts';
import { cliLang, t } from './messages.ts';

const mib = (bytes: number) => (bytes / (1024 * 1024)).toFixed(1);

/** Errors of the store layer as the administrator's language has them. */
async function translated<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof BackupError || err instanceof StoreOpenError) throw new Error(err.text(cliLang));
    throw err;
  }
}

/** `mantra backup --data DIR --to FILE [--without-master-key]`: beside a running server, or a stopped one. */
export async function backupCommand(opts: { dataDir: string; to?: string; withoutMasterKey?: boolean; producer: string }): Promise<number> {
  if (!opts.to) throw new Error(t('backup_usage'));
  const to = opts.to;
  const result = await translated(() => createBackup(opts.dataDir, to, { withoutMasterKey: opts.withoutMasterKey, producer: opts.producer }));
  const m = result.manifest;
  const store = m.files.find((f) => f.name === 'mantra.db');
  const files = m.files.length - (store ? 1 : 0) - (m.loggedTracks ? 1 : 0);
  console.log(store
    ? t('backup_done', { file: to, mib: mib(result.bytes), store: mib(store.size), schema: m.schema, seq: m.lastSeq, logged: m.loggedTracks, files })
    : t('backup_done_node', { file: to, dir: opts.dataDir, logged: m.loggedTracks, files }));
  console.log(m.masterKey ? t('backup_secret') : t('backup_no_master_key'));
  if (result.skipped.length) process.stderr.write(t('backup_skipped', { names: result.skipped.join(', ') }) + '\n');
  return 0;
}

/** `mantra restore --from FILE --data DIR`: into an empty or new directory only. */
export async function restoreCommand(opts: { from?: string; dataDir?: string }): Promise<number> {
  if (!opts.from || !opts.dataDir) throw new Error(t('restore_usage'));
  const { from, dataDir } = opts;
  const { manifest: m } = await translated(() => restoreBackup(from, dataDir));
  console.log(m.store
    ? t('restore_done', { dir: dataDir, created: m.createdAt, schema: m.schema, seq: m.lastSeq, logged: m.loggedTracks })
    : t('restore_done_node', { dir: dataDir, created: m.createdAt, logged: m.loggedTracks }));
  if (!m.masterKey) console.log(t('restore_needs_master_key', { dir: dataDir }));
  if (process.getuid?.() === 0) console.log(t('restore_owner', { dir: dataDir }));
  return 0;
}
