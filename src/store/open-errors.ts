import { translate, type Lang } from '../i18n/index.ts';
import { StoreError } from './types.ts';

/** Why a data directory or store cannot be opened, in both languages (an administrator reads these at startup). */
const messages = {
  create: { en: 'cannot create data directory {dir}: {cause}', id: 'direktori data {dir} tidak dapat dibuat: {cause}' },
  read_only: { en: 'data directory {dir} is not writable', id: 'direktori data {dir} tidak dapat ditulisi' },
  lock: { en: 'cannot lock data directory {dir}: {cause}', id: 'direktori data {dir} tidak dapat dikunci: {cause}' },
  in_use: { en: 'data directory {dir} is in use by another Mantra process (pid {pid})', id: 'direktori data {dir} sedang dipakai proses Mantra lain (pid {pid})' },
  foreign: { en: '{file} is not a Mantra store (foreign SQLite database); refusing to touch it', id: '{file} bukan penyimpanan Mantra (basis data SQLite lain); tidak disentuh' },
  corrupt: { en: '{file} cannot be opened as a Mantra store (corrupt or not a database): {cause}', id: '{file} tidak dapat dibuka sebagai penyimpanan Mantra (rusak atau bukan basis data): {cause}' },
  newer: { en: 'the store was written by a newer Mantra (schema {schema}); upgrade Mantra', id: 'penyimpanan ditulis oleh Mantra yang lebih baru (skema {schema}); perbarui Mantra' },
  outdated: { en: 'the store has schema {schema}, this Mantra reads {expected}: start the server once to migrate it', id: 'penyimpanan berskema {schema}, Mantra ini membaca {expected}: jalankan server sekali untuk memigrasinya' },
  migration: { en: 'store migration {version} failed: {cause}', id: 'migrasi penyimpanan {version} gagal: {cause}' },
} as const;

export type OpenProblem = keyof typeof messages;

export class StoreOpenError extends StoreError {
  constructor(readonly problem: OpenProblem, readonly vars: Record<string, string | number>) {
    super('open', translate(messages, problem, 'en', vars));
  }

  text(lang: Lang): string {
    return translate(messages, this.problem, lang, this.vars);
  }
}
