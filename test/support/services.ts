/**
 * Real services for tests. Locally a test skips with a visible notice when its service is unreachable;
 * under CI=true it fails instead, so a missing service can never pass silently.
 */
import net from 'node:net';

const env = (name: string) => (globalThis as any).process?.env?.[name] ?? (globalThis as any).Deno?.env.get(name);

export const pgUrl = env('MANTRA_TEST_PG') ?? 'postgres://postgres@127.0.0.1:5432/test';
export const mysqlUrl = env('MANTRA_TEST_MYSQL') ?? 'mysql://root@127.0.0.1:3306/test';
export const inCI = env('CI') === 'true';

function reachable(url: string): Promise<boolean> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: u.hostname, port: Number(u.port) });
    const done = (ok: boolean) => { socket.destroy(); resolve(ok); };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

const cache = new Map<string, Promise<boolean>>();

/**
 * Resolves to a skip reason when the service is missing (locally), throws under CI, or resolves to undefined.
 * Use: `const skip = await needService('postgres', pgUrl); test('...', { skip }, ...)`.
 */
export async function needService(name: string, url: string): Promise<string | undefined> {
  if (!cache.has(url)) cache.set(url, reachable(url));
  if (await cache.get(url)) return undefined;
  if (inCI) throw new Error(`${name} at ${new URL(url).host} is required under CI but unreachable`);
  const reason = `SKIPPED: ${name} unreachable at ${new URL(url).host}`;
  console.warn(`\n*** ${reason} ***\n`);
  return reason;
}
