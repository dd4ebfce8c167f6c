/** Three nodes of a new cluster started at the same moment make one administrator between them, and all start. */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { startServer, type Running } from '../../src/server.ts';
import { needService, pgUrl } from '../support/services.ts';
import { freshDatabase, newMasterKey, nodeDir } from './postgres-db.ts';

const skip = await needService('postgres', pgUrl);
const dirs: string[] = [];
const running: Running[] = [];
let db: Awaited<ReturnType<typeof freshDatabase>> | undefined;

after(async () => {
  await Promise.all(running.map((r) => r.stop()));
  await db?.drop();
  dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true }));
});

test('three nodes starting together on a fresh cluster store: one administrator, every node up', { skip }, async () => {
  db = await freshDatabase('mantra_pgfirst');
  const masterKey = newMasterKey();
  const started = await Promise.allSettled(['a', 'b', 'c'].map((node) =>
    startServer({ dataDir: nodeDir(masterKey, dirs), store: db!.url, node, port: 0, host: '127.0.0.1', workers: 0 })));
  for (const s of started) if (s.status === 'fulfilled') running.push(s.value);
  assert.deepEqual(started.map((s) => s.status === 'rejected' ? String(s.reason) : 'up'), ['up', 'up', 'up']);
  assert.equal(running.filter((r) => r.firstAdmin.created).length, 1, 'exactly one node made the administrator');
  assert.deepEqual(new Set(running.map((r) => r.firstAdmin.username)), new Set(['admin']));
  const admins = (await running[2].store.list('user')).filter((u) => u.body.role === 'administrator');
  assert.equal(admins.length, 1);
});
