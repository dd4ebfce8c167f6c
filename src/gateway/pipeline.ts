import type { Secrets } from '../security/index.ts';
import type { Tracker } from '../observability/tracker.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { Evidence } from '../audit/evidence.ts';
import type { AccessTokens } from '../security/tokens.ts';
import { compose } from './compose.ts';
import type { Registry } from './registry.ts';
import type { CallContext, GatewayRequest } from './types.ts';
import { track } from './stages/track.ts';
import { backendTime } from './stages/backend-time.ts';
import { requireKey } from './stages/require-key.ts';
import { resolve } from './stages/resolve.ts';
import { authenticate } from './stages/authenticate.ts';
import { authorize } from './stages/authorize.ts';
import { limit } from './stages/limit.ts';
import type { Counter } from '../limits/index.ts';
import { params } from './stages/params.ts';
import { invoke } from './stages/invoke.ts';
import { verifiable } from './stages/verify.ts';
import { shape } from './stages/shape.ts';
import { checks } from './stages/checks.ts';
import { read } from './stages/read.ts';

export interface GatewayDeps {
  registry: Registry;
  secrets: Secrets;
  tracker: Tracker;
  tokens: AccessTokens;
  /** Keyed hashes, answer signatures and kept answers for the tracks. */
  evidence: Evidence;
  metrics: Metrics;
  /** Counts calls against rate limits and quotas: in memory (default) or in Redis across nodes. */
  limits?: Counter;
}

/** The stage order, written once. `track` is outermost so it sees every outcome and its timing. */
export function buildPipeline(deps: GatewayDeps): (req: GatewayRequest) => Promise<CallContext> {
  const run = compose([
    track({ ...deps, enabled: () => deps.registry.settings.tracks }),
    read(deps.registry),
    checks([requireKey(), resolve(deps.registry), authenticate(deps.registry, deps.secrets, deps.tokens), authorize(), limit(deps.limits), params()]),
    backendTime(),
    verifiable(invoke()),
    shape(),
  ]);
  // Callers wait for registry.ready() first: the caller interfaces need its settings before the call anyway.
  return async function call(req) {
    const ctx: CallContext = { req, startedAt: performance.now() };
    await run(ctx);
    return ctx;
  };
}

export type Call = ReturnType<typeof buildPipeline>;
