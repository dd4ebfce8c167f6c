/**
 * How the mssql connector fails, with the real tedious client: a closed port, a refused login, an unknown
 * database, a server that requires encryption, a login that never finishes, a connection dropped mid-statement;
 * and an instance name found through a stand-in SQL Server Browser. Errors carry tedious's code, never a host or user.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import net from 'node:net';
import { createPool, type ConnectorPool } from '../../../connectors/pool.ts';
import { compileData } from '../../../connectors/sql/index.ts';
import { DataSpec } from '../../../src/model/operation-data.ts';
import { job, ref, run } from '../support.ts';
import { columns, rows } from './penduduk.ts';
import { startTdsServer, type TdsServer } from './tds-server.ts';

const select = compileData(DataSpec.parse({ connector: 'db', form: 'sql', sql: 'SELECT * FROM penduduk' }), 'mssql');
const secrets = ['127.0.0.1', 'localhost', 'orang_asing', 'rahasia', 'kependudukan'];

function assertClean(message: string) {
  for (const s of secrets) assert.ok(!message.includes(s), `"${s}" leaked into: ${message}`);
}

/** A port nobody listens on. */
async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('mssql connector failures', () => {
  let pool: ConnectorPool;
  let server: TdsServer;
  let dropping = false;
  before(async () => {
    pool = createPool({ size: 0 });
    server = await startTdsServer({
      logins: { mantra: 'rahasia-ms' },
      databases: ['kependudukan'],
      answer: () => (dropping ? { close: true } : { columns, rows }),
    });
  });
  after(async () => {
    await pool.close();
    await server.close();
  });
  const cfg = (extra: Record<string, unknown> = {}) =>
    ({ kind: 'mssql' as const, host: '127.0.0.1', port: server.port, user: 'mantra', password: 'rahasia-ms', database: 'kependudukan', connectTimeoutMs: 1000, ...extra });

  test('a closed port: unavailable, code ESOCKET', async () => {
    const c = ref('fail/closed', 1, cfg({ port: await closedPort() }));
    const r = await run(pool, job(c, select({})));
    assert.equal(r.error?.kind, 'unavailable');
    assert.equal(r.error?.code, 'ESOCKET');
    assertClean(r.error!.message);
    await assert.rejects(pool.test(c), (err: { code?: string; message: string }) => err.code === 'ESOCKET' && !err.message.includes('127.0.0.1'));
  });

  test('a wrong password: the login refusal, code ELOGIN, no user name', async () => {
    const r = await run(pool, job(ref('fail/pw', 1, cfg({ user: 'orang_asing', password: 'salah' })), select({})));
    assert.equal(r.error?.kind, 'unavailable');
    assert.equal(r.error?.message, 'the database refused the login');
    assert.equal(r.error?.code, 'ELOGIN');
    assertClean(r.error!.message);
  });

  test('an unknown database: unavailable (SQL Server error 4060 in the log detail only)', async () => {
    const r = await run(pool, job(ref('fail/db', 1, cfg({ database: 'tidak_ada' })), select({})));
    assert.equal(r.error?.kind, 'unavailable');
    assert.equal(r.error?.message, 'the database is unavailable');
    assert.equal(r.error?.code, 'ELOGIN');
    assert.match(r.error?.detail ?? '', /4060/);
  });

  test('a server that requires encryption refuses ssl=disable with EENCRYPT', async () => {
    const tls = await startTdsServer({ encryption: 'REQ', answer: () => ({ rowCount: 0 }) });
    try {
      const r = await run(pool, job(ref('fail/tls', 1, cfg({ port: tls.port })), select({})));
      assert.equal(r.error?.kind, 'unavailable');
      assert.equal(r.error?.code, 'EENCRYPT');
    } finally {
      await tls.close();
    }
  });

  test('a login that never finishes ends at the connect timeout', async () => {
    const stall = await startTdsServer({ stallLogin: true, answer: () => ({ rowCount: 0 }) });
    try {
      const started = Date.now();
      const r = await run(pool, job(ref('fail/stall', 1, cfg({ port: stall.port })), select({}), { timeoutMs: 10_000 }));
      assert.equal(r.error?.kind, 'unavailable');
      assert.equal(r.error?.code, 'ETIMEOUT');
      assert.ok(Date.now() - started < 2500, `took ${Date.now() - started} ms`);
    } finally {
      await stall.close();
    }
  });

  test('a statement timeout shorter than the login also holds', async () => {
    const stall = await startTdsServer({ stallLogin: true, answer: () => ({ rowCount: 0 }) });
    try {
      const started = Date.now();
      const r = await run(pool, job(ref('fail/stall2', 1, cfg({ port: stall.port, connectTimeoutMs: 5000 })), select({}), { timeoutMs: 200 }));
      assert.equal(r.error?.kind, 'timeout');
      assert.ok(Date.now() - started < 1000);
    } finally {
      await stall.close();
    }
  });

  test('a connection dropped mid-statement fails the job; the next job connects again', async () => {
    const c = ref('fail/drop', 1, cfg());
    assert.equal((await run(pool, job(c, select({})))).rows.length, 30);
    dropping = true;
    const r = await run(pool, job(c, select({})));
    dropping = false;
    assert.equal(r.error?.kind, 'unavailable');
    assertClean(r.error!.message);
    assert.equal((await run(pool, job(c, select({})))).rows.length, 30);
  });

  test('an instance name is resolved through the SQL Server Browser (UDP 1434)', async (t) => {
    const browser = dgram.createSocket('udp4');
    const bound = await new Promise<boolean>((resolve) => {
      browser.once('error', () => resolve(false));
      browser.bind(1434, '127.0.0.1', () => resolve(true));
    });
    if (!bound) return t.skip('UDP port 1434 is not free here');
    browser.on('message', (_msg, from) => {
      const text = `ServerName;TESTSRV;InstanceName;SQLEXPRESS;IsClustered;No;Version;16.0.1000.6;tcp;${server.port};;`;
      browser.send(Buffer.concat([Buffer.from([0x05, text.length & 0xff, text.length >> 8]), Buffer.from(text, 'ascii')]), from.port, from.address);
    });
    try {
      const c = ref('fail/instance', 1, { ...cfg({ host: '127.0.0.1\\SQLEXPRESS' }), port: undefined });
      assert.equal((await run(pool, job(c, select({})))).rows.length, 30);
    } finally {
      browser.close();
    }
  });
});
