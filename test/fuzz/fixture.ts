/**
 * What the fuzzer calls: dukcapil over a real PostgreSQL (the golden setup plus SQL-form operations with typed
 * parameters), pemda over a SQLite file, and hub's proxy operations in front of the fuzz backend. Every secret
 * is a marker that must never appear in an answer. Works on any store (a test app's or a started server's).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { Store } from '../../src/store/index.ts';
import type { Secrets } from '../../src/security/index.ts';
import { type Kind, kinds, Settings } from '../../src/model/index.ts';
import { BY_NIK, LIST } from '../support/dukcapil.ts';

export const DB_PASSWORD = 'FUZZSECRET-db-pass-7d1e';
export const BACKEND_TOKEN = 'FUZZSECRET-backend-token-92ac';
export const ADMIN_PASSWORD = 'FUZZSECRET-admin-pass-31f0';

export const HUB = 'hubfuzzkey01', PEMDA = 'pemdafuzz001', RATE = 'ratefuzzkey1', IPLOCK = 'iplockfuzz01', REVOKED = 'revokedfuzz1';

/** One callable operation as the generators see it: its address, parameters and the key that may call it. */
export interface FuzzOperation {
  agency: string;
  service: string;
  slug: string;
  kind: 'data' | 'proxy';
  params: { name: string; type: string }[];
  key: string;
}

export interface Fixture {
  operations: FuzzOperation[];
  /** Keys that exist but are limited: rate limit, IP allowlist, revoked. */
  limitedKeys: string[];
  /** Texts that must never reach a caller. */
  secrets: string[];
  /** Hosts, ports and paths of the data sources and the backend that must never reach a caller. */
  places: string[];
  /** The SQLite file's folder (outside the data directory); removed by cleanup(). */
  sqliteDir: string;
  cleanup(): void;
}

type Put = (kind: Kind, body: unknown) => Promise<unknown>;
type Get = (kind: Kind, id: string) => Promise<{ body: unknown } | undefined>;

export const storeGet = (store: Store): Get => (kind, id) => store.get(kind, id);

/** Creates or replaces an entity directly in the store, as test/support/app.ts does. */
export function storePut(store: Store): Put {
  return async (kind, body) => {
    const parsed = kinds[kind].schema.parse(body);
    const id = (kinds[kind].id as (e: unknown) => string)(parsed);
    const existing = await store.get(kind, id);
    return store.put(kind, parsed as never, existing?.version ?? 0);
  };
}

const columns = ['nik', 'nama', 'tgl_lahir', 'jenis_kelamin', 'alamat', 'kode_wilayah'];

const dukcapilSql = {
  cari: {
    params: [{ name: 'nama' }, { name: 'wilayah', type: 'integer', required: false }],
    sql: "select nik, nama, kode_wilayah from penduduk where nama like :nama || '%' and (:wilayah::int is null or kode_wilayah = :wilayah::int) order by nik limit 20",
  },
  lahir: {
    params: [{ name: 'tgl', type: 'date' }, { name: 'min', type: 'number', required: false }],
    sql: 'select nik, tgl_lahir from penduduk where tgl_lahir = :tgl::date and (:min::numeric is null or kode_wilayah >= :min::numeric) order by nik limit 5',
  },
  cek: {
    params: [
      { name: 'flag', type: 'boolean' }, { name: 'waktu', type: 'datetime', required: false },
      { name: 'kode', pattern: '[0-9]{1,16}', maxLength: 16 }, { name: 'n', type: 'integer', min: 1, max: 100, required: false },
    ],
    sql: "select nik, nama from penduduk where :flag::boolean and (:waktu::timestamptz is null or tgl_lahir < :waktu::timestamptz) and nik like :kode || '%' and (:n::int is null or kode_wilayah - 3201000 = :n::int) order by nik limit 3",
  },
} as const;

const pemdaOps = {
  warga_cari: { params: [{ name: 'q' }], data: { form: 'sql', sql: "select id, nama, nik from warga where nama like :q || '%' order by id limit 10" } },
  warga_id: { params: [{ name: 'id', type: 'integer' }], data: { form: 'table', table: 'warga', columns: ['id', 'nama'], conditions: [{ column: 'id', op: '=', param: 'id' }] } },
  warga_semua: { params: [], data: { form: 'table', table: 'warga', rowCap: 2 } },
} as const;

/** Proxy operations: each MANTRA style and the general one, with short limits so a stalled reply costs little. */
function proxyOps(backend: string, token: string) {
  const common = { endpoint: backend, timeoutMs: 400, connectTimeoutMs: 400, breaker: { failures: 0 }, auth: { type: 'bearer', token } };
  return {
    relay_get: { style: 'get', method: 'reply', ...common },
    relay_rest: { style: 'rest', method: 'reply', ...common },
    relay_post: { style: 'post', method: 'reply', ...common },
    relay_xml: { style: 'http', method: 'reply/{q}', httpMethod: 'POST', bodyType: 'xml', ...common,
      mappings: [{ name: 'q', in: 'path', param: 'q' }, { name: 'permintaan.nilai', in: 'body', param: 'q' }] },
    relay_json: { style: 'http', method: 'reply', httpMethod: 'PUT', bodyType: 'json', ...common,
      mappings: [{ name: 'X-Nilai', in: 'header', param: 'q' }, { name: 'a.b', in: 'body', param: 'q' }] },
    relay_text: { style: 'get', method: 'reply', replyFormat: 'text', ...common },
    relay_fallback: { style: 'get', method: 'reply', fallback: true, ...common },
  } as const;
}

/**
 * The administrator's allowances the fixture needs, merged into the stored settings: the fuzz backend runs on this
 * machine (internal backends) and the SQLite file lies in its own folder (file roots). Only settings the schema has.
 */
async function allow(put: Put, get: Get, backend: URL, sqliteDir: string): Promise<void> {
  const known = Object.keys(Settings.shape);
  const current = ((await get('settings', 'settings'))?.body ?? {}) as Record<string, unknown>;
  const wanted: Record<string, unknown> = {
    internalBackends: [...((current.internalBackends as string[]) ?? []), backend.host],
    fileRoots: [...((current.fileRoots as string[]) ?? []), sqliteDir],
  };
  await put('settings', { ...current, ...Object.fromEntries(Object.entries(wanted).filter(([k]) => known.includes(k))) });
}

export async function setupFixture(put: Put, get: Get, secrets: Secrets, pgUrl: string, backendUrl: string): Promise<Fixture> {
  const pg = new URL(pgUrl);
  const sqliteDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mantra-fuzz-sqlite-'));
  const sqliteFile = path.join(sqliteDir, 'warga.sqlite');
  const db = new DatabaseSync(sqliteFile);
  db.exec(`create table warga (id integer primary key, nama text, nik text);
    insert into warga (nama, nik) values ('Siti', '3201000000000001'), ('Budi', '3201000000000002'), ('Ayu', '3201000000000003');`);
  db.close();

  await allow(put, get, new URL(backendUrl), sqliteDir);
  const operations: FuzzOperation[] = [];
  const sub = (key: string, agency: string, service: string, operation: string, extra: Record<string, unknown> = {}) =>
    put('subscription', {
      id: `fz-${operation.replace(/_/g, '-')}-${key.slice(0, 8)}`, consumer: `${agency}/app`, agency, service, operation,
      status: 'approved', keyHash: secrets.hashKey(key), ...extra,
    });
  type OperationBody = { kind: 'data' | 'proxy'; params?: readonly { name: string; type?: string; [rule: string]: unknown }[]; [field: string]: unknown };
  const op = async (agency: string, service: string, slug: string, body: OperationBody, key: string) => {
    await put('operation', { agency, service, slug, ...body });
    await sub(key, agency, service, slug);
    const params = (body.params ?? []).map((p) => ({ name: p.name, type: p.type ?? 'string' }));
    operations.push({ agency, service, slug, kind: body.kind, params, key });
  };

  await put('agency', { slug: 'dukcapil', name: 'Dukcapil' });
  await put('connector', {
    agency: 'dukcapil', slug: 'pg', kind: 'postgres', host: pg.hostname, port: Number(pg.port), database: pg.pathname.slice(1),
    user: decodeURIComponent(pg.username), password: secrets.encrypt(DB_PASSWORD),
  });
  await put('service', { agency: 'dukcapil', slug: 'kependudukan' });
  await op('dukcapil', 'kependudukan', 'penduduk_by_nik', {
    kind: 'data', params: [{ name: 'nik' }],
    data: { form: 'table', connector: 'pg', table: 'penduduk', columns, conditions: [{ column: 'nik', op: '=', param: 'nik' }] },
  }, BY_NIK);
  await op('dukcapil', 'kependudukan', 'penduduk_list', {
    kind: 'data', data: { form: 'table', connector: 'pg', table: 'penduduk', columns, limit: 100 },
  }, LIST);
  for (const [slug, { params, sql }] of Object.entries(dukcapilSql)) {
    await op('dukcapil', 'kependudukan', slug, { kind: 'data', params, data: { form: 'sql', connector: 'pg', sql, timeoutMs: 2000 } }, BY_NIK);
  }
  // Limited subscriptions to the by-NIK operation: the refusals they cause must be answered like the others.
  await sub(RATE, 'dukcapil', 'kependudukan', 'penduduk_by_nik', { rateLimit: 3 });
  await sub(IPLOCK, 'dukcapil', 'kependudukan', 'penduduk_by_nik', { ipAllowlist: ['10.9.8.7'] });
  await sub(REVOKED, 'dukcapil', 'kependudukan', 'penduduk_by_nik', { status: 'revoked' });

  await put('agency', { slug: 'pemda', name: 'Pemda' });
  await put('connector', { agency: 'pemda', slug: 'db', kind: 'sqlite', path: sqliteFile });
  await put('service', { agency: 'pemda', slug: 'warga' });
  for (const [slug, { params, data }] of Object.entries(pemdaOps)) {
    await op('pemda', 'warga', slug, { kind: 'data', params, data: { connector: 'db', ...data } }, PEMDA);
  }

  await put('agency', { slug: 'hub', name: 'GSB' });
  await put('service', { agency: 'hub', slug: 'relay' });
  for (const [slug, proxy] of Object.entries(proxyOps(backendUrl, secrets.encrypt(BACKEND_TOKEN)))) {
    await op('hub', 'relay', slug, { kind: 'proxy', params: [{ name: 'q', required: false }], proxy }, HUB);
  }

  const backend = new URL(backendUrl);
  return {
    operations,
    limitedKeys: [RATE, IPLOCK, REVOKED],
    secrets: [DB_PASSWORD, BACKEND_TOKEN, ADMIN_PASSWORD, secrets.hashKey(BY_NIK), secrets.hashKey(HUB)],
    places: [`${pg.hostname}:${pg.port}`, backend.host, sqliteDir, os.tmpdir() + path.sep + 'mantra-'],
    sqliteDir,
    cleanup: () => fs.rmSync(sqliteDir, { recursive: true, force: true }),
  };
}
