/**
 * A MANTRA-shaped database in the real MariaDB, built the way the original's installer laid its tables out
 * (compat/README.md), filled with agencies, users of every role, data/proxy/program methods, orders on and off,
 * and broken rows. Each test run gets its own database, dropped afterwards.
 */
import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import bcrypt from 'bcryptjs';
import { mysqlUrl } from '../support/services.ts';

export const PASSWORD = 'rahasia123';
export const KEYS = { byNik: 'tog89mzxyu', list: 'etctm892js', mysql: 'mysqlkey01', off: 'offkey0001', proxy: 'proxykey01', badUser: 'namakey001' };

/** PHP's password_hash() writes `$2y$`; bcryptjs writes `$2b$`, the same algorithm. */
const phpHash = (password: string) => bcrypt.hashSync(password, 8).replace(/^\$2b\$/, '$2y$');

const columns = '"nik","nama","tgl_lahir","jenis_kelamin","alamat","kode_wilayah"';

/** compat/README.md's two operations in sourcecode form; their PostgreSQL host is an old name, rewritten on import. */
export const PG_HOST = 'db.dukcapil.lan';

export async function createMantraDb(pg: { port: number; user: string; password: string }) {
  const name = `mantra_import_${randomBytes(4).toString('hex')}`;
  const server = new URL(mysqlUrl);
  const conn = await mysql.createConnection({ uri: mysqlUrl, multipleStatements: true });
  await conn.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`);
  await conn.query(`USE \`${name}\``);
  // Row id 0 (`system`) needs NO_AUTO_VALUE_ON_ZERO, as in MANTRA's own dump.
  await conn.query("SET SESSION sql_mode = CONCAT(@@sql_mode, ',NO_AUTO_VALUE_ON_ZERO')");
  await conn.query(`
    CREATE TABLE instances (id BIGINT AUTO_INCREMENT PRIMARY KEY, instance VARCHAR(64) NOT NULL UNIQUE, organization VARCHAR(255),
      webportal VARCHAR(255), email VARCHAR(255), descript TEXT, registered DATETIME, updated DATETIME) ENGINE=InnoDB;
    CREATE TABLE services (id BIGINT AUTO_INCREMENT PRIMARY KEY, instanceid BIGINT NOT NULL, servicename VARCHAR(64) NOT NULL,
      servicetype ENUM('provider','publisher'), descript TEXT, registered DATETIME, updated DATETIME) ENGINE=InnoDB;
    CREATE TABLE methods (id BIGINT AUTO_INCREMENT PRIMARY KEY, serviceid BIGINT NOT NULL, methodname VARCHAR(64) NOT NULL,
      methodtype ENUM('database','services','program'), restricted ENUM('on','off') DEFAULT 'off', sourcecode LONGTEXT,
      descript TEXT, registered DATETIME, updated DATETIME) ENGINE=InnoDB;
    CREATE TABLE users (id BIGINT AUTO_INCREMENT PRIMARY KEY, instanceid BIGINT NOT NULL, fullname VARCHAR(255), email VARCHAR(255),
      logname VARCHAR(64) NOT NULL UNIQUE, passkey VARCHAR(255), role ENUM('administrator','supervisor','choreographer','composer',
      'publisher','provider','requester','visitor'), activity ENUM('on','off') DEFAULT 'on', registered DATETIME, updated DATETIME) ENGINE=InnoDB;
    CREATE TABLE orders (id BIGINT AUTO_INCREMENT PRIMARY KEY, userlog VARCHAR(64) NOT NULL, accesskey CHAR(10) NOT NULL,
      methodid BIGINT NOT NULL, orderstatus ENUM('on','off') DEFAULT 'off', registered DATETIME, updated DATETIME) ENGINE=InnoDB;
    CREATE TABLE notifications (id BIGINT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(64), subject VARCHAR(255), body TEXT) ENGINE=InnoDB;
    CREATE TABLE tracks (id BIGINT AUTO_INCREMENT PRIMARY KEY, userlog VARCHAR(64), userip VARCHAR(64), instance VARCHAR(64),
      trackid BIGINT, trackname VARCHAR(255), trackstatus VARCHAR(16), tracknote TEXT, trackdata LONGTEXT, registered DATETIME) ENGINE=InnoDB;
  `);

  const insert = (table: string, rows: Record<string, unknown>[]) =>
    Promise.all(rows.map((row) => conn.query(`INSERT INTO \`${table}\` SET ?, registered = NOW()`, [row])));

  await insert('instances', [
    { id: 0, instance: 'system', organization: 'MANTRA', descript: 'Sistem' },
    { id: 1, instance: 'dukcapil', organization: 'Dinas Kependudukan dan Pencatatan Sipil', webportal: 'disdukcapil.example.go.id', email: 'info@dukcapil.example.go.id' },
    { id: 2, instance: 'bappeda', organization: 'Badan Perencanaan Pembangunan Daerah', webportal: 'https://bappeda.example.go.id', email: 'bukan-email' },
    { id: 3, instance: 'Dinas Kesehatan', organization: 'Dinas Kesehatan' },
  ]);
  await insert('services', [
    { id: 1, instanceid: 1, servicename: 'kependudukan', servicetype: 'provider', descript: 'Data kependudukan' },
    { id: 2, instanceid: 2, servicename: 'perencanaan', servicetype: 'publisher' },
    { id: 3, instanceid: 3, servicename: 'kesehatan', servicetype: 'provider' },
  ]);

  const pgSource = (extra: Record<string, unknown>) => JSON.stringify({
    dbtype: 'postgres', hostname: PG_HOST, port: String(pg.port), dbuser: pg.user, dbpassword: pg.password, dbname: 'kependudukan',
    tbname: '"penduduk"', columns, conditions: '', orders: '', limrows: '', limoffset: '', ...extra,
  });
  const my = new URL(mysqlUrl);
  const method = (id: number, serviceid: number, methodname: string, methodtype: string, sourcecode: unknown, restricted = 'off') =>
    ({ id, serviceid, methodname, methodtype, restricted, sourcecode: typeof sourcecode === 'string' ? sourcecode : JSON.stringify(sourcecode) });
  await insert('methods', [
    method(1, 1, 'penduduk_by_nik', 'database', pgSource({ conditions: `WHERE "nik" = ''` })),
    method(2, 1, 'penduduk_list', 'database', pgSource({ limrows: '100' })),
    method(3, 1, 'penduduk_wilayah', 'database', {
      dbtype: 'mysqli', hostname: my.hostname, port: my.port, dbuser: decodeURIComponent(my.username), dbpassword: decodeURIComponent(my.password),
      dbname: 'kependudukan', tbname: '`penduduk`', columns: '`nik`,`nama`,`kode_wilayah`',
      conditions: "WHERE `kode_wilayah` = ''@@AND `jenis_kelamin` = 'L'", orders: 'ORDER BY `nik` DESC', limrows: '3', limoffset: '',
    }),
    method(4, 1, 'rusak_json', 'database', '{"dbtype": "postgres", "hostname": '),
    method(5, 1, 'sqlite_lama', 'database', pgSource({ dbtype: 'sqlite3' })),
    method(6, 1, 'penduduk_by_nik', 'database', pgSource({ conditions: `WHERE "nama" = ''` })),
    method(7, 1, 'pegawai_mssql', 'database', {
      dbtype: 'mssql', hostname: 'sql.dukcapil.lan,1433', port: '', dbuser: 'sa', dbpassword: 'rahasia-ms', dbname: 'kepegawaian',
      tbname: '[dbo].[pegawai]', columns: '[nip],[nama] AS [nama_lengkap]', conditions: "WHERE [nip] = ''", orders: '[nama] ASC', limrows: '', limoffset: '',
    }),
    method(8, 1, 'pegawai_oracle', 'database', {
      dbtype: 'oci8', hostname: '', port: '', dbuser: 'HR', dbpassword: 'rahasia-ora', dbname: '//ora.dukcapil.lan:1521/ORCL',
      tbname: 'hr.pegawai', columns: 'nip, nama', conditions: "WHERE nip = ''@@OR nama LIKE ''", orders: '', limrows: '10', limoffset: '20',
    }),
    method(9, 1, 'hitung_program', 'program', { program: "<?php\nreturn array('jumlah' => 42);\n" }),
    method(10, 1, 'penduduk_cari', 'database', pgSource({ conditions: `WHERE "nama" LIKE ''`, limrows: '10' }), 'on'),
    method(11, 2, 'cek_nik', 'services', {
      wstype: 'rest', endpoint: 'http://hub.example.go.id/json/dukcapil/kependudukan', method: 'penduduk_by_nik',
      accesskey: 'abcdefghij', request: "nik:string=''",
    }),
    method(12, 2, 'data_soap', 'services', {
      wstype: 'soap', endpoint: 'http://soap.example.go.id/ws/server.php', method: 'GetData#return', accesskey: '',
      request: "id:int='',tahun:int=2024",
    }),
    method(13, 2, 'api_lama', 'services', { wstype: 'grpc', endpoint: 'http://x.example', method: 'm', request: '' }),
    method(14, 2, 'anggaran', 'services', { wstype: 'restfull', endpoint: 'api.bappeda.lan/v1', method: 'anggaran', request: "tahun:int=''" }),
    method(15, 2, 'berkas', 'services', { wstype: 'get', endpoint: 'ftp://files.example/x', method: 'm', request: '' }),
  ]);

  const hash = phpHash(PASSWORD);
  const user = (id: number, instanceid: number, logname: string, role: string, activity = 'on') =>
    ({ id, instanceid, logname, role, activity, fullname: `Pengguna ${logname}`, email: `${logname.replace(/\W/g, '')}@example.go.id`, passkey: hash });
  await insert('users', [
    user(1, 0, 'admin', 'administrator'),
    user(2, 0, 'pengawas', 'supervisor'),
    user(3, 1, 'prov_dukcapil', 'provider'),
    user(4, 1, 'pub_dukcapil', 'publisher'),
    user(5, 2, 'koreografer', 'choreographer'),
    user(6, 2, 'komposer', 'composer'),
    user(7, 2, 'peminta', 'requester'),
    user(8, 2, 'tamu', 'visitor'),
    user(9, 2, 'nonaktif', 'requester', 'off'),
    user(10, 2, 'nama salah', 'requester'),
  ]);
  await insert('orders', [
    { id: 1, userlog: 'peminta', accesskey: KEYS.byNik, methodid: 1, orderstatus: 'on' },
    { id: 2, userlog: 'peminta', accesskey: KEYS.list, methodid: 2, orderstatus: 'on' },
    { id: 3, userlog: 'peminta', accesskey: KEYS.mysql, methodid: 3, orderstatus: 'on' },
    { id: 4, userlog: 'peminta', accesskey: KEYS.off, methodid: 1, orderstatus: 'off' },
    { id: 5, userlog: 'peminta', accesskey: 'rusakkey01', methodid: 4, orderstatus: 'on' },
    { id: 6, userlog: 'hantu', accesskey: 'hantukey01', methodid: 1, orderstatus: 'on' },
    { id: 7, userlog: 'nama salah', accesskey: KEYS.badUser, methodid: 2, orderstatus: 'on' },
    { id: 8, userlog: 'peminta', accesskey: KEYS.byNik, methodid: 1, orderstatus: 'off' },
    { id: 9, userlog: 'peminta', accesskey: KEYS.proxy, methodid: 11, orderstatus: 'on' },
  ]);
  await conn.end();

  server.pathname = `/${name}`;
  return {
    name,
    url: server.toString(),
    async drop() {
      const c = await mysql.createConnection({ uri: mysqlUrl });
      await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await c.end();
    },
  };
}
