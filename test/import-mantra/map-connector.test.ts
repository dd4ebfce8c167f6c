/** MANTRA's mssql and oci8 database methods as connectors: named instances, Easy Connect, descriptors, SIDs. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { databaseOf, mapConnector } from '../../src/import-mantra/map-connector.ts';
import { parseRewrites } from '../../src/import-mantra/rewrite.ts';
import { readDatabaseSource } from '../../src/import-mantra/sourcecode.ts';

const source = (extra: Record<string, string>) => readDatabaseSource({
  dbtype: 'mssql', hostname: '', port: '', dbuser: 'sa', dbpassword: 'pw', dbname: 'db', tbname: 't', columns: '', conditions: '', orders: '', limrows: '', limoffset: '', ...extra,
});
const where = (extra: Record<string, string>, rewrite: string[] = []) => {
  const db = databaseOf('a', source(extra), parseRewrites(rewrite));
  return { host: db.host, port: db.port, database: db.database, origin: db.origin };
};

describe('import: mssql and oci8 databases', () => {
  test('mssql: host,port and host:port; a named instance keeps no port so the SQL Server Browser finds it', () => {
    assert.deepEqual(where({ hostname: 'sql1,1533' }), { host: 'sql1', port: 1533, database: 'db', origin: 'mssql://sa@sql1:1533/db' });
    assert.deepEqual(where({ hostname: 'sql1' }).port, 1433);
    assert.deepEqual(where({ hostname: 'sql1\\SQLEXPRESS' }), { host: 'sql1\\SQLEXPRESS', port: undefined, database: 'db', origin: 'mssql://sa@sql1\\SQLEXPRESS/db' });
    assert.deepEqual(where({ hostname: 'sql1\\SQLEXPRESS', port: '1533' }).port, 1533);
    assert.deepEqual(where({ hostname: 'sql1\\SQLEXPRESS' }, ['sql1=sql-baru.lan']).host, 'sql-baru.lan\\SQLEXPRESS', 'the host moves, the instance stays');
  });

  test('oci8: host and service; SID=NAME kept for the connector; Easy Connect and descriptors in dbname', () => {
    const ora = (extra: Record<string, string>) => where({ dbtype: 'oci8', ...extra });
    assert.deepEqual(ora({ hostname: 'ora.lan', dbname: 'ORCLPDB1' }), { host: 'ora.lan', port: 1521, database: 'ORCLPDB1', origin: 'oracle://sa@ora.lan:1521/ORCLPDB1' });
    assert.equal(ora({ hostname: 'ora.lan:1522', dbname: 'SID=ORCL' }).database, 'SID=ORCL');
    assert.deepEqual(ora({ dbname: '//ora.lan:1522/XEPDB1' }), { host: 'ora.lan', port: 1522, database: 'XEPDB1', origin: 'oracle://sa@ora.lan:1522/XEPDB1' });
    const descriptor = '(DESCRIPTION=(ADDRESS=(PROTOCOL=TCP)(HOST=ora2.lan)(PORT=1600))(CONNECT_DATA=(SID=ARSIP)))';
    assert.deepEqual(ora({ dbname: descriptor }), { host: 'ora2.lan', port: 1600, database: 'SID=ARSIP', origin: 'oracle://sa@ora2.lan:1600/SID=ARSIP' });
    assert.equal(ora({ dbname: descriptor.replace('(SID=ARSIP)', '(SERVICE_NAME=arsip.lan)') }).database, 'arsip.lan');
    assert.equal(ora({ dbname: '//ora.lan/XEPDB1' }).port, 1521);
  });

  test('oci8 with a tnsnames.ora alias is reported: it names no host', () => {
    const db = databaseOf('a', source({ dbtype: 'oci8', dbname: 'PRODDB' }), parseRewrites([]));
    const d = mapConnector(db, 'ora', 'methods/1');
    assert.match(d.problems.join('\n'), /names no host \(a tnsnames.ora alias\?\)/);
  });
});
