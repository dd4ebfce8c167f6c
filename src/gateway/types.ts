import type { Envelope, FormatName } from '../formats/types.ts';
import type { Lang } from '../i18n/index.ts';
import type { Subscription } from '../model/subscription.ts';
import type { Settings } from '../model/settings.ts';
import type { CompiledOperation, InvokeResult, ParamValues } from './operation.ts';
import type { GatewayError } from './errors.ts';

export type { InvokeResult, ParamValues, StreamResult, ValueResult } from './operation.ts';

/** A call as every caller interface hands it to the pipeline; nothing here knows Hono. */
export interface GatewayRequest {
  interface: 'compat' | 'v1' | 'soap' | 'composite';
  agency: string;
  service: string;
  operation: string;
  /** Raw caller parameters, merged from path, query and body by the interface's `read`. */
  params: Record<string, string>;
  /** The compatible paths' raw `k=v&…` segment. */
  args?: string;
  /** The HTTP request, for `read`; absent for calls made inside Mantra (composite steps). */
  http?: Request;
  /**
   * The interface's grammar for what only the request body and query tell (parameters, format, page), run inside
   * the pipeline so that its refusals are tracked like any other. A module-level function, not a closure per call.
   */
  read?: (req: GatewayRequest, settings: Settings) => Promise<void> | void;
  /**
   * The interface's renderer, for `track` to render the answer before writing the track (its bytes, and its
   * signature where the operation signs answers, go into the track). Without it the interface renders afterwards.
   */
  render?: (ctx: CallContext) => Response;
  /** The interface answers a data operation's empty result as an error (MANTRA's 10012 on the compatible paths). */
  refuseEmpty?: boolean;
  /** Epoch ms by which the call must end (a composite step's). */
  deadline?: number;
  /** undefined = no key header at all; '' = an empty one. */
  key: string | undefined;
  format: FormatName;
  envelope: Envelope;
  page?: { limit?: number; offset?: number };
  remote: string;
  userAgent: string;
  requestId: string;
  lang: Lang;
  signal: AbortSignal;
}

export interface CallContext {
  req: GatewayRequest;
  startedAt: number;
  op?: CompiledOperation;
  subscription?: Subscription;
  values?: ParamValues;
  result?: InvokeResult;
  error?: GatewayError;
  /** Rows found or affected, for the track. */
  rows?: number;
  /** Milliseconds spent invoking the operation and shaping its answer (stages/backend-time.ts). */
  backendMs?: number;
  /** A whole answer's body as rendered (answer-body.ts), for the track. */
  body?: string | Uint8Array;
  /** The answer, when `track` rendered it with `req.render`. */
  response?: Response;
  /**
   * Set by `track` for an answer that streams: records the call's track once the stream has ended, with what was
   * sent. The last bytes wait for it, so a streamed answer is whole only once its track is written.
   */
  streamEnd?: (outcome: StreamOutcome) => Promise<void>;
}

/** How a streamed answer ended: sent whole, the caller left or stopped reading, or the source broke off midway. */
export interface StreamOutcome {
  end: 'complete' | 'caller_left' | 'caller_stalled' | 'broken';
  bytes: number;
  rows?: number;
}

export type Stage = (ctx: CallContext, next: () => Promise<void>) => Promise<void>;

/**
 * A stage that only looks and decides: it throws a GatewayError to stop the call, or returns to let it go on. It
 * returns a promise only when it has to wait (a token seen for the first time), so the others cost none.
 */
export type Check = (ctx: CallContext) => void | Promise<void>;
