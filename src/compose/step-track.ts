import type { TrackInput } from '../store/types.ts';
import type { Caller, CompiledOperation } from '../gateway/operation.ts';
import type { Subscription } from '../model/subscription.ts';
import type { PlanStep, StepDeps } from './types.ts';

/** The composite call a step belongs to, as its track names it. */
export interface TrackedCall {
  requestId: string;
  caller?: Caller;
  subscription?: Subscription;
  /** `agency/service/operation` of the composite. */
  composite: string;
  /** The admin user running a dry run (admin tracks name users the same way). */
  user?: string;
}

/** How one inner call ended. */
export interface StepEnd {
  at: string;
  status: number;
  code: number;
  durationMs: number;
  rows?: number;
  cache?: string;
  /** Why it ended as it did, when not by its own answer (timed out, the call failed elsewhere). */
  note?: string;
}

/**
 * The track of one inner call: interface `composite`, the step's operation, the outer call's request id (the
 * correlation id that links them), and the subscription, purpose and address the outer call was made under.
 * Parameters are kept as the step's operation says, as keyed hashes by default. Resolves once it is written.
 */
export function recordStep(deps: StepDeps, call: TrackedCall, step: PlanStep, op: CompiledOperation | undefined, input: Record<string, string>, end: StepEnd): Promise<void> {
  const { agency, service, operation } = step;
  deps.metrics.call('composite', op, end.code, end.durationMs);
  if (!deps.tracksOn()) return Promise.resolve();
  const sub = call.subscription;
  const rules = deps.evidence.of(op?.op);
  const entry: TrackInput = {
    at: end.at,
    requestId: call.requestId,
    interface: 'composite',
    agency, service, operation,
    subscription: sub?.id,
    consumer: sub?.consumer ?? call.user,
    remote: call.caller?.remote ?? '',
    userAgent: call.caller?.userAgent.slice(0, 200) ?? '',
    format: 'json',
    status: end.status,
    code: end.code,
    durationMs: end.durationMs,
    backendMs: end.durationMs,
    rows: end.rows,
    cache: end.cache && end.cache !== 'backend' ? end.cache : undefined,
    purpose: sub?.purpose || undefined,
    legalBasis: sub?.legalBasis || undefined,
    params: deps.evidence.params.params(input, rules.rules),
    note: `step ${step.name} of ${call.composite}${call.user ? ' (dry run)' : ''}${end.note ? `: ${end.note}` : ''}` +
      // Its answer goes into the composite's, which is signed or kept where the composite asks for it.
      (rules.signAnswers || rules.storeAnswers ? '; a step\'s answer is not signed or kept' : ''),
  };
  return deps.tracker.record(entry).then(() => void deps.metrics.tracks++, (err) => {
    deps.metrics.trackFailures++;
    throw err;
  });
}
