/** Helpers shared by the scenarios: Mantra variants that fail together, and error rows. */
import { startMantra, type Mantra, type MantraSetup } from '../mantra.ts';
import { measure, type Target } from '../measure.ts';
import { lastLines } from '../processes.ts';
import { runWrk } from '../wrk.ts';
import type { Context, Row } from '../types.ts';

export type MantraTarget = Omit<Target, 'server'> & { op?: string };

export const errorRow = (scenario: string, variant: string, note: string): Row => ({ scenario, variant, status: 'error', note });

export const unavailableRow = (scenario: string, variant: string, note: string): Row =>
  ({ scenario, variant, status: 'not available yet', note });

/**
 * Starts Mantra with `setup`, warms every target up, measures each (built once the server's address is known),
 * stops it.
 * A server that does not start, or an operation the store refused, gives error rows instead of measurements.
 */
export async function withMantra(
  ctx: Context,
  setup: MantraSetup,
  targets: (m: Mantra) => MantraTarget[],
  variants: { scenario: string; variant: string }[],
  after?: (m: Mantra, rows: Row[]) => Promise<void>,
): Promise<Row[]> {
  let m: Mantra;
  try {
    m = await startMantra(setup);
  } catch (err) {
    const msg = `Mantra did not start: ${lastLines((err as Error).message, 4)}`;
    return variants.map((v) => errorRow(v.scenario, v.variant, msg));
  }
  const rows: Row[] = [];
  try {
    // Steady state, as of a server that has been up a while: every variant is warmed up once before any is
    // measured, so no measurement also pays for compiling code the others share (the JIT shares the pinned CPU).
    const all = targets(m).filter((t) => !(t.op && m.refused[t.op]));
    if (ctx.options.warmupS > 0 && all.length > 1) {
      ctx.log(`${all[0].scenario}: Mantra warm-up, ${ctx.options.warmupS} s on each of ${all.length} variants`);
      for (const t of all) await runWrk(t.load, { durationS: ctx.options.warmupS, connections: ctx.options.connections }).catch(() => {});
    }
    for (const t of targets(m)) {
      if (t.op && m.refused[t.op]) {
        rows.push(errorRow(t.scenario, t.variant, `the store refused operation ${t.op}: ${m.refused[t.op]}`));
        continue;
      }
      rows.push(await measure(ctx, { ...t, server: m.child }));
    }
  } finally {
    await m.stop();
  }
  if (after) await after(m, rows);
  return rows;
}

/** Runs `fn` with a reference process, stopping it afterwards; a reference that does not start is an error row. */
export async function withReference<T extends { child: { stop(): Promise<void> } }>(
  scenario: string,
  variant: string,
  startRef: () => Promise<T>,
  fn: (ref: T) => Promise<Row>,
): Promise<Row> {
  let ref: T;
  try {
    ref = await startRef();
  } catch (err) {
    return { ...errorRow(scenario, variant, `reference did not start: ${lastLines((err as Error).message, 4)}`) };
  }
  try {
    return await fn(ref);
  } finally {
    await ref.child.stop();
  }
}
