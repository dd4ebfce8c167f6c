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
  store_usage: {
    id: 'gunakan "store migrate --from DIR --to postgres://… [--force]" atau "store migrate --from postgres://… --to DIR [--force]"',
    en: 'use "store migrate --from DIR --to postgres://… [--force]" or "store migrate --from postgres://… --to DIR [--force]"',
  },
  migrate_no_store: { id: 'tidak ada penyimpanan Mantra di {dir}: tidak ada yang dipindahkan', en: 'no Mantra store in {dir}: nothing moved' },
  migrate_target_full: {
    id: 'penyimpanan klaster sudah berisi ({entities} butir konfigurasi, {sessions} sesi, atau jejak node ini): tidak ada yang dipindahkan; --force mengganti butir yang sama dan tidak menghapus apa pun',
    en: 'the cluster store is not empty ({entities} configuration items, {sessions} sessions, or this node\'s trail): nothing moved; --force replaces the same items and deletes nothing',
  },
  migrate_key_differs: {
    id: 'penyimpanan klaster memegang {key} yang lain (jejak dan tanda tangan node lain bergantung padanya): tidak ada yang dipindahkan',
    en: 'the cluster store holds a different {key} (other nodes\' trails and signatures depend on it): nothing moved',
  },
  migrate_which_node: {
    id: 'penyimpanan klaster memegang jejak node {nodes}: pindahkan ke direktori data salah satu node itu (DATA/node-id) atau pilih dengan --node NAMA',
    en: 'the cluster store holds the trails of nodes {nodes}: move into the data directory of one of them (DATA/node-id) or pick one with --node NAME',
  },
  migrate_not_node_dir: {
    id: 'direktori ini bukan direktori data node {node}: rantai jejaknya ditandatangani kunci yang hanya ada di direktori node itu',
    en: 'this is not the data directory of node {node}: its chain is signed with a key only that node\'s directory holds',
  },
  migrate_dir_has_trail: {
    id: '{dir} sudah memiliki jejak audit yang bukan awal rantai node ini: dua rantai tidak dapat digabung; gunakan direktori data node itu sendiri atau direktori baru',
    en: '{dir} already has an audit trail that is not the start of this node\'s chain: two chains cannot become one; use the node\'s own data directory or a new one',
  },
  migrate_dir_full: {
    id: '{dir} sudah berisi {entities} butir konfigurasi: tidak ada yang dipindahkan; --force mengganti butir yang sama dan tidak menghapus apa pun',
    en: '{dir} already holds {entities} configuration items: nothing moved; --force replaces the same items and deletes nothing',
  },
  migrate_done: {
    id: 'dipindahkan: {entities} butir konfigurasi, {sessions} sesi, {keys} kunci bersama, {tracks} jejak, {checkpoints} checkpoint, {stats} baris statistik',
    en: 'moved: {entities} configuration items, {sessions} sessions, {keys} shared keys, {tracks} tracks, {checkpoints} checkpoints, {stats} statistics rows',
  },
  migrate_other_chains: {
    id: 'catatan: jejak node {nodes} tetap di penyimpanan klaster (tidak ada yang dihapus)',
    en: 'note: the trails of nodes {nodes} stay in the cluster store (nothing was deleted)',
  },
  migrate_chain_differs: {
    id: 'rantai jejak node {node} di penyimpanan klaster berbeda dari rantai di direktori ini (entri atau checkpoint seq {seq}): tidak ada yang dipindahkan; entri jejak audit tidak pernah ditimpa, juga dengan --force',
    en: 'the cluster store\'s chain of node {node} differs from this directory\'s (entry or checkpoint seq {seq}): nothing moved; audit entries are never written over, --force or not',
  },
  migrate_source_kept: {
    id: 'di {dir} tidak ada yang dihapus atau diubah; direktori itu kini memiliki id node {node} (DATA/node-id), dan jejak yang tersisa di log jejaknya masuk ke rantainya di bawah checkpoint bertanda tangan, seperti saat server berhenti dengan rapi',
    en: 'nothing in {dir} was deleted or edited; it now has node id {node} (DATA/node-id), and what its track log still held went into its chain under a signed checkpoint, as at a clean stop of its server',
  },
  audit_usage: {
    id: 'gunakan "audit verify [--data DIR | --store postgres://… | --export FILE --public-key FILE]" atau "audit export [--format ndjson|csv] [--store postgres://… [--node NAMA]]"',
    en: 'use "audit verify [--data DIR | --store postgres://… | --export FILE --public-key FILE]" or "audit export [--format ndjson|csv] [--store postgres://… [--node NAME]]"',
  },
  audit_needs_key: { id: 'audit verify --export memerlukan --public-key FILE', en: 'audit verify --export needs --public-key FILE' },
  audit_not_export: { id: '{file} bukan ekspor jejak audit Mantra (baris {line})', en: '{file} is not a Mantra audit export (line {line})' },
  hub_usage: {
    id: 'gunakan "hub import-node URL --agency SLUG [env MANTRA_HUB_NODE_KEY | --key - (kunci dari stdin)] [--dry-run]"',
    en: 'use "hub import-node URL --agency SLUG [env MANTRA_HUB_NODE_KEY | --key - (key from stdin)] [--dry-run]"',
  },
  hub_key_argv: {
    id: 'peringatan: kunci yang ditulis di baris perintah terlihat di ps dan riwayat shell; berikan lewat MANTRA_HUB_NODE_KEY atau --key - (dibaca dari stdin)',
    en: 'warning: a key written on the command line shows in ps and the shell history; give it in MANTRA_HUB_NODE_KEY or as --key - (read from stdin)',
  },
  hub_key_stdin_empty: { id: '--key -: stdin tidak berisi kunci', en: '--key -: stdin holds no key' },
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
  backup_done_node: {
    id: 'Cadangan ditulis ke {file}: {dir} tanpa penyimpanan (node klaster: cadangkan penyimpanannya dengan pg_dump), {logged} jejak dari log jejak, {files} berkas kunci dan lainnya',
    en: 'Backup written to {file}: {dir} has no store (a cluster node: back its store up with pg_dump), {logged} tracks from the track log, {files} key and other files',
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
  restore_done_node: {
    id: 'Dipulihkan ke {dir}: kunci dan log jejak node dari cadangan {created} ({logged} jejak), tanpa penyimpanan: pulihkan penyimpanan klaster dengan pg_restore',
    en: 'Restored into {dir}: a node\'s keys and track log from the backup of {created} ({logged} tracks), no store: restore the cluster store with pg_restore',
  },
  restore_needs_master_key: {
    id: 'Cadangan ini tanpa kunci induk: letakkan kunci induk instalasi di {dir}/master.key (mode 0600) atau di MANTRA_MASTER_KEY sebelum server dijalankan',
    en: 'This backup has no master key: put the installation\'s master key in {dir}/master.key (mode 0600) or in MANTRA_MASTER_KEY before starting the server',
  },
  restore_owner: { id: 'Dijalankan sebagai root: serahkan berkasnya ke pengguna layanan: chown -R mantra:mantra {dir}', en: 'Run as root: give the files to the service\'s user: chown -R mantra:mantra {dir}' },
};

export const t = (key: string, vars: Record<string, string | number> = {}) => translate(messages, key, cliLang, vars);
