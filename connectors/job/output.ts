import type { Format, ResultMeta, RowEncoder } from '../../src/formats/types.ts';
import { ConnectorError } from '../errors.ts';
import type { Row } from '../types.ts';
import type { JobEvent, JobOutput } from './types.ts';
import { tidy } from './tidy.ts';

/** Where a job's events go: a worker's port or, inline, the consumer's queue. */
export interface JobSink {
  /** Sends events in one go; chunk bytes are transferred, not copied. */
  send(events: JobEvent[]): void;
  /** Resolves when the consumer has caught up; undefined when there is room already. */
  credit(): Promise<void> | undefined;
}

export interface Output {
  rows(rows: Row[]): Promise<void> | void;
  /** Last words: the final data (if any) travels together with `end`. */
  end(rowCount: number, truncated: boolean): Promise<void> | void;
}

/** Rows as data; a short last batch waits to travel with `end` (a 1-row answer is one message). */
export class RowsOutput implements Output {
  #held: Row[] | undefined;
  constructor(private sink: JobSink, private batchSize: number) {}

  rows(rows: Row[]) {
    if (this.#held) {
      rows = this.#held.concat(rows);
      this.#held = undefined;
    }
    if (rows.length < this.batchSize) {
      this.#held = rows;
      return;
    }
    this.sink.send([{ type: 'rows', rows }]);
    return this.sink.credit();
  }

  end(rowCount: number, truncated: boolean) {
    const end: JobEvent = { type: 'end', rowCount, truncated };
    this.sink.send(this.#held?.length ? [{ type: 'rows', rows: this.#held }, end] : [end]);
  }
}

/** Encoded text is sent as UTF-8 in chunks of about this many bytes. */
export const CHUNK = 64 * 1024;
const utf8 = new TextEncoder();

type Formats = { getFormat(name: string): Format | undefined };
let formats: Promise<Formats> | undefined;
let loaded: Formats | undefined;

/** The formats registry, loaded on the first encode job. */
export function loadFormats() {
  return (formats ??= import('../../src/formats/index.ts').then((m) => (loaded = m)));
}

const encodeFailed = (err: unknown) =>
  err instanceof ConnectorError ? err : new ConnectorError('config', 'the result could not be encoded', String(err));

/**
 * Rows encoded by a format's RowEncoder. Nothing is sent before the first row (an empty result is just `end`,
 * so the caller can still answer differently); a format that needs the count first gets its rows buffered.
 */
export class EncodeOutput implements Output {
  #text = '';
  #parts: string[] = [];
  #index = 0;
  #started = false;

  private constructor(private sink: JobSink, private enc: RowEncoder, private spec: Extract<JobOutput, { mode: 'encode' }>) {}

  /** Loads the formats first (the first encode job). */
  static async create(spec: Extract<JobOutput, { mode: 'encode' }>, sink: JobSink): Promise<EncodeOutput> {
    return EncodeOutput.#create(await loadFormats(), spec, sink);
  }

  /** Without waiting a turn once the formats are loaded; undefined before. */
  static createNow(spec: Extract<JobOutput, { mode: 'encode' }>, sink: JobSink): EncodeOutput | undefined {
    return loaded && EncodeOutput.#create(loaded, spec, sink);
  }

  static #create(formats: Formats, spec: Extract<JobOutput, { mode: 'encode' }>, sink: JobSink): EncodeOutput {
    const format = formats.getFormat(spec.format);
    if (!format) throw new ConnectorError('config', `unknown format "${String(spec.format).slice(0, 32)}"`);
    const enc = format.rows({ envelope: spec.envelope, name: spec.name, columns: spec.columns });
    return new EncodeOutput(sink, enc, spec);
  }

  rows(rows: Row[]) {
    try {
      if (this.enc.needsCount) {
        for (const row of rows) this.#parts.push(this.enc.row(row, this.#index++));
        return;
      }
      if (!this.#started) {
        this.#started = true;
        this.#text = this.enc.head();
      }
      for (const row of rows) this.#text += this.enc.row(row, this.#index++);
    } catch (err) {
      throw encodeFailed(err);
    }
    if (this.#text.length >= CHUNK) {
      this.sink.send([chunk(this.#text)]);
      this.#text = '';
      return this.sink.credit();
    }
  }

  async end(rowCount: number, truncated: boolean) {
    const end: JobEvent = { type: 'end', rowCount, truncated };
    if (rowCount === 0) return this.sink.send([end]);
    const meta: ResultMeta = { ...this.spec.meta, rowCount, truncated };
    if (this.spec.nextCursor !== undefined && rowCount === this.spec.pageLimit) meta.nextCursor = this.spec.nextCursor;
    let tail: string;
    try {
      tail = this.enc.tail(meta);
    } catch (err) {
      throw encodeFailed(err);
    }
    if (!this.enc.needsCount) return this.sink.send([{ type: 'chunk', data: this.#text + tail }, end]);
    // Head with the count, then the buffered rows, in chunks.
    let text = this.enc.head(rowCount);
    for (const part of this.#parts) {
      text += part;
      if (text.length >= CHUNK) {
        this.sink.send([chunk(text)]);
        text = '';
        await this.sink.credit();
      }
    }
    this.#parts = [];
    this.sink.send([{ type: 'chunk', data: text + tail }, end]);
  }
}

function chunk(text: string): JobEvent {
  const data = utf8.encode(text);
  tidy.sent(data.byteLength);
  return { type: 'chunk', data };
}
