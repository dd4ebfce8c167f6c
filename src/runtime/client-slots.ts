/** A cap on what one client address may hold at once, so that one address cannot use up the descriptors. */
import type { RequestLimits } from './types.ts';

export class ClientSlots {
  readonly #held = new Map<string, number>();

  constructor(readonly limits: Pick<RequestLimits, 'maxPerClient' | 'uncapped'>) {}

  /** False when the address already holds its share; each true is matched by one release(). */
  take(address: string): boolean {
    const held = this.#held.get(address) ?? 0;
    if (held >= this.limits.maxPerClient && !this.limits.uncapped?.(address)) return false;
    this.#held.set(address, held + 1);
    return true;
  }

  release(address: string): void {
    const held = (this.#held.get(address) ?? 1) - 1;
    if (held > 0) this.#held.set(address, held);
    else this.#held.delete(address);
  }
}

export const TOO_MANY_TEXT = 'Too Many Requests: too many connections from this address\n';

/** The refusal of a client over its cap; the connection is closed after it. */
export function tooManyFromClient(): Response {
  return new Response(TOO_MANY_TEXT, {
    status: 429,
    headers: { 'content-type': 'text/plain;charset=utf-8', 'retry-after': '1', connection: 'close' },
  });
}
