/** Databases and a cuttable connection for the cluster-store tests (test/store/postgres-*.test.ts). */
import net from 'node:net';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { pgUrl } from '../support/services.ts';

/** A database of its own for one test file, dropped by `drop()`. */
export async function freshDatabase(prefix = 'mantra_pgstore') {
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  const admin = postgres(pgUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const url = new URL(pgUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    /**
     * DROP DATABASE waits until every backend of the server has absorbed a signal barrier; a backend stuck writing
     * to a client that stopped reading (another test's) holds it up. The drop then finishes on the server later.
     */
    async drop() {
      const sql = postgres(pgUrl, { max: 1, onnotice: () => {} });
      const dropped = sql.unsafe(`drop database if exists ${name} with (force)`).then(() => true, () => false);
      const timer = new Promise<boolean>((r) => setTimeout(() => r(false), 10_000));
      if (!(await Promise.race([dropped, timer]))) console.warn(`note: database ${name} not dropped yet (the server is busy); it goes when it can`);
      await sql.end({ timeout: 0 });
    },
  };
}

/** A data directory holding the given master key (every node of a cluster has the same). */
export function nodeDir(masterKey: string, dirs: string[]): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'mantra-pgnode-'));
  fs.writeFileSync(path.join(d, 'master.key'), masterKey + '\n', { mode: 0o600 });
  dirs.push(d);
  return d;
}

export const newMasterKey = () => randomBytes(32).toString('base64');

/**
 * A TCP relay to PostgreSQL that a test can cut (every connection dropped, new ones refused at once) and restore:
 * PostgreSQL lost and back, as a node sees it, without touching the server.
 */
export async function relay(target = new URL(pgUrl)) {
  const sockets = new Set<net.Socket>();
  let cut = false;
  const server = net.createServer((client) => {
    if (cut) return void client.destroy();
    const upstream = net.connect({ host: target.hostname, port: Number(target.port || 5432) });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => {});
      s.on('close', () => { sockets.delete(s); client.destroy(); upstream.destroy(); });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    /** The URL of `dbUrl`'s database through the relay. */
    through(dbUrl: string) {
      const u = new URL(dbUrl);
      u.hostname = '127.0.0.1';
      u.port = String(port);
      return u.toString();
    },
    cut() {
      cut = true;
      for (const s of sockets) s.destroy();
    },
    restore() {
      cut = false;
    },
    close() {
      cut = true;
      for (const s of sockets) s.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Waits until `check` holds (polling), or fails after `ms`. */
export async function until(check: () => boolean | Promise<boolean>, ms = 5000, what = 'condition'): Promise<number> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return Date.now() - start;
}
