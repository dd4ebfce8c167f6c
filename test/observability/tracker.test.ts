/** Group commit of tracks: batch sizes under a lone caller, a burst and sustained load; failures stay per batch. */
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
const turn = () => new Promise((r) => setImmediate(r));

describe('tracker', () => {
  test('a lone call is written in its own turn, without waiting for a timer', async () => {
    const { store, batches } = fakeStore();
    const tracker = new Tracker(store, { windowMs: 10_000 });
    for (let i = 0; i < 5; i++) await tracker.record(track(i));
    assert.deepEqual(batches, [1, 1, 1, 1, 1]);
  });

  test('calls finishing together share one write; the maximum batch is written at once', async () => {
    const { store, batches } = fakeStore();
    const tracker = new Tracker(store, { maxBatch: 8 });
    await Promise.all(Array.from({ length: 20 }, (_, i) => tracker.record(track(i))));
    assert.deepEqual(batches, [8, 8, 4]);
  });

  test('under load a batch waits for the calls of the next turns', async () => {
    const { store, batches } = fakeStore();
    const tracker = new Tracker(store, { windowMs: 20, busyBatch: 4 });
    await Promise.all(Array.from({ length: 6 }, (_, i) => tracker.record(track(i))));
    // Busy now: tracks arriving over several event-loop turns go into one write.
    const spread = [];
    for (let i = 0; i < 6; i++) {
      spread.push(tracker.record(track(100 + i)));
      await turn();
    }
    await Promise.all(spread);
    assert.deepEqual(batches, [6, 6]);
    // Quiet again after a small batch: back to one write per turn.
    await tracker.record(track(200));
    await tracker.record(track(201));
    assert.deepEqual(batches.slice(2), [1, 1]);
  });

  test('a failed write rejects only its own calls', async () => {
    const { store, batches } = fakeStore((rows) => rows.some((r) => r.operation === 'bad'));
    const tracker = new Tracker(store);
    const results = await Promise.allSettled([tracker.record(track(1)), tracker.record({ operation: 'bad' } as TrackInput)]);
    assert.deepEqual(results.map((r) => r.status), ['rejected', 'rejected']);
    await tracker.record(track(2));
    assert.deepEqual(batches, [1]);
  });
});
