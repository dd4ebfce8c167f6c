import { translate, type Lang } from '../i18n/index.ts';

/** Why a backup or a restore cannot be made, in both languages (an administrator reads these). */
const messages = {
  no_store: { en: 'no Mantra store or keys in {dir}', id: 'tidak ada penyimpanan atau kunci Mantra di {dir}' },
  exists: { en: '{file} already exists; give the backup a new name', id: '{file} sudah ada; beri cadangan nama baru' },
  copy_failed: { en: 'the copy of the store failed its check ({cause}); no backup written', id: 'salinan penyimpanan gagal diperiksa ({cause}); cadangan tidak ditulis' },
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

export type BackupProblem = keyof typeof messages;

export class BackupError extends Error {
  constructor(readonly problem: BackupProblem, readonly vars: Record<string, string | number>) {
    super(translate(messages, problem, 'en', vars));
  }

  text(lang: Lang): string {
    return translate(messages, this.problem, lang, this.vars);
  }
}
