/**
 * Latency as a sparse log-scale histogram: 8 buckets per doubling (each about 9% wide) from 1 µs to over 1000 s,
 * so p50/p95/p99 of any period can be read from merged histograms within about 5% of the true value. Stored as
 * `index:count,…`: a minute of one operation and consumer usually fills a dozen buckets.
 */
export type Histogram = Map<number, number>;

const PER_DOUBLING = 8;
const MAX_INDEX = 255;

export function bucketOf(ms: number): number {
  const us = ms * 1000;
  if (!(us >= 1)) return 0;
  return Math.min(MAX_INDEX, Math.floor(Math.log2(us) * PER_DOUBLING) + 1);
}

/** The middle of a bucket, in ms. */
function valueOf(index: number): number {
  return index === 0 ? 0 : 2 ** ((index - 0.5) / PER_DOUBLING) / 1000;
}

export function observe(h: Histogram, ms: number, count = 1) {
  const i = bucketOf(ms);
  h.set(i, (h.get(i) ?? 0) + count);
}

export function merge(into: Histogram, from: Histogram) {
  for (const [i, c] of from) into.set(i, (into.get(i) ?? 0) + c);
}

export function encodeHistogram(h: Histogram): string {
  return [...h].sort((a, b) => a[0] - b[0]).map(([i, c]) => `${i}:${c}`).join(',');
}

export function decodeHistogram(text: string): Histogram {
  const h: Histogram = new Map();
  if (!text) return h;
  for (const part of text.split(',')) {
    const [i, c] = part.split(':').map(Number);
    if (Number.isInteger(i) && Number.isInteger(c) && c > 0) h.set(i, (h.get(i) ?? 0) + c);
  }
  return h;
}

/** The q-quantiles (0 < q ≤ 1) in ms, rounded to µs; undefined when empty. */
export function quantiles(h: Histogram, qs: number[]): (number | undefined)[] {
  const sorted = [...h].sort((a, b) => a[0] - b[0]);
  const total = sorted.reduce((n, [, c]) => n + c, 0);
  if (total === 0) return qs.map(() => undefined);
  return qs.map((q) => {
    const rank = Math.max(1, Math.ceil(q * total));
    let seen = 0;
    for (const [i, c] of sorted) {
      seen += c;
      if (seen >= rank) return Math.round(valueOf(i) * 1000) / 1000;
    }
    return Math.round(valueOf(sorted[sorted.length - 1][0]) * 1000) / 1000;
  });
}
