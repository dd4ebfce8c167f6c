import type { Subscription } from '../model/subscription.ts';
import { createNotifier, isMailEvent, type Notifier } from '../notifications/notifier.ts';
import { log } from '../observability/log.ts';
import type { AdminContext } from './context.ts';

const made = new WeakMap<AdminContext, Notifier>();

/** The context's notifier, or one over its store's SMTP settings, made once. */
export function notifierOf(ctx: AdminContext): Notifier {
  let n = ctx.notifier ?? made.get(ctx);
  if (!n) made.set(ctx, (n = createNotifier(ctx)));
  return n;
}

/**
 * Mails about a subscription that moved to another status (requested, approved, rejected, revoked, expired), with
 * who did it and their note from its last history entry. The change never waits for mail nor fails because of it.
 */
export async function announce(ctx: AdminContext, after: Subscription, before?: Subscription): Promise<void> {
  if (before?.status === after.status || !isMailEvent(after.status)) return;
  const last = after.history.at(-1);
  notifierOf(ctx).subscription(after.status, after, { by: last?.by, note: last?.note })
    .catch((err) => log('warn', 'notification failed', { subscription: after.id, error: String(err) }));
}
