/** Backend credentials, and TLS with a private CA. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import https from 'node:https';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createProxyInvoker } from '../../../connectors/proxy/index.ts';
import { runtime } from '../../../src/runtime/index.ts';
import { inCI } from '../../support/services.ts';
import { fakeClock, json, text, withBackend } from './backend.ts';

test('mantra: AccessKey and User-Agent: MANTRA (also on the http style)', async () => {
  await withBackend(() => json({}), async (b) => {
    await createProxyInvoker({ style: 'http', endpoint: b.url, auth: { type: 'mantra', accessKey: 'etctm892js' } }).invoke({});
    assert.equal(b.received[0].headers['accesskey'], 'etctm892js');
    assert.equal(b.received[0].headers['user-agent'], 'MANTRA');
    await createProxyInvoker({ style: 'get', endpoint: b.url, auth: { type: 'mantra', accessKey: '' } }).invoke({});
    assert.equal(b.received[1].headers['accesskey'], undefined, 'no empty AccessKey header, as the original');
  });
});

test('basic, bearer and API-key headers', async () => {
  await withBackend(() => json({}), async (b) => {
    await createProxyInvoker({ style: 'get', endpoint: b.url, auth: { type: 'basic', username: 'pengguna', password: 'rahasia:é' } }).invoke({});
    assert.equal(b.received[0].headers['authorization'], `Basic ${Buffer.from('pengguna:rahasia:é').toString('base64')}`);
    await createProxyInvoker({ style: 'get', endpoint: b.url, auth: { type: 'bearer', token: 'tkn.abc' } }).invoke({});
    assert.equal(b.received[1].headers['authorization'], 'Bearer tkn.abc');
    await createProxyInvoker({ style: 'get', endpoint: b.url, auth: { type: 'apikey', key: 'k-123' } }).invoke({});
    assert.equal(b.received[2].headers['x-api-key'], 'k-123');
    await createProxyInvoker({ style: 'get', endpoint: b.url, auth: { type: 'apikey', header: 'X-Kunci', key: 'k-9' } }).invoke({});
    assert.equal(b.received[3].headers['x-kunci'], 'k-9');
  });
});

test('credentials with a line break are a configuration problem, never sent', () => {
  const inv = createProxyInvoker({ style: 'get', endpoint: 'http://127.0.0.1:9/', auth: { type: 'bearer', token: 'a\r\nX-Evil: 1' } });
  assert.equal(inv.problem?.kind, 'config');
});

/** A token endpoint and an API that accepts only the current token. */
function oauthBackend() {
  const state = { issued: 0, current: '', tokenRequests: [] as { authorization?: string; body: string }[], expiresIn: 100 };
  const handler = (_req: Request, rec: { target: string; headers: Record<string, string>; body: string }) => {
    if (rec.target === '/token') {
      state.tokenRequests.push({ authorization: rec.headers['authorization'], body: rec.body });
      state.current = `tok-${++state.issued}`;
      return json({ access_token: state.current, token_type: 'Bearer', expires_in: state.expiresIn });
    }
    return rec.headers['authorization'] === `Bearer ${state.current}` ? json({ ok: state.current }) : text('unauthorized', 401);
  };
  return { state, handler };
}

test('OAuth2 client credentials: one token fetch for concurrent calls, reused, refreshed before expiry', async () => {
  const { state, handler } = oauthBackend();
  await withBackend(handler, async (b) => {
    const clock = fakeClock();
    const inv = createProxyInvoker({
      style: 'get',
      endpoint: `${b.url}/api`,
      auth: { type: 'oauth2', tokenUrl: `${b.url}/token`, clientId: 'klien', clientSecret: 'rahasia', scope: 'baca' },
    }, { now: clock.now });
    const results = await Promise.all([inv.invoke({}), inv.invoke({}), inv.invoke({})]);
    assert.deepEqual(results.map((r) => r.data), [{ ok: 'tok-1' }, { ok: 'tok-1' }, { ok: 'tok-1' }]);
    assert.equal(state.tokenRequests.length, 1, 'one fetch in flight for three calls');
    assert.equal(state.tokenRequests[0].authorization, `Basic ${btoa('klien:rahasia')}`);
    assert.equal(state.tokenRequests[0].body, 'grant_type=client_credentials&scope=baca');

    clock.advance(80_000);
    assert.deepEqual((await inv.invoke({})).data, { ok: 'tok-1' }, 'reused while valid');
    assert.equal(state.tokenRequests.length, 1);

    clock.advance(15_000); // 95 s of 100: within the renewal margin
    assert.deepEqual((await inv.invoke({})).data, { ok: 'tok-2' });
    assert.equal(state.tokenRequests.length, 2);
  });
});

test('OAuth2: a token the backend refuses (401) is renewed once and the call repeated', async () => {
  const { state, handler } = oauthBackend();
  await withBackend(handler, async (b) => {
    const inv = createProxyInvoker({
      style: 'post',
      endpoint: `${b.url}/api`,
      auth: { type: 'oauth2', tokenUrl: `${b.url}/token`, clientId: 'c', clientSecret: 's', clientAuth: 'body' },
    });
    await inv.invoke({});
    assert.equal(state.tokenRequests[0].body, 'grant_type=client_credentials&client_id=c&client_secret=s');
    assert.equal(state.tokenRequests[0].authorization, undefined);
    state.current = 'revoked-elsewhere';
    assert.deepEqual((await inv.invoke({})).data, { ok: 'tok-2' });
    assert.equal(state.tokenRequests.length, 2);
  });
});

test('OAuth2: a failing token endpoint is unavailable, with no secret in the message', async () => {
  await withBackend((_req, rec) => (rec.target === '/token' ? text('denied', 400) : json({})), async (b) => {
    const inv = createProxyInvoker({
      style: 'get',
      endpoint: `${b.url}/api`,
      auth: { type: 'oauth2', tokenUrl: `${b.url}/token`, clientId: 'c', clientSecret: 'sangat-rahasia' },
    });
    const e = await inv.invoke({}).then(() => undefined, (err) => err);
    assert.equal(e.kind, 'unavailable');
    assert.doesNotMatch(e.message, /sangat-rahasia|127\.0\.0\.1/);
    assert.equal(b.received.filter((r) => r.target === '/api').length, 0);
  });
});

interface Certs {
  ca: string;
  cert: string;
  key: string;
  clientCert: string;
  clientKey: string;
}

/** A private CA, a server certificate for 127.0.0.1 and a client certificate, made with openssl for this run only. */
function makeCerts(): Certs | string {
  let dir = '';
  try {
    dir = mkdtempSync(join(tmpdir(), 'mantra-tls-'));
    const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
    run('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=Mantra Test CA',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
    run('req', ...ec, '-keyout', 'srv.key', '-out', 'srv.csr', '-subj', '/CN=127.0.0.1');
    writeFileSync(join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n');
    run('x509', '-req', '-in', 'srv.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'srv.pem', '-days', '1', '-extfile', 'ext.cnf');
    run('req', ...ec, '-keyout', 'cli.key', '-out', 'cli.csr', '-subj', '/CN=mantra-gsb');
    writeFileSync(join(dir, 'cext.cnf'), 'basicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth\n');
    run('x509', '-req', '-in', 'cli.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'cli.pem', '-days', '1', '-extfile', 'cext.cnf');
    const read = (f: string) => readFileSync(join(dir, f), 'utf8');
    return { ca: read('ca.pem'), cert: read('srv.pem'), key: read('srv.key'), clientCert: read('cli.pem'), clientKey: read('cli.key') };
  } catch {
    if (inCI) throw new Error('openssl is required under CI for the TLS test');
    const reason = 'SKIPPED: openssl not available to make test certificates';
    console.warn(`\n*** ${reason} ***\n`);
    return reason;
  } finally {
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

const certs = makeCerts();

test('TLS: a backend certificate from a private CA is trusted only with that CA configured', { skip: typeof certs === 'string' ? certs : undefined }, async () => {
  const { ca, cert, key } = certs as Certs;
  const server = await runtime.serve({ port: 0, hostname: '127.0.0.1', tls: { cert, key }, fetch: () => json({ aman: true }) });
  const url = `https://127.0.0.1:${server.port}/`;
  const withCa = createProxyInvoker({ style: 'get', endpoint: url, tls: { ca } });
  const without = createProxyInvoker({ style: 'get', endpoint: url });
  try {
    assert.deepEqual((await withCa.invoke({})).data, { aman: true });
    const e = await without.invoke({}).then(() => undefined, (err) => err);
    assert.equal(e.kind, 'unavailable');
    assert.equal(e.message, 'TLS handshake with the backend failed');
  } finally {
    withCa.dispose();
    without.dispose();
    await server.stop();
  }
});

test('mutual TLS: the client certificate is presented to a backend that requires one', { skip: typeof certs === 'string' ? certs : undefined }, async () => {
  const { ca, cert, key, clientCert, clientKey } = certs as Certs;
  // node:https can demand a client certificate (runtime.serve cannot); it runs under Bun and Deno alike.
  const server = https.createServer({ key, cert, ca, requestCert: true, rejectUnauthorized: true }, (req, res) => {
    const socket = req.socket as unknown as { authorized: boolean };
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ authorized: socket.authorized }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const url = `https://127.0.0.1:${(server.address() as { port: number }).port}/`;
  const mutual = createProxyInvoker({ style: 'get', endpoint: url, tls: { ca, cert: clientCert, key: clientKey } });
  const anonymous = createProxyInvoker({ style: 'get', endpoint: url, tls: { ca } });
  try {
    assert.deepEqual((await mutual.invoke({})).data, { authorized: true });
    const e = await anonymous.invoke({}).then(() => undefined, (err) => err);
    assert.deepEqual([e.kind, e.message], ['unavailable', 'TLS handshake with the backend failed']);
  } finally {
    mutual.dispose();
    anonymous.dispose();
    await new Promise((resolve) => server.close(resolve));
  }
});
