import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { Credit } from '../../../connectors/job/credit.ts';
import { DriverHost } from '../../../connectors/job/host.ts';
import type { JobSink } from '../../../connectors/job/output.ts';
import { runJob } from '../../../connectors/job/run.ts';
import type { JobEvent } from '../../../connectors/job/types.ts';
import type { SqlPlan } from '../../../connectors/types.ts';
import { job, ref } from '../support.ts';

const tick = () => new Promise((r) => setTimeout(r, 20));

describe('job handler', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mantra-run-'));
  const path = join(dir, 'n.db');
  const connector = ref('test/run', 1, { kind: 'sqlite', path });
  const host = new DriverHost(1);
  const all: SqlPlan = { type: 'sql', sql: 'SELECT n FROM nums ORDER BY n', params: [], write: false };

  before(() => {
    const db = new DatabaseSync(path);
    db.exec('CREATE TABLE nums (n INTEGER)');
    db.exec('WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 200) INSERT INTO nums SELECT x FROM c');
    db.close();
  });
  after(async () => {
    await host.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function sink(window: number) {
    const credit = new Credit(window);
    const events: JobEvent[] = [];
    const s: JobSink = {
      send(evs) {
        for (const ev of evs) {
          if (ev.type === 'rows' || ev.type === 'chunk') credit.sent();
          events.push(ev);
        }
      },
      credit: () => credit.wait(),
    };
    return { s, credit, events };
  }

  test('waits for the consumer when the window is full (backpressure)', async () => {
    const { s, credit, events } = sink(2);
    const done = runJob(job(connector, all), host, s, new AbortController().signal, 10);
    await tick();
    assert.equal(events.length, 2, 'two batches out, then it waits');
    credit.ack(1);
    await tick();
    assert.equal(events.length, 3);
    credit.ack(2);
    await tick();
    assert.equal(events.length, 5);
    credit.close();
    await done;
    const rows = events.flatMap((e) => (e.type === 'rows' ? e.rows : []));
    assert.equal(rows.length, 200);
    assert.deepEqual(events.at(-1), { type: 'end', rowCount: 200, truncated: false });
  });

  test('exactly one terminal event, last; the last short batch travels with it', async () => {
    const { s, events } = sink(100);
    await runJob(job(connector, { ...all, sql: 'SELECT n FROM nums WHERE n <= 25' }), host, s, new AbortController().signal, 10);
    assert.deepEqual(events.map((e) => (e.type === 'rows' ? e.rows.length : e.type)), [10, 10, 5, 'end']);
  });

  test('an abort while waiting ends the job with a cancel and no more rows', async () => {
    const { s, credit, events } = sink(1);
    const ctrl = new AbortController();
    const done = runJob(job(connector, all), host, s, ctrl.signal, 10);
    await tick();
    ctrl.abort();
    credit.close();
    await done;
    assert.equal(events.filter((e) => e.type === 'rows').length, 1);
    assert.equal(events.at(-1)?.type, 'error');
    assert.equal((events.at(-1) as { error: { kind: string } }).error.kind, 'cancelled');
  });

  test('a missing connector configuration is a config error', async () => {
    const { s, events } = sink(4);
    await runJob({ ...job(connector, all), connector: { id: 'test/unknown', version: 1 } }, host, s, new AbortController().signal, 10);
    assert.deepEqual(events, [{ type: 'error', error: { kind: 'config', message: 'connector configuration missing' } }]);
  });
});
