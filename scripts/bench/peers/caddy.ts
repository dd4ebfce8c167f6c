/**
 * Debian's caddy as a peer: `reverse_proxy` to the backend with a keep-alive transport, from a JSON config in its
 * own temp dir (admin endpoint off, no config persisted, no automatic HTTPS, no access log, error-level logs),
 * pinned like nginx (Go then runs with GOMAXPROCS 1, as nginx runs one worker).
 */
import fs from 'node:fs';
import path from 'node:path';
import { freePort, pinning, start, tempDir, waitForHttp, type Child } from '../processes.ts';

export const CADDY = process.env.BENCH_CADDY ?? '/usr/bin/caddy';

export function caddyMissing(): string | undefined {
  return fs.existsSync(CADDY) ? undefined : `caddy not found at ${CADDY} (apt-get install caddy)`;
}

export function caddyConfig(port: number, upstream: string, dir: string) {
  return {
    admin: { disabled: true, config: { persist: false } },
    logging: { logs: { default: { level: 'ERROR' } } },
    storage: { module: 'file_system', root: path.join(dir, 'storage') },
    apps: {
      http: {
        servers: {
          bench: {
            listen: [`127.0.0.1:${port}`],
            automatic_https: { disable: true },
            routes: [{
              handle: [{
                handler: 'reverse_proxy',
                upstreams: [{ dial: new URL(upstream).host }],
                transport: {
                  protocol: 'http',
                  // As nginx's upstream: up to 64 idle connections kept, idle for up to 75 s.
                  keep_alive: { enabled: true, max_idle_conns: 64, max_idle_conns_per_host: 64, idle_timeout: '75s' },
                },
              }],
            }],
          },
        },
      },
    },
  };
}

export async function startCaddy(upstream: string): Promise<{ child: Child; base: string }> {
  const dir = tempDir('caddy');
  const port = await freePort();
  const file = path.join(dir, 'caddy.json');
  fs.writeFileSync(file, JSON.stringify(caddyConfig(port, upstream, dir), null, 2));
  const child = start('caddy', [CADDY, 'run', '--config', file], {
    cpu: pinning.server,
    cwd: dir,
    // Caddy keeps its state under $HOME / XDG dirs: the temp dir, never the user's.
    env: { HOME: dir, XDG_DATA_HOME: path.join(dir, 'data'), XDG_CONFIG_HOME: path.join(dir, 'config') },
  });
  const base = `http://127.0.0.1:${port}`;
  await waitForHttp(child, `${base}/hello`);
  return { child, base };
}
