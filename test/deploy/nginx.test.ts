/**
 * deploy/nginx-mantra.conf as an administrator would use it, with only its addresses and certificate paths
 * changed: `nginx -t` accepts it without a warning, and Debian's nginx, running it, carries calls over HTTPS to a
 * running Mantra that has the example's settings (trustedProxies, publicBaseUrl). The caller calls from 127.0.0.2,
 * nginx reaches Mantra from 127.0.0.1: the track names 127.0.0.2, also when the caller forges X-Forwarded-For.
 * Also: HTTP redirects to HTTPS, TLS 1.2 and 1.3, the WSDL's address, Mantra's own 413 for a large body, the
 * admin cookie marked Secure, /metrics closed.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cli, serveCli } from '../support/cli.ts';
import { needTool, runs } from '../support/tools.ts';
import { CALL_PATH, configure, KEY } from './fixture.ts';

const NGINX = '/usr/sbin/nginx';
const HOST = 'gsb.example.go.id';
const CALLER = '127.0.0.2';
const skip = needTool('nginx (apt install nginx-light)', () => fs.existsSync(NGINX))
  ?? needTool('openssl', () => runs('openssl', ['version']))
  ?? needTool('curl', () => runs('curl', ['--version']));

const example = fs.readFileSync(new URL('../../deploy/nginx-mantra.conf', import.meta.url), 'utf8');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mantra-nginx-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** `text` with `from` replaced by `to`, which must occur exactly once (the test fails if the example changes). */
function once(text: string, from: string | RegExp, to: string): string {
  const count = typeof from === 'string' ? text.split(from).length - 1 : (text.match(new RegExp(from, 'gm')) ?? []).length;
  assert.equal(count, 1, `the example has ${String(from)} once`);
  return text.replace(from, to);
}

/** The example with this test's ports and certificate, in a whole nginx.conf of a prefix of its own. */
function nginxConf(mantraPort: number, httpPort: number, httpsPort: number): string {
  let site = once(example, 'server 127.0.0.1:8080;', `server 127.0.0.1:${mantraPort};`);
  site = once(site, /^\s*listen 80;$/m, `    listen 127.0.0.1:${httpPort};`);
  site = once(site, /^\s*listen 443 ssl http2;$/m, `    listen 127.0.0.1:${httpsPort} ssl http2;`);
  site = once(site, '/etc/ssl/mantra/fullchain.pem', path.join(dir, 'cert.pem'));
  site = once(site, '/etc/ssl/mantra/privkey.pem', path.join(dir, 'key.pem'));
  fs.writeFileSync(path.join(dir, 'mantra-site.conf'), site);
  const temp = (name: string) => path.join(dir, name);
  const conf = `daemon off;
master_process off;
worker_processes 1;
pid ${temp('nginx.pid')};
error_log ${temp('error.log')} warn;
events { worker_connections 256; }
http {
  include /etc/nginx/mime.types;
  access_log off;
  client_body_temp_path ${temp('client_body')};
  proxy_temp_path ${temp('proxy')};
  fastcgi_temp_path ${temp('fastcgi')};
  uwsgi_temp_path ${temp('uwsgi')};
  scgi_temp_path ${temp('scgi')};
  include ${temp('mantra-site.conf')};
}
`;
  fs.writeFileSync(temp('nginx.conf'), conf);
  return temp('nginx.conf');
}

/** curl from the caller's address through nginx; `-w` puts the status after the body. */
function curl(url: string, args: string[] = []) {
  const r = spawnSync('curl', ['-sS', '--max-time', '20', '--interface', CALLER, '--cacert', path.join(dir, 'cert.pem'),
    '--resolve', `${HOST}:${new URL(url).port || 443}:127.0.0.1`, '-D', '-', ...args, url], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.status, 0, r.stderr);
  const split = r.stdout.indexOf('\r\n\r\n');
  const head = r.stdout.slice(0, split);
  const status = Number(/^HTTP\/[\d.]+ (\d+)/.exec(head)?.[1]);
  const headers = new Map<string, string[]>();
  for (const line of head.split('\r\n').slice(1)) {
    const at = line.indexOf(':');
    const name = line.slice(0, at).toLowerCase();
    headers.set(name, [...(headers.get(name) ?? []), line.slice(at + 1).trim()]);
  }
  return { status, headers, body: r.stdout.slice(split + 4) };
}

describe('deploy/nginx-mantra.conf', { skip }, () => {
  let mantra: ReturnType<typeof serveCli>;
  let nginx: ChildProcess;
  let https = '';
  let http = '';
  const data = path.join(dir, 'data');

  before(async () => {
    const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', `/CN=${HOST}`,
      '-addext', `subjectAltName=DNS:${HOST}`, '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')], { encoding: 'utf8' });
    assert.equal(made.status, 0, made.stderr);
    // The settings the example's head names.
    const files = path.join(dir, 'files');
    fs.mkdirSync(files);
    await configure(data, files, { trustedProxies: ['127.0.0.1'], publicBaseUrl: `https://${HOST}` });
    mantra = serveCli(['--data', data, '--port', '0', '--workers', '0'], { MANTRA_ADMIN_PASSWORD: 'nginx-test-password-1', MANTRA_LOG_LEVEL: 'error' });
    const mantraPort = Number(new URL(await mantra.ready).port);
    const [httpPort, httpsPort] = [await freePort(), await freePort()];
    const conf = nginxConf(mantraPort, httpPort, httpsPort);
    const checked = spawnSync(NGINX, ['-t', '-p', dir, '-c', conf, '-e', path.join(dir, 'error.log')], { encoding: 'utf8' });
    assert.equal(checked.status, 0, checked.stderr);
    assert.match(checked.stderr, /syntax is ok/);
    assert.match(checked.stderr, /test is successful/);
    assert.doesNotMatch(checked.stderr, /\[warn\]|\[emerg\]/, checked.stderr);
    nginx = spawn(NGINX, ['-p', dir, '-c', conf, '-e', path.join(dir, 'error.log')], { stdio: 'ignore' });
    [https, http] = [`https://${HOST}:${httpsPort}`, `http://${HOST}:${httpPort}`];
    for (let i = 0; i < 100; i++) {
      const up = await new Promise<boolean>((resolve) => {
        const s = net.connect(httpsPort, '127.0.0.1', () => (s.end(), resolve(true)));
        s.once('error', () => resolve(false));
      });
      if (up) break;
      await new Promise((r) => setTimeout(r, 100));
    }
  });

  after(async () => {
    if (nginx && nginx.exitCode === null) {
      const exited = new Promise((r) => nginx.once('exit', r));
      nginx.kill('SIGTERM');
      await exited;
    }
    await mantra?.kill();
  });

  test('a call over HTTPS through nginx: answered, and tracked with the caller\'s address, not nginx\'s', async () => {
    const res = curl(`${https}${CALL_PATH}`, ['-H', `X-API-Key: ${KEY}`, '-H', 'X-Request-Id: via-nginx-1']);
    assert.equal(res.status, 200, res.body + mantra.output());
    assert.equal(JSON.parse(res.body).data[0].nama, 'Siti');
    assert.equal(res.headers.get('strict-transport-security')?.[0], 'max-age=31536000');
    assert.equal(res.headers.get('x-request-id')?.[0], 'via-nginx-1');
    // A forged X-Forwarded-For: nginx appends the address it saw, and Mantra reads from the right.
    const forged = curl(`${https}${CALL_PATH}`, ['-H', `X-API-Key: ${KEY}`, '-H', 'X-Request-Id: via-nginx-2', '-H', 'X-Forwarded-For: 203.0.113.9']);
    assert.equal(forged.status, 200);
    await new Promise((r) => setTimeout(r, 300)); // the tracks reach the table within about 50 ms
    const out = path.join(dir, 'trail.ndjson');
    const exported = cli(['audit', 'export', '--data', data, '--out', out]);
    assert.equal(exported.code, 0, exported.stderr);
    const tracks = fs.readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((l) => l.type === 'track');
    const remoteOf = (id: string) => tracks.find((t) => t.requestId === id)?.remote;
    assert.equal(remoteOf('via-nginx-1'), CALLER);
    assert.equal(remoteOf('via-nginx-2'), CALLER);
  });

  test('plain HTTP is redirected to HTTPS, the path and query kept', () => {
    const res = curl(`${http}/v1/pemda/warga/cari?nik=1`);
    assert.equal(res.status, 301);
    assert.equal(res.headers.get('location')?.[0], `https://${HOST}/v1/pemda/warga/cari?nik=1`);
  });

  test('TLS 1.2 and TLS 1.3 are both served', () => {
    assert.equal(curl(`${https}/healthz`, ['--tlsv1.2', '--tls-max', '1.2']).status, 200);
    assert.equal(curl(`${https}/healthz`, ['--tlsv1.3']).status, 200);
  });

  test('the WSDL gives callers the public address (publicBaseUrl), not Mantra\'s own', () => {
    const res = curl(`${https}/soap/pemda/warga?wsdl`);
    assert.equal(res.status, 200);
    assert.match(res.body, new RegExp(`location="https://${HOST.replaceAll('.', '\\.')}/soap/pemda/warga"`));
    assert.doesNotMatch(res.body, /location="http:\/\/|127\.0\.0\.1/);
  });

  test('the body limits agree: at Mantra\'s limit a body reaches Mantra; past it nginx refuses as Mantra does', async () => {
    const body = (size: number) => {
      const file = path.join(dir, `body-${size}.txt`);
      fs.writeFileSync(file, 'nik=' + '1'.repeat(size - 4));
      return ['-H', `X-API-Key: ${KEY}`, '-H', 'content-type: application/x-www-form-urlencoded', '--data-binary', `@${file}`];
    };
    const LIMIT = 1024 * 1024; // the maxBodyBytes setting's default
    const at = curl(`${https}/v1/pemda/warga/cari`, body(LIMIT));
    assert.ok(at.headers.get('x-request-id'), 'answered by Mantra');
    assert.notEqual(at.status, 413);
    const past = curl(`${https}/v1/pemda/warga/cari`, body(LIMIT + 1));
    assert.equal(past.status, 413, past.body.slice(0, 300));
    assert.match(past.headers.get('content-type')?.[0] ?? '', /^application\/problem\+json/);
    // Mantra's own refusal of the same request, asked directly.
    const own = await fetch(`${await mantra.ready}/v1/pemda/warga/cari`, {
      method: 'POST', headers: { 'X-API-Key': KEY, 'content-type': 'application/x-www-form-urlencoded' }, body: 'nik=' + '1'.repeat(LIMIT),
    });
    assert.equal(own.status, 413);
    const { requestId, ...mantraSays } = await own.json();
    assert.ok(requestId);
    assert.deepEqual(JSON.parse(past.body), mantraSays);
  });

  test('the admin session cookie is marked Secure behind nginx; /metrics is closed there', () => {
    const login = curl(`${https}/admin/api/login`, ['-H', 'content-type: application/json',
      '--data', JSON.stringify({ username: 'admin', password: 'nginx-test-password-1' })]);
    assert.equal(login.status, 200, login.body);
    const cookies = login.headers.get('set-cookie') ?? [];
    assert.ok(cookies.length > 0, 'a session cookie');
    for (const cookie of cookies) assert.match(cookie, /;\s*Secure/i, cookie);
    assert.equal(curl(`${https}/metrics`).status, 403);
  });
});
