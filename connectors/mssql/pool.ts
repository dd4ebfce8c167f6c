/**
 * A small pool of connections for a driver that has none (tedious): at most `max` open, idle ones closed after
 * `idleMs`, callers beyond `max` wait in order. A caller that stops waiting (its statement timed out) leaves the
 * queue; a connection that arrives after its caller left goes back to the pool.
 */
export interface PoolSpec<C> {
  max: number;
  idleMs: number;
  create(): Promise<C>;
  destroy(conn: C): void;
  /** Still usable (not closed by the server or the network). */
  alive(conn: C): boolean;
}

interface Waiter<C> {
  resolve(conn: C): void;
  reject(err: unknown): void;
}

export interface Acquiring<C> {
  promise: Promise<C>;
  /** The caller gives up: it leaves the queue, and a connection made for it is kept for the next caller. */
  abandon(reason: unknown): void;
}

export class ConnectionPool<C> {
  #spec: PoolSpec<C>;
  #idle: { conn: C; timer: ReturnType<typeof setTimeout> }[] = [];
  #waiters: Waiter<C>[] = [];
  /** Connections open or being opened. */
  #count = 0;
  #closed = false;

  constructor(spec: PoolSpec<C>) {
    this.#spec = spec;
  }

  get size() {
    return this.#count;
  }

  get idle() {
    return this.#idle.length;
  }

  acquire(): Acquiring<C> {
    let waiter!: Waiter<C>;
    let settled = false;
    const promise = new Promise<C>((resolve, reject) => {
      waiter = {
        resolve: (conn) => (settled ? this.release(conn) : ((settled = true), resolve(conn))),
        reject: (err) => settled || ((settled = true), reject(err)),
      };
    });
    if (this.#closed) waiter.reject(new Error('pool closed'));
    else this.#serve(waiter);
    return {
      promise,
      abandon: (reason) => {
        const i = this.#waiters.indexOf(waiter);
        if (i >= 0) this.#waiters.splice(i, 1);
        waiter.reject(reason);
      },
    };
  }

  #serve(waiter: Waiter<C>) {
    while (this.#idle.length) {
      const { conn, timer } = this.#idle.pop()!;
      clearTimeout(timer);
      if (this.#spec.alive(conn)) return waiter.resolve(conn);
      this.#drop(conn);
    }
    if (this.#count < this.#spec.max) return this.#open(waiter);
    this.#waiters.push(waiter);
  }

  #open(waiter: Waiter<C>) {
    this.#count++;
    this.#spec.create().then(
      (conn) => (this.#closed ? this.#drop(conn) : waiter.resolve(conn)),
      (err) => {
        this.#count--;
        waiter.reject(err);
        // The slot is free again: a queued caller may try to connect now.
        const next = this.#waiters.shift();
        if (next) this.#serve(next);
      },
    );
  }

  /** A connection goes back for the next caller. */
  release(conn: C) {
    if (this.#closed || !this.#spec.alive(conn)) return this.discard(conn);
    const next = this.#waiters.shift();
    if (next) return next.resolve(conn);
    const timer = setTimeout(() => {
      const i = this.#idle.findIndex((e) => e.conn === conn);
      if (i >= 0) this.#idle.splice(i, 1);
      this.#drop(conn);
    }, this.#spec.idleMs);
    (timer as { unref?: () => void }).unref?.();
    this.#idle.push({ conn, timer });
  }

  /** A connection that must not be used again (broken, or left mid-statement). */
  discard(conn: C) {
    this.#drop(conn);
    const next = this.#waiters.shift();
    if (next) this.#serve(next);
  }

  #drop(conn: C) {
    this.#count--;
    try {
      this.#spec.destroy(conn);
    } catch {
      // already closed
    }
  }

  close() {
    this.#closed = true;
    for (const { conn, timer } of this.#idle.splice(0)) {
      clearTimeout(timer);
      this.#drop(conn);
    }
    for (const w of this.#waiters.splice(0)) w.reject(new Error('pool closed'));
  }
}
