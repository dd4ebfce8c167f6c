/**
 * `mantra import-mantra`: moves an original MANTRA installation (its MySQL/MariaDB tables) into Mantra's store,
 * so that its callers keep working: agencies, services, connectors, operations, users, consumers, subscriptions.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { loadMasterKey } from '../security/master-key.ts';
import { Secrets } from '../security/secrets.ts';
import { openSqliteStore } from '../store/sqlite.ts';
import type { Store } from '../store/types.ts';
import { applyPlan } from './apply.ts';
import { openLedger } from './ledger.ts';
import { makePlan, type Plan, type StoreView } from './plan.ts';
import { ImportError, type MantraTables, readMantra } from './read.ts';
import { countItems, type Counts, itemLines, progressReporter, summaryLines } from './report.ts';
import { parseRewrites } from './rewrite.ts';

export { ImportError } from './read.ts';

export interface ImportOptions {
  /** mysql://USER:PASS@HOST:PORT/DBNAME of the original's tables. */
  from: string;
  /** The tables, when already read from `from`. */
  tables?: MantraTables;
  /** The target store; absent only for a dry run on a data directory that does not exist yet. */
  store?: Store;
  secrets: Secrets;
  dryRun?: boolean;
  rewriteHost?: string[];
  /** Data directory (ledger, long program sources); default: the store's own. */
  dataDir?: string;
  /** Progress for large installations (done, total). */
  progress?: (phase: string) => (done: number, total: number) => void;
}

export interface ImportResult {
  plan: Plan;
  counts: Counts;
  skipped: number;
  warnings: number;
}

const emptyStore: StoreView = { get: async () => undefined, list: async () => [] };

export async function importMantra(opts: ImportOptions): Promise<ImportResult> {
  const rewrite = parseRewrites(opts.rewriteHost ?? []);
  const dataDir = opts.dataDir ?? (opts.store ? path.dirname(opts.store.path) : undefined);
  const ledger = openLedger(dataDir);
  const tables = opts.tables ?? (await readMantra(opts.from));
  const plan = await makePlan(tables, { store: opts.store ?? emptyStore, secrets: opts.secrets, ledger, rewrite });
  if (!opts.dryRun) {
    if (!opts.store || !dataDir) throw new ImportError('a store is needed to import');
    await applyPlan(plan, { store: opts.store, ledger, dataDir, progress: opts.progress?.('import-mantra: writing') });
  }
  return {
    plan,
    counts: countItems(plan),
    skipped: plan.items.filter((i) => i.action === 'skip').length,
    warnings: plan.items.reduce((n, i) => n + i.warnings.length, 0),
  };
}

/**
 * The CLI command. Exit status: 0 all imported, 2 done but some items skipped (listed with their reasons),
 * 1 nothing done (unreachable or non-MANTRA database, bad options).
 */
export async function importMantraCommand(args: { from?: string; dryRun?: boolean; rewriteHost?: string[]; dataDir: string }) {
  if (!args.from) throw new ImportError('import-mantra needs --from mysql://USER:PASS@HOST:PORT/DBNAME');
  const dryRun = args.dryRun ?? false;
  const rewriteHost = args.rewriteHost ?? [];
  parseRewrites(rewriteHost); // bad options fail before anything is opened
  process.stderr.write(`import-mantra: reading ${args.from.replace(/\/\/[^@/]*@/, '//')}\n`);
  // The source is read before the data directory is touched: an unreachable MANTRA leaves nothing behind.
  const tables = await readMantra(args.from);
  const exists = fs.existsSync(path.join(args.dataDir, 'mantra.db'));
  // A dry run leaves the data directory as it found it: no store, no master key is created.
  const store = !dryRun || exists ? openSqliteStore(args.dataDir) : undefined;
  try {
    const secrets = new Secrets(masterKey(args.dataDir, dryRun));
    const progress = (label: string) => progressReporter(process.stderr, label);
    const result = await importMantra({ from: args.from, tables, store, secrets, dryRun, rewriteHost, dataDir: args.dataDir, progress });
    const lines = [
      ...itemLines(result.plan, dryRun),
      ...summaryLines(result.plan, dryRun),
    ];
    process.stdout.write(lines.join('\n') + '\n');
    process.exitCode = result.skipped > 0 ? 2 : 0;
  } finally {
    store?.close();
  }
}

function masterKey(dir: string, dryRun: boolean): Buffer {
  if (!dryRun || process.env.MANTRA_MASTER_KEY || fs.existsSync(path.join(dir, 'master.key'))) return loadMasterKey(dir);
  // Nothing is stored in a dry run on a new directory: any key serves to seal what is only compared.
  return randomBytes(32);
}
