import type { Kind } from '../model/index.ts';
import { log } from '../observability/log.ts';

/**
 * A store's revision counter and change listeners (Store.revision / onChange), the same for every store. A
 * listener that throws is logged and the others still run: a cache's failure must not undo or hide a write.
 */
export class ChangeFeed {
  #rev = 0;
  #listeners = new Set<(kind: Kind, id: string) => void>();

  get revision(): number {
    return this.#rev;
  }

  on(fn: (kind: Kind, id: string) => void): () => void {
    this.#listeners.add(fn);
    return () => void this.#listeners.delete(fn);
  }

  changed(kind: Kind, id: string) {
    this.#rev++;
    for (const fn of this.#listeners) {
      try {
        fn(kind, id);
      } catch (err) {
        log('error', 'a store change listener failed', { error: String(err) });
      }
    }
  }
}
