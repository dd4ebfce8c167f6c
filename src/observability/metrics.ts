/**
 * Counters and latency histograms of calls for Prometheus, kept in memory on the serving thread: two map lookups
 * and a few additions per call. Labels come only from configuration (a resolved operation), never from what a
 * caller typed, so a stream of made-up paths cannot grow the series; calls that resolve no operation share one.
 */
const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export interface Gauge {
  name: string;
  help: string;
  type?: 'gauge' | 'counter';
  value: number | undefined;
  labels?: string;
}

interface Series {
  labels: string;
  codes: Map<number, number>;
  buckets: number[];
  sum: number;
  count: number;
}

export interface OperationLabels {
  id: string;
  op: { agency: string; service: string; slug: string };
}

/** A label value as the text format writes it. */
function label(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

export class Metrics {
  #series = new Map<string, Map<string, Series>>();
  tracks = 0;
  trackFailures = 0;

  #of(iface: string, op: OperationLabels | undefined): Series {
    let byOp = this.#series.get(iface);
    if (!byOp) this.#series.set(iface, (byOp = new Map()));
    const id = op?.id ?? '';
    let s = byOp.get(id);
    if (!s) {
      const o = op?.op;
      const labels = `interface="${label(iface)}",agency="${label(o?.agency ?? '')}",service="${label(o?.service ?? '')}",operation="${label(o?.slug ?? '')}"`;
      byOp.set(id, (s = { labels, codes: new Map(), buckets: new Array(BUCKETS.length).fill(0), sum: 0, count: 0 }));
    }
    return s;
  }

  /** One answered call: its MANTRA code and how long it took. */
  call(iface: string, op: OperationLabels | undefined, code: number, ms: number) {
    const s = this.#of(iface, op);
    s.codes.set(code, (s.codes.get(code) ?? 0) + 1);
    const seconds = ms / 1000;
    let i = 0;
    while (i < BUCKETS.length && seconds > BUCKETS[i]) i++;
    if (i < BUCKETS.length) s.buckets[i]++;
    s.sum += seconds;
    s.count++;
  }

  /** The Prometheus text exposition (format 0.0.4) of the calls, the trail and the process. */
  render(gauges: Gauge[]): string {
    const out: string[] = [];
    const all = [...this.#series.values()].flatMap((m) => [...m.values()]);
    out.push('# HELP mantra_calls_total Calls answered, by operation and MANTRA code (200 = success).');
    out.push('# TYPE mantra_calls_total counter');
    for (const s of all) for (const [code, n] of s.codes) out.push(`mantra_calls_total{${s.labels},code="${code}"} ${n}`);
    out.push('# HELP mantra_call_duration_seconds Time from a call\'s arrival to its answer, by operation.');
    out.push('# TYPE mantra_call_duration_seconds histogram');
    for (const s of all) {
      let cumulative = 0;
      BUCKETS.forEach((le, i) => {
        cumulative += s.buckets[i];
        out.push(`mantra_call_duration_seconds_bucket{${s.labels},le="${le}"} ${cumulative}`);
      });
      out.push(`mantra_call_duration_seconds_bucket{${s.labels},le="+Inf"} ${s.count}`);
      out.push(`mantra_call_duration_seconds_sum{${s.labels}} ${s.sum}`);
      out.push(`mantra_call_duration_seconds_count{${s.labels}} ${s.count}`);
    }
    const counters: Gauge[] = [
      { name: 'mantra_tracks_total', help: 'Tracks written to the audit trail by calls.', type: 'counter', value: this.tracks },
      { name: 'mantra_track_failures_total', help: 'Calls refused because their track could not be written.', type: 'counter', value: this.trackFailures },
    ];
    for (const g of [...counters, ...gauges]) {
      if (g.value === undefined) continue;
      out.push(`# HELP ${g.name} ${g.help}`, `# TYPE ${g.name} ${g.type ?? 'gauge'}`, `${g.name}${g.labels ? `{${g.labels}}` : ''} ${g.value}`);
    }
    return out.join('\n') + '\n';
  }
}
