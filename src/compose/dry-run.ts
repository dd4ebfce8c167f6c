import type { Lang } from '../i18n/index.ts';
import type { Operation } from '../model/operation.ts';
import { compileParams } from '../gateway/params.ts';
import type { StepDeps, StepStatus } from './types.ts';
import { compilePlan } from './plan.ts';
import { runComposite } from './run.ts';

/** Lists longer than this are cut in a dry run's view of a step: it is for looking, not for exporting. */
const SHOWN_ITEMS = 20;

export interface DryRunStep {
  name: string;
  operation: string;
  status: StepStatus;
  startMs: number;
  ms: number;
  /** The parameters the step computed, as sent to its operation. */
  input?: Record<string, string>;
  output?: unknown;
  /** A list output longer than was shown: its length. */
  outputItems?: number;
  code?: number;
  /** In the reader's language, naming what failed. */
  error?: string;
}

export interface DryRun {
  /** The merged answer, shaped by the composite's expression (before the operation's own shape and field rules). */
  data?: unknown;
  error?: { code: number; message: string };
  complete: boolean;
  steps: DryRunStep[];
}

/** Who runs it, for the steps' tracks. */
export interface DryRunCall {
  requestId: string;
  remote: string;
  userAgent: string;
  lang: Lang;
  user: string;
}

/** What the admin API asks of the gateway: a composite run once with sample parameters, every step laid open. */
export interface CompositeRunner {
  /** Throws PlanError for a composite that cannot run, GatewayError for parameters it refuses. */
  dryRun(op: Operation, params: Record<string, string>, call: DryRunCall): Promise<DryRun>;
}

const never = new AbortController().signal;

/**
 * Dry runs go through the same fan-out as calls, over the operations as the registry has them now; their inner
 * calls are real calls and are tracked as such (interface `composite`, the admin request's id, the user).
 */
export function compositeRunner(registry: { steps: StepDeps; ready(): Promise<void> | undefined }): CompositeRunner {
  return {
    async dryRun(op, params, call) {
      const plan = compilePlan(op);
      const values = compileParams(op.params)(params, 'strict');
      await registry.ready();
      const seen = new Map<string, DryRunStep>();
      const answer = await runComposite(plan, values, {
        signal: () => never,
        output: { format: 'json', envelope: 'v1' },
        requestId: call.requestId,
        caller: { remote: call.remote, userAgent: call.userAgent, lang: call.lang },
      }, registry.steps, {
        user: call.user,
        observe: (step, s) => {
          const long = Array.isArray(s.output) && s.output.length > SHOWN_ITEMS;
          seen.set(step.name, {
            name: step.name, operation: step.id, status: 'ok', startMs: 0, ms: 0, input: s.input,
            output: long ? (s.output as unknown[]).slice(0, SHOWN_ITEMS) : s.output,
            ...(long ? { outputItems: (s.output as unknown[]).length } : {}),
            ...(s.error ? { error: s.error.text(call.lang) } : {}),
          });
        },
      });
      const steps = plan.names.map((name) => {
        const r = answer.reports[name];
        const step = plan.steps.find((s) => s.name === name)!;
        return { ...(seen.get(name) ?? { name, operation: step.id }), status: r.status, startMs: r.startMs, ms: r.ms, ...(r.code !== undefined ? { code: r.code } : {}) } as DryRunStep;
      });
      if (answer.failure) return { error: { code: answer.failure.code, message: answer.failure.text(call.lang) }, complete: false, steps };
      return { data: answer.data, complete: answer.complete, steps };
    },
  };
}
