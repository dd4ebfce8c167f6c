/** The server's stop: what every signal runs, complete even when a second signal arrives while it stops. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer } from '../src/server.ts';
import { openSqliteStore } from '../src/store/index.ts';
import { setLogLevel } from '../src/observability/log.ts';

setLogLevel('error');

test('a second stop waits for the first: lock released, tracks in the database, no track log left', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mantra-server-'));
  process.env.MANTRA_ADMIN_PASSWORD = 'server-test-password-1';
  try {
    const running = await startServer({ dataDir: dir, port: 0, host: '127.0.0.1', workers: 0 });
    // A call that is tracked: an unknown operation still leaves its track.
    const res = await fetch(`http://127.0.0.1:${running.server.port}/v1/tidak/ada/sama_sekali`, { headers: { 'X-API-Key': 'x' } });
    assert.equal(res.status, 404);
    await res.arrayBuffer();
    const first = running.stop();
    await running.stop(); // what a second signal awaits before the process exits
    assert.equal(fs.existsSync(path.join(dir, 'mantra.lock')), false, 'lock released');
    assert.deepEqual(fs.readdirSync(path.join(dir, 'tracks')), [], 'track log ingested and removed');
    await first;
    const store = openSqliteStore(dir);
    const tracks = await store.tracks({ limit: 10 });
    store.close();
    assert.equal(tracks.length, 1);
    assert.equal(tracks[0].code, 10002);
  } finally {
    delete process.env.MANTRA_ADMIN_PASSWORD;
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
