/**
 * X-Forwarded-Proto, honoured only from a trusted proxy (the trustedProxies setting), on a real server whose
 * callers connect from addresses of 127.0.0.0/8: from the proxy, `https` makes the admin session cookie Secure
 * (set and cleared) and a WSDL without publicBaseUrl names https addresses; from any other peer, or with the
 * setting empty, the header changes nothing.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { trustedProxiesOf, withRequestId } from '../../src/app-env.ts';
import { runtime, type Server } from '../../src/runtime/index.ts';
import { forwardedScheme } from '../../src/security/forwarded-proto.ts';
import { testApp } from '../support/app.ts';
import { PASSWORD, passwordHash } from './support.ts';

const PROXY = '127.0.0.5';
const STRANGER = '127.0.0.6';

interface Answer {
  status: number;
  headers: Map<string, string[]>;
  body: string;
}

/** One request over its own connection from `localAddress`, read until the server closes it. */
function call(port: number, localAddress: string, head: string, body = ''): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1', localAddress });
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => (text += d));
    socket.on('error', reject);
    socket.on('close', () => {
      const split = text.indexOf('\r\n\r\n');
      const lines = text.slice(0, split).split('\r\n');
      const headers = new Map<string, string[]>();
      for (const line of lines.slice(1)) {
        const at = line.indexOf(':');
        const name = line.slice(0, at).toLowerCase();
        headers.set(name, [...(headers.get(name) ?? []), line.slice(at + 1).trim()]);
      }
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(lines[0])?.[1]), headers, body: text.slice(split + 4) });
    });
    socket.write(head + body);
  });
}

describe('X-Forwarded-Proto from trusted proxies only', () => {
  let t: Awaited<ReturnType<typeof testApp>>;
  let server: Server;

  const trust = async (trustedProxies: string[]) => {
    const stored = await t.store.get('settings', 'settings');
    await t.store.put('settings', { ...(stored?.body ?? {}), trustedProxies } as never, stored?.version ?? 0);
  };
  const login = (from: string, proto?: string) => {
    const body = JSON.stringify({ username: 'admin', password: PASSWORD });
    return call(server.port, from, 'POST /admin/api/login HTTP/1.1\r\nHost: gsb.example.go.id\r\nConnection: close\r\n' +
      `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n${proto ? `X-Forwarded-Proto: ${proto}\r\n` : ''}\r\n`, body);
  };
  /** The session cookie's attributes as set on login, and as cleared on logout with the same token. */
  const cookies = async (from: string, proto?: string) => {
    const signedIn = await login(from, proto);
    assert.equal(signedIn.status, 200, signedIn.body);
    const set = signedIn.headers.get('set-cookie') ?? [];
    assert.equal(set.length, 1, set.join('\n'));
    const { token } = JSON.parse(signedIn.body);
    const out = await call(server.port, from, 'POST /admin/api/logout HTTP/1.1\r\nHost: gsb.example.go.id\r\n' +
      `Connection: close\r\nAuthorization: Bearer ${token}\r\n${proto ? `X-Forwarded-Proto: ${proto}\r\n` : ''}\r\n`);
    assert.equal(out.status, 204, out.body);
    const cleared = out.headers.get('set-cookie') ?? [];
    assert.equal(cleared.length, 1, cleared.join('\n'));
    return { set: set[0], cleared: cleared[0] };
  };
  const secure = (cookie: string) => /;\s*Secure(;|$)/i.test(cookie);
  const wsdlLocation = async (from: string, proto?: string) => {
    const res = await call(server.port, from, 'GET /soap/pemda/warga?wsdl HTTP/1.1\r\nHost: gsb.example.go.id\r\n' +
      `Connection: close\r\n${proto ? `X-Forwarded-Proto: ${proto}\r\n` : ''}\r\n`);
    assert.equal(res.status, 200, res.body.slice(0, 300));
    return /<soap:address location="([^"]+)"/.exec(res.body)?.[1] ?? /location="([^"]+)"/.exec(res.body)?.[1];
  };

  before(async () => {
    t = await testApp({ workers: 0 });
    await t.put('user', { username: 'admin', role: 'administrator', passwordHash: await passwordHash(), fullName: '', active: true, mustChangePassword: false });
    // One SOAP service for the WSDL, over a SQLite file.
    const file = path.join(t.dir, 'warga.db');
    const db = new DatabaseSync(file);
    db.exec(`create table warga (nik text, nama text); insert into warga values ('1', 'Siti');`);
    db.close();
    await t.put('agency', { slug: 'pemda', name: 'Pemda' });
    await t.put('connector', { agency: 'pemda', slug: 'db', kind: 'sqlite', path: file });
    await t.put('service', { agency: 'pemda', slug: 'warga' });
    await t.put('operation', {
      agency: 'pemda', service: 'warga', slug: 'cari', kind: 'data', params: [{ name: 'nik' }],
      data: { form: 'sql', connector: 'db', sql: 'select nik, nama from warga where nik = :nik' },
    });
    // As src/server.ts wires it.
    server = await runtime.serve({
      port: 0,
      hostname: '127.0.0.1',
      fetch: withRequestId((req, env) => t.fetch(req, env), trustedProxiesOf(t.registry)),
    });
  });
  after(async () => {
    await server?.stop();
    await t?.close();
  });

  test('the header is worth nothing while no proxy is trusted', async () => {
    const { set, cleared } = await cookies(PROXY, 'https');
    assert.ok(!secure(set), set);
    assert.ok(!secure(cleared), cleared);
    assert.equal(await wsdlLocation(PROXY, 'https'), 'http://gsb.example.go.id/soap/pemda/warga');
  });

  test('from a trusted proxy, https marks the cookie Secure and gives the WSDL https addresses', async () => {
    await trust([PROXY]);
    const { set, cleared } = await cookies(PROXY, 'https');
    assert.ok(secure(set), set);
    assert.match(set, /HttpOnly/i);
    assert.ok(secure(cleared), cleared);
    assert.equal(await wsdlLocation(PROXY, 'https'), 'https://gsb.example.go.id/soap/pemda/warga');
    // A chunked body, which the admin API reads into a copy of the request (Hono's bodyLimit), counts the same.
    const body = JSON.stringify({ username: 'admin', password: PASSWORD });
    const chunked = await call(server.port, PROXY, 'POST /admin/api/login HTTP/1.1\r\nHost: gsb.example.go.id\r\n' +
      'Connection: close\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nX-Forwarded-Proto: https\r\n\r\n',
      `${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`);
    assert.equal(chunked.status, 200, chunked.body);
    const chunkedCookie = chunked.headers.get('set-cookie')?.[0] ?? '';
    assert.ok(secure(chunkedCookie), chunkedCookie);
    // The same proxy without the header, or saying http: the connection's own scheme.
    assert.ok(!secure((await cookies(PROXY)).set));
    assert.ok(!secure((await cookies(PROXY, 'http')).set));
    assert.equal(await wsdlLocation(PROXY), 'http://gsb.example.go.id/soap/pemda/warga');
  });

  test('from a peer that is not a trusted proxy, the header is ignored', async () => {
    await trust([PROXY]);
    const { set, cleared } = await cookies(STRANGER, 'https');
    assert.ok(!secure(set), set);
    assert.ok(!secure(cleared), cleared);
    assert.equal(await wsdlLocation(STRANGER, 'https'), 'http://gsb.example.go.id/soap/pemda/warga');
  });

  test('a change of the setting applies at once', async () => {
    await trust(['127.0.0.0/29']);
    assert.ok(secure((await cookies(STRANGER, 'https')).set), 'within the range');
    await trust([]);
    assert.ok(!secure((await cookies(STRANGER, 'https')).set), 'trusted no more');
  });
});

test('forwardedScheme: the right-most entry of a trusted peer, http or https only', () => {
  const trusted = ['10.0.0.0/8', '::1'];
  assert.equal(forwardedScheme('10.1.2.3', 'https', trusted), 'https');
  assert.equal(forwardedScheme('10.1.2.3', ' HTTPS ', trusted), 'https');
  assert.equal(forwardedScheme('::1', 'http', trusted), 'http');
  assert.equal(forwardedScheme('::ffff:10.1.2.3', 'https', trusted), 'https');
  // The proxy next to Mantra writes the right-most entry; what the caller sent left of it does not count.
  assert.equal(forwardedScheme('10.1.2.3', 'https, http', trusted), 'http');
  assert.equal(forwardedScheme('10.1.2.3', 'http,https', trusted), 'https');
  for (const value of ['ftp', 'wss', '', 'https;', 'https http', null, undefined]) {
    assert.equal(forwardedScheme('10.1.2.3', value, trusted), undefined, String(value));
  }
  assert.equal(forwardedScheme('192.0.2.1', 'https', trusted), undefined);
  assert.equal(forwardedScheme('10.1.2.3', 'https', []), undefined);
  // The check's result is kept for the same peer and setting only.
  const one = ['10.9.9.9'];
  assert.equal(forwardedScheme('10.9.9.9', 'https', one), 'https');
  assert.equal(forwardedScheme('10.9.9.8', 'https', one), undefined);
  assert.equal(forwardedScheme('10.9.9.9', 'https', ['10.9.9.8']), undefined);
});
