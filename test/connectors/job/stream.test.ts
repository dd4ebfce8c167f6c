import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { JobStream } from '../../../connectors/job/stream.ts';

describe('job stream', () => {
  test('ending the iteration while next() waits settles it as done and cancels the job once', async () => {
    let cancelled = 0;
    const stream = new JobStream(() => {}, () => cancelled++);
    const waiting = stream.next();
    await stream.return();
    assert.deepEqual(await waiting, { value: undefined, done: true });
    assert.equal(cancelled, 1);
    assert.deepEqual(await stream.next(), { value: undefined, done: true });
  });

  test('events pushed before they are asked for are kept in order, and taking data acknowledges it', async () => {
    let acked = 0;
    const stream = new JobStream((n) => (acked += n), () => {});
    stream.push([{ type: 'rows', rows: [{ a: 1 }] }, { type: 'end', rowCount: 1, truncated: false }]);
    assert.equal((await stream.next()).value?.type, 'rows');
    assert.equal((await stream.next()).value?.type, 'end');
    assert.equal((await stream.next()).done, true);
    assert.equal(acked, 0, 'no acknowledgement once the job has ended');
  });
});
