/** The oracle connector's settings and type mapping: connect descriptors, how columns are fetched and printed. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import oracledb from 'oracledb';
import { connectString } from '../../../connectors/oracle/connect-string.ts';
import { fetchTypeHandler, rowReader } from '../../../connectors/oracle/values.ts';
import type { Connector } from '../../../src/model/connector.ts';

const conn = (c: Partial<Connector>) => ({ kind: 'oracle', agency: 'a', slug: 'b', ssl: 'disable', ...c }) as Connector;
const meta = (name: string, type: string, precision?: number, scale?: number) => ({ name, dbType: { name: `DB_TYPE_${type}` }, precision, scale });

describe('oracle settings and values', () => {
  test('service name, SID=NAME (as MANTRA wrote it), a whole descriptor; nothing can be added to it', () => {
    assert.equal(connectString(conn({ host: 'ora.lan', database: 'ORCLPDB1' })),
      '(DESCRIPTION=(ADDRESS=(PROTOCOL=TCP)(HOST=ora.lan)(PORT=1521))(CONNECT_DATA=(SERVICE_NAME=ORCLPDB1)))');
    assert.equal(connectString(conn({ host: 'ora.lan', port: 1522, database: 'SID=ORCL' })),
      '(DESCRIPTION=(ADDRESS=(PROTOCOL=TCP)(HOST=ora.lan)(PORT=1522))(CONNECT_DATA=(SID=ORCL)))');
    const own = '(DESCRIPTION=(ADDRESS=(PROTOCOL=TCP)(HOST=a)(PORT=1))(CONNECT_DATA=(SERVICE_NAME=x)))';
    assert.equal(connectString(conn({ database: own })), own);
    assert.throws(() => connectString(conn({ host: 'ora.lan)(PORT=1', database: 'X' })), /host name/);
    assert.throws(() => connectString(conn({ host: 'ora.lan', database: 'X)(SID=Y' })), /service name/);
    assert.throws(() => connectString(conn({ host: 'ora.lan' })), /service name/);
  });

  test('fetch types: NUMBER as text unless an integer of up to 15 digits; CLOB as text, BLOB as bytes', () => {
    const fetched = (m: ReturnType<typeof meta>) => fetchTypeHandler(m)?.type;
    assert.equal(fetched(meta('saldo', 'NUMBER', 14, 2)), oracledb.STRING);
    assert.equal(fetched(meta('n', 'NUMBER', 0, -127)), oracledb.STRING);
    assert.equal(fetched(meta('besar', 'NUMBER', 19, 0)), oracledb.STRING);
    assert.equal(fetched(meta('kode', 'NUMBER', 9, 0)), undefined);
    assert.equal(fetched(meta('catatan', 'CLOB')), oracledb.STRING);
    assert.equal(fetched(meta('foto', 'BLOB')), oracledb.BUFFER);
    assert.equal(fetched(meta('tgl', 'DATE')), undefined);
  });

  test('values as the other connectors give them: DATE and TIMESTAMP as text, NUMBER text or number, CLOB text', () => {
    const r = rowReader([
      meta('tgl', 'DATE'), meta('ts', 'TIMESTAMP'), meta('tz', 'TIMESTAMP_TZ'), meta('saldo', 'NUMBER', 14, 2), meta('kode', 'NUMBER', 9, 0),
      meta('catatan', 'CLOB'), meta('nama', 'VARCHAR'), meta('kosong', 'VARCHAR'),
    ]);
    assert.deepEqual(r.read({
      tgl: new Date(1990, 0, 2, 0, 0, 0), ts: new Date(2024, 0, 31, 10, 20, 1, 120), tz: new Date(Date.UTC(2024, 0, 31, 3, 4, 5)),
      saldo: '-1234567890123.05', kode: 42, catatan: 'baris 1', nama: 'Müller', kosong: null,
    }), {
      tgl: '1990-01-02 00:00:00', ts: '2024-01-31 10:20:01.12', tz: '2024-01-31 03:04:05 +00:00', saldo: '-1234567890123.05', kode: 42,
      catatan: 'baris 1', nama: 'Müller', kosong: null,
    });
  });

  test('a type the mapping does not know is a clear error', () => {
    assert.throws(() => rowReader([meta('lama', 'INTERVAL_DS')]), /column type INTERVAL_DS of "lama" is not supported/);
    assert.throws(() => rowReader([meta('v', 'VECTOR')]), /not supported/);
  });
});
