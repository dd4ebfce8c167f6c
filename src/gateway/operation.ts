/**
 * The operation contract: every kind (data, proxy, composite) compiles, once per configuration, to an
 * invoker of one signature. The registry caches compiled operations; the invoke stage only calls the invoker.
 */
import type { Envelope, FormatName, ResultMeta, Row, Value } from '../formats/types.ts';
import type { JobEvent } from '../../connectors/pool.ts';
import type { RowShape } from '../../connectors/types.ts';
import type { Operation } from '../model/operation.ts';
import type { Subscription } from '../model/subscription.ts';
import type { Lang } from '../i18n/index.ts';
import type jsonata from 'jsonata';

export type ParamValues = Record<string, Value>;

/**
 * How caller names meet the declared ones. REST v1 is strict: an unknown name is an error. The compatible paths
 * match as the original did (sys/api.php): unknown names are ignored; a data operation matches names in any case
 * and refuses a call that gave parameters of which none binds (10005); a proxy operation matches them exactly.
 */
export type NameRule = 'strict' | 'mantra-data' | 'mantra-proxy';

/** A job event stream of encoded bytes from the connector pool. */
export interface StreamResult {
  kind: 'stream';
  /** Events read ahead to decide the answer; `complete` when they hold the whole answer. */
  buffered: JobEvent[];
  complete: boolean;
  rest: AsyncIterator<JobEvent>;
  /** Known when `complete`. */
  rowCount?: number;
}

/** A whole value (proxy replies, writes, composite answers), encoded by the interface's renderer. */
export interface ValueResult {
  kind: 'value';
  data: unknown;
  /** When set, the value is a list of rows and renders like a data result. */
  rows?: Row[];
  meta?: Partial<ResultMeta> & { source?: string };
  /** Backend response headers the operation passes on. */
  headers?: Record<string, string>;
  /** Rows found, or affected by a write. */
  rowCount?: number;
}

export type InvokeResult = StreamResult | ValueResult;

/** What the caller interface wants of the answer: encoded rows are made for it in the worker. */
export interface Output {
  format: FormatName;
  envelope: Envelope;
  page?: { limit?: number; offset?: number };
  /** The subscription whose field rules shape the rows. */
  subscription?: Subscription;
  /** `rows`: the rows whole, as values, for a caller inside Mantra (a composite step); default: encoded for `format`. */
  mode?: 'encoded' | 'rows';
}

/** Whom a call is for, where an operation calls others on the caller's behalf: the tracks of those calls name them. */
export interface Caller {
  remote: string;
  userAgent: string;
  lang: Lang;
  /** How many composites this call runs inside (a guard against cycles that configuration let through). */
  depth?: number;
}

export interface InvokeOptions {
  /** The caller's signal, read lazily (reading a Bun request's signal costs a fifth of a small call). */
  signal: () => AbortSignal;
  /** Epoch ms by which the call must end (a composite step's); the operation's own timeout still applies. */
  deadline?: number;
  output: Output;
  /** For the log, and the correlation id of the calls a composite makes. */
  requestId: string;
  caller?: Caller;
}

/** Runs an operation with validated values; rejects with a GatewayError. */
export type Invoker = (values: ParamValues, opts: InvokeOptions) => Promise<InvokeResult>;

/** An operation made ready to run: everything derived from its configuration is resolved once, when it changes. */
export interface CompiledOperation {
  id: string;
  version: number;
  op: Operation;
  validate: (raw: Record<string, string>, rule?: NameRule) => ParamValues;
  invoke: Invoker;
  /** What it was built from besides itself (connector version, settings it depends on): rebuilt when it changes. */
  builtFrom: string;
  /** The operation's fields and labels, and compiled once for whole values. */
  shape?: RowShape;
  shapeRow?: (row: Row) => Row;
  /** The operation's JSONata expression, compiled once; results it needs are read whole. */
  jsonata?: jsonata.Expression;
  /** Frees what the invoker holds (health checks, TLS clients) when the configuration changes. */
  dispose(): void;
}
