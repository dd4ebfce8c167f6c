/**
 * Writes a plan. Each item is written in its own transaction, all or nothing; an item whose dependency failed to
 * be written is skipped with that reason, the rest goes on. Items found unchanged are not written at all.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Store } from '../store/types.ts';
import type { Ledger } from './ledger.ts';
import type { Plan, PlanItem } from './plan.ts';

export interface ApplyOptions {
  store: Store;
  ledger: Ledger;
  /** Where program sources too long for their note are written. */
  dataDir: string;
  progress?: (done: number, total: number) => void;
}

const written = new Set(['create', 'update', 'unchanged', 'kept']);

export async function applyPlan(plan: Plan, opts: ApplyOptions): Promise<void> {
  const { store, ledger } = opts;
  const pending = plan.items.filter((i) => i.action === 'create' || i.action === 'update' || i.action === 'unchanged');
  // Announce before writing: a crash may leave an entry without its entity, never the other way round.
  const before = new Map(pending.map((i) => [i.key, ledger.get(i.key)]));
  for (const item of pending) ledger.set(item.key, { source: plan.source, ...(item.origin ? { origin: item.origin } : {}) });
  ledger.save();

  const status = new Map(plan.items.filter((i) => i.primary).map((i) => [i.key, i]));
  let done = 0;
  for (const item of plan.items) {
    opts.progress?.(++done, plan.items.length);
    if (item.action !== 'create' && item.action !== 'update') continue;
    const failed = item.needs.find((need) => !written.has(status.get(need)?.action ?? 'skip'));
    if (failed) {
      fail(item, `needs ${failed.replace(':', ' ')}, which was not written`);
      continue;
    }
    try {
      await write(item, opts);
    } catch (err) {
      fail(item, `not written: ${(err as Error).message}`);
    }
  }

  // Entries announced for entities that were not written and did not exist before are taken back.
  for (const item of pending) {
    if (item.action !== 'skip') continue;
    const old = before.get(item.key);
    if (old) ledger.set(item.key, old);
    else ledger.delete(item.key);
  }
  ledger.save();
}

async function write(item: PlanItem, opts: ApplyOptions) {
  let file: string | undefined;
  try {
    if (item.program) {
      file = path.join(opts.dataDir, item.program.file);
      fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
      fs.writeFileSync(file, item.program.source, { mode: 0o600 });
    }
    await opts.store.transaction(() => opts.store.put(item.kind, item.entity!, item.action === 'create' ? 0 : item.version));
  } catch (err) {
    if (file && item.action === 'create') fs.rmSync(file, { force: true });
    throw err;
  }
}

function fail(item: PlanItem, reason: string) {
  item.action = 'skip';
  item.problems.push(reason);
}
