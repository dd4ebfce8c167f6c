/**
 * Debian's nginx in front of the nodes, as an administrator would put it: an upstream with keepalive, the next
 * upstream tried when one fails (connection refused or reset, 502, 503, 504), each node out for 2 s after a
 * failure. Its own prefix and config in a temp dir, `nginx -p DIR -c FILE -g 'daemon off;'`, one process (no
 * master: nothing runs as another user).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const nginxBin = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => fs.existsSync(p));

export interface Nginx {
  base: string;
  log(): string;
  stop(): Promise<void>;
}

export async function startNginx(dir: string, port: number, upstreams: string[]): Promise<Nginx> {
  if (!nginxBin) throw new Error('nginx is not installed (apt-get install nginx-light)');
  const file = (name: string) => path.join(dir, name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(file('nginx.conf'), `
master_process off;
worker_processes 1;
pid ${file('nginx.pid')};
error_log ${file('error.log')} warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${file('client_body')};
  proxy_temp_path ${file('proxy')};
  fastcgi_temp_path ${file('fastcgi')};
  uwsgi_temp_path ${file('uwsgi')};
  scgi_temp_path ${file('scgi')};
  upstream mantra {
${upstreams.map((u) => `    server ${u} max_fails=1 fail_timeout=2s;`).join('\n')}
    keepalive 32;
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://mantra;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_next_upstream error timeout http_502 http_503 http_504;
      proxy_next_upstream_tries 3;
      proxy_connect_timeout 1s;
      proxy_read_timeout 30s;
      add_header X-Upstream $upstream_addr always;
    }
  }
}
`);
  const check = spawnSync(nginxBin, ['-t', '-p', dir, '-c', file('nginx.conf'), '-e', file('error.log')], { encoding: 'utf8' });
  if (check.status !== 0) throw new Error(`nginx -t: ${check.stderr}`);
  const child: ChildProcess = spawn(nginxBin, ['-p', dir, '-c', file('nginx.conf'), '-e', file('error.log'), '-g', 'daemon off;'], { stdio: 'ignore' });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    const up = await fetch(`${base}/healthz`).then((r) => (r.body?.cancel(), true), () => false);
    if (up) break;
    if (i > 100 || child.exitCode !== null) throw new Error(`nginx did not start: ${fs.readFileSync(file('error.log'), 'utf8')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    base,
    log: () => fs.readFileSync(file('error.log'), 'utf8'),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
