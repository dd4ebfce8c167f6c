/** The keep-alive HTTP/1.1 client behind transport.send() for http:// backends, against raw loopback servers. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { createTransport, type SendOptions } from '../../../../connectors/proxy/transport.ts';
import type { BackendRequest } from '../../../../connectors/proxy/types.ts';
import { delay, ok, until, withRaw } from './raw-server.ts';

const text = (b: Uint8Array) => new TextDecoder().decode(b);
const fail = (p: Promise<unknown>) => p.then(() => assert.fail('expected a rejection'), (e) => e);
const get = (url: string, headers: Record<string, string> = {}): BackendRequest =>
  ({ method: 'GET', url, headers, idempotent: true });
const opts = (over: Partial<SendOptions> = {}): SendOptions =>
  ({ deadline: Date.now() + 2000, headersTimeoutMs: 1000, maxBytes: 1024 * 1024, ...over });

test('sequential calls reuse one keep-alive connection; Host, path and query go out as given', async () => {
  await withRaw((s, req) => s.write(ok(`hello ${req.head.split(' ')[1]}`)), async (srv) => {
    const t = createTransport({});
    try {
      for (let i = 0; i < 5; i++) {
        const res = await t.send(get(`${srv.url}/items/${i}?q=a%20b`), opts());
        assert.equal(res.status, 200);
        assert.equal(text(res.body), `hello /items/${i}?q=a%20b`);
        assert.equal(res.headers.get('Content-Type'), 'text/plain');
      }
      assert.equal(srv.connections, 1);
      assert.equal(srv.requests.length, 5);
      assert.match(srv.requests[0].head, new RegExp(`\r\nHost: ${srv.url.slice(7)}\r\n`));
    } finally {
      t.close();
    }
  });
});

test('a POST body goes out with its Content-Length (UTF-8 bytes)', async () => {
  await withRaw((s, req) => s.write(ok(req.body)), async (srv) => {
    const t = createTransport({});
    try {
      const res = await t.send(
        { method: 'POST', url: `${srv.url}/p`, headers: { 'Content-Type': 'text/plain' }, body: 'héllo', idempotent: false },
        opts(),
      );
      assert.equal(text(res.body), 'héllo');
      assert.match(srv.requests[0].head, /\r\nContent-Length: 6(\r\n|$)/);
    } finally {
      t.close();
    }
  });
});

test('a chunked body (split across writes, with extensions and trailers) is assembled; the connection is reused', async () => {
  await withRaw(async (s) => {
    s.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhel');
    await delay(10);
    s.write('lo\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n');
  }, async (srv) => {
    const t = createTransport({});
    try {
      assert.equal(text((await t.send(get(`${srv.url}/`), opts())).body), 'hello world');
      assert.equal(text((await t.send(get(`${srv.url}/`), opts())).body), 'hello world');
      assert.equal(srv.connections, 1);
    } finally {
      t.close();
    }
  });
});

test('a body without length is read until the server closes; that connection is not reused', async () => {
  await withRaw((s) => {
    s.write('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil ');
    setTimeout(() => s.end('close'), 10);
  }, async (srv) => {
    const t = createTransport({});
    try {
      assert.equal(text((await t.send(get(`${srv.url}/`), opts())).body), 'until close');
      assert.equal(text((await t.send(get(`${srv.url}/`), opts())).body), 'until close');
      assert.equal(srv.connections, 2);
    } finally {
      t.close();
    }
  });
});

test('a Content-Length body arriving in pieces; Connection: close is honoured', async () => {
  await withRaw(async (s) => {
    s.write('HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 10\r\n\r\n01234');
    await delay(10);
    s.write('56789');
  }, async (srv) => {
    const t = createTransport({});
    try {
      assert.equal(text((await t.send(get(`${srv.url}/`), opts())).body), '0123456789');
      await t.send(get(`${srv.url}/`), opts());
      assert.equal(srv.connections, 2);
    } finally {
      t.close();
    }
  });
});

test('a body over maxBytes is refused (declared or streamed), and the connection dropped', async () => {
  await withRaw((s, req) => {
    if (req.head.includes('/declared')) s.write('HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n');
    else s.write(`HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n${`400\r\n${'x'.repeat(1024)}\r\n`.repeat(3)}`);
  }, async (srv) => {
    const t = createTransport({});
    try {
      for (const path of ['/declared', '/streamed']) {
        const e = await fail(t.send(get(`${srv.url}${path}`), opts({ maxBytes: 2000 })));
        assert.deepEqual([e.kind, e.message, e.extra.backendStatus], ['unavailable', 'The backend reply is larger than 2000 bytes', 200]);
      }
      await until(() => srv.closedByClient === 2);
    } finally {
      t.close();
    }
  });
});

test('no answer within the headers timeout: timeout naming the limit, socket destroyed', async () => {
  await withRaw(() => {}, async (srv) => {
    const t = createTransport({});
    try {
      const started = Date.now();
      const e = await fail(t.send(get(`${srv.url}/`), opts({ headersTimeoutMs: 100 })));
      assert.deepEqual([e.kind, e.message], ['timeout', 'The backend sent no answer within 100 ms']);
      assert.ok(Date.now() - started < 600);
      await until(() => srv.closedByClient === 1);
    } finally {
      t.close();
    }
  });
});

test('a slowly dribbling body is cut off at the whole-call deadline', async () => {
  const timers: ReturnType<typeof setInterval>[] = [];
  await withRaw((s) => {
    s.write('HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n');
    const timer = setInterval(() => s.writable && s.write('x'), 20);
    timers.push(timer);
    s.on('close', () => clearInterval(timer));
  }, async (srv) => {
    const t = createTransport({});
    try {
      const started = Date.now();
      const e = await fail(t.send(get(`${srv.url}/`), opts({ deadline: Date.now() + 250, headersTimeoutMs: 100 })));
      assert.deepEqual([e.kind, e.message], ['timeout', 'The backend did not answer in time']);
      const took = Date.now() - started;
      assert.ok(took >= 200 && took < 800, `took ${took} ms`);
      await until(() => srv.closedByClient === 1);
    } finally {
      t.close();
      timers.forEach(clearInterval);
    }
  });
});

test("the caller's abort ends the call as cancelled and destroys the socket", async () => {
  await withRaw(() => {}, async (srv) => {
    const t = createTransport({});
    try {
      const ctl = new AbortController();
      setTimeout(() => ctl.abort(), 50);
      const e = await fail(t.send(get(`${srv.url}/`), opts({ signal: ctl.signal })));
      assert.deepEqual([e.kind, e.message], ['cancelled', 'The call was cancelled']);
      await until(() => srv.closedByClient === 1);
      // Already aborted: nothing is sent.
      const again = await fail(t.send(get(`${srv.url}/`), opts({ signal: ctl.signal })));
      assert.equal(again.kind, 'cancelled');
      assert.equal(srv.connections, 1);
    } finally {
      t.close();
    }
  });
});

test('a pooled connection the server closed while idle is replaced transparently, for POST too', async () => {
  await withRaw((s) => {
    s.write(ok('fine'));
    setTimeout(() => s.end(), 20); // the server's keep-alive timeout
  }, async (srv) => {
    const t = createTransport({});
    try {
      assert.equal(text((await t.send(get(`${srv.url}/`), opts())).body), 'fine');
      await delay(80);
      const res = await t.send({ method: 'POST', url: `${srv.url}/`, headers: {}, body: 'x', idempotent: false }, opts());
      assert.equal(text(res.body), 'fine');
      assert.equal(srv.connections, 2);
      assert.equal(srv.requests.length, 2);
    } finally {
      t.close();
    }
  });
});

test('a reused connection closed before any answer byte: an idempotent request is retried once, a POST is not', async () => {
  await withRaw((s, req) => {
    // First request of each connection answered; a second one on the same connection is dropped unanswered.
    if (srvRequestsOn(req.conn) === 1) s.write(ok('first'));
    else s.destroy();
  }, async (srv) => {
    const t = createTransport({});
    try {
      assert.equal(text((await t.send(get(`${srv.url}/`), opts())).body), 'first');
      assert.equal(text((await t.send(get(`${srv.url}/`), opts())).body), 'first');
      assert.equal(srv.connections, 2);
      assert.equal(srv.requests.length, 3);
      // On the pooled connection the server drops it; it may have acted on a POST before closing: not sent again.
      const post = { method: 'POST', url: `${srv.url}/`, headers: {}, body: 'x', idempotent: false };
      const e = await fail(t.send(post, opts()));
      assert.equal(e.kind, 'unavailable');
      assert.equal(srv.requests.length, 4);
      assert.equal(srv.connections, 2);
    } finally {
      t.close();
    }
  });
  // A fresh connection closed without an answer is an error (no retry loop), with a safe message.
  await withRaw((s) => s.destroy(), async (srv) => {
    const t = createTransport({});
    try {
      const e = await fail(t.send(get(`${srv.url}/`), opts()));
      assert.equal(e.kind, 'unavailable');
      assert.match(e.message, /^The (connection to the backend broke|backend could not be reached)$/);
      assert.equal(srv.connections, 1);
    } finally {
      t.close();
    }
  });
});
const perConn = new Map<number, number>();
function srvRequestsOn(conn: number): number {
  perConn.set(conn, (perConn.get(conn) ?? 0) + 1);
  return perConn.get(conn)!;
}

test('a garbage status line or header is unavailable, not a crash', async () => {
  for (const reply of ['SSH-2.0-OpenSSH_9.6\r\n\r\n', 'HTTP/1.1 abc OK\r\n\r\n', 'HTTP/1.1 200 OK\r\nBad Header\r\n\r\n', 'HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\n']) {
    await withRaw((s) => s.write(reply), async (srv) => {
      const t = createTransport({});
      try {
        const e = await fail(t.send(get(`${srv.url}/`), opts()));
        assert.deepEqual([e.kind, e.message], ['unavailable', 'The backend answered something that is not HTTP'], reply);
      } finally {
        t.close();
      }
    });
  }
});

test('header injection is refused before anything is sent; URLs cannot carry line breaks either', async () => {
  await withRaw((s) => s.write(ok('x')), async (srv) => {
    const t = createTransport({});
    try {
      for (const headers of <Record<string, string>[]> [{ 'X-A': 'v\r\nX-Injected: 1' }, { 'X-A': 'v\nX: 1' }, { 'Bad Name': 'v' }, { 'X-A\r\nX-B': 'v' }]) {
        const e = await fail(t.send(get(`${srv.url}/`, headers), opts()));
        assert.equal(e.kind, 'invalid');
      }
      const m = await fail(t.send({ method: 'GET /x HTTP/1.1\r\n', url: `${srv.url}/`, headers: {}, idempotent: true }, opts()));
      assert.equal(m.kind, 'invalid');
      assert.equal(srv.connections, 0);
      // The URL parser drops CR/LF from a URL (as fetch does), so nothing can be smuggled through the path.
      await t.send(get(`${srv.url}/a\r\nX-Injected: 1\r\n/b c`), opts());
      assert.doesNotMatch(srv.requests[0].head, /X-Injected: 1\r\n/);
      assert.match(srv.requests[0].head, /^GET \/aX-Injected:%201\/b%20c HTTP\/1\.1\r\n/);
    } finally {
      t.close();
    }
  });
});

test('204, 304 and HEAD answers have no body, and keep the connection', async () => {
  await withRaw((s, req) => {
    if (req.head.startsWith('HEAD')) s.write('HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n');
    else if (req.head.includes('/304')) s.write('HTTP/1.1 304 Not Modified\r\nContent-Length: 50\r\n\r\n');
    else s.write('HTTP/1.1 204 No Content\r\n\r\n');
  }, async (srv) => {
    const t = createTransport({});
    try {
      const head = await t.send({ method: 'HEAD', url: `${srv.url}/`, headers: {}, idempotent: true }, opts());
      assert.deepEqual([head.status, head.body.byteLength, head.headers.get('content-length')], [200, 0, '1234']);
      const none = await t.send(get(`${srv.url}/`), opts());
      assert.deepEqual([none.status, none.body.byteLength], [204, 0]);
      const notModified = await t.send(get(`${srv.url}/304`), opts());
      assert.deepEqual([notModified.status, notModified.body.byteLength], [304, 0]);
      assert.equal(srv.connections, 1);
    } finally {
      t.close();
    }
  });
});

test('100 Continue is skipped; redirects come back as they are', async () => {
  await withRaw((s, req) => {
    if (req.head.includes('/moved')) s.write('HTTP/1.1 302 Found\r\nLocation: http://example.com/\r\nContent-Length: 0\r\n\r\n');
    else s.write(`HTTP/1.1 100 Continue\r\n\r\n${ok('after continue')}`);
  }, async (srv) => {
    const t = createTransport({});
    try {
      assert.equal(text((await t.send(get(`${srv.url}/`), opts())).body), 'after continue');
      const moved = await t.send(get(`${srv.url}/moved`), opts());
      assert.deepEqual([moved.status, moved.headers.get('location')], [302, 'http://example.com/']);
      assert.equal(srv.requests.length, 2);
    } finally {
      t.close();
    }
  });
});

test('gzip bodies are decoded within maxBytes (a small bomb is refused)', async () => {
  const zipped = gzipSync(Buffer.from('{"a":1}'));
  const bomb = gzipSync(Buffer.alloc(1024 * 1024));
  await withRaw((s, req) => {
    const body = req.head.includes('/bomb') ? bomb : zipped;
    s.write(`HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: ${body.length}\r\n\r\n`);
    s.write(body);
  }, async (srv) => {
    const t = createTransport({});
    try {
      assert.equal(text((await t.send(get(`${srv.url}/`), opts())).body), '{"a":1}');
      assert.match(srv.requests[0].head, /\r\nAccept-Encoding: gzip, deflate, br(\r\n|$)/);
      const e = await fail(t.send(get(`${srv.url}/bomb`), opts({ maxBytes: 64 * 1024 })));
      assert.deepEqual([e.kind, e.message], ['unavailable', 'The backend reply is larger than 65536 bytes']);
    } finally {
      t.close();
    }
  });
});

test('Content-Length with Transfer-Encoding: the chunked framing wins and the connection is not reused', async () => {
  await withRaw((s) => s.write('HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n'), async (srv) => {
    const t = createTransport({});
    try {
      assert.equal(text((await t.send(get(`${srv.url}/`), opts())).body), 'ok');
      assert.equal(text((await t.send(get(`${srv.url}/`), opts())).body), 'ok');
      assert.equal(srv.connections, 2);
    } finally {
      t.close();
    }
  });
});

test('a refused connection is unavailable with a message naming no host', async () => {
  const t = createTransport({});
  const e = await fail(t.send(get('http://127.0.0.1:9/x'), opts()));
  assert.deepEqual([e.kind, e.message], ['unavailable', 'The backend refused the connection']);
  t.close();
});

test('close() ends the idle connections', async () => {
  await withRaw((s) => s.write(ok('x')), async (srv) => {
    const t = createTransport({});
    await t.send(get(`${srv.url}/`), opts());
    assert.equal(srv.closedByClient, 0);
    t.close();
    await until(() => srv.closedByClient === 1);
  });
});
