/** Moving logged tracks into the table: batches, retries after a failure, a bounded backlog, and stop. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TrackIngest } from '../../src/store/track-ingest.ts';
import { setLogLevel } from '../../src/observability/log.ts';

setLogLevel('error');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('track ingestion', () => {
  test('lines added within the interval go as one batch; flush sends what is pending at once', async () => {
    const batches: string[] = [];
    const ingested: number[] = [];
    const ingest = new TrackIngest(async (text) => (batches.push(text), batches.length), (upTo) => ingested.push(upTo), 20);
    ingest.add('a\n');
    ingest.add('b\n');
    await sleep(60);
    assert.deepEqual(batches, ['a\nb\n']);
    ingest.add('c\n');
    await ingest.flush();
    assert.deepEqual(batches, ['a\nb\n', 'c\n']);
    assert.deepEqual(ingested, [1, 2]);
    ingest.stop();
  });

  test('a failed batch is kept and tried again; too long a backlog reports overload until it drains', async () => {
    let failing = true;
    const batches: string[] = [];
    const ingest = new TrackIngest(async (text) => {
      if (failing) throw new Error('database is locked');
      batches.push(text);
      return 0;
    }, () => {}, 1000, 1024 * 1024, 10);
    ingest.add('line-1\n');
    await assert.rejects(ingest.flush(), /locked/);
    ingest.add('line-2\n');
    assert.equal(ingest.overloaded, true, '14 characters waiting, 10 allowed');
    failing = false;
    await ingest.flush();
    assert.deepEqual(batches, ['line-1\nline-2\n'], 'in order, nothing lost');
    assert.equal(ingest.overloaded, false);
    ingest.stop();
  });

  test('after stop nothing more is sent: the rest stays in the log for the next start', async () => {
    const batches: string[] = [];
    const ingest = new TrackIngest(async (text) => (batches.push(text), 0), () => {}, 10);
    ingest.add('x\n');
    ingest.stop();
    await sleep(40);
    await ingest.flush();
    assert.deepEqual(batches, []);
  });
});
