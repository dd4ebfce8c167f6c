/** The shapes a composite operation is made of: its plan (compiled once), its steps' reports (one per call). */
import type jsonata from 'jsonata';
import type { StepOnFailure } from '../model/operation-composite.ts';
import type { CompiledOperation } from '../gateway/operation.ts';
import type { Tracker } from '../observability/tracker.ts';
import type { Evidence } from '../audit/evidence.ts';
import type { Metrics } from '../observability/metrics.ts';

export interface PlanStep {
  index: number;
  name: string;
  /** The operation it calls, `agency/service/operation`, and its parts. */
  id: string;
  agency: string;
  service: string;
  operation: string;
  /** Parameter name ← compiled JSONata expression over `{params, steps}`. */
  params: { name: string; expression: jsonata.Expression }[];
  /** The steps it waits for, as indices into `Plan.names`. */
  needs: number[];
  /** Every step it waits for, directly or through others: what its expressions may read of `steps`. */
  sees: string[];
  timeoutMs: number;
  onFailure: StepOnFailure;
}

export interface Plan {
  /** `agency/service/operation` of the composite itself. */
  id: string;
  /** Step names in the order they were written (the order of the merged answer); `needs` index into it. */
  names: string[];
  /** In an order where every step comes after the steps it needs. */
  steps: PlanStep[];
  /** Shapes the merged answer; without it the answer is the object keyed by step name. */
  expression?: jsonata.Expression;
  timeoutMs: number;
}

/**
 * What became of one step: `ok`; `default` or `omitted` (it failed, and its default value stands in its place or
 * it is left out); `failed` (it failed the whole call); `cancelled` (stopped because the call failed elsewhere);
 * `skipped` (not run: the call had failed before its turn). Answers show the first three; a dry run shows all.
 */
export type StepStatus = 'ok' | 'default' | 'omitted' | 'failed' | 'cancelled' | 'skipped';

export interface StepReport {
  status: StepStatus;
  /** Milliseconds from the composite's start to the step's start, and how long the step took. */
  startMs: number;
  ms: number;
  /** MANTRA's code and the error key of a step that did not succeed. */
  code?: number;
  error?: string;
  /** A nested composite's own steps. */
  steps?: Record<string, StepReport>;
}

/** What the steps need beyond their plan: the registry's operations as they are now, and where tracks go. */
export interface StepDeps {
  resolve(id: string): CompiledOperation | undefined;
  tracker: Tracker;
  evidence: Evidence;
  metrics: Metrics;
  /** The settings' `tracks` flag as it is now. */
  tracksOn(): boolean;
}
