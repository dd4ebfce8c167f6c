import { compose } from '../gateway/compose.ts';
import { GatewayError } from '../gateway/errors.ts';
import type { Caller, CompiledOperation } from '../gateway/operation.ts';
import type { CallContext, ValueResult } from '../gateway/types.ts';
import { verifiable } from '../gateway/stages/verify.ts';
import { shape } from '../gateway/stages/shape.ts';
import type { Subscription } from '../model/subscription.ts';
import type { Lang } from '../i18n/index.ts';
import { log } from '../observability/log.ts';
import { hasFieldRules } from '../gateway/field-rules.ts';
import { recordStep, type TrackedCall } from './step-track.ts';
import { rowsOutput, type StepRequest, stepInvoke, wholeValue } from './step-invoke.ts';
import type { PlanStep, StepDeps, StepReport } from './types.ts';

/**
 * A step runs the stages of a call after the caller's checks, as any call does: verification mode where its
 * operation asks for it, invoke, then the operation's own shape (fields, labels, JSONata) and the caller's field
 * rules. Resolving and validating come first (StepRun); the key check does not: the caller is authorized for the
 * composite itself.
 */
const stages = compose([verifiable(stepInvoke()), shape()]);
/** An operation without shape or verification, for a caller without field rules, needs its invoker only. */
const bare = (op: CompiledOperation, sub: Subscription | undefined) =>
  !op.op.verify && !op.jsonata && !op.shapeRow && !sub?.verify && !hasFieldRules(sub);

/** A subscription in verification mode makes the composite answer a verdict; its steps still read records. */
const asStep = new WeakMap<Subscription, Subscription>();
function stepSubscription(sub: Subscription | undefined): Subscription | undefined {
  if (!sub?.verify) return sub;
  let view = asStep.get(sub);
  if (!view) asStep.set(sub, (view = { ...sub, verify: false }));
  return view;
}

/** The composite call that steps belong to: what they share. */
export interface StepScope {
  deps: StepDeps;
  tracked: TrackedCall;
  lang: Lang;
  /** Whom the steps' calls are for, one composite deeper (Caller.depth). */
  stepCaller: Caller;
  /** Steps calling their operation now: the ones to stop when the call fails. */
  running: Set<StepRun>;
  /** Every step's track: the composite answers only once they are all written. */
  tracks: Promise<void>[];
}

/** How a step's call ended: its value, or the error it failed with. */
export interface RunEnd {
  value?: unknown;
  error?: GatewayError;
  rows?: number;
  cache?: string;
  steps?: Record<string, StepReport>;
  /** How long it took, ms. */
  ms: number;
}

/** What a step keeps of its operation's answer. */
const ended = (result: ValueResult, rows: number | undefined): Omit<RunEnd, 'ms'> =>
  ({ value: result.rows ?? result.data, rows, cache: result.meta?.source, steps: result.meta?.steps as RunEnd['steps'] });

let lastMs = 0;
let lastIso = '';
function nowIso(): string {
  const ms = Date.now();
  if (ms !== lastMs) [lastMs, lastIso] = [ms, new Date(ms).toISOString()];
  return lastIso;
}

/**
 * One step's call of its operation, bounded by the step's deadline: it ends with the operation's answer or when
 * given up (its deadline passed, the composite failed), whichever comes first; then its track is written once and
 * the operation's call, if still running, is cancelled through the step's signal.
 */
export class StepRun {
  readonly done: Promise<RunEnd>;
  #resolve!: (end: RunEnd) => void;
  #settled = false;
  #controller?: AbortController;
  #timer: ReturnType<typeof setTimeout>;
  #op?: CompiledOperation;
  readonly #at = nowIso();
  readonly #start = performance.now();

  constructor(private scope: StepScope, private step: PlanStep, private input: Record<string, string>, deadline: number) {
    this.done = new Promise((resolve) => (this.#resolve = resolve));
    scope.running.add(this);
    this.#timer = setTimeout(() => this.giveUp(new GatewayError('timeout'), 'timed out'), Math.max(0, deadline - Date.now()));
    this.#call(deadline).then((end) => this.#end(end), (err) => this.#end({ error: this.#failure(err) }));
  }

  /** Stops waiting for the operation and cancels it. */
  giveUp(error: GatewayError, note: string) {
    this.#end({ error }, note);
    this.#controller?.abort();
  }

  /** Read by the operation's invoker only when its call runs long (caller-gone.ts); aborted once given up. */
  readonly signal = (): AbortSignal => {
    this.#controller ??= new AbortController();
    if (this.#settled) this.#controller.abort();
    return this.#controller.signal;
  };

  async #call(deadline: number): Promise<Omit<RunEnd, 'ms'>> {
    const { scope, step } = this;
    const op = scope.deps.resolve(step.id);
    if (!op || !op.op.enabled) throw new GatewayError('step_operation', { id: step.id });
    this.#op = op;
    const values = op.validate(this.input, 'strict');
    const sub = scope.tracked.subscription;
    const { requestId } = scope.tracked;
    if (bare(op, sub)) {
      const result = wholeValue(await op.invoke(values, { signal: this.signal, deadline, output: rowsOutput(sub), requestId, caller: scope.stepCaller }));
      return ended(result, result.rowCount ?? result.rows?.length);
    }
    const { agency, service, operation } = step;
    const { remote, userAgent } = scope.stepCaller;
    const req: StepRequest = {
      interface: 'composite', agency, service, operation, params: this.input, key: undefined, format: 'json', envelope: 'v1',
      remote, userAgent, requestId, lang: scope.lang, deadline, stepSignal: this.signal, caller: scope.stepCaller,
      get signal() {
        return this.stepSignal();
      },
    };
    const ctx: CallContext = { req, startedAt: this.#start, op, subscription: stepSubscription(sub), values };
    await stages(ctx);
    return ended(ctx.result as ValueResult, ctx.rows);
  }

  #failure(err: unknown): GatewayError {
    if (err instanceof GatewayError) return err;
    log('error', 'composite step failed', { requestId: this.scope.tracked.requestId, step: this.step.name, error: String(err) });
    return new GatewayError('internal');
  }

  #end(end: Omit<RunEnd, 'ms'>, note?: string) {
    if (this.#settled) return;
    this.#settled = true;
    clearTimeout(this.#timer);
    this.scope.running.delete(this);
    const ms = Math.round((performance.now() - this.#start) * 1000) / 1000;
    const { error } = end;
    const track = recordStep(this.scope.deps, this.scope.tracked, this.step, this.#op, this.input, {
      at: this.#at, status: error ? error.status : 200, code: error ? error.code : 200, durationMs: ms, rows: end.rows, cache: end.cache, note,
    });
    track.catch(() => {}); // awaited with the others before the composite answers; not unhandled meanwhile
    this.scope.tracks.push(track);
    this.#resolve({ ...end, ms });
  }
}
