/** Latency histograms: percentiles within about 5% of the exact ones, merged periods, compact text that round-trips. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeHistogram, encodeHistogram, type Histogram, merge, observe, quantiles } from '../../src/observability/latency-histogram.ts';

/** A deterministic spread of latencies from 0.05 ms to about 2 s (log-uniform, a few slow ones). */
function samples(n: number, seed = 7): number[] {
  let x = seed;
  return Array.from({ length: n }, () => {
    x = (x * 48271) % 2147483647;
    return 0.05 * Math.exp((x / 2147483647) * Math.log(40_000));
  });
}

function exact(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)];
}

describe('latency histogram', () => {
  test('p50, p95 and p99 within 5% of the exact values', () => {
    const values = samples(20_000);
    const h: Histogram = new Map();
    for (const v of values) observe(h, v);
    const [p50, p95, p99] = quantiles(h, [0.5, 0.95, 0.99]);
    for (const [got, q] of [[p50, 0.5], [p95, 0.95], [p99, 0.99]] as const) {
      const want = exact(values, q);
      assert.ok(Math.abs(got! - want) / want < 0.05, `p${q * 100}: ${got} against ${want}`);
    }
    assert.ok(h.size <= 8 * Math.ceil(Math.log2(40_000)), `8 buckets per doubling at most: ${h.size}`);
  });

  test('merging two periods equals observing both; the text form round-trips', () => {
    const a: Histogram = new Map(), b: Histogram = new Map(), both: Histogram = new Map();
    samples(500, 1).forEach((v) => (observe(a, v), observe(both, v)));
    samples(500, 2).forEach((v) => (observe(b, v), observe(both, v)));
    merge(a, b);
    assert.deepEqual(decodeHistogram(encodeHistogram(a)), both);
    assert.match(encodeHistogram(a), /^\d+:\d+(,\d+:\d+)*$/);
    assert.deepEqual(quantiles(new Map(), [0.5]), [undefined]);
    assert.deepEqual(decodeHistogram('x:1,3:0,5:2'), new Map([[5, 2]]), 'junk ignored');
  });
});
