/**
 * The three parts of the fuzz suite, each with its own setup: the gateway in-process (compatible paths, v1,
 * proxy replies), the admin API in-process (an app of its own), and a started server over raw sockets.
 * The CI tests and scripts/fuzz.ts run the same parts, with different case counts.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { testApp } from '../support/app.ts';
import { loadPendudukPg } from '../support/penduduk.ts';
import { startServer } from '../../src/server.ts';
import { runtime } from '../../src/runtime/index.ts';
import { ensureFirstAdmin } from '../../src/admin-api/index.ts';
import type { FuzzCase, Generator, GeneratorContext } from './case.ts';
import { ADMIN_PASSWORD, setupFixture, storeGet, storePut } from './fixture.ts';
import { startFuzzBackend } from './backend.ts';
import { compatRequest, proxyTargeted, v1Request } from './gen-gateway.ts';
import { fuzzReply } from './gen-reply.ts';
import { soapRequest } from './gen-soap.ts';
import { adminRequest } from './gen-admin.ts';
import { wireCase } from './gen-wire.ts';
import { runFuzz, type RunOptions, type RunReport } from './run.ts';
import { sendToApp } from './send-app.ts';
import { exchange, healthy, requestBytes } from './wire.ts';

export const partNames = ['gateway', 'admin', 'http'] as const;
export type PartName = (typeof partNames)[number];

export interface Part {
  run(opts: Pick<RunOptions, 'seed' | 'cases' | 'only' | 'log' | 'trace' | 'generatorNames'>): Promise<RunReport>;
  close(): Promise<void>;
}

/** Markers that are never shown whatever the part: encrypted values of the store. */
const alwaysSecret = ['enc:v1:'];

/** A generator aimed at the proxy operations, with the fuzz backend's reply for the case. */
function withReply(gen: Generator): Generator {
  const aimed = proxyTargeted(gen);
  return (rng, ctx) => ({ ...aimed(rng, ctx), reply: fuzzReply(rng) });
}

/** By weight: a new input grammar is one more entry. */
export const gatewayGenerators: [number, string, Generator][] = [
  [34, 'compat', compatRequest],
  [26, 'v1', v1Request],
  [12, 'soap', soapRequest],
  [18, 'compat-proxy', withReply(compatRequest)],
  [10, 'v1-proxy', withReply(v1Request)],
  [5, 'soap-proxy', withReply(soapRequest)],
];

/** The test app's folders (its scratch folder and, where it has one apart, the data directory). */
const dirsOf = (t: { dir: string; dataDir?: string }) => [t.dir, ...(t.dataDir ? [t.dataDir] : [])];

export async function gatewayPart(): Promise<Part> {
  const t = await testApp({ workers: 0 });
  const backend = await startFuzzBackend();
  const fx = await setupFixture(t.put.bind(t), storeGet(t.store), t.secrets, await loadPendudukPg(), backend.url);
  const ctx: GeneratorContext = { operations: fx.operations, limitedKeys: fx.limitedKeys };
  return {
    run: (o) => runFuzz({
      part: 'gateway', ...o, generators: gatewayGenerators, ctx,
      secrets: { secrets: [...fx.secrets, ...alwaysSecret], places: [...fx.places, ...dirsOf(t)] },
      prepare: (c) => backend.prepare(c),
      send: async (c) => {
        const a = await sendToApp((req, env) => t.fetch(req, env), c);
        return a && [a];
      },
      healthy: async () => (await t.app.request('/healthz')).status === 200,
      context: (c) => (c.reply ? `backend received: ${backend.lastRequest.slice(0, 400)}` : ''),
    }),
    close: async () => {
      await backend.stop();
      await t.close();
      fx.cleanup();
    },
  };
}

export async function adminPart(): Promise<Part> {
  const t = await testApp({ workers: 0 });
  const backend = await startFuzzBackend();
  await ensureFirstAdmin(t.store, { password: ADMIN_PASSWORD });
  const login = await t.app.request('/admin/api/login', {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
  }, { remoteAddress: '198.51.100.1' });
  if (login.status !== 200) throw new Error(`admin login for the fuzz setup failed: ${login.status} ${await login.text()}`);
  const { token } = await login.json();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mantra-fuzz-admin-'));
  await t.put('agency', { slug: 'a', name: 'Agency A' });
  await t.put('connector', { agency: 'a', slug: 'db', kind: 'sqlite', path: path.join(dir, 'a.sqlite') });
  await t.put('service', { agency: 'a', slug: 'svc' });
  await t.put('consumer', { agency: 'a', slug: 'app', name: 'App' });
  const generators: [number, string, Generator][] = [[1, 'admin', adminRequest({ token, backendUrl: backend.url })]];
  return {
    run: (o) => runFuzz({
      part: 'admin', ...o, generators, ctx: { operations: [], limitedKeys: [] },
      secrets: { secrets: [ADMIN_PASSWORD, 'FUZZSECRET-admin-conn-pass', 'FUZZSECRET-admin-proxy-token', ...alwaysSecret], places: [] },
      send: async (c) => {
        const a = await sendToApp((req, env) => t.fetch(req, env), c, '192.0.2.20');
        return a && [a];
      },
      healthy: async () => (await t.app.request('/healthz')).status === 200,
    }),
    close: async () => {
      await backend.stop();
      await t.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const httpGenerators = (token: string, backendUrl: string): [number, string, Generator][] => [
  [35, 'wire-compat', wireCase(compatRequest)],
  [30, 'wire-v1', wireCase(v1Request)],
  [10, 'wire-compat-proxy', wireCase(withReply(compatRequest))],
  [8, 'wire-v1-proxy', wireCase(withReply(v1Request))],
  [10, 'wire-soap', wireCase(soapRequest)],
  [5, 'wire-admin-login', wireCase(adminRequest({ token, backendUrl, loginOnly: true }))],
];

/**
 * Bun 1.4.5 closes a connection without any answer when a second request arrives pipelined before the first,
 * asynchronous, answer is ready (plain Bun.serve does it too; Deno answers both). Counted and shown, not hidden.
 */
const PIPELINING_BUG = 'pipelined requests closed unanswered by Bun (runtime bug, see test/fuzz/http.test.ts)';

export async function httpPart(): Promise<Part & { port: number }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mantra-fuzz-server-'));
  const backend = await startFuzzBackend();
  process.env.MANTRA_ADMIN_PASSWORD = ADMIN_PASSWORD;
  let running: Awaited<ReturnType<typeof startServer>>;
  try {
    running = await startServer({ dataDir, port: 0, host: '127.0.0.1', workers: 1 });
  } finally {
    delete process.env.MANTRA_ADMIN_PASSWORD;
  }
  const port = running.server.port;
  const fx = await setupFixture(storePut(running.store), storeGet(running.store), running.secrets, await loadPendudukPg(), backend.url);
  const ctx: GeneratorContext = { operations: fx.operations, limitedKeys: fx.limitedKeys };
  const notes: Record<string, number> = {};
  const options: Omit<RunOptions, 'seed' | 'cases'> = {
    part: 'http', generators: httpGenerators('', backend.url), ctx,
    secrets: { secrets: [...fx.secrets, ...alwaysSecret], places: [...fx.places, dataDir] },
    prepare: (c: FuzzCase) => backend.prepare(c),
    send: async (c: FuzzCase) => {
      const bytes = c.raw ?? requestBytes(c, `127.0.0.1:${port}`);
      const malformed = c.surface === 'other';
      const r = await exchange(port, bytes, { expect: c.expect ?? 1, head: c.request.method === 'HEAD', idleMs: malformed ? 150 : 2000, maxMs: malformed ? 1500 : 8000 });
      if (c.wire === 'pipelined' && runtime.name === 'bun' && r.answers.length < (c.expect ?? 1) && r.closed) {
        notes[PIPELINING_BUG] = (notes[PIPELINING_BUG] ?? 0) + 1;
        return r.answers;
      }
      // An answer that closes the connection (a refusal of the first request) ends the pipeline there.
      const closes = r.answers.findIndex((a) => /close/i.test(a.headers.get('connection') ?? ''));
      const expected = closes === -1 ? c.expect ?? 1 : Math.min(c.expect ?? 1, closes + 1);
      if (!malformed && r.answers.length < expected) {
        const got = r.answers.map((a) => `HTTP ${a.status}${a.headers.get('connection') ? ` (connection: ${a.headers.get('connection')})` : ''}`);
        throw new Error(`${r.answers.length} answers to a well-formed request (${r.closed ? 'closed' : 'silent'}) ${got.join(', ')}`);
      }
      return r.answers;
    },
    notes,
    healthy: () => healthy(port),
    healthEvery: 25,
    context: (c: FuzzCase) => (c.reply ? `backend received: ${backend.lastRequest.slice(0, 400)}` : ''),
  };
  return {
    port,
    run: (o) => runFuzz({ ...options, ...o }),
    close: async () => {
      await running.stop();
      await backend.stop();
      fx.cleanup();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
