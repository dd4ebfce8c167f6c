import { z } from '@hono/zod-openapi';
import { operationSlug, slug } from './slug.ts';

/**
 * What a failed step leaves in the answer: `fail` fails the whole call, `omit` leaves the step out, `{default}` puts
 * that value in its place. The step's status says which happened, so a partial answer is never silent.
 */
export const StepOnFailure = z
  .union([
    z.enum(['fail', 'omit']),
    z.object({ default: z.unknown() }).strict().refine((v) => 'default' in v, { message: 'default: a value is required' }),
  ])
  .openapi('StepOnFailure');
export type StepOnFailure = z.infer<typeof StepOnFailure>;

/** A step calls another operation; steps run concurrently unless one `needs` another's output. */
export const CompositeStep = z
  .object({
    name: operationSlug,
    agency: slug,
    service: slug,
    operation: operationSlug,
    /** Step parameter ← JSONata expression over { params, steps }. */
    params: z.record(z.string(), z.string()).default({}),
    needs: z.array(operationSlug).default([]),
    timeoutMs: z.number().int().min(10).max(600_000).default(10_000),
    /** Older form of `onFailure: "omit"`; `onFailure` wins when both are given. */
    optional: z.boolean().default(false),
    onFailure: StepOnFailure.optional(),
  })
  .strict();
export type CompositeStep = z.infer<typeof CompositeStep>;

export const CompositeSpec = z
  .object({
    steps: z.array(CompositeStep).min(1).max(32),
    /** JSONata expression shaping the merged answer (the object keyed by step name; the caller's values in `$params`). */
    expression: z.string().max(20_000).optional(),
    /** The whole call's time, steps waiting for each other included: no step runs past it. */
    timeoutMs: z.number().int().min(10).max(600_000).default(30_000),
  })
  .strict()
  .openapi('CompositeSpec');
export type CompositeSpec = z.infer<typeof CompositeSpec>;

/** What a step does when it fails, with the older `optional` flag read. */
export const onFailureOf = (step: CompositeStep): StepOnFailure => step.onFailure ?? (step.optional ? 'omit' : 'fail');
