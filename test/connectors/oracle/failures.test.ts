/**
 * The oracle connector's failure paths with the real node-oracledb driver (thin mode) — no Oracle server runs
 * here: a closed port, a listener that refuses the service or the SID, a server that answers garbage, one that
 * closes, one that never answers. Each is a clean "unavailable" with the driver's NJS- code, in time.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { createPool, type ConnectorPool } from '../../../connectors/pool.ts';
import { compileData } from '../../../connectors/sql/index.ts';
import { DataSpec } from '../../../src/model/operation-data.ts';
import { job, poolSizes, ref, run } from '../support.ts';
import { type Behaviour, listener } from './listeners.ts';

const select = compileData(DataSpec.parse({ connector: 'db', form: 'table', table: 'PEGAWAI', columns: ['nip'], conditions: [{ column: 'nip', param: 'nip' }] }), 'oracle');
const secrets = ['127.0.0.1', 'HR_RAHASIA', 'sandi-ora', 'ORCLPDB1'];

async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

const cfg = (port: number, extra: Record<string, unknown> = {}) =>
  ({ kind: 'oracle' as const, host: '127.0.0.1', port, database: 'ORCLPDB1', user: 'HR_RAHASIA', password: 'sandi-ora', connectTimeoutMs: 1000, ...extra });

for (const size of poolSizes) {
  describe(`oracle connector failures through a pool of size ${size}`, () => {
    let pool: ConnectorPool;
    before(() => void (pool = createPool({ size })));
    after(() => pool.close());

    const expect = async (id: string, port: number, code: RegExp, extra: Record<string, unknown> = {}, withinMs = 2500) => {
      const started = Date.now();
      const r = await run(pool, job(ref(`ora/${id}-${size}`, 1, cfg(port, extra)), select({ nip: '1' }), { timeoutMs: 10_000 }));
      const took = Date.now() - started;
      assert.equal(r.error?.kind, 'unavailable', JSON.stringify(r.error));
      assert.match(r.error?.code ?? '', code);
      for (const s of secrets) assert.ok(!r.error!.message.includes(s), `"${s}" leaked into: ${r.error!.message}`);
      assert.ok(took < withinMs, `took ${took} ms`);
      return r.error!;
    };

    test('a closed port: NJS-503 at once', async () => {
      await expect('closed', await closedPort(), /^NJS-503$/, {}, 1000);
    });

    const cases: [Behaviour, RegExp, Record<string, unknown>, string][] = [
      ['refuse-service', /^NJS-518$/, {}, 'a listener that does not know the service: NJS-518'],
      ['refuse-sid', /^NJS-519$/, { database: 'SID=ORCL' }, 'a listener that does not know the SID: NJS-519'],
      ['close', /^NJS-50\d$/, {}, 'a server that closes at once: NJS-500'],
      ['garbage', /^NJS-5\d\d$/, {}, 'a server that answers garbage: a network error within the connect timeout'],
      ['silent', /^NJS-510$/, {}, 'a server that accepts and never answers: NJS-510 at the connect timeout'],
    ];
    for (const [behaviour, code, extra, name] of cases) {
      test(name, async () => {
        const l = await listener(behaviour);
        try {
          await expect(behaviour, l.port, code, extra);
          assert.ok(l.accepted() >= 1);
        } finally {
          await l.close();
        }
      });
    }

    test('a statement timeout shorter than the connect timeout holds', async () => {
      const l = await listener('silent');
      try {
        const started = Date.now();
        const r = await run(pool, job(ref(`ora/short-${size}`, 1, cfg(l.port, { connectTimeoutMs: 5000 })), select({ nip: '1' }), { timeoutMs: 200 }));
        assert.equal(r.error?.kind, 'timeout');
        assert.ok(Date.now() - started < 1000);
      } finally {
        await l.close();
      }
    });

    test('the connection test and introspection answer the same clean error', async () => {
      const c = ref(`ora/probe-${size}`, 1, cfg(await closedPort()));
      await assert.rejects(pool.test(c), (err: { code?: string; kind?: string }) => err.code === 'NJS-503' && err.kind === 'unavailable');
      await assert.rejects(pool.tables(c), (err: { code?: string }) => err.code === 'NJS-503');
    });
  });
}
