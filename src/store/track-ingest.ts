import { log } from '../observability/log.ts';
import type { StatsChunk } from './stats-table.ts';
import { addSpan, type Span } from './track-span.ts';

const RETRY_MS = 1000;

/**
 * Hands logged track lines to the tracks table in large batches, as the spans of the track log they were written
 * to: every `intervalMs`, or at once past `maxBytes`; one batch at a time. A failed batch is kept and tried again
 * (ingestion is idempotent), so a track once logged is never lost on the way.
 */
export class TrackIngest {
  #spans: Span[] = [];
  #bytes = 0;
  #stats: StatsChunk[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #running: Promise<void> | undefined;
  #stopped = false;

  constructor(
    private sink: (spans: Span[], stats: StatsChunk[]) => Promise<number>,
    private onIngested: (upTo: number) => void,
    private intervalMs = 10,
    private maxBytes = 1024 * 1024,
    /** Tracks waiting for the table, in bytes of log lines (about 100,000 tracks): past it, calls are refused. */
    private maxBacklog = 32 * 1024 * 1024,
  ) {}

  /** Whether the table has fallen so far behind (it keeps failing) that no more tracks should be taken. */
  get overloaded(): boolean {
    return this.#bytes > this.maxBacklog;
  }

  /** Lines to ingest (where they were written), with the statistics of their tracks. */
  add(span: Span, stats?: StatsChunk) {
    addSpan(this.#spans, span);
    this.#bytes += span.length;
    if (stats) this.#stats.push(stats);
    if (this.#bytes >= this.maxBytes) void this.flush().catch(() => {});
    else this.#schedule(this.intervalMs);
  }

  /** Resolves once everything added so far is in the table; rejects if that failed (it is tried again later). */
  async flush(): Promise<void> {
    while (this.#running) await this.#running.catch(() => {});
    if (this.#spans.length === 0 || this.#stopped) return;
    const [spans, stats, bytes] = [this.#spans, this.#stats, this.#bytes];
    [this.#spans, this.#stats, this.#bytes] = [[], [], 0];
    this.#running = this.sink(spans, stats).then(
      (upTo) => this.onIngested(upTo),
      (err) => {
        this.#spans = [...spans, ...this.#spans];
        this.#stats = [...stats, ...this.#stats];
        this.#bytes += bytes;
        if (this.#stopped) throw err; // the store takes them over from the log when it opens again
        log('warn', 'tracks not yet moved from the track log to the database; trying again', { error: String(err) });
        this.#schedule(RETRY_MS);
        throw err;
      },
    ).finally(() => (this.#running = undefined));
    return this.#running;
  }

  /** No more batches: what is left stays in the log for the store to take over. */
  stop() {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #schedule(ms: number) {
    if (this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.flush().catch(() => {});
    }, ms);
    (this.#timer as { unref?: () => void }).unref?.();
  }
}
