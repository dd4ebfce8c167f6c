import { GatewayError } from '../gateway/errors.ts';
import type { InvokeOptions, ParamValues } from '../gateway/operation.ts';
import { whenCallerGone } from '../gateway/caller-gone.ts';
import { log } from '../observability/log.ts';
import { stepInput } from './input.ts';
import { reasonOf } from './plan.ts';
import { asGatewayError, StepError } from './step-error.ts';
import { type RunEnd, type StepScope, StepRun } from './step.ts';
import type { Plan, PlanStep, StepDeps, StepReport, StepStatus } from './types.ts';

/** Composites inside composites, at most: cycles are refused when saved, this stops one that came in otherwise. */
export const MAX_DEPTH = 8;

/** What a dry run sees of each step besides its report. */
export interface StepSeen {
  input?: Record<string, string>;
  output?: unknown;
  error?: GatewayError;
}
export type Observer = (step: PlanStep, seen: StepSeen) => void;

/** A composite call's outcome: the merged (and shaped) answer, or the failure; every step's report either way. */
export interface CompositeAnswer {
  data?: unknown;
  failure?: GatewayError;
  reports: Record<string, StepReport>;
  /** Every step succeeded. */
  complete: boolean;
}

const round = (ms: number) => Math.round(ms * 10) / 10;

/**
 * The fan-out (Lura's merger over Mantra's invokers): every step starts as soon as the steps it needs are done, so
 * steps without a dependency run concurrently. Each step gets the smaller of its own timeout and the composite's
 * remaining time as its deadline. A failed step does what it is configured to do; a step whose `fail` applies
 * fails the call at once and stops the steps still running. The answer waits for every step's track.
 */
export async function runComposite(plan: Plan, values: ParamValues, opts: InvokeOptions, deps: StepDeps, dry?: DryRunHooks): Promise<CompositeAnswer> {
  const depth = opts.caller?.depth ?? 0;
  if (depth >= MAX_DEPTH) return { failure: new GatewayError('composite_depth', { max: MAX_DEPTH }), reports: {}, complete: false };
  return new CompositeCall(plan, values, opts, deps, depth, dry).run();
}

/** A dry run watches every step, and its steps' tracks name the admin user who ran it. */
export interface DryRunHooks {
  observe: Observer;
  user: string;
}

class CompositeCall {
  readonly #t0 = performance.now();
  readonly #deadline: number;
  readonly #scope: StepScope;
  /** The usable value of every step done: its answer or its default. */
  readonly #done = new Map<string, unknown>();
  readonly #reports: Record<string, StepReport> = {};
  #failure?: GatewayError;
  readonly #stopped = Promise.withResolvers<never>();

  private observe?: Observer;

  constructor(private plan: Plan, private values: ParamValues, private opts: InvokeOptions, deps: StepDeps, depth: number, dry?: DryRunHooks) {
    this.#deadline = Math.min(opts.deadline ?? Infinity, Date.now() + plan.timeoutMs);
    this.observe = dry?.observe;
    const { remote = '', userAgent = '', lang = 'id' } = opts.caller ?? {};
    this.#scope = {
      deps, lang, stepCaller: { remote, userAgent, lang, depth: depth + 1 }, running: new Set(), tracks: [],
      tracked: { requestId: opts.requestId, caller: opts.caller, subscription: opts.output.subscription, composite: plan.id, user: dry?.user },
    };
    this.#stopped.promise.catch(() => {});
  }

  async run(): Promise<CompositeAnswer> {
    const stopWatching = whenCallerGone(this.opts.signal, () => this.#fail(new GatewayError('client_gone')));
    try {
      const ends = new Array<Promise<void>>(this.plan.names.length);
      for (const step of this.plan.steps) {
        ends[step.index] = step.needs.length === 0 ? this.#run(step) : Promise.all(step.needs.map((i) => ends[i])).then(() => this.#run(step));
      }
      await Promise.race([Promise.all(ends), this.#stopped.promise]).catch(() => {});
    } finally {
      stopWatching();
    }
    const { tracks } = this.#scope;
    if (this.#failure) {
      for (const name of this.plan.names) this.#reports[name] ??= { status: 'skipped', startMs: this.#elapsed(), ms: 0 };
      await Promise.allSettled(tracks);
      return { failure: this.#failure, reports: this.#ordered(), complete: false };
    }
    try {
      await Promise.all(tracks);
    } catch (err) {
      log('error', 'composite step track write failed', { requestId: this.opts.requestId, error: String(err) });
      return { failure: new GatewayError('internal'), reports: this.#ordered(), complete: false };
    }
    const reports = this.#ordered();
    const complete = this.plan.names.every((n) => reports[n].status === 'ok');
    const merged: Record<string, unknown> = {};
    for (const name of this.plan.names) if (this.#done.has(name)) merged[name] = this.#done.get(name);
    if (!this.plan.expression) return { data: merged, reports, complete };
    try {
      return { data: (await this.plan.expression.evaluate(merged, { params: this.values })) ?? null, reports, complete };
    } catch (err) {
      return { failure: new GatewayError('composite_expression', { reason: reasonOf(err) }), reports, complete: false };
    }
  }

  #elapsed = () => round(performance.now() - this.#t0);

  /** Reports in the order the steps were written. */
  #ordered(): Record<string, StepReport> {
    const out: Record<string, StepReport> = {};
    for (const name of this.plan.names) out[name] = this.#reports[name];
    return out;
  }

  async #run(step: PlanStep): Promise<void> {
    const startMs = this.#elapsed();
    if (this.#failure) return void (this.#reports[step.name] = { status: 'skipped', startMs, ms: 0 });
    const failedNeed = step.needs.find((i) => !this.#done.has(this.plan.names[i]));
    if (failedNeed !== undefined) return this.#unsuccessful(step, startMs, 0, new GatewayError('step_needs', { need: this.plan.names[failedNeed] }));
    let input: Record<string, string> = {};
    try {
      if (step.params.length) input = await stepInput(step, this.values, this.#done);
    } catch (err) {
      return this.#unsuccessful(step, startMs, round(performance.now() - this.#t0 - startMs), asGatewayError(err));
    }
    const deadline = Math.min(Date.now() + step.timeoutMs, this.#deadline);
    // No call is made once the composite's time is up: the step has timed out without one.
    if (deadline <= Date.now()) return this.#unsuccessful(step, startMs, 0, new GatewayError('timeout'), input);
    const end = await new StepRun(this.#scope, step, input, deadline).done;
    if (end.error) return this.#unsuccessful(step, startMs, round(end.ms), end.error, input, end);
    this.#done.set(step.name, end.value);
    this.#reports[step.name] = { status: 'ok', startMs, ms: round(end.ms), ...(end.steps ? { steps: end.steps } : {}) };
    this.observe?.(step, { input, output: end.value });
  }

  /** A step that did not succeed: what its configuration says happens next. */
  #unsuccessful(step: PlanStep, startMs: number, ms: number, error: GatewayError, input?: Record<string, string>, end?: RunEnd) {
    const f = step.onFailure;
    const status: StepStatus = this.#failure ? 'cancelled' : f === 'fail' ? 'failed' : f === 'omit' ? 'omitted' : 'default';
    this.#reports[step.name] = { status, startMs, ms, code: error.code, error: error.key, ...(end?.steps ? { steps: end.steps } : {}) };
    this.observe?.(step, { input, error });
    if (status === 'failed') this.#fail(new StepError(step.name, error));
    if (status === 'default') this.#done.set(step.name, (f as { default: unknown }).default);
  }

  /** Fails the whole call: the steps still running are stopped (and tracked so), the ones waiting never start. */
  #fail(error: GatewayError) {
    if (this.#failure) return;
    this.#failure = error;
    const why = error instanceof StepError ? `cancelled: step ${error.step} failed` : 'cancelled: the caller left';
    for (const run of [...this.#scope.running]) run.giveUp(new GatewayError('client_gone'), why);
    this.#stopped.reject(error);
  }
}
