/**
 * Active health checks: GET the configured URL every interval (never two at once). A failed check opens the
 * backend's circuit; a passed one lets an open circuit try a call at once. Stopped by the returned function.
 */
import type { Breaker } from './breaker.ts';
import type { Transport } from './transport.ts';

export interface HealthCheckOptions {
  url: string;
  intervalMs: number;
  timeoutMs: number;
  transport: Transport;
  breaker?: Breaker;
  now: () => number;
  onResult: (ok: boolean, at: number) => void;
}

export function startHealthChecks(opts: HealthCheckOptions): () => void {
  let running = false;
  let stopped = false;
  const controller = new AbortController();
  const probe = async () => {
    if (running || stopped) return;
    running = true;
    let ok = false;
    try {
      const res = await opts.transport.send(
        { method: 'GET', url: opts.url, headers: { Accept: '*/*' }, idempotent: true },
        { signal: controller.signal, deadline: Date.now() + opts.timeoutMs, headersTimeoutMs: opts.timeoutMs, maxBytes: 64 * 1024 },
      );
      ok = res.status >= 200 && res.status < 400;
    } catch {
      ok = false;
    } finally {
      running = false;
    }
    if (stopped) return;
    const at = opts.now();
    if (ok) opts.breaker?.healthy();
    else opts.breaker?.open(at);
    opts.onResult(ok, at);
  };
  const timer = setInterval(probe, opts.intervalMs);
  return () => {
    stopped = true;
    clearInterval(timer);
    controller.abort();
  };
}
