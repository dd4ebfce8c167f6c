/**
 * Runs one `store migrate` move in a process of its own and prints its memory as JSON: the peak heap still in use
 * after a forced collection (sampled every 100 ms: what the move holds, not garbage waiting for a lazy collector),
 * the peak heap and the peak RSS. Usage: `<runtime> store-migrate-memory.ts in DIR URL` or `out URL DIR`; under Deno
 * with --v8-flags=--expose-gc (Bun has Bun.gc).
 */
import { moveIntoCluster, moveOutOfCluster } from '../../src/store/postgres/move.ts';
import { trailMove } from '../../src/store/postgres/move-trail.ts';

const [direction, from, to] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const collect = (globalThis as { Bun?: { gc(sync: boolean): void } }).Bun?.gc.bind(null, true) ?? (globalThis as { gc?: () => void }).gc;
if (!collect) throw new Error('no way to force a collection here (Deno: --v8-flags=--expose-gc)');
collect();
const base = process.memoryUsage();
let [retained, heap, rss, ticks] = [base.heapUsed, base.heapUsed, base.rss, 0];
const timer = setInterval(() => {
  const m = process.memoryUsage();
  [heap, rss] = [Math.max(heap, m.heapUsed), Math.max(rss, m.rss)];
  if (++ticks % 20 === 0) {
    collect();
    retained = Math.max(retained, process.memoryUsage().heapUsed);
  }
}, 5);
const moved = direction === 'in'
  ? await moveIntoCluster(from, to, trailMove, { force: false })
  : await moveOutOfCluster(from, to, trailMove, { force: false });
clearInterval(timer);
const mb = (n: number) => Math.round((n / 1048576) * 10) / 10;
console.log(JSON.stringify({
  tracks: moved.tracks, retainedMb: mb(retained - base.heapUsed), heapMb: mb(heap - base.heapUsed), rssMb: mb(rss), baseRssMb: mb(base.rss),
}));
process.exit(0);
