/** What the operator reads: the items that change or fail, each with its reasons, a summary, and progress. */
import type { Kind } from '../model/index.ts';
import { type Action, kindOrder, type Plan } from './plan.ts';

export type Counts = Record<Kind, Record<Action, number>>;

export function countItems(plan: Plan): Counts {
  const counts = Object.fromEntries(
    kindOrder.map((k) => [k, { create: 0, update: 0, unchanged: 0, kept: 0, skip: 0 }]),
  ) as Counts;
  for (const item of plan.items) counts[item.kind][item.action]++;
  return counts;
}

const verbs: Record<Action, [string, string]> = {
  create: ['+ create', '+ created'],
  update: ['~ update', '~ updated'],
  unchanged: ['= unchanged', '= unchanged'],
  kept: ['= keep existing', '= kept existing'],
  skip: ['! skip', '! skipped'],
};

/** One line per item that changes, is kept or skipped (unchanged ones only count), each reason indented below. */
export function itemLines(plan: Plan, dryRun: boolean): string[] {
  const lines: string[] = [];
  for (const item of plan.items) {
    if (item.action === 'unchanged' && item.warnings.length === 0) continue;
    const name = item.id || `"${item.name ?? ''}" (no Mantra name)`;
    lines.push(`${verbs[item.action][dryRun ? 0 : 1]} ${item.kind} ${name}  [${item.from}]`);
    for (const p of item.problems) lines.push(`    problem: ${p}`);
    for (const w of item.warnings) lines.push(`    warning: ${w}`);
  }
  for (const note of plan.notes) lines.push(`note: ${note}`);
  return lines;
}

export function summaryLines(plan: Plan, dryRun: boolean): string[] {
  const counts = countItems(plan);
  const heads = dryRun ? ['would create', 'would update', 'unchanged', 'kept', 'skipped'] : ['created', 'updated', 'unchanged', 'kept', 'skipped'];
  const actions: Action[] = ['create', 'update', 'unchanged', 'kept', 'skip'];
  const width = heads.map((h) => Math.max(h.length, 5));
  const row = (label: string, cells: (string | number)[]) =>
    label.padEnd(14) + cells.map((c, i) => String(c).padStart(width[i] + 2)).join('');
  const lines = ['', `Summary (${plan.source}${dryRun ? ', dry run: nothing written' : ''})`, row('', heads)];
  for (const kind of kindOrder) lines.push(row(kind, actions.map((a) => counts[kind][a])));
  const warnings = plan.items.reduce((n, i) => n + i.warnings.length, 0);
  const skipped = plan.items.filter((i) => i.action === 'skip').length;
  lines.push('', `${plan.items.length} items, ${skipped} skipped, ${warnings} warnings${plan.notes.length ? `, ${plan.notes.length} note${plan.notes.length === 1 ? '' : 's'}` : ''}.`);
  return lines;
}

/** Below this many items a log gets no progress lines: the run is over in a moment. */
const SMALL = 500;

/**
 * Progress on stderr for large installations: one line rewritten in place on a terminal, otherwise a line
 * every few seconds, so logs stay short.
 */
export function progressReporter(stream: { write(s: string): unknown; isTTY?: boolean }, label: string) {
  let last = 0;
  return (done: number, total: number) => {
    const now = Date.now();
    const end = done === total;
    if (!stream.isTTY && total < SMALL) return;
    if (!end && now - last < (stream.isTTY ? 100 : 5000)) return;
    last = now;
    const text = `${label} ${done}/${total} (${Math.floor((done / Math.max(total, 1)) * 100)}%)`;
    stream.write(stream.isTTY ? `\r${text}${end ? '\n' : ''}` : `${text}\n`);
  };
}
