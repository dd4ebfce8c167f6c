/** The per-origin pool of the HTTP/1.1 client: idle bound and idle timeout. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Http1Client } from '../../../../connectors/proxy/http1/client.ts';
import { route } from '../../../../connectors/proxy/http1/target.ts';
import { delay, ok, until, withRaw } from './raw-server.ts';

const opts = () => ({ deadline: Date.now() + 2000, headersTimeoutMs: 1000, maxBytes: 1 << 20 });

test('idle connections are closed after the idle timeout, and the next call opens a new one', async () => {
  await withRaw((s) => s.write(ok('x')), async (srv) => {
    const client = new Http1Client(undefined, { maxIdle: 8, idleMs: 100 });
    const r = route(`${srv.url}/`)!;
    try {
      await client.send(r, { method: 'GET', url: `${srv.url}/`, headers: {}, idempotent: true }, opts());
      assert.equal(client.idle(r), 1);
      await until(() => srv.closedByClient === 1, 1500);
      assert.equal(client.idle(r), 0);
      await client.send(r, { method: 'GET', url: `${srv.url}/`, headers: {}, idempotent: true }, opts());
      assert.equal(srv.connections, 2);
    } finally {
      client.close();
    }
  });
});

test('no more than maxIdle connections wait; the rest are closed when released', async () => {
  await withRaw(async (s) => {
    await delay(30); // so the calls overlap and each needs its own connection
    s.write(ok('x'));
  }, async (srv) => {
    const client = new Http1Client(undefined, { maxIdle: 2, idleMs: 10_000 });
    const r = route(`${srv.url}/`)!;
    try {
      await Promise.all(Array.from({ length: 5 }, () =>
        client.send(r, { method: 'GET', url: `${srv.url}/`, headers: {}, idempotent: true }, opts())));
      assert.equal(srv.connections, 5);
      assert.equal(client.idle(r), 2);
      await until(() => srv.closedByClient === 3);
    } finally {
      client.close();
    }
  });
});

test('route(): plain http URLs only; odd ones are normalised by the URL parser, credentials left to fetch()', () => {
  assert.deepEqual(route('http://Example.COM:80/a?b=1')?.target, '/a?b=1');
  assert.equal(route('http://Example.COM:80/a')?.origin.host, 'example.com');
  assert.equal(route('http://[::1]:8080/x')?.origin.hostname, '::1');
  assert.equal(route('http://h/a/../b c#frag')?.target, '/b%20c');
  assert.equal(route('http://h')?.target, '/');
  assert.equal(route('http://user:pw@h/x'), undefined);
  assert.equal(route('https://h/x'), undefined);
});
