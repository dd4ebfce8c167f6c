/**
 * A circuit breaker per backend origin, shared by every operation that calls it:
 * closed → open after N consecutive failures → half-open after a cool-down (one trial call at a time)
 * → closed on the trial's success, open again on its failure.
 * Thresholds come from each caller's configuration; the clock is passed in, so the state is plain data.
 */
export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerOptions {
  failures: number;
  coolDownMs: number;
}

export type Outcome = 'success' | 'failure' | 'neutral';

export class Breaker {
  state: BreakerState = 'closed';
  consecutiveFailures = 0;
  private openedAt = 0;
  private trialInFlight = false;

  /** May a call go out now? In half-open, only one trial at a time. */
  acquire(now: number, opts: BreakerOptions): boolean {
    if (this.state === 'closed') return true;
    if (this.state === 'open') {
      if (now - this.openedAt < opts.coolDownMs) return false;
      this.state = 'half-open';
      this.trialInFlight = false;
    }
    if (this.trialInFlight) return false;
    this.trialInFlight = true;
    return true;
  }

  /** Outcome of a call let through by acquire(): neutral = says nothing about the backend (e.g. cancelled). */
  record(outcome: Outcome, now: number, opts: BreakerOptions): void {
    if (this.state === 'half-open') this.trialInFlight = false;
    if (outcome === 'neutral') return;
    if (outcome === 'success') {
      this.state = 'closed';
      this.consecutiveFailures = 0;
      return;
    }
    this.consecutiveFailures++;
    if (this.state === 'half-open' || this.consecutiveFailures >= opts.failures) this.open(now);
  }

  /** An active health check failed. */
  open(now: number): void {
    this.state = 'open';
    this.openedAt = now;
    this.trialInFlight = false;
  }

  /** An active health check passed: an open circuit lets its trial call through at once. */
  healthy(): void {
    if (this.state === 'open') this.openedAt = -Infinity;
  }
}

export class BreakerRegistry {
  private readonly byOrigin = new Map<string, Breaker>();

  get(origin: string): Breaker {
    let b = this.byOrigin.get(origin);
    if (!b) this.byOrigin.set(origin, (b = new Breaker()));
    return b;
  }
}

/** The process-wide registry, used unless a caller passes its own. */
export const sharedBreakers = new BreakerRegistry();
