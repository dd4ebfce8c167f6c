import { type Catalogue, type Lang, translate } from '../i18n/index.ts';

/** The command line's language: MANTRA_LANG=en for English, Bahasa Indonesia otherwise. */
export const cliLang: Lang = process.env.MANTRA_LANG === 'en' ? 'en' : 'id';

const messages: Catalogue = {
  listening: { id: 'Mantra {version} ({runtime}) mendengarkan di {base}', en: 'Mantra {version} ({runtime}) listening on {base}' },
  data: { id: 'data: {dir}', en: 'data: {dir}' },
  admin_page: { id: 'Halaman admin: {url}   pengguna: {user}   ', en: 'Admin page: {url}   user: {user}   ' },
  one_time: { id: 'kata sandi sekali pakai: {password}', en: 'one-time password: {password}' },
  own_password: { id: 'kata sandi: yang telah Anda tetapkan', en: 'password: the one you set' },
  demo_key: { id: 'Kunci demo (baru setiap demo dimulai): {key}', en: 'Demo key (new at every demo start): {key}' },
  try: { id: 'Coba:', en: 'Try:' },
  first_admin: { id: 'Administrator pertama: {user}   kata sandi sekali pakai: {password}', en: 'First administrator: {user}   one-time password: {password}' },
  reset: { id: 'Kata sandi sekali pakai baru untuk {user}: {password}', en: 'New one-time password for {user}: {password}' },
  admin_exists: { id: 'Administrator sudah ada ({user}).', en: 'An administrator already exists ({user}).' },
  admin_created: { id: 'Administrator {user} dibuat.', en: 'Administrator {user} created.' },
  admin_created_otp: { id: 'Administrator {user} dibuat. Kata sandi sekali pakai: {password}', en: 'Administrator {user} created. One-time password: {password}' },
  whole_number: { id: '{name} harus bilangan bulat', en: '{name} must be a whole number' },
  import_needs_file: { id: 'config import memerlukan FILE atau -', en: 'config import needs a FILE or -' },
  not_json: { id: 'dokumen konfigurasi bukan JSON yang valid', en: 'the configuration document is not valid JSON' },
  config_usage: { id: 'gunakan "config export" atau "config import FILE"', en: 'use "config export" or "config import FILE"' },
  unknown_command: { id: 'perintah "{command}" tidak dikenal; lihat mantra --help', en: 'unknown command "{command}"; see mantra --help' },
  port_in_use: { id: 'port sudah dipakai', en: 'the port is already in use' },
  no_store: { id: 'tidak ada penyimpanan Mantra di {dir}', en: 'no Mantra store in {dir}' },
  audit_usage: {
    id: 'gunakan "audit verify [--data DIR | --export FILE --public-key FILE]" atau "audit export [--format ndjson|csv]"',
    en: 'use "audit verify [--data DIR | --export FILE --public-key FILE]" or "audit export [--format ndjson|csv]"',
  },
  audit_needs_key: { id: 'audit verify --export memerlukan --public-key FILE', en: 'audit verify --export needs --public-key FILE' },
  audit_not_export: { id: '{file} bukan ekspor jejak audit Mantra (baris {line})', en: '{file} is not a Mantra audit export (line {line})' },
  hub_usage: {
    id: 'gunakan "hub import-node URL --agency SLUG [--key KEY | env MANTRA_HUB_NODE_KEY] [--dry-run]"',
    en: 'use "hub import-node URL --agency SLUG [--key KEY | env MANTRA_HUB_NODE_KEY] [--dry-run]"',
  },
  audit_format: { id: '--format harus ndjson atau csv', en: '--format must be ndjson or csv' },
  audit_exported: { id: '{n} jejak diekspor', en: '{n} tracks exported' },
  audit_pending: {
    id: 'catatan: {n} jejak masih di log jejak (tracks/) dan belum di jejak audit: milik server yang berjalan (masuk dalam milidetik) atau yang terhenti (masuk saat server berjalan lagi)',
    en: 'note: {n} tracks wait in the track log (tracks/), not yet in the trail: a running server\'s (they join within milliseconds) or a stopped one\'s (they join when it runs again)',
  },
  backup_usage: { id: 'backup memerlukan --to FILE', en: 'backup needs --to FILE' },
  backup_done: {
    id: 'Cadangan ditulis ke {file} ({mib} MiB): penyimpanan {store} MiB (skema {schema}, jejak sampai {seq}), {logged} jejak dari log jejak, {files} berkas kunci dan lainnya',
    en: 'Backup written to {file} ({mib} MiB): store {store} MiB (schema {schema}, tracks up to {seq}), {logged} tracks from the track log, {files} key and other files',
  },
  backup_secret: {
    id: 'Cadangan ini berisi kunci induk (master.key): cadangan ini rahasia. Siapa pun yang memegangnya dapat membaca rahasia konektor dan backend. Simpan seperti kunci itu sendiri, atau buat dengan --without-master-key',
    en: 'This backup holds the master key (master.key): the backup is a secret. Whoever holds it can read the connector and backend secrets. Keep it like the key itself, or make it with --without-master-key',
  },
  backup_no_master_key: {
    id: 'Kunci induk tidak ada dalam cadangan ini (--without-master-key atau MANTRA_MASTER_KEY): simpan kunci itu di tempat lain; tanpanya rahasia dan hash kunci yang dipulihkan tidak dapat dibaca',
    en: 'The master key is not in this backup (--without-master-key or MANTRA_MASTER_KEY): keep the key elsewhere; without it the restored secrets and key hashes cannot be read',
  },
  backup_skipped: { id: 'catatan: bukan berkas biasa, tidak dicadangkan: {names}', en: 'note: not regular files, left out: {names}' },
  restore_usage: { id: 'restore memerlukan --from FILE dan --data DIR', en: 'restore needs --from FILE and --data DIR' },
  restore_done: {
    id: 'Dipulihkan ke {dir}: cadangan {created}, skema {schema}, jejak sampai {seq}; {logged} jejak lagi diambil alih saat server pertama kali berjalan',
    en: 'Restored into {dir}: backup of {created}, schema {schema}, tracks up to {seq}; {logged} more tracks are taken over when the server first runs',
  },
  restore_needs_master_key: {
    id: 'Cadangan ini tanpa kunci induk: letakkan kunci induk instalasi di {dir}/master.key (mode 0600) atau di MANTRA_MASTER_KEY sebelum server dijalankan',
    en: 'This backup has no master key: put the installation\'s master key in {dir}/master.key (mode 0600) or in MANTRA_MASTER_KEY before starting the server',
  },
  restore_owner: { id: 'Dijalankan sebagai root: serahkan berkasnya ke pengguna layanan: chown -R mantra:mantra {dir}', en: 'Run as root: give the files to the service\'s user: chown -R mantra:mantra {dir}' },
};

export const t = (key: string, vars: Record<string, string | number> = {}) => translate(messages, key, cliLang, vars);
