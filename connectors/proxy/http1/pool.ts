/**
 * Keep-alive connections to one origin. Idle ones wait LIFO (the warmest first) up to maxIdle, are closed after
 * idleMs, and leave the pool as soon as the server closes them or sends anything unasked.
 */
import { setInterval, clearInterval } from 'node:timers';
import { runtime, type TcpHandlers, type TcpSocket } from '../../../src/runtime/index.ts';
import type { Origin } from './target.ts';

export interface PoolLimits {
  maxIdle: number;
  /** Below the usual server keep-alive timeouts (Apache, Node: 5 s), so a reuse rarely races a server close. */
  idleMs: number;
}

export const defaultLimits: PoolLimits = { maxIdle: 64, idleMs: 4000 };

/** What a connection reports to the exchange using it. */
export interface ConnectionUser {
  onData(chunk: Uint8Array): void;
  onClose(error?: unknown): void;
}

export class Connection implements TcpHandlers {
  socket!: TcpSocket;
  /** Exchanges started on it; more than one means it came from the pool. */
  uses = 0;
  idleSince = 0;
  user: ConnectionUser | null = null;
  dead = false;

  constructor(private readonly pool: OriginPool) {}

  data(chunk: Uint8Array): void {
    if (this.user) return this.user.onData(chunk);
    // Nothing is owed on an idle connection: its state is unknown now.
    this.dead = true;
    this.socket.destroy();
    this.pool.remove(this);
  }

  close(error?: unknown): void {
    this.dead = true;
    if (this.user) this.user.onClose(error);
    else this.pool.remove(this);
  }
}

export class OriginPool {
  private readonly idle: Connection[] = [];
  private sweeper: ReturnType<typeof setInterval> | undefined;
  private closed = false;

  constructor(readonly origin: Origin, private readonly limits: PoolLimits) {}

  async open(): Promise<Connection> {
    const c = new Connection(this);
    c.socket = await runtime.connectTcp(this.origin.hostname, this.origin.port, c);
    // Never keeps the process alive, idle or not: while an exchange uses it, the exchange's deadline timer does.
    // (Once here instead of unref/ref around every exchange.)
    c.socket.unref();
    return c;
  }

  /** The most recently used live idle connection, if any. */
  take(now: number): Connection | undefined {
    for (;;) {
      const c = this.idle.pop();
      if (!c) return undefined;
      if (!c.dead && now - c.idleSince < this.limits.idleMs) return c;
      c.socket.close();
    }
  }

  /** Back to the pool after a complete exchange; closed instead when it cannot or need not be kept. */
  release(c: Connection): void {
    c.user = null;
    if (c.dead) return;
    if (this.closed || this.idle.length >= this.limits.maxIdle) {
      c.dead = true;
      c.socket.close();
      return;
    }
    c.idleSince = Date.now();
    this.idle.push(c);
    if (!this.sweeper) {
      this.sweeper = setInterval(() => this.sweep(), Math.max(250, Math.min(1000, this.limits.idleMs / 2)));
      this.sweeper.unref();
    }
  }

  remove(c: Connection): void {
    const i = this.idle.indexOf(c);
    if (i >= 0) this.idle.splice(i, 1);
  }

  get idleCount(): number {
    return this.idle.length;
  }

  /** Closes connections idle too long (the oldest sit at the bottom). */
  private sweep(): void {
    const limit = Date.now() - this.limits.idleMs;
    let n = 0;
    while (n < this.idle.length && this.idle[n].idleSince <= limit) n++;
    for (const c of this.idle.splice(0, n)) {
      c.dead = true;
      c.socket.close();
    }
    if (this.idle.length === 0) this.stopSweeper();
  }

  private stopSweeper(): void {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = undefined;
  }

  close(): void {
    this.closed = true;
    this.stopSweeper();
    for (const c of this.idle.splice(0)) {
      c.dead = true;
      c.socket.close();
    }
  }
}
