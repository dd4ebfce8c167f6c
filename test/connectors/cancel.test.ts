/** The light cancel switch of jobs and proxy calls, and the AbortSignal that follows it for fetch(). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { abortSignalOf, Cancel } from '../../connectors/cancel.ts';

test('listeners (functions and handleEvent objects) run once, in order; removed ones never', () => {
  const cancel = new Cancel();
  const seen: string[] = [];
  const removed = () => seen.push('removed');
  cancel.addEventListener('abort', () => seen.push('fn'));
  cancel.addEventListener('abort', { handleEvent: () => seen.push('object') });
  cancel.addEventListener('abort', removed);
  cancel.removeEventListener('abort', removed);
  const reason = new DOMException('late', 'TimeoutError');
  cancel.abort(reason);
  cancel.abort();
  assert.deepEqual(seen, ['fn', 'object']);
  assert.equal(cancel.reason, reason);
});

test('abortSignalOf: a real signal is used as it is; a Cancel is followed until released', () => {
  const real = new AbortController().signal;
  assert.equal(abortSignalOf(real).signal, real);

  const followed = new Cancel();
  const a = abortSignalOf(followed);
  followed.abort('gone');
  assert.equal(a.signal.aborted, true);
  assert.equal(a.signal.reason, 'gone');

  const released = new Cancel();
  const b = abortSignalOf(released);
  b.release();
  released.abort();
  assert.equal(b.signal.aborted, false, 'no longer followed once released');

  const already = new Cancel();
  already.abort();
  assert.equal(abortSignalOf(already).signal.aborted, true);
});
