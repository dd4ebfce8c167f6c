/**
 * A small SQL Server stand-in that speaks TDS 7.4 over TCP, enough for the real tedious client: PRELOGIN,
 * LOGIN7 (accepted or refused), SQL batches, RPC (sp_executesql with typed parameters), result sets, ERROR
 * tokens, DONE, and ATTENTION (a cancel): the running answer is cut short and acknowledged with DONE(ATTN) in
 * the message after it, which is where tedious reads the acknowledgement. It runs no SQL: `answer` decides.
 */
import net from 'node:net';
import { type Cell, type Column, colMetadata, done, DONE_ATTN, DONE_COUNT, DONE_ERROR, envChange, error, loginAck, row, type ServerError } from './tds-tokens.ts';
import { type Login, type Param, readLogin7, readRpc, readSqlBatch } from './tds-requests.ts';

export type { Cell, Column, Login, Param, ServerError };

export interface Query {
  kind: 'batch' | 'rpc';
  sql: string;
  /** sp_executesql's parameter declarations, e.g. "@p1 nvarchar(4), @p2 int". */
  declared?: string;
  params: Param[];
}

export type Reply =
  /** `rowDelayMs` pauses after every `delayEvery` rows (default 1), sending what was written so far first. */
  | { columns: Column[]; rows: Cell[][]; rowDelayMs?: number; delayEvery?: number }
  | { error: ServerError }
  | { rowCount: number }
  /** Answers nothing until the client cancels. */
  | { hang: true }
  /** Drops the connection. */
  | { close: true };

export interface TdsServerOptions {
  /** user → password; empty: any login is accepted. */
  logins?: Record<string, string>;
  /** Databases that exist; another name in the login is refused with error 4060. */
  databases?: string[];
  /** The server's answer to PRELOGIN's encryption option. */
  encryption?: 'NOT_SUP' | 'REQ';
  /** Answers PRELOGIN, then nothing more: a login that never finishes. */
  stallLogin?: boolean;
  answer(q: Query, login: Login): Reply | Promise<Reply>;
}

export interface TdsServer {
  port: number;
  queries: Query[];
  logins: Login[];
  /** ATTENTION messages received. */
  attentions: number;
  /** Connections accepted, and those still open. */
  connections: number;
  open: number;
  close(): Promise<void>;
}

const PACKET = 4096;
const TYPE = { batch: 0x01, rpc: 0x03, reply: 0x04, attention: 0x06, login7: 0x10, prelogin: 0x12 } as const;
const SP_EXECUTESQL = 10;

/** A response message being written in packets; waits when the client reads slowly (backpressure). */
class Out {
  #parts: Buffer[] = [];
  #size = 0;
  #id = 1;
  constructor(private socket: net.Socket) {}
  async push(token: Buffer) {
    this.#parts.push(token);
    this.#size += token.length;
    while (this.#size >= PACKET - 8) await this.#packet(false);
  }
  /** Sends what is buffered now, as a packet that does not end the message. */
  async flush() {
    if (this.#size > 0) await this.#packet(false);
  }
  async end() {
    await this.#packet(true);
  }
  async #packet(last: boolean) {
    const all = Buffer.concat(this.#parts);
    const body = all.subarray(0, PACKET - 8);
    const rest = all.subarray(body.length);
    this.#parts = rest.length ? [rest] : [];
    this.#size = rest.length;
    const header = Buffer.from([TYPE.reply, last ? 0x01 : 0x00, 0, 0, 0, 0, this.#id++ & 0xff, 0]);
    header.writeUInt16BE(body.length + 8, 2);
    if (this.socket.destroyed) return;
    if (!this.socket.write(Buffer.concat([header, body]))) {
      await new Promise<void>((resolve) => {
        const go = () => (this.socket.off('close', go), this.socket.off('drain', go), resolve());
        this.socket.once('drain', go).once('close', go);
      });
    }
  }
}

function preloginReply(encryption: 'NOT_SUP' | 'REQ'): Buffer {
  const options: [number, Buffer][] = [
    [0x00, Buffer.from([16, 0, 0x10, 0x00, 0, 0])], // version 16.0.4096
    [0x01, Buffer.from([encryption === 'REQ' ? 0x03 : 0x02])],
    [0x02, Buffer.from([0])],
    [0x03, Buffer.alloc(0)],
    [0x04, Buffer.from([0])],
  ];
  const head = Buffer.alloc(options.length * 5 + 1);
  let at = head.length;
  options.forEach(([token, data], i) => {
    head.writeUInt8(token, i * 5);
    head.writeUInt16BE(at, i * 5 + 1);
    head.writeUInt16BE(data.length, i * 5 + 3);
    at += data.length;
  });
  head.writeUInt8(0xff, options.length * 5);
  return Buffer.concat([head, ...options.map(([, d]) => d)]);
}

interface Running {
  attention: boolean;
  wake?: () => void;
}

export async function startTdsServer(opts: TdsServerOptions): Promise<TdsServer> {
  const sockets = new Set<net.Socket>();
  const state: TdsServer = { port: 0, queries: [], logins: [], attentions: 0, connections: 0, open: 0, close: async () => {} };

  function session(socket: net.Socket) {
    state.connections++;
    state.open++;
    sockets.add(socket);
    socket.on('close', () => (state.open--, sockets.delete(socket)));
    socket.on('error', () => {});
    let pending = Buffer.alloc(0);
    let message: Buffer[] = [];
    let login: Login | undefined;
    let running: Running | undefined;
    let queue: Promise<void> = Promise.resolve();

    const send = async (tokens: Buffer[]) => {
      const out = new Out(socket);
      for (const t of tokens) await out.push(t);
      await out.end();
    };

    /** Sleeps, or wakes early when the client cancels. */
    const pause = (r: Running, ms: number) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ms);
        r.wake = () => (clearTimeout(timer), resolve());
      });

    async function respond(q: Query) {
      state.queries.push(q);
      const r: Running = { attention: false };
      running = r;
      const out = new Out(socket);
      const reply = await opts.answer(q, login!);
      try {
        if ('close' in reply) return void socket.destroy();
        if ('hang' in reply) await new Promise<void>((resolve) => (r.wake = resolve));
        else if ('error' in reply) {
          await out.push(error(reply.error));
          await out.push(done(DONE_ERROR));
        } else if ('rowCount' in reply) {
          await out.push(done(DONE_COUNT, reply.rowCount));
        } else {
          await out.push(colMetadata(reply.columns));
          let n = 0;
          for (const cells of reply.rows) {
            if (r.attention || socket.destroyed) break;
            await out.push(row(reply.columns, cells));
            n++;
            if (reply.rowDelayMs && n % (reply.delayEvery ?? 1) === 0) {
              await out.flush();
              await pause(r, reply.rowDelayMs);
            }
          }
          if (!r.attention) await out.push(done(DONE_COUNT, n));
        }
        if (r.attention) {
          // The cancelled answer ends here; the acknowledgement comes as a message of its own.
          await out.push(done(0));
          await out.end();
          await send([done(DONE_ATTN)]);
        } else await out.end();
      } finally {
        running = undefined;
      }
    }

    function dispatch(type: number, data: Buffer) {
      if (type === TYPE.attention) {
        state.attentions++;
        if (running) {
          running.attention = true;
          running.wake?.();
        } else queue = queue.then(() => send([done(DONE_ATTN)]));
        return;
      }
      queue = queue.then(() => handle(type, data)).catch(() => socket.destroy());
    }

    async function handle(type: number, data: Buffer) {
      switch (type) {
        case TYPE.prelogin:
          return send([preloginReply(opts.encryption ?? 'NOT_SUP')]);
        case TYPE.login7: {
          if (opts.stallLogin) return;
          const l = readLogin7(data);
          state.logins.push(l);
          const users = opts.logins ?? {};
          if (Object.keys(users).length && users[l.user] !== l.password) {
            return send([error({ number: 18456, class: 14, message: `Login failed for user '${l.user}'.` }), done(DONE_ERROR)]);
          }
          if (opts.databases && l.database && !opts.databases.includes(l.database)) {
            return send([error({ number: 4060, class: 11, message: `Cannot open database "${l.database}" requested by the login. The login failed.` }), done(DONE_ERROR)]);
          }
          login = l;
          return send([loginAck(), envChange('database', l.database || 'master'), envChange('packetSize', String(PACKET)), done(0)]);
        }
        case TYPE.batch: {
          const sql = readSqlBatch(data);
          // tedious's session settings after login.
          if (/^set /i.test(sql.trimStart())) return send([done(0)]);
          return respond({ kind: 'batch', sql, params: [] });
        }
        case TYPE.rpc: {
          const rpc = readRpc(data);
          if (rpc.procId !== SP_EXECUTESQL) {
            return send([error({ number: 2812, message: `Could not find stored procedure ${rpc.procId}.` }), done(DONE_ERROR)]);
          }
          const [statement, declared, ...params] = rpc.params;
          return respond({ kind: 'rpc', sql: String(statement.value), declared: String(declared?.value ?? ''), params });
        }
        default:
          socket.destroy();
      }
    }

    socket.on('data', (chunk) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 8) {
        const length = pending.readUInt16BE(2);
        if (pending.length < length) break;
        const type = pending[0];
        const last = (pending[1] & 0x01) === 0x01;
        message.push(pending.subarray(8, length));
        pending = pending.subarray(length);
        if (last) {
          const data = Buffer.concat(message);
          message = [];
          dispatch(type, data);
        }
      }
    });
  }

  const server = net.createServer(session);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.port = (server.address() as net.AddressInfo).port;
  state.close = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
  return state;
}
