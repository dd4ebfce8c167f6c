import type { MiddlewareHandler } from 'hono';
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { checkComposite } from '../compose/check.ts';
import { compilePlan, PlanError } from '../compose/plan.ts';
import { GatewayError } from '../gateway/errors.ts';
import { pickLang } from '../i18n/index.ts';
import { Operation } from '../model/operation.ts';
import { operationSlug, slug } from '../model/slug.ts';
import type { AdminContext, AdminEnv } from './context.ts';
import { AdminError, invalid } from './errors.ts';
import { body, errors, input, json, register } from './openapi.ts';
import { authorize, requireGrant } from './policy.ts';

const tags = ['composites'];
const Params = z.object({ agency: slug, service: slug, slug: operationSlug });

const Checked = z.object({
  ok: z.literal(true),
  stages: z.array(z.array(z.string())).openapi({ description: 'Steps by when they can start: each stage waits only for earlier ones; steps of one stage run concurrently' }),
}).openapi('CompositeChecked');

const StepStatus = z.enum(['ok', 'default', 'omitted', 'failed', 'cancelled', 'skipped']);
const DryRunStep = z.object({
  name: z.string(),
  operation: z.string(),
  status: StepStatus,
  startMs: z.number(),
  ms: z.number(),
  input: z.record(z.string(), z.string()).optional().openapi({ description: 'The parameters the step computed and sent' }),
  output: z.unknown().optional().openapi({ description: 'What its operation answered (lists cut to 20 items)' }),
  outputItems: z.number().int().optional().openapi({ description: 'The length of a list output that was cut' }),
  code: z.number().int().optional(),
  error: z.string().optional(),
}).openapi('DryRunStep');
const DryRunAnswer = z.object({
  data: z.unknown().optional().openapi({ description: "The merged answer, shaped by the composite's expression" }),
  error: z.object({ code: z.number().int(), message: z.string() }).optional(),
  complete: z.boolean(),
  steps: z.array(DryRunStep),
}).openapi('DryRun');
const DryRunRequest = z.object({
  params: z.record(z.string(), z.string()).default({}).openapi({ description: "Sample values of the composite's parameters" }),
}).strict().openapi('DryRunRequest');

const notComposite = (id: string) => new AdminError(400, 'composite_not_composite', { id });

/** Steps grouped by the earliest moment they can start. */
function stagesOf(op: Operation): string[][] {
  const plan = compilePlan(op);
  const level = new Map<number, number>();
  for (const s of plan.steps) level.set(s.index, Math.max(-1, ...s.needs.map((i) => level.get(i)!)) + 1);
  const stages: string[][] = [];
  for (const s of plan.steps) (stages[level.get(s.index)!] ??= []).push(s.name);
  return stages;
}

/**
 * Building composites: validate one before saving it (the checks saving runs), and dry-run a saved one with
 * sample parameters, every step's input and output laid open. Both are for those who may write the operation.
 */
export function mountCompositeRoutes(app: OpenAPIHono<AdminEnv>, guards: MiddlewareHandler<AdminEnv>[], ctx: AdminContext) {
  const writers = [...guards, requireGrant('operation', 'write')];
  const lookup = async (id: string) => (await ctx.store.get('operation', id))?.body;

  register(app, writers, createRoute({
    method: 'post', path: '/composites/validate', tags, summary: 'Check a composite operation as saving would, without saving it',
    request: { body: body(Operation) },
    responses: { 200: json(Checked, 'Nothing is wrong with it'), ...errors(400, 401, 403, 413) },
  }), async (c) => {
    const op = input<Operation>(c, 'json');
    authorize(c.get('user'), 'operation', 'write', op);
    if (op.kind !== 'composite') throw notComposite(`${op.agency}/${op.service}/${op.slug}`);
    const issues = await checkComposite(op, lookup);
    if (issues.length) throw invalid(issues);
    return c.json({ ok: true as const, stages: stagesOf(op) }, 200);
  });

  register(app, writers, createRoute({
    method: 'post', path: '/operations/{agency}/{service}/{slug}/dry-run', tags,
    summary: 'Run a saved composite once with sample parameters; its inner calls are real and tracked',
    request: { params: Params, body: body(DryRunRequest) },
    responses: { 200: json(DryRunAnswer, 'How every step went, and the answer'), ...errors(400, 401, 403, 404, 503) },
  }), async (c) => {
    const p = input<Record<string, string>>(c, 'param');
    const id = `${p.agency}/${p.service}/${p.slug}`;
    const stored = await ctx.store.get('operation', id);
    if (!stored) throw new AdminError(404, 'not_found', { kind: 'operation', id });
    const user = c.get('user');
    authorize(user, 'operation', 'write', stored.body);
    if (!stored.body.composite) throw notComposite(id);
    if (!ctx.composites) throw new AdminError(503, 'composites_unavailable');
    const lang = pickLang(c.req.raw);
    const env = c.env as { remoteAddress?: string; requestId?: string } | undefined;
    const { params } = input<{ params: Record<string, string> }>(c, 'json');
    try {
      const run = await ctx.composites.dryRun(stored.body, params, {
        requestId: env?.requestId ?? crypto.randomUUID(), remote: env?.remoteAddress ?? '',
        userAgent: c.req.header('user-agent') ?? '', lang, user: user.username,
      });
      return c.json(run, 200);
    } catch (err) {
      if (err instanceof PlanError) throw invalid(err.issues);
      if (err instanceof GatewayError) throw invalid([{ path: `params${err.vars.name ? `.${err.vars.name}` : ''}`, message: err.text(lang) }]);
      throw err;
    }
  });
}
