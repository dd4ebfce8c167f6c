/**
 * The request limits of runtime.serve, under whichever runtime runs the test: a stalled body is answered 408 and
 * closed, a steady one is served, an answer after the body may take longer than the body's deadline, and one
 * address over its cap is refused at once while others are served.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { type RequestLimits, runtime, type Server } from '../../src/runtime/index.ts';
import { openSlow, type SlowClient, stalledHead } from '../support/slow-client.ts';

const limits: RequestLimits = { bodyTimeoutMs: 2000, bodyGraceMs: 500, minBodyBytesPerSecond: 1024, maxPerClient: 8 };
const BIG = 16 * 1024 * 1024;
/** The app's wait before answering /slow-answer: beyond Bun's backstop for the body (2 s + 4 s, on a 4 s tick). */
const SLOW_ANSWER_MS = 9_000;

describe('request limits of runtime.serve', () => {
  let server: Server;
  const seen: { aborted: boolean; error: string }[] = [];
  let arrivals = 0;
  const clients: SlowClient[] = [];
  const slow = (request: Omit<Parameters<typeof openSlow>[0], 'port'>) => {
    const client = openSlow({ port: server.port, ...request });
    clients.push(client);
    return client;
  };

  before(async () => {
    server = await runtime.serve({
      port: 0,
      hostname: '127.0.0.1',
      limits,
      fetch: async (req) => {
        const path = new URL(req.url).pathname;
        if (path === '/refuse') return new Response('no key\n', { status: 401 });
        arrivals++;
        let body: Uint8Array;
        try {
          body = new Uint8Array(await req.arrayBuffer());
        } catch (err) {
          seen.push({ aborted: req.signal.aborted, error: (err as Error).name });
          return new Response('bad body\n', { status: 400 });
        }
        if (path === '/slow-answer') await new Promise((resolve) => setTimeout(resolve, SLOW_ANSWER_MS));
        if (path === '/big') return new Response(bigStream(BIG));
        return new Response(`got ${body.byteLength}\n`);
      },
    });
  });
  after(async () => {
    for (const c of clients) c.destroy();
    await server?.stop();
  });

  test('a long body stalled, and one trickled, are answered 408 and closed; the app sees a caller gone', async () => {
    const stalled = slow({ head: stalledHead('/upload', 'text/plain'), body: 'abc' });
    const trickled = slow({ head: stalledHead('/upload', 'text/plain'), body: 'a', trickleMs: 200 });
    await Promise.all([stalled.closed, trickled.closed]);
    for (const c of [stalled, trickled]) {
      assert.equal(c.status(), 408, c.text);
      assert.match(c.text, /connection: close/i);
      // Below the minimum rate, they go once the grace is over, long before the deadline.
      assert.ok(c.closedAfterMs! < limits.bodyTimeoutMs, `closed after ${c.closedAfterMs} ms`);
    }
    const timedOut = { aborted: true, error: 'TimeoutError' };
    assert.deepEqual(seen.splice(0), [timedOut, timedOut]);
  });

  test('a short body stalled is answered 408 and closed before the app sees it', async () => {
    arrivals = 0;
    const stalled = slow({ head: stalledHead('/upload', 'application/json', '', 1000), body: '{"nik":' });
    await stalled.closed;
    assert.equal(stalled.status(), 408, stalled.text);
    // 1,000 bytes at the minimum rate: about a second, less than the deadline.
    assert.ok(stalled.closedAfterMs! < limits.bodyTimeoutMs, `closed after ${stalled.closedAfterMs} ms`);
    assert.equal(arrivals, 0);
  });

  test('a body the app does not read: its answer goes out, then the connection is closed', async () => {
    const refused = slow({ head: stalledHead('/refuse', 'text/plain'), body: 'abc' });
    await refused.closed;
    assert.equal(refused.status(), 401);
    assert.ok(refused.closedAfterMs! < limits.bodyTimeoutMs, `closed after ${refused.closedAfterMs} ms`);
  });

  test('slow but steady uploads, above the minimum rate and longer than the grace, are served', async () => {
    // A short body, read whole first, and a long one, read as it comes: about a second each.
    const [short, long] = await Promise.all([steady(1024, 6, 150), steady(4096, 20, 50)]);
    assert.match(short, /^HTTP\/1\.1 200/);
    assert.match(short, /got 6144/);
    assert.match(long, /^HTTP\/1\.1 200/);
    assert.match(long, /got 81920/);
  });

  function steady(size: number, chunks: number, everyMs: number): Promise<string> {
    const chunk = 'x'.repeat(size);
    return new Promise<string>((resolve, reject) => {
      const socket = net.connect(server.port, '127.0.0.1');
      let text = '';
      socket.setEncoding('utf8');
      socket.on('data', (d: string) => (text += d));
      socket.on('error', reject);
      socket.on('close', () => resolve(text));
      socket.on('connect', () => {
        const length = chunk.length * chunks;
        socket.write(`POST /upload HTTP/1.1\r\nHost: t\r\nConnection: close\r\nContent-Length: ${length}\r\n\r\n`);
        let sent = 0;
        const timer = setInterval(() => {
          socket.write(chunk);
          if (++sent === chunks) clearInterval(timer);
        }, everyMs);
      });
    });
  }

  test('after its body, a big answer to a slow reader outlasts the body deadline', async () => {
    const started = performance.now();
    const received = await new Promise<number>((resolve, reject) => {
      const socket = net.connect(server.port, '127.0.0.1');
      let bytes = 0, nextPause = 256 * 1024;
      socket.on('data', (d: Buffer) => {
        bytes += d.byteLength;
        if (bytes < nextPause) return;
        nextPause += 256 * 1024;
        socket.pause();
        setTimeout(() => socket.resume(), 120);
      });
      socket.on('error', reject);
      socket.on('close', () => resolve(bytes));
      socket.on('connect', () =>
        socket.write('POST /big HTTP/1.1\r\nHost: t\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok'));
    });
    assert.ok(received > BIG, `received ${received} bytes`);
    assert.ok(performance.now() - started > limits.bodyTimeoutMs, 'the reader was slow enough to matter');
  });

  test('after its body, an answer may take longer than the body deadline (a slow query)', async () => {
    const res = await fetch(`http://127.0.0.1:${server.port}/slow-answer`, { method: 'POST', body: 'ok' });
    assert.equal(res.status, 200);
    assert.equal(await res.text(), 'got 2\n');
  });

  test('an address over its cap is refused at once; another address, and the same one later, are served', async () => {
    arrivals = 0;
    const held = Array.from({ length: limits.maxPerClient }, () =>
      slow({ localAddress: '127.0.0.9', head: stalledHead('/upload', 'text/plain'), body: 'a', trickleMs: 100 }));
    // Held: every one reached the app (each is then one connection and one upload in progress).
    while (arrivals < limits.maxPerClient) await new Promise((resolve) => setTimeout(resolve, 20));
    const excess = slow({ localAddress: '127.0.0.9', head: stalledHead('/upload', 'text/plain'), body: 'a' });
    await excess.closed;
    assert.equal(excess.status(), 429, excess.text);
    assert.ok(excess.closedAfterMs! < limits.bodyGraceMs, `refused after ${excess.closedAfterMs} ms`);
    const other = await post('127.0.0.10');
    assert.match(other, /^HTTP\/1\.1 200/);
    for (const c of held) c.destroy();
    await Promise.all(held.map((c) => c.closed));
    // The slots are given back once the server has seen the connections go (a moment after the client).
    let again = '';
    for (let i = 0; i < 50 && !/^HTTP\/1\.1 200/.test(again); i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      again = await post('127.0.0.9');
    }
    assert.match(again, /^HTTP\/1\.1 200/);
    seen.splice(0);
  });

  function post(localAddress: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ port: server.port, host: '127.0.0.1', localAddress });
      let text = '';
      socket.setEncoding('utf8');
      socket.on('data', (d: string) => (text += d));
      socket.on('error', reject);
      socket.on('close', () => resolve(text));
      socket.write('POST /upload HTTP/1.1\r\nHost: t\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok');
    });
  }
});

function bigStream(size: number): ReadableStream<Uint8Array> {
  const chunk = new Uint8Array(64 * 1024).fill(120);
  let sent = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= size) return controller.close();
      sent += chunk.byteLength;
      controller.enqueue(chunk);
    },
  }, { highWaterMark: 0 });
}
