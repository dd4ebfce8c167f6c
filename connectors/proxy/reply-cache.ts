/**
 * Answers kept per backend request, most recently used last, for the TTL cache and for MANTRA's fallback
 * (the last good answer served when the backend fails). Values are copied in and out, so callers can never
 * change what another caller gets.
 */
export interface CachedReply {
  data: unknown;
  status: number;
  headers?: Record<string, string>;
  /** When the backend gave it (clock of the invoker). */
  at: number;
}

export class ReplyCache {
  private readonly entries = new Map<string, CachedReply>();

  constructor(private readonly maxEntries: number) {}

  get(key: string): CachedReply | undefined {
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    this.entries.delete(key);
    this.entries.set(key, hit);
    return { ...hit, data: structuredClone(hit.data) };
  }

  set(key: string, reply: CachedReply): void {
    this.entries.delete(key);
    this.entries.set(key, { ...reply, data: structuredClone(reply.data) });
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }
}
