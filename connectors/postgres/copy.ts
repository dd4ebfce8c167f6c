/**
 * CSV and NDJSON exports straight from PostgreSQL's `COPY (...) TO STDOUT`, byte for byte what Mantra's encoders
 * (src/formats/csv.ts, ndjson.ts) write for the rows the connector would have read: COPY renders each value with
 * its type's output function, which is the text postgres.js hands over for every type Mantra keeps as text.
 * Where the two differ the select list casts:
 * - boolean: csv `true`/`false` (v1) or `1`/`0` (MANTRA's envelope); COPY alone writes `t`/`f`;
 * - ndjson: row_to_json() over the cast values; text types and int2/int4/boolean as themselves, oid as int8 (a
 *   number, as postgres.js parses it), everything else as its output text (row_to_json would write dates as ISO
 *   8601 with a `T`, int8 and numeric as numbers, json as JSON, where Mantra has the server's text);
 * - csv records end in CRLF (COPY writes LF): rewritten while counting records, outside quoted fields;
 * - a lone `\.` in a one-column csv, which COPY quotes and Mantra does not, is unquoted.
 * Not exported this way: float4/float8 (postgres.js makes JS numbers of them, which Mantra prints as PHP does:
 * `1.0E+20`, `INF`, plain digits up to 1e17; no cast writes that) and results whose column names collide or look
 * like array indexes (a JS row object merges or reorders those). Such reads take the cursor path.
 *
 * COPY takes no bind parameters: caller values are bound to `set_config('mantra.pN', $N, true)` in the export's
 * own transaction and read back as `current_setting('mantra.pN')::<type>`, the type the server described for
 * that placeholder. A COPY runs on a reserved connection (nothing is pipelined behind it), so cancelling it can
 * reach no other statement.
 */
import type postgres from 'postgres';
import { Watch } from '../driver.ts';
import { ConnectorError } from '../errors.ts';
import type { ExportOptions, ExportResult } from '../job/export.ts';
import { lex } from '../sql/lex.ts';
import type { SqlPlan, Value } from '../types.ts';
import { classify, isRetryable } from './errors.ts';
import type { CopySink, Tap, tappedSockets } from './copy-tap.ts';

type Sql = ReturnType<typeof postgres>;
type Reserved = Awaited<ReturnType<Sql['reserve']>>;

const BOOL = 16, NAME = 19, INT2 = 21, INT4 = 23, TEXT = 25, OID = 26, FLOAT4 = 700, FLOAT8 = 701, BPCHAR = 1042, VARCHAR = 1043;

/** Bytes handed on at a time (whole records; one longer record goes alone). */
const CHUNK = 64 * 1024;

/** How long a cancelled COPY may take to end before its connection is given up. */
const DRAIN_MS = 10_000;

interface Shape {
  params: number[];
  columns: { name: string; type: number }[];
}

/** What the export statement is, once per statement text and output. */
interface Statement {
  text: string;
  /** csv: the first record is the header. */
  header: boolean;
  /** A one-column csv: a lone `\.` is unquoted. */
  single: boolean;
}

const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;
/** An array index: a JS object lists such keys first, so a row object would not keep the column order. */
const INDEX_LIKE = /^(?:0|[1-9][0-9]{0,9})$/;

/** The select-list expression that makes COPY write what the encoder writes for this column. */
function expression(column: string, type: number, opts: Pick<ExportOptions, 'format' | 'envelope'>): string {
  const c = `mantra_rows.${quoteIdent(column)}`;
  const mantra = opts.envelope === 'mantra';
  if (type === BOOL) return mantra ? `CASE WHEN ${c} THEN '1' WHEN NOT ${c} THEN '0' END` : opts.format === 'csv' ? `${c}::text` : c;
  if (opts.format === 'csv') return c;
  if (type === TEXT || type === VARCHAR || type === BPCHAR || type === NAME) return c;
  if (type === INT2 || type === INT4) return mantra ? `${c}::text` : c;
  if (type === OID) return mantra ? `${c}::text` : `${c}::int8`;
  // The output function's text (a cast to text may differ: inet, bpchar), NULL kept apart from ''.
  return `CASE WHEN num_nulls(${c}) = 0 THEN format('%s', ${c}) END`;
}

/** The COPY statement for these rows, or undefined when COPY cannot write them as the encoder would. */
function statement(select: string, shape: Shape, maxRows: number, opts: Pick<ExportOptions, 'format' | 'envelope'>): Statement | undefined {
  const cols = shape.columns;
  if (cols.length === 0 || !Number.isSafeInteger(maxRows + 1)) return undefined;
  const names = new Set(cols.map((c) => c.name));
  if (names.size !== cols.length || cols.some((c) => INDEX_LIKE.test(c.name))) return undefined;
  if (cols.some((c) => c.type === FLOAT4 || c.type === FLOAT8)) return undefined;
  const list = cols.map((c) => `${expression(c.name, c.type, opts)} AS ${quoteIdent(c.name)}`).join(', ');
  // One row past the cap tells "more than allowed" from "exactly the cap"; the cap is configuration, a whole number.
  const rows = `SELECT ${list} FROM (\n${select}\n) AS mantra_rows LIMIT ${maxRows + 1}`;
  if (opts.format === 'csv') {
    return { text: `COPY (${rows}) TO STDOUT WITH (FORMAT csv, HEADER true)`, header: true, single: cols.length === 1 };
  }
  // One JSON text per record: with a delimiter and a quote character JSON text never holds (control characters
  // are escaped in it), csv mode writes each value as it is, and every LF ends a record.
  return {
    text: `COPY (SELECT row_to_json(mantra_row) FROM (${rows}) AS mantra_row) TO STDOUT WITH (FORMAT csv, DELIMITER E'\\x02', QUOTE E'\\x01')`,
    header: false,
    single: false,
  };
}

/** `$N` placeholders read back from the transaction's settings, each as the type the server described. */
function fromSettings(select: string, types: string[]): string {
  let out = '';
  let at = 0;
  for (const t of lex(select, 'postgres')) {
    if (t.t !== 'positional') continue;
    const n = Number(select.slice(t.start + 1, t.end));
    if (!(n >= 1 && n <= types.length)) throw new ConnectorError('config', 'a placeholder without a value');
    // '' stands for NULL, any value is prefixed with 'v' (set_config cannot hold NULL).
    out += `${select.slice(at, t.start)}(SELECT substr(nullif(current_setting('mantra.p${n}'), ''), 2)::${types[n - 1]})`;
    at = t.end;
  }
  return out + select.slice(at);
}

const settingValue = (v: Value) => (v === null || v === undefined ? '' : `v${v}`);

/**
 * Whole records of COPY's output, re-encoded where needed, cut into chunks at record boundaries. Counts data
 * records and stops after `maxRows` of them (the next one only sets `more`).
 */
class Records {
  out = new Uint8Array(CHUNK + 4096);
  at = 0;
  /** Where the record being read starts in `out`. */
  start = 0;
  inQuote = false;
  headerSeen: boolean;
  rows = 0;
  more = false;
  ready: Uint8Array[] = [];

  constructor(private csv: boolean, private single: boolean, header: boolean, private maxRows: number) {
    this.headerSeen = !header;
  }

  get done() {
    return this.more;
  }

  #room(n: number) {
    if (this.at + n <= this.out.length) return;
    const bigger = new Uint8Array(Math.max(this.out.length * 2, this.at + n + 4096));
    bigger.set(this.out.subarray(0, this.at));
    this.out = bigger;
  }

  /** A record ended at `at` (its line end written). */
  #ended() {
    const o = this.out;
    // `"\."` CR LF alone on a line: COPY's quoting, not Mantra's.
    if (this.single && this.at - this.start === 6 && o[this.start] === 34 && o[this.start + 1] === 92 && o[this.start + 2] === 46 && o[this.start + 3] === 34) {
      o[this.start] = 92;
      o[this.start + 1] = 46;
      o[this.start + 2] = 13;
      o[this.start + 3] = 10;
      this.at = this.start + 4;
    }
    if (!this.headerSeen) {
      this.headerSeen = true;
      this.start = this.at;
      return;
    }
    if (this.rows === this.maxRows) {
      this.more = true;
      this.at = this.start;
      return;
    }
    this.rows++;
    this.start = this.at;
    if (this.at >= CHUNK) {
      this.ready.push(this.out.subarray(0, this.at));
      this.out = new Uint8Array(CHUNK + 4096);
      this.at = this.start = 0;
    }
  }

  push(chunk: Uint8Array, begin = 0, end = chunk.length) {
    if (this.more) return;
    const n = end - begin;
    // Byte by byte into `out`: a row is short, and a copy loop makes no view object per row (a million rows'
    // worth of garbage otherwise).
    this.#room(n + 2);
    let o = this.out;
    let at = this.at;
    let q = this.inQuote;
    const csv = this.csv;
    for (let i = begin; i < end; i++) {
      const b = chunk[i];
      if (b === 10 && !q) {
        if (csv) o[at++] = 13;
        o[at++] = 10;
        this.at = at;
        this.#ended();
        if (this.more) return;
        this.#room(end - i + 2);
        o = this.out;
        at = this.at;
      } else {
        if (b === 34 && csv) q = !q;
        o[at++] = b;
      }
    }
    this.at = at;
    this.inQuote = q;
  }

  /** One whole record as COPY sent it (its line end last): copied without a look at its bytes. */
  row(buf: Uint8Array, start: number, end: number) {
    if (this.more) return;
    if (end <= start || buf[end - 1] !== 10) return this.push(buf, start, end);
    this.#room(end - start + 2);
    const o = this.out;
    let at = this.at;
    const last = end - 1;
    for (let i = start; i < last; i++) o[at++] = buf[i];
    if (this.csv) o[at++] = 13;
    o[at++] = 10;
    this.at = at;
    this.#ended();
  }

  take(): Uint8Array[] {
    const r = this.ready;
    if (r.length) this.ready = [];
    return r;
  }

  /** The rest, once COPY ended; nothing when no data record came (an empty result is no output at all). */
  tail(): Uint8Array {
    if (this.at > this.start) throw new ConnectorError('query', 'the export ended inside a record');
    return this.rows === 0 ? new Uint8Array(0) : this.out.subarray(0, this.at);
  }
}

/** The consumer's own failure: reported as it is, never as a database error, and never retried. */
class ConsumerFailed {
  constructor(readonly err: unknown) {}
}

/** postgres.js Readable of a COPY: data events, pause/resume, end or error. */
interface CopyStream {
  on(ev: 'data', fn: (chunk: Uint8Array) => void): void;
  on(ev: 'end', fn: () => void): void;
  on(ev: 'error', fn: (err: unknown) => void): void;
  pause(): void;
  resume(): void;
  _read?(): void;
}

/**
 * Sends the cancel request of a running COPY. postgres.js marks a query inactive once its COPY stream has started,
 * and then `cancel()` would only flag it; marked active again, `cancel()` sends the request for its connection.
 */
function cancelCopy(q: { active?: boolean; state?: unknown; cancel(): unknown }) {
  if (!q.state) return;
  q.active = true;
  void Promise.resolve(q.cancel()).catch(() => {});
}

/** The export connections: their own postgres.js pool, tapped where the connection is plain TCP (copy-tap.ts). */
export interface ExportConnections {
  sql: Sql;
  taps?: ReturnType<typeof tappedSockets>;
}

/**
 * Exports of one connector: statements are described on its pool (`sql`), COPY runs on connections of `bulk`,
 * opened on the first export.
 */
export function copyExporter(sql: Sql, bulk: () => ExportConnections) {
  const shapes = new Map<string, Promise<Shape>>();
  const typeNames = new Map<number, string>();

  async function shapeOf(plan: SqlPlan): Promise<Shape> {
    let found = shapes.get(plan.sql);
    if (!found) {
      if (shapes.size >= 500) shapes.clear();
      found = (async () => {
        const d = await sql.unsafe(plan.sql, plan.params as never[]).describe() as unknown as { types: number[]; columns: { name: string; type: number }[] };
        return { params: [...d.types], columns: d.columns.map((c) => ({ name: c.name, type: c.type })) };
      })();
      found.catch(() => shapes.delete(plan.sql));
      shapes.set(plan.sql, found);
    }
    return found;
  }

  async function namesOf(oids: number[]): Promise<string[]> {
    const missing = [...new Set(oids.filter((o) => !typeNames.has(o)))];
    if (missing.length) {
      const rows = await sql.unsafe(
        `SELECT t.oid::int AS oid, format_type(t.oid, NULL) AS name FROM pg_catalog.pg_type t WHERE t.oid = ANY(string_to_array($1, ',')::oid[])`,
        [missing.join(',')],
      ) as unknown as { oid: number; name: string }[];
      for (const r of rows) typeNames.set(r.oid, r.name);
    }
    return oids.map((o) => {
      const name = typeNames.get(o);
      if (!name) throw new ConnectorError('config', 'a parameter of unknown type');
      return name;
    });
  }

  /** A reserved connection, the wait for it counted by `watch`; one that comes after giving up is let go. */
  function reserve(stopped: Promise<never>): Promise<Reserved> {
    const r = bulk().sql.reserve();
    return Promise.race([stopped, r]).catch((err) => {
      r.then((c) => c.release(), () => {});
      throw err;
    });
  }

  /** Reads the COPY's records into `opts.onChunk`, pausing the stream while a chunk is handed on. */
  function pump(stream: CopyStream, records: Records, watch: Watch, opts: ExportOptions, delivered: { n: number }, stop: (err?: unknown) => void): Promise<ExportResult> {
    return new Promise<ExportResult>((resolve, fail) => {
      let handing: Promise<void> = Promise.resolve();
      let failed: unknown;
      let finished = false;
      const finish = (err?: unknown) => {
        if (finished) return;
        finished = true;
        // postgres.js (3.4.x) leaves its socket paused when COPY's last data and its end came in one read
        // (porsager/postgres#499): resumed here, or the next statement on this connection would wait forever.
        stream._read?.();
        handing.then(() => {
          if (failed) return fail(new ConsumerFailed(failed));
          if (err) return fail(err);
          try {
            resolve({ rows: records.rows, more: records.more, tail: records.tail() });
          } catch (e) {
            fail(e);
          }
        });
      };
      stream.on('data', (chunk: Uint8Array) => {
        if (watch.fired || failed) return;
        records.push(chunk);
        const out = records.take();
        if (out.length === 0) return;
        stream.pause();
        watch.pause();
        handing = handing.then(async () => {
          for (const bytes of out) {
            await opts.onChunk(bytes);
            delivered.n++;
          }
        }).then(() => {
          if (watch.fired || failed) return;
          watch.resume();
          stream.resume();
        }, (err) => {
          // The consumer side failed: the COPY is stopped; its error is the one to report.
          failed = err;
          stop(err);
        });
      });
      stream.on('end', () => finish());
      stream.on('error', (err) => finish(err));
    });
  }

  /** The same from a tapped connection: the tap hands the COPY's bytes over and pauses while a chunk is handed on. */
  function tapPump(tap: Tap, records: Records, watch: Watch, opts: ExportOptions, delivered: { n: number }, stop: (err?: unknown) => void) {
    let handing: Promise<void> = Promise.resolve();
    let delivering = false;
    let failed: unknown;
    const dropping = () => watch.fired !== undefined || failed !== undefined;
    const deliver = () => {
      if (delivering) return;
      delivering = true;
      watch.pause();
      handing = handing.then(async () => {
        for (let out = records.take(); out.length; out = records.take()) {
          for (const bytes of out) {
            await opts.onChunk(bytes);
            delivered.n++;
          }
        }
      }).then(() => {
        delivering = false;
        if (dropping()) return;
        watch.resume();
        tap.resume();
      }, (err) => {
        delivering = false;
        failed = err;
        stop(err);
      });
    };
    // Armed before the COPY's first answer can arrive (it comes in a later task than the statement is sent).
    tap.arm({
      row(buf, begin, end) {
        if (dropping()) return;
        records.row(buf, begin, end);
        if (records.ready.length) deliver();
      },
      bytes(buf, begin, end) {
        if (dropping()) return;
        records.push(buf, begin, end);
        if (records.ready.length) deliver();
      },
      wantsMore: () => dropping() || records.ready.length === 0,
    });
    /** Resolves once postgres.js's own stream of this COPY (which stays empty) tells the end, or the error. */
    const run = (stream: CopyStream) => new Promise<ExportResult>((resolve, fail) => {
      let finished = false;
      const finish = (err?: unknown) => {
        if (finished) return;
        finished = true;
        handing.then(() => {
          tap.disarm();
          if (failed) return fail(new ConsumerFailed(failed));
          if (err) return fail(err);
          try {
            resolve({ rows: records.rows, more: records.more, tail: records.tail() });
          } catch (e) {
            fail(e);
          }
        });
      };
      stream.on('end', () => finish());
      stream.on('error', (err) => finish(err));
      stream.resume();
    });
    return { run };
  }

  /** One COPY on a reserved connection, which is given back clean afterwards. */
  async function copyOnce(plan: SqlPlan, st: Statement, types: string[], opts: ExportOptions, delivered: { n: number }): Promise<ExportResult> {
    let reject!: (err: unknown) => void;
    const stopped = new Promise<never>((_, r) => (reject = r));
    stopped.catch(() => {});
    let running: { q: never; stream?: CopyStream; tap?: Tap } | undefined;
    let cancelled = false;
    /** Cancels a running COPY and reads on, dropping what the server sends until the cancel lands. */
    const stop = () => {
      if (!running || cancelled) return;
      cancelled = true;
      cancelCopy(running.q);
      running.stream?.resume();
      running.tap?.resume();
    };
    const watch: Watch = new Watch(opts, () => {
      stop();
      reject(watch.error());
    });
    if (watch.fired) reject(watch.error());
    let conn: Reserved | undefined;
    let inTx = false;
    try {
      conn = await reserve(stopped);
      const c = conn;
      // In a transaction of its own: the values' settings live only there, and BEGIN names the backend (its tap).
      const begun = await Promise.race([stopped, c.unsafe('BEGIN')]) as unknown as { state?: { pid?: number } };
      inTx = true;
      let text = st.text;
      if (plan.params.length) {
        const sets = plan.params.map((_, i) => `set_config('mantra.p${i + 1}', $${i + 1}, true)`).join(', ');
        await Promise.race([stopped, c.unsafe(`SELECT ${sets}`, plan.params.map(settingValue) as never[])]);
        text = fromSettings(text, types);
      }
      const tap = begun.state?.pid ? bulk().taps?.find(begun.state.pid) : undefined;
      const records = new Records(opts.format === 'csv', st.single, st.header, opts.maxRows);
      const q = c.unsafe(text);
      running = { q: q as never, tap };
      if (watch.fired) stop();
      const tapped = tap && tapPump(tap, records, watch, opts, delivered, stop);
      let stream: CopyStream;
      try {
        stream = await (q.readable() as unknown as Promise<CopyStream>);
      } catch (err) {
        tap?.disarm();
        throw err;
      }
      running.stream = stream;
      const pumped = tapped ? tapped.run(stream) : pump(stream, records, watch, opts, delivered, stop);
      if (cancelled) stop();
      // A cancel the server never acts on must not hold the call: the connection is then given up.
      const drained = stopped.catch(() => new Promise<never>((_, r) => setTimeout(() => r(watch.error()), DRAIN_MS)));
      const result = await Promise.race([pumped, drained]);
      if (watch.fired) throw watch.error();
      await Promise.race([stopped, c.unsafe('COMMIT')]);
      inTx = false;
      return result;
    } catch (err) {
      throw watch.fired ? watch.error() : err;
    } finally {
      watch.stop();
      if (conn) void settle(conn, inTx, cancelled || watch.fired !== undefined);
    }
  }

  /**
   * Gives the connection back clean: the transaction ended, and after a cancel one harmless statement run, so a
   * cancel request that landed late is spent on it and not on the next caller's statement.
   */
  async function settle(conn: Reserved, inTx: boolean, afterCancel: boolean) {
    const spend = async (text: string) => {
      try {
        await conn.unsafe(text);
      } catch (err) {
        if ((err as { code?: string }).code === '57014') await conn.unsafe(text).catch(() => {});
      }
    };
    const done = (async () => {
      if (inTx) await spend('ROLLBACK');
      if (afterCancel) await spend('SELECT 1');
    })();
    const late = new Promise<'late'>((r) => setTimeout(() => r('late'), DRAIN_MS).unref?.());
    // A connection that does not answer in time is not handed to anyone again.
    if ((await Promise.race([done.then(() => 'ok' as const, () => 'ok' as const), late])) === 'ok') conn.release();
  }

  return {
    /** CSV or NDJSON through COPY; undefined when these rows cannot be written that way (the caller reads rows). */
    async export(plan: SqlPlan, opts: ExportOptions): Promise<ExportResult | undefined> {
      let shape: Shape;
      let types: string[] = [];
      try {
        shape = await shapeOf(plan);
        if (plan.params.length) types = await namesOf(shape.params);
      } catch {
        return undefined; // the normal read reports what is wrong with the statement, as it always has
      }
      const st = statement(plan.sql, shape, opts.maxRows, opts);
      if (!st) return undefined;
      const delivered = { n: 0 };
      try {
        return await copyOnce(plan, st, types, opts, delivered);
      } catch (err) {
        if (err instanceof ConsumerFailed) throw err.err;
        if (err instanceof ConnectorError) throw err;
        // A connection the server dropped, or a cancel meant for an earlier statement: once more, if nothing went out.
        if (delivered.n === 0 && !opts.signal.aborted && isRetryable(err)) {
          try {
            return await copyOnce(plan, st, types, opts, delivered);
          } catch (again) {
            if (again instanceof ConsumerFailed) throw again.err;
            throw again instanceof ConnectorError ? again : classify(again);
          }
        }
        throw classify(err);
      }
    },
  };
}
