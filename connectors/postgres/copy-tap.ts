/**
 * The sockets of the export connections, with a tap that takes a COPY's data off the wire before postgres.js sees
 * it. postgres.js makes a Buffer view, a stream push and an event of every CopyData message, and COPY sends one
 * per row: a 1,000,000-row export cost about a second of CPU and left 60-90 MB of garbage in Bun's heap. The tap
 * walks the protocol's message frames and hands the bytes of CopyData messages straight to the export, as ranges
 * of the socket's own chunk; every other message goes to postgres.js unchanged, so it still runs the connection
 * (startup, errors, CopyDone, the end of the statement). Backpressure is the tap's: paused, it keeps what came
 * and pauses the socket. Plain TCP only: on a TLS connection the bytes here are ciphertext, and postgres.js's own
 * stream is read instead (copy.ts).
 */
import net from 'node:net';

/** Where a tapped COPY's data goes: payload bytes in order, valid only during the call. */
export interface CopySink {
  /** One whole CopyData payload (a record, with its line end). */
  row(buf: Uint8Array, start: number, end: number): void;
  /** Part of a payload split across socket chunks. */
  bytes(buf: Uint8Array, start: number, end: number): void;
  /** False once the sink wants no more for now; the tap then waits for resume(). */
  wantsMore(): boolean;
}

const COPY_DATA = 100, COPY_OUT = 72, COPY_DONE = 99, ERROR = 69, READY = 90, KEY_DATA = 75;

type Chunk = Uint8Array & { subarray(start?: number, end?: number): Chunk };

export class Tap {
  pid = 0;
  #forward: ((chunk: Chunk) => void) | undefined;
  #sink: CopySink | undefined;
  #copying = false;
  /** Bytes of the current message still to come (its body; the header is read into #header first). */
  #need = 0;
  #header = new Uint8Array(5);
  #headerLen = 0;
  /** The current message goes to the sink (CopyData while armed), not to postgres.js. */
  #mine = false;
  #type = 0;
  /** BackendKeyData: its first four body bytes are the pid. */
  #key: number[] | undefined;
  #paused = false;
  #pending: Chunk[] = [];

  constructor(private socket: net.Socket) {}

  /** Data listener postgres.js registered: called with everything that is not a tapped COPY's data. */
  set forward(fn: ((chunk: Chunk) => void) | undefined) {
    this.#forward = fn;
  }

  get forward() {
    return this.#forward;
  }

  get paused() {
    return this.#paused;
  }

  /** From the next CopyOutResponse on, this connection's CopyData goes to `sink`, until CopyDone or an error. */
  arm(sink: CopySink) {
    this.#sink = sink;
  }

  disarm() {
    this.#sink = undefined;
    this.#copying = false;
    this.resume();
  }

  resume() {
    if (!this.#paused) return;
    this.#paused = false;
    while (this.#pending.length && !this.#paused) this.#feed(this.#pending.shift()!);
    if (!this.#paused) this.socket.resume();
  }

  /** The socket's data listener. */
  onData = (chunk: Chunk) => {
    if (this.#paused) this.#pending.push(chunk);
    else this.#feed(chunk);
  };

  #feed(chunk: Chunk) {
    const n = chunk.length;
    let i = 0;
    /** Start of the run of bytes to forward to postgres.js. */
    let from = 0;
    const flush = (to: number) => {
      if (to > from) this.#forward?.(chunk.subarray(from, to));
    };
    while (i < n) {
      // The common case first: a whole header in this chunk.
      if (this.#need === 0 && this.#headerLen === 0 && i + 5 <= n) {
        const type = chunk[i];
        const len = ((chunk[i + 1] << 24) >>> 0) + (chunk[i + 2] << 16) + (chunk[i + 3] << 8) + chunk[i + 4] - 4;
        const start = i + 5;
        const end = start + len;
        if (this.#copying && type === COPY_DATA) {
          if (!this.#mine) flush(i);
          this.#mine = true;
          const sink = this.#sink!;
          if (end <= n) {
            sink.row(chunk, start, end);
            i = from = end;
          } else {
            sink.bytes(chunk, start, n);
            this.#need = end - n;
            i = from = n;
          }
          if (!sink.wantsMore()) {
            if (i < n) this.#pending.unshift(chunk.subarray(i));
            this.#paused = true;
            this.socket.pause();
            return;
          }
          continue;
        }
        if (this.#mine) {
          this.#mine = false;
          from = i;
        }
        this.#type = type;
        this.#seen(type);
        if (type === KEY_DATA && end <= n) this.pid = ((chunk[start] << 24) >>> 0) + (chunk[start + 1] << 16) + (chunk[start + 2] << 8) + chunk[start + 3];
        else if (type === KEY_DATA) this.#key = [];
        if (end <= n) {
          i = end;
          continue;
        }
        if (this.#key) for (let k = start; k < n && this.#key.length < 4; k++) this.#key.push(chunk[k]);
        this.#need = end - n;
        i = n;
        break;
      }
      if (this.#need === 0) {
        // A message header (type byte and length), split across chunks.
        if (this.#headerLen === 0) {
          this.#type = chunk[i];
          const mine = this.#copying && this.#type === COPY_DATA;
          if (mine !== this.#mine) {
            if (mine) flush(i);
            this.#mine = mine;
            from = i;
          }
        }
        const take = Math.min(5 - this.#headerLen, n - i);
        for (let k = 0; k < take; k++) this.#header[this.#headerLen++] = chunk[i + k];
        i += take;
        if (this.#headerLen < 5) break;
        const h = this.#header;
        this.#need = ((h[1] << 24) >>> 0) + (h[2] << 16) + (h[3] << 8) + h[4] - 4;
        this.#headerLen = 0;
        if (this.#mine) from = i;
        this.#seen(this.#type);
        if (this.#type === KEY_DATA) this.#key = [];
        if (this.#need === 0) this.#ended();
        continue;
      }
      const take = Math.min(this.#need, n - i);
      if (this.#mine) {
        this.#sink!.bytes(chunk, i, i + take);
        from = i + take;
      } else if (this.#key) {
        for (let k = 0; k < take && this.#key.length < 4; k++) this.#key.push(chunk[i + k]);
      }
      i += take;
      this.#need -= take;
      if (this.#need === 0) this.#ended();
      if (this.#mine && this.#sink && !this.#sink.wantsMore()) {
        // Paused at a frame boundary or mid-frame: what is left of this chunk waits, in order.
        if (i < n) this.#pending.unshift(chunk.subarray(i));
        this.#paused = true;
        this.socket.pause();
        return;
      }
    }
    if (!this.#mine) flush(n);
  }

  /** A message began: CopyOutResponse starts a tapped COPY; its end, an error or the statement's end stop it. */
  #seen(type: number) {
    if (type === COPY_OUT && this.#sink) this.#copying = true;
    else if (type === COPY_DONE || type === ERROR || type === READY) this.#copying = false;
  }

  #ended() {
    if (this.#key) {
      const k = this.#key;
      if (k.length === 4) this.pid = ((k[0] << 24) >>> 0) + (k[1] << 16) + (k[2] << 8) + k[3];
      this.#key = undefined;
    }
  }
}

/**
 * A postgres.js `socket` option: plain TCP connections whose data passes through a Tap, found by their backend's
 * pid. postgres.js writes its startup message at once; a net.Socket keeps it until it is connected.
 */
export function tappedSockets(host: string, port: number) {
  const taps = new Map<number, Tap>();
  const all = new Set<Tap>();
  function open(): net.Socket {
    const socket = net.connect({ host, port });
    const tap = new Tap(socket);
    all.add(tap);
    const on = socket.on.bind(socket);
    const off = socket.removeListener.bind(socket);
    const resume = socket.resume.bind(socket);
    // postgres.js listens for data once connected; it gets the tap's forwarded bytes instead.
    socket.on = ((event: string, fn: (...a: unknown[]) => void) => {
      if (event !== 'data') return on(event, fn);
      tap.forward = fn as never;
      return on('data', tap.onData as never);
    }) as typeof socket.on;
    socket.removeListener = ((event: string, fn: (...a: unknown[]) => void) => {
      if (event === 'data' && fn === (tap.forward as unknown)) return off('data', tap.onData as never);
      return off(event, fn);
    }) as typeof socket.removeListener;
    // postgres.js resumes the socket when its (empty) COPY stream is read; a paused tap stays paused.
    socket.resume = (() => (tap.paused ? socket : resume())) as typeof socket.resume;
    socket.once('close', () => {
      all.delete(tap);
      if (taps.get(tap.pid) === tap) taps.delete(tap.pid);
    });
    return socket;
  }
  return {
    open,
    /** The tap of the connection whose backend has this pid. */
    find(pid: number): Tap | undefined {
      let tap = taps.get(pid);
      if (!tap) {
        for (const t of all) if (t.pid === pid) tap = t;
        if (tap) taps.set(pid, tap);
      }
      return tap;
    },
  };
}
