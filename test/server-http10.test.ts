/** A real server over a raw socket: requests without a Host header (HTTP/1.0 may omit it) are served by path. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { type Running, startServer } from '../src/server.ts';
import { setLogLevel } from '../src/observability/log.ts';

setLogLevel('error');

/** Sends raw bytes, reads until the server closes: status line and body. */
function exchange(port: number, request: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (d) => (text += d));
    socket.on('error', reject);
    socket.on('close', () => {
      const [head, ...rest] = text.split('\r\n\r\n');
      resolve({ status: Number(head.split(' ')[1]), body: rest.join('\r\n\r\n') });
    });
    socket.write(request);
  });
}

describe('requests without a Host header', () => {
  let dir: string, running: Running;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mantra-http10-'));
    process.env.MANTRA_ADMIN_PASSWORD = 'server-test-password-1';
    running = await startServer({ dataDir: dir, port: 0, host: '127.0.0.1', workers: 0 });
  });
  after(async () => {
    await running?.stop();
    delete process.env.MANTRA_ADMIN_PASSWORD;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('HTTP/1.0 without Host, and HTTP/1.1 with an empty one, reach /healthz', async () => {
    for (const request of ['GET /healthz HTTP/1.0\r\n\r\n', 'GET /healthz HTTP/1.1\r\nHost:\r\nConnection: close\r\n\r\n']) {
      const res = await exchange(running.server.port, request);
      assert.equal(res.status, 200, JSON.stringify(request));
      assert.match(res.body, /"status":"ok"/);
    }
  });

  test('the path and query reach the gateway: v1 and the compatible paths answer as with a Host', async () => {
    const v1 = await exchange(running.server.port, 'GET /v1/tidak/ada/sama_sekali?x=1 HTTP/1.0\r\nX-API-Key: kunci\r\n\r\n');
    assert.equal(v1.status, 404);
    assert.equal(JSON.parse(v1.body).code, 10002, 'the gateway answered, not a router that saw no path');
    const compat = await exchange(running.server.port, 'POST /json/tidak/ada/sama_sekali HTTP/1.0\r\nAccessKey: kunci\r\n' +
      'Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 5\r\n\r\nnik=1');
    assert.equal(compat.status, 200);
    assert.equal(JSON.parse(compat.body).response.code, 10002);
  });
});
