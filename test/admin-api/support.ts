/** A real SQLite store in a temp dir, the admin API mounted as the server mounts it, and request helpers. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { DatabaseSync } from 'node:sqlite';
import { Hono } from 'hono';
import type { ConnectorRef } from '../../connectors/types.ts';
import { createAdminApi } from '../../src/admin-api/index.ts';
import type { ConnectorProbe } from '../../src/admin-api/context.ts';
import { openSession } from '../../src/admin-api/session.ts';
import type { Role, User } from '../../src/model/user.ts';
import { Tracker } from '../../src/observability/tracker.ts';
import { hashPassword } from '../../src/security/password.ts';
import { Secrets } from '../../src/security/secrets.ts';
import { openSqliteStore } from '../../src/store/sqlite.ts';
import type { Store } from '../../src/store/types.ts';
import { Settings } from '../../src/model/settings.ts';
import { Registry } from '../../src/gateway/registry.ts';
import { createPool } from '../../connectors/pool.ts';
import { Evidence } from '../../src/audit/evidence.ts';
import { Metrics } from '../../src/observability/metrics.ts';
import { compositeRunner } from '../../src/compose/dry-run.ts';

export const PASSWORD = 'correct horse battery staple';

/** One scrypt hash per process: every test user shares it, so tests pay the KDF only when they log in. */
let sharedHash: Promise<string> | undefined;
export const passwordHash = () => (sharedHash ??= hashPassword(PASSWORD));

/**
 * A tiny real connector probe over node:sqlite. It records the configs it was given, so tests can see that
 * secrets arrive decrypted; a missing file fails with a message naming the path, which must not leak.
 */
export function sqliteProbe() {
  const seen: ConnectorRef[] = [];
  const open = (ref: ConnectorRef) => {
    seen.push(ref);
    const file = ref.config.path ?? '';
    if (!fs.existsSync(file)) throw Object.assign(new Error(`cannot open ${file} as ${ref.config.user}:${ref.config.password}`), { code: 'ENOENT' });
    return new DatabaseSync(file);
  };
  const probe: ConnectorProbe = {
    async test(ref) {
      open(ref).close();
    },
    async tables(ref) {
      const db = open(ref);
      try {
        return (db.prepare("select name from sqlite_master where type in ('table','view') order by name").all() as { name: string }[]).map((r) => r.name);
      } finally {
        db.close();
      }
    },
    async columns(ref, table) {
      const db = open(ref);
      try {
        const rows = db.prepare('select name, type from pragma_table_info(?)').all(table) as { name: string; type: string }[];
        return rows.map((r) => ({ name: r.name, type: r.type }));
      } finally {
        db.close();
      }
    },
  };
  return { probe, seen };
}

export interface Harness {
  /** The data directory (the store's). */
  dir: string;
  /** A folder outside it for connector files; seed() allows it in the settings' fileRoots. */
  files: string;
  store: Store;
  secrets: Secrets;
  tracker: Tracker;
  app: Hono;
  seen: ConnectorRef[];
  call: (method: string, url: string, opts?: CallOptions) => Promise<Answer>;
  /** Adds a user straight to the store (shared password hash) and returns a bearer token of a fresh session. */
  user: (username: string, role: Role, extra?: Partial<User>) => Promise<string>;
  close: () => void;
}

export interface CallOptions {
  token?: string;
  cookie?: string;
  csrf?: string;
  json?: unknown;
  /** Sent as is, with Content-Type: application/json unless `headers` says otherwise. */
  raw?: string;
  headers?: Record<string, string>;
  ip?: string;
}

export interface Answer {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

export function harness(): Harness {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mantra-admin-'));
  const files = fs.mkdtempSync(path.join(os.tmpdir(), 'mantra-admin-files-'));
  const store = openSqliteStore(dir);
  const secrets = new Secrets(randomBytes(32));
  const tracker = new Tracker(store);
  const { probe, seen } = sqliteProbe();
  // Composite dry runs go through a gateway registry of their own, connectors inline.
  const pool = createPool({ size: 0 });
  const registry = new Registry(store, secrets, dir, pool, { tracker, evidence: new Evidence(dir, secrets), metrics: new Metrics() });
  const composites = compositeRunner(registry);
  const app = new Hono().route('/admin/api', createAdminApi({ store, secrets, dataDir: dir, tracker, connectors: probe, composites }));

  async function call(method: string, url: string, opts: CallOptions = {}): Promise<Answer> {
    const headers: Record<string, string> = {};
    if (opts.json !== undefined || opts.raw !== undefined) headers['content-type'] = 'application/json';
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    if (opts.cookie) headers.cookie = opts.cookie;
    if (opts.csrf) headers['x-csrf-token'] = opts.csrf;
    Object.assign(headers, opts.headers);
    const body = opts.raw ?? (opts.json !== undefined ? JSON.stringify(opts.json) : undefined);
    const res = await app.request(`http://mantra.test/admin/api${url}`, { method, headers, body }, { remoteAddress: opts.ip ?? '192.0.2.1' });
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: res.status, headers: res.headers, body: parsed, text };
  }

  async function user(username: string, role: Role, extra: Partial<User> = {}) {
    await store.put('user', { username, role, passwordHash: await passwordHash(), fullName: '', active: true, mustChangePassword: false, language: 'id', ...extra }, 0);
    return (await openSession(store, username)).token;
  }

  return {
    dir, files, store, secrets, tracker, app, seen, call, user,
    close() {
      void pool.close();
      store.close();
      fs.rmSync(dir, { recursive: true, force: true });
      fs.rmSync(files, { recursive: true, force: true });
    },
  };
}

/** Every row of the entities table as written on disk, for "this text is nowhere in the store" checks. */
export function rawEntities(dir: string): string {
  const db = new DatabaseSync(path.join(dir, 'mantra.db'));
  try {
    return (db.prepare('select kind, id, body from entities').all() as { kind: string; id: string; body: string }[])
      .map((r) => `${r.kind} ${r.id} ${r.body}`)
      .join('\n');
  } finally {
    db.close();
  }
}

/** Writes the settings straight to the store, quicker than the settings route (settings-route.test.ts tests that). */
export async function settings(h: Harness, body: Partial<Settings>) {
  const stored = await h.store.get('settings', 'settings');
  return h.store.put('settings', Settings.parse({ ...stored?.body, ...body }), stored?.version ?? 0);
}

/** A small world: h.files allowed for connector files, agencies a and b, a sqlite connector, a service and an operation in a. */
export async function seed(h: Harness, token: string) {
  await settings(h, { fileRoots: [h.files] });
  const ok = async (method: string, url: string, json: unknown) => {
    const r = await h.call(method, url, { token, json });
    if (r.status !== 201) throw new Error(`${method} ${url}: ${r.status} ${r.text}`);
    return r.body;
  };
  await ok('POST', '/agencies', { slug: 'a', name: 'Agency A' });
  await ok('POST', '/agencies', { slug: 'b', name: 'Agency B' });
  await ok('POST', '/connectors', { agency: 'a', slug: 'db', kind: 'sqlite', path: path.join(h.files, 'data.sqlite') });
  await ok('POST', '/services', { agency: 'a', slug: 'kependudukan', name: 'Kependudukan' });
  await ok('POST', '/operations', {
    agency: 'a', service: 'kependudukan', slug: 'penduduk_by_nik', kind: 'data',
    params: [{ name: 'nik' }],
    data: { form: 'table', connector: 'db', table: 'penduduk', conditions: [{ column: 'nik', param: 'nik' }] },
  });
  await ok('POST', '/consumers', { agency: 'b', slug: 'app', name: 'App of B' });
}
