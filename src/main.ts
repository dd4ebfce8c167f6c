#!/usr/bin/env bun
import { parseArgs } from 'node:util';
import fs from 'node:fs';
import path from 'node:path';
import { runtime } from './runtime/index.ts';
import { startServer } from './server.ts';
import { type Store, StoreError, StoreOpenError } from './store/index.ts';
import { openStore } from './store/open-store.ts';
import { PgStoreError } from './store/postgres/errors.ts';
import { loadMasterKey, Secrets } from './security/index.ts';
import { ensureFirstAdmin, resetPassword } from './admin-api/first-admin.ts';
import { exportConfig, importConfig } from './admin-api/config-document.ts';
import pkg from '../package.json' with { type: 'json' };
import { cliLang, t } from './cli/messages.ts';
import { RedisOpenError } from './limits/open-error.ts';

const helpId = `Mantra ${pkg.version} — Government Service Bus, penerus MANTRA yang kompatibel

Penggunaan: mantra <perintah> [opsi]

Perintah:
  serve                 menjalankan server
  demo                  menjalankan server dengan instansi demo (data SQLite, login dan kunci dicetak)
  init                  membuat administrator pertama (mencetak kata sandi sekali pakai)
  config export         mencetak seluruh konfigurasi sebagai satu dokumen JSON
  config import FILE    menerapkan dokumen konfigurasi (FILE atau - untuk stdin), semua atau tidak sama sekali
  import-mantra --from mysql://USER:PASS@HOST:PORT/DBNAME [--dry-run] [--rewrite-host LAMA=BARU ...]
                        mengimpor instalasi MANTRA asli (aman diulang; kode keluar 2 = ada butir yang dilewati)
  audit verify          memeriksa rantai hash dan checkpoint bertanda tangan jejak audit; menyebut entri rusak
                        pertama (kode keluar 3 = tidak utuh); --export FILE --public-key FILE memeriksa ekspor
                        dengan kunci publik saja
  audit export          mencetak jejak audit (--format ndjson|csv; filter --agency, --service, --operation,
                        --consumer, --interface, --status 200|ok|error, --from/--to waktu ISO; --out FILE)
                        config export, audit verify dan audit export hanya membaca: boleh di samping server berjalan
  backup --to FILE      cadangan daring yang konsisten dari direktori data (penyimpanan, log jejak, kunci) dalam satu
                        berkas .tar.gz (mode 0600), juga saat server berjalan; --without-master-key tanpa master.key
  restore --from FILE   memulihkan cadangan ke direktori data (--data DIR) yang kosong atau baru
  hub import-node URL --agency SLUG [--key -] [--dry-run]
                        menggabungkan node ke hub dalam satu langkah: katalog publik node (URL/catalogue/openapi.json)
                        menjadi operasi proxy instansi SLUG; kunci dari node (MANTRA_HUB_NODE_KEY, atau --key - untuk
                        membacanya dari stdin; --key KUNCI terlihat di ps dan riwayat shell) disimpan terenkripsi;
                        impor ulang memperbarui yang berubah dan melaporkan yang hilang tanpa menghapusnya
                        (di direktori data, server dihentikan; --dry-run hanya membaca; kode keluar 2 = ada yang bentrok)
  store migrate --from DIR --to postgres://… [--force]
                        memindahkan instalasi tunggal (konfigurasi, sesi, jejak audit dengan rantai dan checkpoint,
                        statistik, kunci bersama) ke penyimpanan klaster; --from postgres://… --to DIR memindahkan
                        kembali; tujuan yang tidak kosong ditolak kecuali --force (yang sama diganti, tidak ada yang
                        dihapus); server sumber dihentikan dahulu

Opsi:
  --data DIR            direktori data (bawaan ./data, atau MANTRA_DATA_DIR)
  --port N              port (bawaan 8080, atau MANTRA_PORT)
  --host ADDR           alamat yang didengarkan (bawaan 127.0.0.1, atau MANTRA_HOST)
  --tls-cert FILE       sertifikat PEM: melayani HTTPS
  --tls-key FILE        kunci privat PEM
  --workers N           thread pekerja konektor (0 = di thread utama; bawaan: jumlah inti - 1, atau 0 pada 2 inti atau kurang)
  --redis URL           redis://[USER:PASS@]HOST:PORT[/DB]: batas laju dan kuota dihitung di Redis, bersama semua node
                        (atau MANTRA_REDIS); tanpanya setiap node menegakkan bagiannya, batas dibagi jumlah node hidup
  --store URL           postgres://USER[:PASS]@HOST:PORT/DB: mode klaster, konfigurasi, sesi dan jejak di PostgreSQL
                        bersama semua node (bawaan: berkas SQLite di DATA, atau MANTRA_STORE)
  --node NAMA           id node ini di klaster (bawaan: DATA/node-id, dibuat sekali; atau MANTRA_NODE)
  --reset-password USER (init) menerbitkan kata sandi sekali pakai baru untuk USER
  --version             mencetak versi
  --help                teks ini

Lingkungan: MANTRA_ADMIN_PASSWORD (kata sandi administrator pertama saat mulai pertama kali),
MANTRA_MASTER_KEY (base64, 32 byte; bawaan: DATA/master.key), MANTRA_LOG_LEVEL, MANTRA_LANG (id | en),
MANTRA_HUB_NODE_KEY (hub import-node: kunci dari node),
MANTRA_STORE (--store), MANTRA_NODE (--node). Di klaster setiap node memakai MANTRA_MASTER_KEY yang sama.

Contoh:
  mantra serve --data /var/lib/mantra --port 8080
  mantra init --data /var/lib/mantra
  mantra config export --data /var/lib/mantra > mantra-config.json
  mantra config export --data a | mantra config import - --data b
  mantra audit verify --data /var/lib/mantra
  mantra audit export --data /var/lib/mantra --agency dukcapil --from 2026-01-01 > jejak.ndjson
  mantra audit verify --export jejak.ndjson --public-key audit-signing.pub
  mantra backup --data /var/lib/mantra --to /var/backups/mantra/mantra-$(date +%F).tar.gz
  mantra restore --from /var/backups/mantra/mantra-2026-12-01.tar.gz --data /var/lib/mantra
  MANTRA_HUB_NODE_KEY=… mantra hub import-node https://node.dukcapil.go.id --agency dukcapil --data /var/lib/mantra
  mantra hub import-node https://node.dukcapil.go.id --agency dukcapil --key - --data /var/lib/mantra < kunci-node.txt
  mantra serve --store postgres://mantra@db.internal:5432/mantra --data /var/lib/mantra --port 8080
  mantra store migrate --from /var/lib/mantra --to postgres://mantra@db.internal:5432/mantra
`;

const helpEn = `Mantra ${pkg.version} — Government Service Bus, drop-in successor of MANTRA

Usage: mantra <command> [options]

Commands:
  serve                 run the server
  demo                  run the server with the demo agency (SQLite data, printed login and key)
  init                  create the first administrator (prints a one-time password)
  config export         print the whole configuration as one JSON document
  config import FILE    apply a configuration document (FILE or - for stdin), all or nothing
  import-mantra --from mysql://USER:PASS@HOST:PORT/DBNAME [--dry-run] [--rewrite-host OLD=NEW ...]
                        import an original MANTRA installation (re-runnable; exit 2 = some items skipped)
  audit verify          check the audit trail's hash chain and signed checkpoints; names the first bad entry
                        (exit 3 = not intact); --export FILE --public-key FILE checks an export with the public key only
  audit export          print the audit trail (--format ndjson|csv; filters --agency, --service, --operation,
                        --consumer, --interface, --status 200|ok|error, --from/--to ISO times; --out FILE)
                        config export, audit verify and audit export only read: they run beside a running server
  backup --to FILE      a consistent online backup of the data directory (store, track log, keys) in one .tar.gz
                        file (mode 0600), also while the server runs; --without-master-key leaves master.key out
  restore --from FILE   restore a backup into an empty or new data directory (--data DIR)
  hub import-node URL --agency SLUG [--key -] [--dry-run]
                        join a node to the hub in one step: the node's public catalogue (URL/catalogue/openapi.json)
                        becomes agency SLUG's proxy operations; the node's key (MANTRA_HUB_NODE_KEY, or --key - to read
                        it from stdin; --key KEY shows in ps and the shell history) is stored encrypted; a re-import
                        updates what changed and reports what disappeared, deleting nothing
                        (on the data directory, server stopped; --dry-run only reads; exit 2 = some in conflict)
  store migrate --from DIR --to postgres://… [--force]
                        move a single-node installation (configuration, sessions, the audit trail with its chain and
                        checkpoints, statistics, shared keys) into the cluster store; --from postgres://… --to DIR
                        moves it back; a non-empty target is refused unless --force (the same items are replaced,
                        nothing is deleted); stop the source's server first

Options:
  --data DIR            data directory (default ./data, or MANTRA_DATA_DIR)
  --port N              port (default 8080, or MANTRA_PORT)
  --host ADDR           address to listen on (default 127.0.0.1, or MANTRA_HOST)
  --tls-cert FILE       PEM certificate: serve HTTPS
  --tls-key FILE        PEM private key
  --workers N           connector worker threads (0 = inline; default: cores - 1, or 0 on 2 cores or fewer)
  --redis URL           redis://[USER:PASS@]HOST:PORT[/DB]: rate limits and quotas count in Redis, shared by all nodes
                        (or MANTRA_REDIS); without it each node enforces its share, the limit over the live nodes
  --store URL           postgres://USER[:PASS]@HOST:PORT/DB: cluster mode, configuration, sessions and the trail in
                        PostgreSQL, shared by all nodes (default: the SQLite file in DATA, or MANTRA_STORE)
  --node NAME           this node's id in the cluster (default: DATA/node-id, made once; or MANTRA_NODE)
  --reset-password USER (init) issue a new one-time password for USER
  --version             print the version
  --help                this text

Environment: MANTRA_ADMIN_PASSWORD (first administrator's password on first start),
MANTRA_MASTER_KEY (base64, 32 bytes; default: DATA/master.key), MANTRA_LOG_LEVEL, MANTRA_LANG (id | en),
MANTRA_HUB_NODE_KEY (hub import-node: the node's key),
MANTRA_STORE (--store), MANTRA_NODE (--node). In a cluster every node runs with the same MANTRA_MASTER_KEY.

Examples:
  mantra serve --data /var/lib/mantra --port 8080
  mantra init --data /var/lib/mantra
  mantra config export --data /var/lib/mantra > mantra-config.json
  mantra config export --data a | mantra config import - --data b
  mantra audit verify --data /var/lib/mantra
  mantra audit export --data /var/lib/mantra --agency dukcapil --from 2026-01-01 > trail.ndjson
  mantra audit verify --export trail.ndjson --public-key audit-signing.pub
  mantra backup --data /var/lib/mantra --to /var/backups/mantra/mantra-$(date +%F).tar.gz
  mantra restore --from /var/backups/mantra/mantra-2026-12-01.tar.gz --data /var/lib/mantra
  MANTRA_HUB_NODE_KEY=… mantra hub import-node https://node.dukcapil.go.id --agency dukcapil --data /var/lib/mantra
  mantra hub import-node https://node.dukcapil.go.id --agency dukcapil --key - --data /var/lib/mantra < node-key.txt
  mantra serve --store postgres://mantra@db.internal:5432/mantra --data /var/lib/mantra --port 8080
  mantra store migrate --from /var/lib/mantra --to postgres://mantra@db.internal:5432/mantra
`;

const help = cliLang === 'en' ? helpEn : helpId;

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
    redis: { type: 'string' },
    store: { type: 'string' },
    node: { type: 'string' },
    force: { type: 'boolean' },
    'reset-password': { type: 'string' },
    from: { type: 'string' },
    'dry-run': { type: 'boolean' },
    key: { type: 'string' },
    'rewrite-host': { type: 'string', multiple: true },
    format: { type: 'string' },
    export: { type: 'string' },
    'public-key': { type: 'string' },
    'without-master-key': { type: 'boolean' },
    out: { type: 'string' },
    agency: { type: 'string' },
    service: { type: 'string' },
    operation: { type: 'string' },
    consumer: { type: 'string' },
    interface: { type: 'string' },
    status: { type: 'string' },
    to: { type: 'string' },
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

/** The cluster store's address (--store, MANTRA_STORE); undefined = the embedded file. */
function storeUrl(): string | undefined {
  return values.store ?? (env.MANTRA_STORE || undefined);
}

function nodeName(): string | undefined {
  return values.node ?? (env.MANTRA_NODE || undefined);
}

function number(text: string | undefined, name: string): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) fail(t('whole_number', { name }));
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
    redis: values.redis ?? (env.MANTRA_REDIS || undefined),
    store: storeUrl(),
    node: nodeName(),
  });
  const scheme = values['tls-cert'] ? 'https' : 'http';
  const base = `${scheme}://${values.host ?? env.MANTRA_HOST ?? '127.0.0.1'}:${running.server.port}`;
  let password = running.firstAdmin.password;
  const lines = [t('listening', { version: pkg.version, runtime: `${runtime.name} ${runtime.version}`, base }), t('data', { dir })];
  if (demo) {
    const admin = await running.store.get('user', running.firstAdmin.username);
    if (!password && admin?.body.mustChangePassword) password = await resetPassword(running.store, running.firstAdmin.username);
    const { seedDemo } = await import('./demo/seed.ts');
    const { key } = await seedDemo(running.store, running.secrets, dir);
    lines.push(
      '',
      t('admin_page', { url: `${base}/admin/`, user: running.firstAdmin.username }) +
        (password ? t('one_time', { password }) : t('own_password')),
      t('demo_key', { key }),
      '',
      t('try'),
      `  curl -H 'AccessKey: ${key}' ${base}/json/demo/kependudukan/penduduk_by_nik/nik=3201000000000042`,
      `  curl -H 'Authorization: Bearer ${key}' '${base}/v1/demo/kependudukan/penduduk_list?limit=3'`,
      `  curl -H 'AccessKey: ${key}' '${base}/xml/demo/kependudukan/penduduk_cari?nama=Penduduk%2042'`,
    );
  } else if (password) {
    lines.push(t('first_admin', { user: running.firstAdmin.username, password }));
  }
  console.log(lines.join('\n'));
  const stop = async () => {
    await running.stop();
    process.exit(0);
  };
  runtime.onSignal('SIGINT', stop);
  runtime.onSignal('SIGTERM', stop);
}

async function withStore<T>(
  fn: (store: Store, secrets: Secrets) => Promise<T>, opts: { readOnly?: boolean } = {},
): Promise<T> {
  const dir = dataDir();
  const cluster = storeUrl();
  // A read-only command takes no lock (it runs beside a server); a directory without a store gets a new one.
  const readOnly = opts.readOnly && (cluster !== undefined || fs.existsSync(path.join(dir, 'mantra.db')));
  // A command is no node of the cluster: it registers no heartbeat and no chain (open-store.ts `tool`).
  const store = await openStore({ dataDir: dir, store: cluster, readOnly, node: nodeName(), tool: !readOnly });
  try {
    return await fn(store, new Secrets(loadMasterKey(dir)));
  } finally {
    await store.close();
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
          return console.log(t('reset', { user: values['reset-password'], password }));
        }
        const admin = await ensureFirstAdmin(store, { password: env.MANTRA_ADMIN_PASSWORD || undefined });
        if (!admin.created) return console.log(t('admin_exists', { user: admin.username }));
        console.log(admin.password ? t('admin_created_otp', { user: admin.username, password: admin.password }) : t('admin_created', { user: admin.username }));
      });
    case 'config': {
      const sub = positionals[1];
      if (sub === 'export') {
        return withStore(async (store) => console.log(JSON.stringify(await exportConfig(store), null, 2)), { readOnly: true });
      }
      if (sub === 'import') {
        const file = positionals[2] ?? fail(t('import_needs_file'));
        const text = await readInput(file);
        let doc: unknown;
        try {
          doc = JSON.parse(text);
        } catch {
          fail(t('not_json'));
        }
        return withStore(async (store, secrets) => console.log(JSON.stringify(await importConfig(store, doc, { secrets }))));
      }
      return fail(t('config_usage'));
    }
    case 'import-mantra': {
      // Loaded on use: it brings the MySQL client, which a serving process does not need.
      const { importMantraCommand } = await import('./import-mantra/index.ts');
      return importMantraCommand({ from: values.from, dryRun: values['dry-run'], rewriteHost: values['rewrite-host'], dataDir: dataDir() });
    }
    case 'audit': {
      const { auditCommand, filtersOf } = await import('./cli/audit.ts');
      const code = await auditCommand(positionals[1], {
        dataDir: dataDir(), format: values.format, export: values.export, publicKey: values['public-key'], out: values.out,
        filters: filtersOf(values), store: storeUrl(), node: nodeName(),
      });
      if (code !== 0) process.exit(code);
      return;
    }
    case 'hub': {
      const { hubArgs, hubImport } = await import('./cli/hub.ts');
      const { hubNodeKey } = await import('./cli/hub-key.ts');
      const args = hubArgs(positionals[1], { dataDir: dataDir(), url: positionals[2], agency: values.agency, dryRun: values['dry-run'], store: storeUrl() });
      args.key = await hubNodeKey({
        flag: values.key, env: env.MANTRA_HUB_NODE_KEY, stdin: () => readInput('-'), warn: (line) => process.stderr.write(`mantra: ${line}\n`),
      });
      const code = await withStore((store, secrets) => hubImport(store, secrets, args), { readOnly: args.dryRun });
      if (code !== 0) process.exit(code);
      return;
    }
    case 'backup': {
      const { backupCommand } = await import('./cli/backup.ts');
      return void await backupCommand({ dataDir: dataDir(), to: values.to, withoutMasterKey: values['without-master-key'], producer: pkg.version });
    }
    case 'restore': {
      const { restoreCommand } = await import('./cli/backup.ts');
      return void await restoreCommand({ from: values.from, dataDir: values.data ?? env.MANTRA_DATA_DIR });
    }
    case 'store': {
      const { storeMigrateCommand } = await import('./cli/store-migrate.ts');
      if (positionals[1] !== 'migrate') return fail(t('store_usage'));
      return void await storeMigrateCommand({ from: values.from, to: values.to, force: values.force ?? false, node: nodeName() });
    }
    default:
      fail(t('unknown_command', { command }));
  }
}

main().catch((err) => {
  if (err instanceof StoreOpenError) fail(err.text(cliLang));
  if (err instanceof PgStoreError) fail(err.text(cliLang));
  if (err instanceof RedisOpenError) fail(err.text(cliLang));
  if (err instanceof StoreError) fail(err.message);
  if ((err as NodeJS.ErrnoException)?.code === 'EADDRINUSE') fail(t('port_in_use'));
  fail((err as Error)?.message ?? String(err));
});
