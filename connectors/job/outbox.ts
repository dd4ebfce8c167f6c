/**
 * Messages to the other thread, sent together at the end of the current task: under load many jobs start and
 * finish within one task, and one postMessage for all of them costs far less than one each.
 */
export class Outbox<T> {
  #msgs: T[] = [];
  #transfer: Transferable[] = [];
  #queued = false;
  constructor(private post: (msgs: T[], transfer: Transferable[]) => void) {}

  send(msg: T, transfer?: Transferable[]) {
    this.#msgs.push(msg);
    if (transfer) for (const t of transfer) this.#transfer.push(t);
    if (!this.#queued) {
      this.#queued = true;
      queueMicrotask(this.#flush);
    }
  }

  #flush = () => {
    this.#queued = false;
    const msgs = this.#msgs;
    const transfer = this.#transfer;
    this.#msgs = [];
    this.#transfer = [];
    if (msgs.length) this.post(msgs, transfer);
  };
}
