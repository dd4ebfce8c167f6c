import { isPostgresUrl } from '../store/postgres/url.ts';
import { type Moved, MoveRefused } from '../store/postgres/move.ts';
import { t } from './messages.ts';

export interface StoreMigrateArgs {
  from?: string;
  to?: string;
  force: boolean;
  node?: string;
}

/**
 * `mantra store migrate --from DIR --to postgres://…` and back. Exactly one side is a data directory. Nothing at
 * the source is deleted or edited; moving in, the directory is opened once as its server would be (it gets its
 * node id, its track log's leftovers go into its trail under a signed checkpoint), which the command says. A
 * refused move leaves the target as it was.
 */
export async function storeMigrateCommand(args: StoreMigrateArgs): Promise<Moved> {
  const { from, to } = args;
  if (!from || !to || isPostgresUrl(from) === isPostgresUrl(to)) throw new Error(t('store_usage'));
  // Loaded on use: moving needs the PostgreSQL client and the trail's half.
  const { moveIntoCluster, moveOutOfCluster } = await import('../store/postgres/move.ts');
  const { trailMove } = await import('../store/postgres/move-trail.ts');
  let moved: Moved;
  try {
    moved = isPostgresUrl(to)
      ? await moveIntoCluster(from, to, trailMove, args)
      : await moveOutOfCluster(from, to, trailMove, args);
  } catch (err) {
    if (err instanceof MoveRefused) throw new Error(t(`migrate_${err.key}`, err.vars));
    throw err;
  }
  console.log(t('migrate_done', { ...moved, otherChains: moved.otherChains.length }));
  if (moved.otherChains.length) process.stderr.write(t('migrate_other_chains', { nodes: moved.otherChains.join(', ') }) + '\n');
  if (moved.node) process.stderr.write(t('migrate_source_kept', { dir: from, node: moved.node }) + '\n');
  return moved;
}
