/**
 * Two running Mantra instances on loopback for the hub tests: a node (agency dukcapil, a SQLite table of
 * residents, data operations) and a hub (agency dukcapil as well: the GSB fronts it under the same name), each a
 * whole app behind a real HTTP server, with an administrator's bearer token for its admin API.
 */
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { openSession } from '../../src/admin-api/session.ts';
import type { Role } from '../../src/model/user.ts';
import { runtime, type Server } from '../../src/runtime/index.ts';
import { testApp } from '../support/app.ts';
import { passwordHash } from '../admin-api/support.ts';

export type Instance = Awaited<ReturnType<typeof testApp>> & {
  base: string;
  server: Server;
  /** A user of this role (and agency) with a fresh session: its bearer token. */
  user(username: string, role: Role, agency?: string): Promise<string>;
  /** A call of the admin API over HTTP; the body parsed. */
  admin(method: string, url: string, opts?: { token?: string; json?: unknown; lang?: string }): Promise<{ status: number; body: any }>;
  stop(): Promise<void>;
};

/** A test app served over HTTP on 127.0.0.1 (connectors inline). */
export async function instance(): Promise<Instance> {
  const app = await testApp({ workers: 0 });
  const server = await runtime.serve({ port: 0, hostname: '127.0.0.1', fetch: (req, info) => app.fetch(req, info) });
  const base = `http://127.0.0.1:${server.port}`;
  const root = await userOf(app, 'root', 'administrator');
  async function userOf(a: typeof app, username: string, role: Role, agency?: string) {
    await a.store.put('user', {
      username, role, agency, passwordHash: await passwordHash(), fullName: '', active: true, mustChangePassword: false, language: 'id',
    }, 0);
    return (await openSession(a.store, username)).token;
  }
  return Object.assign(app, {
    base,
    server,
    user: (username: string, role: Role, agency?: string) => userOf(app, username, role, agency),
    async admin(method: string, url: string, opts: { token?: string; json?: unknown; lang?: string } = {}) {
      const headers: Record<string, string> = { authorization: `Bearer ${opts.token ?? root}` };
      if (opts.json !== undefined) headers['content-type'] = 'application/json';
      if (opts.lang) headers['accept-language'] = opts.lang;
      const res = await fetch(`${base}/admin/api${url}`, { method, headers, body: opts.json === undefined ? undefined : JSON.stringify(opts.json) });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    },
    async stop() {
      await server.stop();
      await app.close();
    },
  });
}

export const NIK = '3201000000000042';

/**
 * The node: agency dukcapil with a SQLite connector over a residents table, service kependudukan with two data
 * operations (`penduduk_by_nik`, `wilayah_by_kode`), and the hub as its consumer `gsb/hub`.
 */
export async function setupNode(node: Instance) {
  const file = path.join(node.dir, 'penduduk.sqlite');
  const db = new DatabaseSync(file);
  db.exec(`create table penduduk (nik text, nama text, kode_wilayah text);
    insert into penduduk values ('${NIK}', 'Penduduk 42', '3201'), ('3201000000000043', 'Penduduk 43', '3202');
    create table wilayah (kode text, nama text);
    insert into wilayah values ('3201', 'Kabupaten Bogor'), ('3202', 'Kabupaten Sukabumi');`);
  db.close();
  await node.put('agency', { slug: 'dukcapil', name: 'Dukcapil' });
  await node.put('agency', { slug: 'gsb', name: 'GSB' });
  await node.put('connector', { agency: 'dukcapil', slug: 'db', kind: 'sqlite', path: file });
  await node.put('service', { agency: 'dukcapil', slug: 'kependudukan' });
  await node.put('consumer', { agency: 'gsb', slug: 'hub', name: 'GSB hub' });
  await node.put('operation', byNik());
  await node.put('operation', {
    agency: 'dukcapil', service: 'kependudukan', slug: 'wilayah_by_kode', kind: 'data', description: 'Wilayah menurut kode',
    params: [{ name: 'kode', pattern: '\\d{4}', description: 'Kode wilayah' }],
    data: { form: 'table', connector: 'db', table: 'wilayah', columns: ['kode', 'nama'], conditions: [{ column: 'kode', param: 'kode' }] },
  });
}

/** The node's by-NIK operation; `extra` parameters change its declaration. */
export const byNik = (extra: Record<string, unknown>[] = []) => ({
  agency: 'dukcapil', service: 'kependudukan', slug: 'penduduk_by_nik', kind: 'data', description: 'Penduduk menurut NIK',
  params: [{ name: 'nik', pattern: '\\d{16}', description: 'Nomor induk kependudukan' }, ...extra],
  data: { form: 'table', connector: 'db', table: 'penduduk', columns: ['nik', 'nama', 'kode_wilayah'], conditions: [{ column: 'nik', param: 'nik' }] },
});

/** The node issues a subscription of `gsb/hub` for one of its operations, approved: its key, shown once. */
export async function nodeKey(node: Instance, operation: string): Promise<string> {
  const r = await node.admin('POST', '/subscriptions', {
    json: { consumer: 'gsb/hub', agency: 'dukcapil', service: 'kependudukan', operation, status: 'approved', purpose: 'GSB' },
  });
  if (r.status !== 201) throw new Error(`subscription: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.key;
}

/** The hub: agency dukcapil, nodes on loopback allowed by the administrator. */
export async function setupHub(hub: Instance) {
  await hub.put('settings', { internalBackends: ['127.0.0.1'] });
  await hub.put('agency', { slug: 'dukcapil', name: 'Dukcapil (di GSB)' });
  await hub.put('agency', { slug: 'bps', name: 'BPS' });
}
