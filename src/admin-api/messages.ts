import type { Catalogue } from '../i18n/index.ts';
import { compositeMessages } from '../compose/messages.ts';
import { hubMessages } from '../hub/messages.ts';

/** Every message of the admin API, Bahasa Indonesia first. Keys double as the `error` code of error bodies. */
export const messages = {
  validation: { id: 'Data tidak valid', en: 'Invalid input' },
  required: { id: 'Wajib diisi', en: 'Required' },
  unknown_field: { id: 'Kolom tidak dikenal', en: 'Unknown field' },
  id_immutable: {
    id: 'Tidak dapat diubah (harus sama dengan alamat); buat entri baru sebagai gantinya',
    en: 'Cannot be changed (must match the address); create a new entry instead',
  },
  malformed_json: { id: 'Badan permintaan bukan JSON yang sah', en: 'The request body is not valid JSON' },
  body_unreadable: { id: 'Badan permintaan tidak dapat dibaca sampai selesai', en: 'The request body could not be read to its end' },
  unsupported_media_type: { id: 'Kirim badan permintaan sebagai application/json', en: 'Send the request body as application/json' },
  too_large: { id: 'Badan permintaan terlalu besar (paling banyak {max} bita)', en: 'The request body is too large (at most {max} bytes)' },
  route_not_found: { id: 'Alamat tidak dikenal: {method} {path}', en: 'Unknown route: {method} {path}' },
  not_found: { id: '{kind} "{id}" tidak ditemukan', en: '{kind} "{id}" not found' },
  conflict: { id: '{kind} "{id}" sudah ada', en: '{kind} "{id}" already exists' },
  version_conflict: {
    id: '{kind} "{id}" telah diubah orang lain (versi sekarang {current}, dikirim {given}); muat ulang lalu ulangi',
    en: '{kind} "{id}" was changed meanwhile (current version {current}, given {given}); reload and try again',
  },
  changed_meanwhile: { id: 'Data telah diubah orang lain; muat ulang lalu ulangi', en: 'The data was changed meanwhile; reload and try again' },
  in_use: { id: '{kind} "{id}" masih dipakai oleh {count} {dependent}', en: '{kind} "{id}" is still used by {count} {dependent}' },
  reference: { id: 'Rujukan tidak ditemukan', en: 'A referenced entry does not exist' },
  reference_missing: { id: '{kind} "{id}" tidak ada', en: '{kind} "{id}" does not exist' },
  unauthenticated: { id: 'Silakan masuk terlebih dahulu', en: 'Please log in first' },
  forbidden: { id: 'Anda tidak berwenang melakukan tindakan ini', en: 'You are not allowed to do this' },
  csrf: { id: 'Token CSRF (header X-CSRF-Token) tidak ada atau salah', en: 'Missing or wrong CSRF token (X-CSRF-Token header)' },
  must_change_password: {
    id: 'Ganti kata sandi Anda terlebih dahulu (POST /password)',
    en: 'Change your password first (POST /password)',
  },
  login_failed: { id: 'Nama pengguna atau kata sandi salah', en: 'Wrong username or password' },
  account_inactive: { id: 'Akun ini dinonaktifkan', en: 'This account is disabled' },
  throttled: {
    id: 'Terlalu banyak percobaan yang gagal; coba lagi dalam {seconds} detik',
    en: 'Too many failed attempts; try again in {seconds} seconds',
  },
  busy: { id: 'Server sedang sibuk; coba lagi sebentar lagi', en: 'The server is busy; try again shortly' },
  store_unavailable: {
    id: 'Penyimpanan bersama (PostgreSQL) sedang tidak dapat dihubungi; perubahan belum dapat disimpan, coba lagi sebentar lagi',
    en: 'The shared store (PostgreSQL) cannot be reached; changes cannot be saved yet, try again shortly',
  },
  wrong_password: { id: 'Kata sandi sekarang salah', en: 'The current password is wrong' },
  same_password: { id: 'Kata sandi baru harus berbeda dari yang sekarang', en: 'The new password must differ from the current one' },
  agency_required: { id: 'Wajib diisi untuk peran {role}', en: 'Required for the {role} role' },
  last_admin: {
    id: 'Harus tetap ada paling sedikit satu administrator aktif',
    en: 'At least one active administrator must remain',
  },
  delete_self: { id: 'Anda tidak dapat menghapus akun Anda sendiri', en: 'You cannot delete your own account' },
  duplicate_key: {
    id: 'Kunci ini sudah dipakai langganan lain untuk operasi yang sama',
    en: 'This key is already used by another subscription of the same operation',
  },
  path_not_allowed: {
    id: 'Berkas atau folder ini tidak diizinkan: hanya di dalam folder yang diizinkan administrator (pengaturan fileRoots), tidak pernah di direktori data server',
    en: "This file or folder is not allowed: only inside folders an administrator allows (settings fileRoots), never in the server's data directory",
  },
  internal_backend: {
    id: 'Backend {host} adalah alamat internal ({reason}); hanya administrator yang dapat mengizinkannya (pengaturan internalBackends)',
    en: 'Backend {host} is an internal address ({reason}); only an administrator can allow it (settings internalBackends)',
  },
  write_role: {
    id: 'Peran {role} tidak boleh membuat atau mengubah operasi data yang menulis (pengaturan writeRoles)',
    en: 'The {role} role may not create or change data operations that write (settings writeRoles)',
  },
  totp_required: {
    id: 'Masukkan kode dari aplikasi autentikator Anda (kolom code)',
    en: 'Enter the code from your authenticator app (field code)',
  },
  totp_failed: { id: 'Kode autentikator salah atau sudah dipakai', en: 'The authenticator code is wrong or was used already' },
  totp_active: {
    id: 'Autentikasi dua langkah sudah aktif; nonaktifkan dahulu untuk mendaftar ulang',
    en: 'Two-step sign-in is active already; disable it first to enrol again',
  },
  totp_not_enabled: { id: 'Autentikasi dua langkah belum diaktifkan', en: 'Two-step sign-in is not enabled' },
  totp_not_enrolled: { id: 'Mulai pendaftaran terlebih dahulu (POST /totp/enrol)', en: 'Start the enrolment first (POST /totp/enrol)' },
  totp_enrolment_required: {
    id: 'Administrator wajib memakai autentikasi dua langkah: daftarkan aplikasi autentikator dahulu (POST /totp/enrol)',
    en: 'Administrators must use two-step sign-in: enrol an authenticator app first (POST /totp/enrol)',
  },
  totp_mandatory: {
    id: 'Administrator wajib memakai autentikasi dua langkah (pengaturan totpRequiredForAdmins)',
    en: 'Administrators must use two-step sign-in (settings totpRequiredForAdmins)',
  },
  wrong_status: {
    id: 'Langganan berstatus {status}; tindakan ini hanya untuk status {expected}',
    en: 'The subscription is {status}; this is only for {expected}',
  },
  already_subscribed: {
    id: 'Aplikasi ini sudah memiliki permohonan atau langganan aktif untuk operasi tersebut',
    en: 'This application already has a pending request or an active subscription for that operation',
  },
  requested_by: {
    id: 'Harus pemohon (requester) aktif dari instansi aplikasi tersebut',
    en: "Must be an active requester of the application's agency",
  },
  in_the_past: { id: 'Harus di masa depan', en: 'Must lie in the future' },
  data_dir_root: {
    id: 'Folder ini adalah, memuat, atau berada di dalam direktori data server',
    en: "This folder is, holds or lies inside the server's data directory",
  },
  connector_failed: { id: 'Koneksi ke sumber data gagal', en: 'The connection to the data source failed' },
  connectors_unavailable: {
    id: 'Pemeriksaan konektor tidak tersedia di proses ini',
    en: 'Connector probing is not available in this process',
  },
  smtp_missing: {
    id: 'Server surat (SMTP) belum diatur: simpan pengaturan SMTP terlebih dahulu',
    en: 'No mail server (SMTP) is set up: save the SMTP settings first',
  },
  mail_failed: { id: 'Server surat menolak atau tidak menjawab', en: 'The mail server refused or did not answer' },
  mail_test_subject: { id: 'Mantra: surel uji', en: 'Mantra: test mail' },
  mail_test_text: {
    id: 'Surel ini dikirim oleh {user} dari halaman admin Mantra untuk menguji pengaturan SMTP. Pemberitahuan langganan akan sampai dengan cara yang sama.',
    en: 'This mail was sent by {user} from the Mantra admin page to test the SMTP settings. Subscription notifications will arrive the same way.',
  },
  internal: { id: 'Terjadi kesalahan internal', en: 'Internal error' },
  ...compositeMessages,
  ...hubMessages,
  'kind.agency': { id: 'Instansi', en: 'Agency' },
  'kind.user': { id: 'Pengguna', en: 'User' },
  'kind.connector': { id: 'Konektor', en: 'Connector' },
  'kind.service': { id: 'Layanan', en: 'Service' },
  'kind.operation': { id: 'Operasi', en: 'Operation' },
  'kind.consumer': { id: 'Konsumen', en: 'Consumer' },
  'kind.subscription': { id: 'Langganan', en: 'Subscription' },
  'kind.settings': { id: 'Pengaturan', en: 'Settings' },
  'kind.answer': { id: 'Jawaban tersimpan', en: 'Kept answer' },
} satisfies Catalogue;

export type MessageKey = keyof typeof messages;
