/**
 * Redis for the tests: the machine's (MANTRA_TEST_REDIS, default 127.0.0.1:6379) with a key prefix per test, cleaned
 * up after; and a Redis server of a test's own on a free port, to stop and start again.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { Redis } from 'ioredis';

const env = (name: string) => (globalThis as any).process?.env?.[name] ?? (globalThis as any).Deno?.env.get(name);

export const redisUrl = env('MANTRA_TEST_REDIS') ?? 'redis://127.0.0.1:6379';

/** A prefix no other test uses. */
export const testPrefix = (name: string) => `mantra-test:${name}:${process.pid}-${Math.random().toString(36).slice(2, 8)}:`;

/** Deletes every key under `prefix`; returns how many there were. */
export async function dropKeys(prefix: string, url = redisUrl): Promise<number> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await client.connect();
  try {
    let [cursor, n] = ['0', 0];
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (keys.length) n += await client.del(...keys);
      cursor = next;
    } while (cursor !== '0');
    return n;
  } finally {
    client.disconnect();
  }
}

/** The keys under `prefix`, sorted. */
export async function keysOf(prefix: string, url = redisUrl): Promise<string[]> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await client.connect();
  try {
    return (await client.keys(`${prefix}*`)).sort();
  } finally {
    client.disconnect();
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
    s.once('error', reject);
  });
}

/** A redis-server of the test's own (no persistence) on `port`; resolves once it answers. */
export async function ownRedis(port: number, args: string[] = []): Promise<{ url: string; stop(): Promise<void> }> {
  const child: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...args], {
    stdio: 'ignore',
  });
  const url = `redis://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    const up = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ host: '127.0.0.1', port }, () => { socket.destroy(); resolve(true); });
      socket.once('error', () => resolve(false));
    });
    if (up) break;
    if (i > 100 || child.exitCode !== null) throw new Error(`redis-server on port ${port} did not start`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    },
  };
}
