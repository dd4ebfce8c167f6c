/**
 * Debian's nginx as the reference: its own temp prefix and config, `daemon off`, `master_process off`,
 * one worker, no access log. Either `return 200` (the machine's HTTP ceiling) or `proxy_pass` to a backend with
 * a keepalive upstream.
 */
import fs from 'node:fs';
import path from 'node:path';
import { freePort, pinning, start, tempDir, waitForHttp, type Child } from './processes.ts';

export const NGINX = process.env.BENCH_NGINX ?? '/usr/sbin/nginx';

export type NginxMode = { kind: 'return200' } | { kind: 'proxy'; upstream: string };

export async function startNginx(mode: NginxMode): Promise<{ child: Child; base: string }> {
  const dir = tempDir('nginx');
  const port = await freePort();
  const temp = (name: string) => path.join(dir, name);
  const location = mode.kind === 'return200'
    ? 'location / { default_type text/plain; return 200 "ok\\n"; }'
    : `location / {
        proxy_pass http://backend;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
      }`;
  const upstream = mode.kind === 'proxy'
    ? `upstream backend { server ${new URL(mode.upstream).host}; keepalive 64; keepalive_requests 100000000; }`
    : '';
  fs.writeFileSync(temp('nginx.conf'), `
daemon off;
master_process off;
worker_processes 1;
pid ${temp('nginx.pid')};
error_log ${temp('error.log')} warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${temp('client_body')};
  proxy_temp_path ${temp('proxy')};
  fastcgi_temp_path ${temp('fastcgi')};
  uwsgi_temp_path ${temp('uwsgi')};
  scgi_temp_path ${temp('scgi')};
  keepalive_requests 100000000;
  keepalive_timeout 75s;
  ${upstream}
  server {
    listen 127.0.0.1:${port};
    ${location}
  }
}
`);
  const child = start('nginx', [NGINX, '-p', dir, '-c', temp('nginx.conf'), '-e', temp('error.log')], { cpu: pinning.server });
  const base = `http://127.0.0.1:${port}`;
  await waitForHttp(child, `${base}/`);
  return { child, base };
}
