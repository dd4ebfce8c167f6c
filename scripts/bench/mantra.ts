/**
 * Mantra under test: a temp data dir configured straight through the project's own store modules (before the
 * server takes its lock), then `bun src/main.ts serve` pinned to the server CPU.
 * Everything lives under agency `bench`, service `kependudukan`, one key subscribed to every operation.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { freePort, pinning, start, tempDir, waitForHttp, type Child } from './processes.ts';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BUN = process.env.BENCH_BUN ?? path.join(ROOT, 'node_modules/.bin/bun');
export const AGENCY = 'bench';
export const SERVICE = 'kependudukan';
/** The connection pool size of every connector, and of the hand-written reference endpoints. */
export const POOL_SIZE = 5;

const COLUMNS = ['nik', 'nama', 'tgl_lahir', 'jenis_kelamin', 'alamat', 'kode_wilayah'];

export interface MantraSetup {
  /** `workers` flag of the server; undefined = its default. */
  workers?: number;
  tracks?: boolean;
  pgUrl?: string;
  mysqlUrl?: string;
  exportUrl?: string;
  /** Base URL of the small backend (proxy and composite operations). */
  backend?: string;
}

export interface Mantra {
  child: Child;
  base: string;
  key: string;
  dir: string;
  /** Operations the store refused, by slug (e.g. a kind whose schema changed). */
  refused: Record<string, string>;
  /** Number of tracks written so far; only after stop(). */
  countTracks(): Promise<number>;
  stop(): Promise<void>;
}

function connector(slug: string, kind: 'postgres' | 'mysql', url: string) {
  const u = new URL(url);
  return {
    agency: AGENCY, slug, kind, host: u.hostname, port: Number(u.port), database: u.pathname.slice(1),
    user: decodeURIComponent(u.username), poolSize: POOL_SIZE,
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
  };
}

const byKey = (slug: string, conn: string) => ({
  agency: AGENCY, service: SERVICE, slug, kind: 'data', params: [{ name: 'nik', pattern: '\\d{16}' }],
  data: { form: 'table', connector: conn, table: 'penduduk', columns: COLUMNS, conditions: [{ column: 'nik', op: '=', param: 'nik' }] },
});

const rows = (slug: string, limit: number) => ({
  agency: AGENCY, service: SERVICE, slug, kind: 'data',
  data: { form: 'table', connector: 'pg', table: 'penduduk', columns: COLUMNS, limit, rowCap: Math.max(limit, 10_000) },
});

const proxy = (slug: string, backend: string, pathAndQuery: string) => ({
  agency: AGENCY, service: SERVICE, slug, kind: 'proxy',
  proxy: { style: 'http', endpoint: `${backend}${pathAndQuery}`, httpMethod: 'GET' },
});

/** Three steps a, b, c, each calling the proxy operation `{prefix}_{step}`, merged by step name. */
const composite = (slug: string, prefix: string) => ({
  agency: AGENCY, service: SERVICE, slug, kind: 'composite',
  composite: { steps: ['a', 'b', 'c'].map((s) => ({ name: s, agency: AGENCY, service: SERVICE, operation: `${prefix}_${s}` })) },
});

/** Writes the whole configuration into a fresh data dir. */
export async function configure(dir: string, setup: MantraSetup, key: string): Promise<Record<string, string>> {
  const { openSqliteStore } = await import('../../src/store/index.ts');
  const { loadMasterKey, Secrets } = await import('../../src/security/index.ts');
  const { kinds } = await import('../../src/model/index.ts');
  const store = openSqliteStore(dir);
  const secrets = new Secrets(loadMasterKey(dir));
  const refused: Record<string, string> = {};
  const put = async (kind: keyof typeof kinds, body: any) => {
    if (kind === 'connector' && body.password) body = { ...body, password: secrets.encrypt(body.password) };
    const parsed = (kinds[kind].schema as any).parse(body);
    const existing = await store.get(kind, (kinds[kind].id as (e: unknown) => string)(parsed));
    await store.put(kind, parsed, existing?.version ?? 0);
  };
  try {
    const backend = setup.backend ?? 'http://127.0.0.1:9';
    // The backend runs on this machine: allowed as an internal backend, as an administrator would.
    await put('settings', { tracks: setup.tracks ?? true, internalBackends: [new URL(backend).host] });
    await put('agency', { slug: AGENCY, name: 'Benchmark agency' });
    await put('service', { agency: AGENCY, slug: SERVICE, name: 'Benchmark' });
    await put('consumer', { agency: AGENCY, slug: 'bench', name: 'Benchmark' });
    if (setup.pgUrl) await put('connector', connector('pg', 'postgres', setup.pgUrl));
    if (setup.mysqlUrl) await put('connector', connector('my', 'mysql', setup.mysqlUrl));
    if (setup.exportUrl) await put('connector', connector('pgx', 'postgres', setup.exportUrl));
    const ops: any[] = [
      byKey('penduduk_by_nik', 'pg'),
      byKey('penduduk_by_nik_my', 'my'),
      rows('penduduk_list', 100),
      rows('penduduk_rows', 10_000),
      {
        agency: AGENCY, service: SERVICE, slug: 'export_rows', kind: 'data',
        data: { form: 'table', connector: 'pgx', table: 'export_rows', rowCap: 2_000_000, timeoutMs: 600_000,
          columns: ['id', 'nik', 'nama', 'tgl_lahir', 'alamat', 'kode_wilayah'] },
      },
      proxy('proxy_item', backend, '/item'),
      ...['a', 'b', 'c'].map((s) => proxy(`slow_${s}`, backend, `/slow?ms=50&step=${s}`)),
      ...['a', 'b', 'c'].map((s) => proxy(`instant_${s}`, backend, `/slow?ms=0&step=${s}`)),
      composite('composite_three', 'slow'),
      composite('composite_instant', 'instant'),
    ];
    for (const op of ops) {
      try {
        await put('operation', op);
        await put('subscription', {
          id: `bench-${op.slug.replace(/_/g, '-')}`, consumer: `${AGENCY}/bench`, agency: AGENCY, service: SERVICE,
          operation: op.slug, status: 'approved', keyHash: secrets.hashKey(key), keyHint: key.slice(0, 4), purpose: 'Benchmark',
        });
      } catch (err) {
        refused[op.slug] = (err as Error).message.replace(/\s+/g, ' ').slice(0, 300);
      }
    }
  } finally {
    store.close();
  }
  return refused;
}

/** Configures a fresh data dir and starts Mantra on a free port. */
export async function startMantra(setup: MantraSetup): Promise<Mantra> {
  const dir = tempDir('mantra');
  const key = `bench${randomBytes(12).toString('hex')}`;
  const refused = await configure(dir, setup, key);
  const port = await freePort();
  // BENCH_MANTRA_FLAGS: extra runtime flags for the server, e.g. "--cpu-prof-md --cpu-prof-dir=/tmp/prof".
  const flags = (process.env.BENCH_MANTRA_FLAGS ?? '').split(' ').filter(Boolean);
  const args = [BUN, ...flags, path.join(ROOT, 'src/main.ts'), 'serve', '--data', dir, '--port', String(port)];
  if (setup.workers !== undefined) args.push('--workers', String(setup.workers));
  const child = start('mantra', args, {
    cpu: pinning.server,
    cwd: ROOT,
    env: { MANTRA_ADMIN_PASSWORD: `bench-${randomBytes(9).toString('hex')}`, MANTRA_LOG_LEVEL: 'error' },
  });
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(child, `${base}/healthz`, 30_000);
  } catch (err) {
    await child.stop();
    throw err;
  }
  return {
    child, base, key, dir, refused,
    async countTracks() {
      const { openSqliteStore } = await import('../../src/store/index.ts');
      const store = openSqliteStore(dir);
      try {
        let n = 0, after = 0;
        for (;;) {
          const page = await store.tracks({ after, limit: 10_000 });
          if (page.length === 0) return n;
          n += page.length;
          after = page[page.length - 1].seq;
        }
      } finally {
        store.close();
      }
    },
    stop: () => child.stop(),
  };
}

/** Headers for the compatible paths and for v1. */
export const compatHeaders = (m: Mantra) => ({ AccessKey: m.key, 'User-Agent': 'MANTRA' });
export const v1Headers = (m: Mantra) => ({ Authorization: `Bearer ${m.key}` });
export const compatUrl = (m: Mantra, fmt: string, op: string, args = '') => `${m.base}/${fmt}/${AGENCY}/${SERVICE}/${op}${args}`;
export const v1Url = (m: Mantra, op: string, query = '') => `${m.base}/v1/${AGENCY}/${SERVICE}/${op}${query}`;
