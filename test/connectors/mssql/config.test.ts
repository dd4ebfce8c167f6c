/** The mssql connector's settings: host, instance and port; TLS by `ssl`; how values are typed on the wire. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TYPES } from 'tedious';
import { connectionConfig, serverOf, tlsOf } from '../../../connectors/mssql/config.ts';
import { typed } from '../../../connectors/mssql/params.ts';
import type { Connector } from '../../../src/model/connector.ts';

const conn = (c: Partial<Connector>) => ({ kind: 'mssql', agency: 'a', slug: 'b', ssl: 'disable', ...c }) as Connector;

describe('mssql settings', () => {
  test('host, port and instance name', () => {
    assert.deepEqual(serverOf(conn({ host: 'db.lan' })), { server: 'db.lan', port: 1433 });
    assert.deepEqual(serverOf(conn({ host: 'db.lan', port: 1533 })), { server: 'db.lan', port: 1533 });
    assert.deepEqual(serverOf(conn({ host: 'db.lan\\SQLEXPRESS' })), { server: 'db.lan', instanceName: 'SQLEXPRESS' });
    assert.deepEqual(serverOf(conn({ host: 'db.lan\\SQLEXPRESS', port: 1533 })), { server: 'db.lan', port: 1533 }, 'an explicit port wins');
  });

  test('TLS: disable/prefer offer none, require encrypts without checking, verify-full checks the certificate', () => {
    assert.deepEqual(tlsOf('disable'), { encrypt: false, trustServerCertificate: true });
    assert.deepEqual(tlsOf('prefer'), { encrypt: false, trustServerCertificate: true });
    assert.deepEqual(tlsOf('require'), { encrypt: true, trustServerCertificate: true });
    assert.deepEqual(tlsOf('verify-full'), { encrypt: true, trustServerCertificate: false });
    const o = connectionConfig(conn({ host: 'h', user: 'u', password: 'p', database: 'd', ssl: 'verify-full', connectTimeoutMs: 3000 })).options!;
    assert.deepEqual([o.encrypt, o.trustServerCertificate, o.database, o.connectTimeout, o.requestTimeout], [true, false, 'd', 3000, 0]);
  });

  test('parameter types by value', () => {
    const t = (v: Parameters<typeof typed>[0]) => {
      const x = typed(v);
      return [x.type.name, x.options?.scale ?? null];
    };
    assert.deepEqual(t('3201'), ['NVarChar', null]);
    assert.deepEqual(t('2024-01-02'), ['NVarChar', null], 'a date-like string stays NVarChar (SQL Server converts it to the column type)');
    assert.deepEqual(t(true), ['Bit', null]);
    assert.deepEqual(t(2_147_483_647), ['Int', null]);
    assert.deepEqual(t(2_147_483_648), ['BigInt', null]);
    assert.deepEqual(t(12.5), ['Decimal', 1]);
    assert.deepEqual(t(1e-30), ['Float', null]);
    assert.deepEqual(t(null), ['NVarChar', null]);
    assert.equal(typed(12.5).type, TYPES.Decimal);
  });
});
