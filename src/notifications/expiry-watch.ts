import type { Subscription } from '../model/subscription.ts';
import { log } from '../observability/log.ts';
import type { Store } from '../store/types.ts';
import { StoreError } from '../store/types.ts';
import type { Notifier } from './notifier.ts';

export const HOUR_MS = 60 * 60 * 1000;
/** How long before the expiry the requester is warned. */
export const WARN_BEFORE_MS = 7 * 24 * HOUR_MS;

export interface ExpiryWatch {
  /** One pass: what moved to expired and what was warned about. */
  runOnce(now?: number): Promise<{ expired: string[]; warned: string[] }>;
  /** No more passes; resolves when the one under way (if any) is done, so the store can be closed. */
  stop(): Promise<void>;
}

const open = (s: Subscription) => s.status === 'requested' || s.status === 'approved';

/**
 * Marks subscriptions past their expiry as expired and warns the requester 7 days before, each once: the mark is
 * written (version-checked) before the mail goes, so two passes, or two processes, never send one mail twice.
 * The gateway refuses an expired key by its `expiresAt` on its own, whenever this runs.
 */
export function startExpiryWatch(deps: { store: Store; notifier: Notifier; everyMs?: number }): ExpiryWatch {
  let running: Promise<{ expired: string[]; warned: string[] }> | undefined;

  async function mark(s: { id: string; version: number }, next: Subscription): Promise<boolean> {
    try {
      await deps.store.put('subscription', next, s.version);
      return true;
    } catch (err) {
      if (err instanceof StoreError && err.reason === 'version') return false; // changed meanwhile: the next pass sees it
      throw err;
    }
  }

  async function pass(now: number) {
    const expired: string[] = [], warned: string[] = [];
    for (const s of await deps.store.list('subscription')) {
      const sub = s.body;
      if (!sub.expiresAt || !open(sub)) continue;
      const ends = Date.parse(sub.expiresAt);
      if (ends <= now) {
        const next: Subscription = {
          ...sub, status: 'expired',
          history: [...sub.history, { at: new Date(now).toISOString(), by: 'system', action: 'expired' }],
        };
        if (await mark(s, next)) {
          expired.push(sub.id);
          await deps.notifier.subscription('expired', next, { by: 'system' });
        }
      } else if (sub.status === 'approved' && ends - now <= WARN_BEFORE_MS && sub.expiryWarned !== sub.expiresAt) {
        const next: Subscription = { ...sub, expiryWarned: sub.expiresAt };
        if (await mark(s, next)) {
          warned.push(sub.id);
          await deps.notifier.subscription('expiring', next, { by: 'system' });
        }
      }
    }
    return { expired, warned };
  }

  const runOnce = (now = Date.now()) => (running ??= pass(now).finally(() => (running = undefined)));
  const tick = () => runOnce().catch((err) => log('error', 'expiry watch failed', { error: String(err) }));
  const timer = setInterval(tick, deps.everyMs ?? HOUR_MS);
  (timer as { unref?: () => void }).unref?.();
  queueMicrotask(tick);
  return {
    runOnce,
    async stop() {
      clearInterval(timer);
      await running?.catch(() => {});
    },
  };
}
