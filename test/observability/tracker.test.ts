/** Group commit of tracks: batch sizes under a lone caller and a burst; failures stay per batch. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Tracker } from '../../src/observability/tracker.ts';
import type { Store, TrackInput } from '../../src/store/index.ts';

function fakeStore(fail?: (batch: TrackInput[]) => boolean) {
  const batches: number[] = [];
  const store = {
    async appendTracks(rows: TrackInput[]) {
      if (fail?.(rows)) throw new Error('disk full');
      batches.push(rows.length);
    },
  } as unknown as Store;
  return { store, batches };
}

const track = (n: number) => ({ operation: `op${n}` }) as unknown as TrackInput;

describe('tracker', () => {
  test('a lone call is written in its own turn', async () => {
    const { store, batches } = fakeStore();
    const tracker = new Tracker(store);
    for (let i = 0; i < 5; i++) await tracker.record(track(i));
    assert.deepEqual(batches, [1, 1, 1, 1, 1]);
  });

  test('calls finishing together share one write; the maximum batch is written at once', async () => {
    const { store, batches } = fakeStore();
    const tracker = new Tracker(store, 8);
    await Promise.all(Array.from({ length: 20 }, (_, i) => tracker.record(track(i))));
    assert.deepEqual(batches, [8, 8, 4]);
  });

  test('a failed write rejects only its own calls', async () => {
    const { store, batches } = fakeStore((rows) => rows.some((r) => r.operation === 'bad'));
    const tracker = new Tracker(store);
    const results = await Promise.allSettled([tracker.record(track(1)), tracker.record({ operation: 'bad' } as TrackInput)]);
    assert.deepEqual(results.map((r) => r.status), ['rejected', 'rejected']);
    await tracker.record(track(2));
    assert.deepEqual(batches, [1]);
  });

  test('tracks arriving while a batch is written wait for it and form the next batch; flush waits for both', async () => {
    const batches: number[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const store = {
      async appendTracks(rows: TrackInput[]) {
        batches.push(rows.length);
        if (batches.length === 1) await gate;
      },
    } as unknown as Store;
    const tracker = new Tracker(store);
    const first = tracker.record(track(0));
    await new Promise((r) => setImmediate(r));
    const later = [1, 2, 3].map((i) => tracker.record(track(i)));
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(batches, [1], 'nothing else is written while the first batch is in flight');
    let flushed = false;
    const flush = tracker.flush().then(() => (flushed = true));
    await new Promise((r) => setImmediate(r));
    assert.equal(flushed, false);
    release();
    await Promise.all([first, ...later, flush]);
    assert.deepEqual(batches, [1, 3]);
    assert.equal(flushed, true);
  });
});
