import type { Consumer } from '../model/consumer.ts';
import type { Subscription } from '../model/subscription.ts';
import { keyPrint } from '../security/tokens.ts';

/** How much a subscription counts when a consumer holds several for one operation: the usable one wins. */
const rank: Record<string, number> = { approved: 3, expired: 2 };

/**
 * The consumers' side of the configuration, as the authenticate stage and the token endpoint look it up: the
 * application keys, each consumer's subscription per operation, and the subscriptions of each key. Built by the
 * registry on every reload; calls only read maps.
 */
export class Credentials {
  static readonly empty = new Credentials([], []);

  #consumers = new Map<string, Consumer>();
  #consumerOfKey = new Map<string, string>();
  #byConsumer = new Map<string, Map<string, Subscription>>();
  #byKey = new Map<string, Subscription[]>();
  #prints = new Map<string, string>();

  constructor(consumers: readonly { id: string; body: Consumer }[], subscriptions: readonly { body: Subscription }[]) {
    for (const { id, body } of consumers) {
      this.#consumers.set(id, body);
      if (body.keyHash) {
        this.#consumerOfKey.set(body.keyHash, id);
        this.#prints.set(body.keyHash, keyPrint(body.keyHash));
      }
    }
    for (const { body: sub } of subscriptions) {
      const opId = `${sub.agency}/${sub.service}/${sub.operation}`;
      let ops = this.#byConsumer.get(sub.consumer);
      if (!ops) this.#byConsumer.set(sub.consumer, (ops = new Map()));
      const held = ops.get(opId);
      if (!held || (rank[sub.status] ?? 1) > (rank[held.status] ?? 1)) ops.set(opId, sub);
      const same = this.#byKey.get(sub.keyHash);
      if (same) same.push(sub);
      else this.#byKey.set(sub.keyHash, [sub]);
      if (!this.#prints.has(sub.keyHash)) this.#prints.set(sub.keyHash, keyPrint(sub.keyHash));
    }
  }

  consumer(id: string): Consumer | undefined {
    return this.#consumers.get(id);
  }

  /** The consumer whose application key has this hash. */
  consumerOfKey(keyHash: string): string | undefined {
    return this.#consumerOfKey.get(keyHash);
  }

  /** The consumer's subscription to an operation (an approved one if it holds several). */
  subscriptionOf(consumer: string, opId: string): Subscription | undefined {
    return this.#byConsumer.get(consumer)?.get(opId);
  }

  /** Every subscription of a consumer, one per operation. */
  subscriptionsOf(consumer: string): Iterable<Subscription> {
    return this.#byConsumer.get(consumer)?.values() ?? [];
  }

  /** The subscriptions whose key has this hash (a MANTRA key may serve several operations). */
  subscriptionsOfKey(keyHash: string): readonly Subscription[] {
    return this.#byKey.get(keyHash) ?? [];
  }

  /** keyPrint() of a stored key hash, computed once per configuration. */
  printOf(keyHash: string): string {
    return this.#prints.get(keyHash) ?? keyPrint(keyHash);
  }
}
