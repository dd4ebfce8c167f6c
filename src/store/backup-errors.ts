import { translate, type Lang } from '../i18n/index.ts';

/** Why a backup or a restore cannot be made, in both languages (an administrator reads these). */
const messages = {
  no_store: { en: 'no Mantra store or keys in {dir}', id: 'tidak ada penyimpanan atau kunci Mantra di {dir}' },
  exists: { en: '{file} already exists; give the backup a new name', id: '{file} sudah ada; beri cadangan nama baru' },
  // {cause} is SQLite's own text (English), quoted as the database's words.
  copy_failed: { en: 'the copy of the store failed its check (SQLite: {cause}); no backup written', id: 'salinan penyimpanan gagal diperiksa (pesan SQLite: {cause}); cadangan tidak ditulis' },
  archive_failed: { en: '{file} could not be written: {cause}; no backup written', id: '{file} tidak dapat ditulis: {cause}; cadangan tidak ditulis' },
  log_changed: {
    en: 'the track log changed unexpectedly while it was read (tracks {from} to {to} missing); run the backup again',
    id: 'log jejak berubah secara tak terduga saat dibaca (jejak {from} sampai {to} hilang); jalankan pencadangan lagi',
  },
  not_empty: { en: '{dir} is not empty: a backup is restored into an empty or new directory only', id: '{dir} tidak kosong: cadangan hanya dipulihkan ke direktori kosong atau baru' },
  not_backup: { en: '{file} is not a Mantra backup', id: '{file} bukan cadangan Mantra' },
  damaged: { en: '{file} is damaged: {cause}; nothing restored', id: '{file} rusak: {cause}; tidak ada yang dipulihkan' },
  newer: {
    en: 'the backup holds a store of schema {schema}, written by a newer Mantra (this one reads {expected}); restore it with that version or a newer one',
    id: 'cadangan berisi penyimpanan berskema {schema}, ditulis oleh Mantra yang lebih baru (yang ini membaca {expected}); pulihkan dengan versi itu atau yang lebih baru',
  },
} as const;

/**
 * What exactly is wrong with an archive or what it holds: the {cause} of `damaged` and `archive_failed`, each its
 * own sentence in both languages, so an Indonesian message holds no English part.
 */
const causes = {
  manifest_entry: { en: 'a manifest entry is not valid', id: 'ada entri manifes yang tidak sah' },
  manifest_store: { en: 'the store is not as the manifest lists it', id: 'penyimpanan tidak sesuai dengan daftar di manifes' },
  manifest_large: { en: 'the manifest is too large', id: 'manifes terlalu besar' },
  unlisted: { en: 'an entry the manifest does not list: {name}', id: 'ada entri yang tidak tercantum di manifes: {name}' },
  size: { en: '{name} has another size than listed', id: 'ukuran {name} berbeda dari yang tercantum di manifes' },
  checksum: { en: '{name} does not match its checksum', id: 'isi {name} tidak cocok dengan checksum SHA-256 di manifes' },
  missing: { en: '{name} is missing', id: '{name} tidak ada di arsip' },
  // The archive itself (backup-tar.ts).
  tar_name_ascii: { en: 'not a plain ASCII name: {name}', id: 'nama yang bukan ASCII biasa: {name}' },
  tar_name_long: { en: 'name too long for the archive: {name}', id: 'nama terlalu panjang untuk arsip: {name}' },
  tar_grew: { en: '{name} grew while it was archived', id: '{name} bertambah besar saat diarsipkan' },
  tar_shrank: { en: '{name} shrank while it was archived', id: '{name} menyusut saat diarsipkan' },
  tar_cut: { en: 'the archive ends in the middle of an entry', id: 'arsip berakhir di tengah sebuah entri' },
  tar_no_end: { en: 'the archive ends without its end marker', id: 'arsip berakhir tanpa penanda akhirnya' },
  tar_header: { en: 'a damaged entry header', id: 'kepala entri yang rusak' },
  tar_header_checksum: { en: 'a damaged entry header (checksum)', id: 'kepala entri yang rusak (checksum)' },
  tar_not_ustar: { en: 'not a ustar archive', id: 'bukan arsip ustar' },
  tar_not_file: { en: 'an entry that is not a regular file: {name}', id: 'entri yang bukan berkas biasa: {name}' },
  tar_unread: { en: '{name} was not read to its end', id: '{name} tidak terbaca sampai akhir' },
  tar_gzip: { en: 'not a whole gzip stream', id: 'bukan aliran gzip yang utuh' },
} as const;

export type BackupProblem = keyof typeof messages;
export type CauseKey = keyof typeof causes;

/** One cause with what it names (a file of the archive). */
export interface Cause {
  key: CauseKey;
  vars?: Record<string, string | number>;
}

export const causeText = (cause: Cause, lang: Lang) => translate(causes, cause.key, lang, cause.vars);

export class BackupError extends Error {
  constructor(readonly problem: BackupProblem, readonly vars: Record<string, string | number>, readonly detail?: Cause) {
    super('');
    this.message = this.text('en');
  }

  text(lang: Lang): string {
    return translate(messages, this.problem, lang, this.detail ? { ...this.vars, cause: causeText(this.detail, lang) } : this.vars);
  }
}
