/** Moving logged tracks into the table: batches of spans, retries after a failure, a bounded backlog, and stop. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TrackIngest } from '../../src/store/track-ingest.ts';
import { readSpans, type Span } from '../../src/store/track-span.ts';
import { setLogLevel } from '../../src/observability/log.ts';

setLogLevel('error');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const span = (file: string, offset: number, length: number): Span => ({ file, offset, length });
const show = (spans: Span[]) => spans.map((s) => `${s.file}@${s.offset}+${s.length}`).join(' ');

describe('track ingestion', () => {
  test('spans added within the interval go as one batch, runs of one file as one span; flush sends what is pending at once', async () => {
    const batches: string[] = [];
    const ingested: number[] = [];
    const ingest = new TrackIngest(async (spans) => (batches.push(show(spans)), batches.length), (upTo) => ingested.push(upTo), 20);
    ingest.add(span('a', 0, 2));
    ingest.add(span('a', 2, 5));
    ingest.add(span('b', 0, 3));
    await sleep(60);
    assert.deepEqual(batches, ['a@0+7 b@0+3']);
    ingest.add(span('b', 3, 1));
    await ingest.flush();
    assert.deepEqual(batches, ['a@0+7 b@0+3', 'b@3+1']);
    assert.deepEqual(ingested, [1, 2]);
    ingest.stop();
  });

  test('a failed batch is kept and tried again; too long a backlog reports overload until it drains', async () => {
    let failing = true;
    const batches: string[] = [];
    const ingest = new TrackIngest(async (spans) => {
      if (failing) throw new Error('database is locked');
      batches.push(show(spans));
      return 0;
    }, () => {}, 1000, 1024 * 1024, 10);
    ingest.add(span('a', 0, 7));
    await assert.rejects(ingest.flush(), /locked/);
    ingest.add(span('a', 7, 7));
    assert.equal(ingest.overloaded, true, '14 bytes waiting, 10 allowed');
    failing = false;
    await ingest.flush();
    assert.deepEqual(batches, ['a@0+14'], 'in order, nothing lost (one run of the file)');
    assert.equal(ingest.overloaded, false);
    ingest.stop();
  });

  test('after stop nothing more is sent: the rest stays in the log for the next start', async () => {
    const batches: string[] = [];
    const ingest = new TrackIngest(async (spans) => (batches.push(show(spans)), 0), () => {}, 10);
    ingest.add(span('x', 0, 2));
    ingest.stop();
    await sleep(40);
    await ingest.flush();
    assert.deepEqual(batches, []);
  });

  test('spans read back exactly the bytes written; a span past the end of its file is an error', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mantra-spans-'));
    try {
      const file = path.join(dir, 'seg.log');
      fs.writeFileSync(file, '[1,"é"]\n[2,"ü"]\n');
      assert.equal(readSpans([span(file, 0, 9), span(file, 9, 9)]), '[1,"é"]\n[2,"ü"]\n');
      assert.throws(() => readSpans([span(file, 10, 100)]), /ends before its tracks/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
