/**
 * A streamed answer's track says what happened: written when the stream ends (its last bytes wait for it), with
 * the rows and bytes sent, and whether the caller left midway.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { needService, pgUrl } from '../support/services.ts';
import { loadPendudukPg } from '../support/penduduk.ts';
import { testApp } from '../support/app.ts';
import { BY_NIK, setupDukcapil } from '../support/dukcapil.ts';

const skip = await needService('PostgreSQL', pgUrl);

describe('tracks of streamed answers', { skip }, () => {
  let t: Awaited<ReturnType<typeof testApp>>;
  const trackOf = async (requestId: string) => {
    await t.tracker.flush();
    return (await t.store.tracks({ limit: 10_000 })).find((r) => r.requestId === requestId);
  };
  const get = (path: string, requestId: string) =>
    t.app.fetch(new Request(`http://mantra.test${path}`, { headers: { 'X-API-Key': BY_NIK } }), { requestId, remoteAddress: '127.0.0.1' });

  before(async () => {
    t = await testApp({ workers: 0 });
    await setupDukcapil(t, await loadPendudukPg());
    await t.put('operation', {
      agency: 'dukcapil', service: 'kependudukan', slug: 'ekspor', kind: 'data',
      data: { form: 'sql', connector: 'pg', sql: "select g as n, 'baris ' || g as teks from generate_series(1, 60000) g", rowCap: 100000 },
    });
    await t.subscribe(BY_NIK, 'dukcapil', 'kependudukan', 'ekspor');
  });
  after(() => t?.close());

  test('a whole export: tracked once it ended, with its rows and bytes', async () => {
    const res = await get('/v1/dukcapil/kependudukan/ekspor.csv', 'stream-whole');
    assert.equal(res.status, 200);
    assert.equal(await trackOf('stream-whole'), undefined, 'not tracked before the stream ended');
    const body = new Uint8Array(await res.arrayBuffer());
    const track = await trackOf('stream-whole');
    assert.ok(track, 'tracked');
    assert.equal(track.code, 200);
    assert.equal(track.rows, 60000);
    assert.equal(track.note, 'complete');
    assert.equal(track.bytes, body.byteLength);
  });

  test('a caller who leaves mid-stream: tracked as gone, with the bytes sent until then', async () => {
    const res = await get('/v1/dukcapil/kependudukan/ekspor.csv', 'stream-left');
    const reader = res.body!.getReader();
    const first = await reader.read();
    assert.ok(first.value && first.value.byteLength > 0);
    await reader.cancel();
    const track = await trackOf('stream-left');
    assert.ok(track, 'tracked');
    assert.equal(track.code, 10031);
    assert.equal(track.status, 499);
    assert.equal(track.note, 'caller_left');
    assert.ok(track.bytes! >= first.value.byteLength, `bytes sent: ${track.bytes}`);
  });
});
