#!/usr/bin/env bun
import { parseArgs } from 'node:util';
import fs from 'node:fs';
import { runtime } from './runtime/index.ts';
import { startServer } from './server.ts';
import { openSqliteStore, StoreError } from './store/index.ts';
import { loadMasterKey, Secrets } from './security/index.ts';
import { ensureFirstAdmin, resetPassword } from './admin-api/first-admin.ts';
import { exportConfig, importConfig } from './admin-api/config-document.ts';
import { seedDemo } from './demo/seed.ts';
import { importMantraCommand } from './import-mantra/index.ts';
import pkg from '../package.json' with { type: 'json' };

const help = `Mantra ${pkg.version} — Government Service Bus, drop-in successor of MANTRA

Usage: mantra <command> [options]

Commands:
  serve                 run the server
  demo                  run the server with the demo agency (SQLite data, printed login and key)
  init                  create the first administrator (prints a one-time password)
  config export         print the whole configuration as one JSON document
  config import FILE    apply a configuration document (FILE or - for stdin), all or nothing
  import-mantra --from mysql://USER:PASS@HOST:PORT/DBNAME [--dry-run] [--rewrite-host OLD=NEW ...]
                        import an original MANTRA installation (re-runnable; exit 2 = some items skipped)

Options:
  --data DIR            data directory (default ./data, or MANTRA_DATA_DIR)
  --port N              port (default 8080, or MANTRA_PORT)
  --host ADDR           address to listen on (default 127.0.0.1, or MANTRA_HOST)
  --tls-cert FILE       PEM certificate: serve HTTPS
  --tls-key FILE        PEM private key
  --workers N           connector worker threads (0 = inline; default: cores - 1, or 0 on 2 cores or fewer)
  --reset-password USER (init) issue a new one-time password for USER
  --version             print the version
  --help                this text

Environment: MANTRA_ADMIN_PASSWORD (first administrator's password on first start),
MANTRA_MASTER_KEY (base64, 32 bytes; default: DATA/master.key), MANTRA_LOG_LEVEL.

Examples:
  mantra serve --data /var/lib/mantra --port 8080
  mantra init --data /var/lib/mantra
  mantra config export --data /var/lib/mantra > mantra-config.json
  mantra config export --data a | mantra config import - --data b
`;

const { values, positionals } = parseArgs({
  args: runtime.args(),
  allowPositionals: true,
  options: {
    data: { type: 'string' },
    port: { type: 'string' },
    host: { type: 'string' },
    'tls-cert': { type: 'string' },
    'tls-key': { type: 'string' },
    workers: { type: 'string' },
    'reset-password': { type: 'string' },
    from: { type: 'string' },
    'dry-run': { type: 'boolean' },
    'rewrite-host': { type: 'string', multiple: true },
    version: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  },
});

const env = process.env;
const command = positionals[0];

function fail(message: string): never {
  process.stderr.write(`mantra: ${message}\n`);
  process.exit(1);
}

function dataDir(fallback = 'data'): string {
  return values.data ?? env.MANTRA_DATA_DIR ?? fallback;
}

function number(text: string | undefined, name: string): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) fail(`${name} must be a whole number`);
  return Number(text);
}

async function serve(demo: boolean) {
  const dir = dataDir(demo ? 'data/demo' : 'data');
  const running = await startServer({
    dataDir: dir,
    port: number(values.port ?? env.MANTRA_PORT, '--port') ?? 8080,
    host: values.host ?? env.MANTRA_HOST ?? '127.0.0.1',
    tlsCert: values['tls-cert'],
    tlsKey: values['tls-key'],
    workers: number(values.workers, '--workers'),
  });
  const scheme = values['tls-cert'] ? 'https' : 'http';
  const base = `${scheme}://${values.host ?? env.MANTRA_HOST ?? '127.0.0.1'}:${running.server.port}`;
  let password = running.firstAdmin.password;
  const lines = [`Mantra ${pkg.version} (${runtime.name} ${runtime.version}) listening on ${base}`, `data: ${dir}`];
  if (demo) {
    const admin = await running.store.get('user', running.firstAdmin.username);
    if (!password && admin?.body.mustChangePassword) password = await resetPassword(running.store, running.firstAdmin.username);
    const { key } = await seedDemo(running.store, running.secrets, dir);
    lines.push(
      '',
      `Admin page:  ${base}/admin/   user: ${running.firstAdmin.username}   ` +
        (password ? `one-time password: ${password}` : 'password: the one you set'),
      `Demo key (new at every demo start): ${key}`,
      '',
      'Try:',
      `  curl -H 'AccessKey: ${key}' ${base}/json/demo/kependudukan/penduduk_by_nik/nik=3201000000000042`,
      `  curl -H 'Authorization: Bearer ${key}' '${base}/v1/demo/kependudukan/penduduk_list?limit=3'`,
      `  curl -H 'AccessKey: ${key}' '${base}/xml/demo/kependudukan/penduduk_cari?nama=Penduduk%2042'`,
    );
  } else if (password) {
    lines.push(`First administrator: ${running.firstAdmin.username}   one-time password: ${password}`);
  }
  console.log(lines.join('\n'));
  const stop = async () => {
    await running.stop();
    process.exit(0);
  };
  runtime.onSignal('SIGINT', stop);
  runtime.onSignal('SIGTERM', stop);
}

async function withStore<T>(fn: (store: ReturnType<typeof openSqliteStore>, secrets: Secrets) => Promise<T>): Promise<T> {
  const dir = dataDir();
  const store = openSqliteStore(dir);
  try {
    return await fn(store, new Secrets(loadMasterKey(dir)));
  } finally {
    store.close();
  }
}

async function readInput(file: string): Promise<string> {
  if (file !== '-') return fs.readFileSync(file, 'utf8');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function main() {
  if (values.version) return console.log(pkg.version);
  if (values.help || !command) return console.log(help);
  switch (command) {
    case 'serve':
      return serve(false);
    case 'demo':
      return serve(true);
    case 'init':
      return withStore(async (store) => {
        if (values['reset-password']) {
          const password = await resetPassword(store, values['reset-password']);
          return console.log(`New one-time password for ${values['reset-password']}: ${password}`);
        }
        const admin = await ensureFirstAdmin(store, { password: env.MANTRA_ADMIN_PASSWORD || undefined });
        if (!admin.created) return console.log(`An administrator already exists (${admin.username}).`);
        console.log(`Administrator ${admin.username} created.` + (admin.password ? ` One-time password: ${admin.password}` : ''));
      });
    case 'config': {
      const sub = positionals[1];
      if (sub === 'export') return withStore(async (store) => console.log(JSON.stringify(await exportConfig(store), null, 2)));
      if (sub === 'import') {
        const file = positionals[2] ?? fail('config import needs a FILE or -');
        const text = await readInput(file);
        let doc: unknown;
        try {
          doc = JSON.parse(text);
        } catch {
          fail('the configuration document is not valid JSON');
        }
        return withStore(async (store, secrets) => console.log(JSON.stringify(await importConfig(store, doc, { secrets }))));
      }
      return fail('use "config export" or "config import FILE"');
    }
    case 'import-mantra':
      return importMantraCommand({ from: values.from, dryRun: values['dry-run'], rewriteHost: values['rewrite-host'], dataDir: dataDir() });
    default:
      fail(`unknown command "${command}"; see mantra --help`);
  }
}

main().catch((err) => {
  if (err instanceof StoreError) fail(err.message);
  if ((err as NodeJS.ErrnoException)?.code === 'EADDRINUSE') fail('the port is already in use');
  fail((err as Error)?.message ?? String(err));
});
