import fs from 'node:fs';
import path from 'node:path';
import { encodeLine } from './track-line.ts';
import type { TrackInput } from './types.ts';
import type { Span } from './track-span.ts';

/** A segment is closed past this size; it is deleted once its tracks are in the database. */
const SEGMENT_BYTES = 4 * 1024 * 1024;
const SEGMENT = /^tracks-(\d{12})\.log$/;

/**
 * The track log: an append-only file where every track is written, numbered, before its call is answered: one
 * write() per batch instead of a SQLite commit, which cost the serving thread 14–24 µs per commit (a commit per
 * event-loop turn under load). The tracks table takes the lines over later in large batches and hash-chains them
 * there (trackIngester); segments whose tracks are all there are deleted, and what a crash left is taken over
 * when the store opens. As durable as the SQLite commit it replaces (synchronous = normal: written, not fsynced).
 */
export class TrackLog {
  /** The open segment; none until the first append, and after a failed write (the next append opens one). */
  #fd: number | undefined;
  #current = { file: '', bytes: 0 };
  #closed: { file: string; lastSeq: number }[] = [];
  #number: number;
  /** Where the last append wrote its lines. */
  lastSpan: Span = { file: '', offset: 0, length: 0 };

  constructor(private dir: string, private seq: number) {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const last = TrackLog.segments(dir).at(-1);
    this.#number = last ? Number(SEGMENT.exec(path.basename(last))![1]) : 0;
  }

  /** The seq of the last track written. */
  get lastSeq(): number {
    return this.seq;
  }

  /** The segments in a folder, oldest first: what a previous run left behind. */
  static segments(dir: string): string[] {
    if (!fs.existsSync(dir)) return [];
    return fs.readdirSync(dir).filter((f) => SEGMENT.test(f)).sort().map((f) => path.join(dir, f));
  }

  /** Writes the tracks; returns their lines (for the tracks table) once they are in the file. */
  append(rows: TrackInput[]): string {
    let seq = this.seq, text = '';
    for (const t of rows) text += encodeLine(++seq, t) + '\n'; // throws for a malformed track: nothing of the batch is written
    let bytes: number;
    try {
      this.#fd ??= this.#open();
      bytes = fs.writeSync(this.#fd, text);
      if (bytes !== Buffer.byteLength(text)) throw new Error('short write to the track log');
    } catch (err) {
      // Whatever part was written is a torn line that ingestion skips; later lines go to a fresh segment (a full
      // disk fails the calls until there is room again, then tracks go on).
      this.#endSegment();
      throw err;
    }
    this.seq = seq;
    this.lastSpan = { file: this.#current.file, offset: this.#current.bytes, length: bytes };
    this.#current.bytes += bytes;
    if (this.#current.bytes >= SEGMENT_BYTES) this.#endSegment();
    return text;
  }

  /** Deletes the closed segments whose tracks are all in the database. */
  release(ingestedUpTo: number) {
    while (this.#closed.length && this.#closed[0].lastSeq <= ingestedUpTo) fs.rmSync(this.#closed.shift()!.file, { force: true });
  }

  /** Closes the file; the segments stay until the store has ingested them. */
  close() {
    this.#endSegment();
  }

  #open(): number {
    const file = path.join(this.dir, `tracks-${String(++this.#number).padStart(12, '0')}.log`);
    const fd = fs.openSync(file, 'a', 0o600);
    this.#current = { file, bytes: 0 };
    return fd;
  }

  #endSegment() {
    if (this.#fd === undefined) return;
    try {
      fs.closeSync(this.#fd);
    } catch {
      // closing a file that failed a write: nothing more to lose
    }
    this.#fd = undefined;
    this.#closed.push({ file: this.#current.file, lastSeq: this.seq });
  }
}
