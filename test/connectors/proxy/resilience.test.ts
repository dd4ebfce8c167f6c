/** Timeouts, size limits, retries, the circuit breaker, health checks, TTL cache, fallback and the host allowlist. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BreakerRegistry, createProxyInvoker, prepareProxy } from '../../../connectors/proxy/index.ts';
import { fakeClock, json, never, text, withBackend } from './backend.ts';

const fail = (p: Promise<unknown>) => p.then(() => assert.fail('expected a rejection'), (e) => e);

test('a backend that never answers: timeout within the limit (504), the call is cut off', async () => {
  await withBackend((req) => never(req), async (b) => {
    const inv = createProxyInvoker({ style: 'get', endpoint: b.url, timeoutMs: 200, connectTimeoutMs: 150 });
    const started = Date.now();
    const e = await fail(inv.invoke({}));
    const took = Date.now() - started;
    assert.deepEqual([e.kind, e.code, e.httpStatus], ['timeout', 10021, 504]);
    assert.ok(took >= 140 && took < 1000, `took ${took} ms`);
    assert.doesNotMatch(e.message, /127\.0\.0\.1/);
  });
});

test('a body that trickles on past the total time is cut off too', async () => {
  await withBackend(() => new Response(drip(20, 10_000)), async (b) => {
    const inv = createProxyInvoker({ style: 'http', endpoint: b.url, timeoutMs: 250, replyFormat: 'text' });
    const started = Date.now();
    const e = await fail(inv.invoke({}));
    assert.equal(e.kind, 'timeout');
    assert.ok(Date.now() - started < 800);
  });
});

test('the caller cancelling ends the call as cancelled', async () => {
  await withBackend((req) => never(req), async (b) => {
    const inv = createProxyInvoker({ style: 'get', endpoint: b.url });
    const ctl = new AbortController();
    setTimeout(() => ctl.abort(), 50);
    assert.equal((await fail(inv.invoke({}, { signal: ctl.signal }))).kind, 'cancelled');
  });
});

test('500, garbage and refused connections are unavailable (502) with safe messages', async () => {
  await withBackend(() => text('boom', 500), async (b) => {
    const e = await fail(createProxyInvoker({ style: 'get', endpoint: b.url }).invoke({}));
    assert.deepEqual([e.kind, e.code, e.httpStatus, e.message], ['unavailable', 10020, 502, 'The backend answered HTTP 500']);
  });
  await withBackend(() => text('%%%garbage%%%'), async (b) => {
    assert.equal((await fail(createProxyInvoker({ style: 'get', endpoint: b.url }).invoke({}))).kind, 'unavailable');
  });
  const down = await fail(createProxyInvoker({ style: 'get', endpoint: 'http://127.0.0.1:9/x' }).invoke({}));
  assert.equal(down.kind, 'unavailable');
  assert.doesNotMatch(down.message, /127\.0\.0\.1|:9/);
});

test('redirects are not followed', async () => {
  await withBackend(() => new Response(null, { status: 302, headers: { location: 'http://example.com/' } }), async (b) => {
    const e = await fail(createProxyInvoker({ style: 'get', endpoint: b.url }).invoke({}));
    assert.equal(e.kind, 'unavailable');
    assert.match(e.message, /redirect/);
    assert.equal(b.received.length, 1);
  });
});

test('an endless streaming body stops at maxResponseBytes: its own code (10032, 502), with a clear message', async () => {
  let cancelled = false;
  await withBackend(() => new Response(endless(() => (cancelled = true))), async (b) => {
    const inv = createProxyInvoker({ style: 'get', endpoint: b.url, maxResponseBytes: 64 * 1024, timeoutMs: 5000 });
    const started = Date.now();
    const e = await fail(inv.invoke({}));
    assert.deepEqual([e.kind, e.code, e.httpStatus, e.message], ['unavailable', 10032, 502, 'The backend reply is larger than 65536 bytes']);
    assert.ok(Date.now() - started < 2000);
    for (let i = 0; i < 50 && !cancelled; i++) await new Promise((r) => setTimeout(r, 10));
    assert.ok(cancelled, 'the backend stream was cancelled');
  });
  await withBackend(() => text('x'.repeat(5000), 200), async (b) => {
    const e = await fail(createProxyInvoker({ style: 'get', endpoint: b.url, maxResponseBytes: 1024, retries: 2, retryBaseMs: 10 }).invoke({}));
    assert.equal(e.code, 10032);
    assert.match(e.message, /larger than 1024 bytes/);
    assert.equal(b.received.length, 1, 'an oversized reply is not asked for again');
  });
});

test('retries only for idempotent calls, with backoff (the backend counts hits)', async () => {
  await withBackend(() => text('down', 503), async (b) => {
    const base = { endpoint: b.url, retries: 2, retryBaseMs: 10, retryMaxMs: 20, breaker: { failures: 0 } };
    await fail(createProxyInvoker({ ...base, style: 'get' }).invoke({}));
    assert.equal(b.received.length, 3, 'GET: 1 + 2 retries');
    b.received.length = 0;
    await fail(createProxyInvoker({ ...base, style: 'post' }).invoke({}));
    assert.equal(b.received.length, 1, 'POST: never retried');
    b.received.length = 0;
    await fail(createProxyInvoker({ ...base, style: 'http', httpMethod: 'PATCH' }).invoke({}));
    assert.equal(b.received.length, 1, 'PATCH: never retried');
    b.received.length = 0;
    await fail(createProxyInvoker({ ...base, style: 'http', httpMethod: 'DELETE' }).invoke({}));
    assert.equal(b.received.length, 3, 'DELETE: retried');
  });
  await withBackend(() => text('no', 404), async (b) => {
    await fail(createProxyInvoker({ style: 'get', endpoint: b.url, retries: 2, retryBaseMs: 10 }).invoke({}));
    assert.equal(b.received.length, 1, 'a 404 is not retried');
  });
});

test('a retry succeeds after transient failures', async () => {
  let hits = 0;
  await withBackend(() => (++hits < 3 ? text('busy', 503) : json({ ok: true })), async (b) => {
    const r = await createProxyInvoker({ style: 'get', endpoint: b.url, retries: 3, retryBaseMs: 5, breaker: { failures: 0 } }).invoke({});
    assert.deepEqual(r.data, { ok: true });
    assert.equal(hits, 3);
  });
});

test('circuit breaker: opens after N failures, fails fast, half-opens after the cool-down, closes on success', async () => {
  let up = false;
  await withBackend(() => (up ? json({ ok: 1 }) : text('down', 500)), async (b) => {
    const clock = fakeClock();
    const breakers = new BreakerRegistry();
    const inv = createProxyInvoker(
      { style: 'get', endpoint: b.url, breaker: { failures: 2, coolDownMs: 1000 } },
      { breakers, now: clock.now },
    );
    await fail(inv.invoke({}));
    await fail(inv.invoke({}));
    assert.equal(inv.health().breaker, 'open');
    const fast = await fail(inv.invoke({}));
    assert.match(fast.message, /circuit is open/);
    assert.equal(b.received.length, 2, 'no call while open');

    clock.advance(1000);
    await fail(inv.invoke({}));
    assert.equal(b.received.length, 3, 'one trial call when half-open');
    assert.equal(inv.health().breaker, 'open', 'the failed trial opens it again');

    clock.advance(1000);
    up = true;
    assert.deepEqual((await inv.invoke({})).data, { ok: 1 });
    assert.equal(inv.health().breaker, 'closed');
    // Another operation on the same origin shares the breaker.
    const other = createProxyInvoker({ style: 'rest', endpoint: b.url, method: 'x' }, { breakers, now: clock.now });
    assert.equal(other.health().breaker, 'closed');
  });
});

test('4xx answers do not open the breaker', async () => {
  await withBackend(() => text('nope', 404), async (b) => {
    const inv = createProxyInvoker({ style: 'get', endpoint: b.url, breaker: { failures: 1 } }, { breakers: new BreakerRegistry() });
    await fail(inv.invoke({}));
    await fail(inv.invoke({}));
    assert.equal(inv.health().breaker, 'closed');
    assert.equal(b.received.length, 2);
  });
});

test('active health checks open the circuit while the health URL fails; dispose() stops them', async () => {
  let healthy = false;
  await withBackend((req) => (new URL(req.url).pathname === '/health' ? text('', healthy ? 200 : 503) : json({ ok: 1 })), async (b) => {
    const inv = createProxyInvoker(
      { style: 'get', endpoint: `${b.url}/api`, health: { url: `${b.url}/health`, intervalMs: 30 }, breaker: { failures: 3, coolDownMs: 60_000 } },
      { breakers: new BreakerRegistry() },
    );
    try {
      await waitFor(() => inv.health().lastCheck !== undefined);
      assert.equal(inv.health().breaker, 'open');
      assert.match((await fail(inv.invoke({}))).message, /circuit is open/);
      healthy = true;
      await waitFor(() => inv.health().lastCheck?.ok === true);
      assert.deepEqual((await inv.invoke({})).data, { ok: 1 });
      assert.equal(inv.health().breaker, 'closed');
    } finally {
      inv.dispose();
    }
    const checks = b.received.filter((r) => r.target === '/health').length;
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(b.received.filter((r) => r.target === '/health').length, checks, 'no checks after dispose()');
  });
});

test('TTL cache: keyed by the backend request, served until it expires', async () => {
  let n = 0;
  await withBackend(() => json({ n: ++n }), async (b) => {
    const clock = fakeClock();
    const inv = createProxyInvoker({ style: 'rest', endpoint: b.url, method: 'm', cacheTtlSeconds: 60 }, { now: clock.now });
    const first = await inv.invoke({ nik: '1' });
    const second = await inv.invoke({ nik: '1' });
    assert.deepEqual([first.source, second.source, second.data, second.age], ['backend', 'cache', { n: 1 }, 0]);
    (second.data as { n: number }).n = 99; // callers cannot change what others get
    assert.deepEqual((await inv.invoke({ nik: '1' })).data, { n: 1 });
    assert.equal((await inv.invoke({ nik: '2' })).source, 'backend', 'another request is another entry');
    clock.advance(60_000);
    const third = await inv.invoke({ nik: '1' });
    assert.deepEqual([third.source, third.data], ['backend', { n: 3 }]);
    assert.equal(b.received.length, 3);
  });
});

test("fallback: the last good answer is served, marked 'fallback', when the backend goes down", async () => {
  await withBackend(() => json({ response: { status: 1, code: 200, message: 'OK', data: { nama: 'A' } } }), async (b) => {
    const clock = fakeClock();
    const inv = createProxyInvoker(
      { style: 'rest', endpoint: b.url, method: 'm', fallback: true, fallbackMaxAgeSeconds: 3600, breaker: { failures: 0 } },
      { now: clock.now },
    );
    assert.equal((await inv.invoke({ nik: '1' })).source, 'backend');
    b.handle = () => text('down', 502);
    clock.advance(5000);
    const r = await inv.invoke({ nik: '1' });
    assert.deepEqual([r.source, r.data, r.status, r.age], ['fallback', { nama: 'A' }, 200, 5]);
    assert.equal((await fail(inv.invoke({ nik: '2' }))).kind, 'unavailable', 'nothing to fall back on for another request');
    b.handle = () => json({ response: { status: 0, code: 10012, message: 'kosong', data: '' } });
    assert.equal((await fail(inv.invoke({ nik: '1' }))).code, 10012, "the backend's own error is an answer, not a failure");
    b.handle = () => text('down', 502);
    clock.advance(3600_000);
    assert.equal((await fail(inv.invoke({ nik: '1' }))).kind, 'unavailable', 'too old to serve');
  });
});

test('fallback also covers timeouts', async () => {
  let slow = false;
  await withBackend((req) => (slow ? never(req) : json({ v: 1 })), async (b) => {
    const inv = createProxyInvoker({ style: 'get', endpoint: b.url, fallback: true, timeoutMs: 150, breaker: { failures: 0 } });
    await inv.invoke({});
    slow = true;
    const r = await inv.invoke({});
    assert.deepEqual([r.source, r.data], ['fallback', { v: 1 }]);
  });
});

test('host allowlist: checked when the invoker is built; empty allows any', async () => {
  await withBackend(() => json({ ok: 1 }), async (b) => {
    const denied = createProxyInvoker({ style: 'get', endpoint: b.url }, { allowHosts: ['api.dukcapil.go.id', '*.kemkes.go.id'] });
    assert.equal(denied.problem?.kind, 'config');
    const e = await fail(denied.invoke({}));
    assert.deepEqual([e.code, e.kind], [10003, 'config']);
    assert.equal(b.received.length, 0);
    await assert.rejects(prepareProxy({ style: 'get', endpoint: b.url }, { allowHosts: ['api.dukcapil.go.id'] }), { code: 10003 });
    const port = new URL(b.url).port;
    for (const allowHosts of [[], ['127.0.0.1'], [`127.0.0.1:${port}`]]) {
      assert.deepEqual((await createProxyInvoker({ style: 'get', endpoint: b.url }, { allowHosts }).invoke({})).data, { ok: 1 });
    }
    assert.ok(createProxyInvoker({ style: 'get', endpoint: b.url }, { allowHosts: ['127.0.0.1:1'] }).problem);
    const token = createProxyInvoker(
      { style: 'get', endpoint: b.url, auth: { type: 'oauth2', tokenUrl: 'https://sso.example.org/token', clientId: 'a', clientSecret: 'b' } },
      { allowHosts: ['127.0.0.1'] },
    );
    assert.ok(token.problem, 'the token endpoint must be allowed too');
  });
});

async function waitFor(cond: () => boolean, ms = 2000): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

function endless(onCancel: () => void): ReadableStream<Uint8Array> {
  const chunk = new Uint8Array(8192).fill(0x61);
  return new ReadableStream({
    pull: async (ctl) => {
      await new Promise((r) => setTimeout(r, 1));
      ctl.enqueue(chunk);
    },
    cancel: onCancel,
  }, { highWaterMark: 0 });
}

function drip(everyMs: number, forMs: number): ReadableStream<Uint8Array> {
  const started = Date.now();
  return new ReadableStream({
    pull: async (ctl) => {
      await new Promise((r) => setTimeout(r, everyMs));
      if (Date.now() - started > forMs) ctl.close();
      else ctl.enqueue(new Uint8Array([0x20]));
    },
  }, { highWaterMark: 0 });
}
