import type { MailEvent, MailTemplate, MailTemplates } from '../model/mail-settings.ts';

type Lang = 'id' | 'en';

/**
 * The built-in texts, Bahasa Indonesia first. Placeholders: {name} (the recipient), {id}, {consumer},
 * {consumerName}, {operation}, {purpose}, {legalBasis}, {expiresAt}, {requestedBy}, {by}, {note}.
 * The settings' mailTemplates replace any of them per event and language.
 */
export const defaultTemplates: Record<MailEvent, Record<Lang, MailTemplate>> = {
  requested: {
    id: {
      subject: 'Permohonan akses baru: {operation}',
      text: 'Yth. {name},\n\n{requestedBy} memohon akses untuk aplikasi {consumerName} ({consumer}) ke operasi {operation}.\n\n' +
        'Tujuan: {purpose}\nDasar hukum: {legalBasis}\nBerlaku sampai: {expiresAt}\n\n' +
        'Silakan setujui atau tolak permohonan ini di halaman admin Mantra (langganan {id}).\n',
    },
    en: {
      subject: 'New access request: {operation}',
      text: 'Dear {name},\n\n{requestedBy} asks for access for the application {consumerName} ({consumer}) to the operation {operation}.\n\n' +
        'Purpose: {purpose}\nLegal basis: {legalBasis}\nValid until: {expiresAt}\n\n' +
        'Please approve or reject this request in the Mantra admin page (subscription {id}).\n',
    },
  },
  approved: {
    id: {
      subject: 'Permohonan akses disetujui: {operation}',
      text: 'Yth. {name},\n\nPermohonan akses aplikasi {consumerName} ({consumer}) ke operasi {operation} telah disetujui oleh {by}.\n' +
        'Berlaku sampai: {expiresAt}\nCatatan: {note}\n\nAplikasi dapat memanggil operasi ini dengan kuncinya sekarang.\n',
    },
    en: {
      subject: 'Access request approved: {operation}',
      text: 'Dear {name},\n\nThe access request of the application {consumerName} ({consumer}) to the operation {operation} was approved by {by}.\n' +
        'Valid until: {expiresAt}\nNote: {note}\n\nThe application can call this operation with its key now.\n',
    },
  },
  rejected: {
    id: {
      subject: 'Permohonan akses ditolak: {operation}',
      text: 'Yth. {name},\n\nPermohonan akses aplikasi {consumerName} ({consumer}) ke operasi {operation} ditolak oleh {by}.\nCatatan: {note}\n',
    },
    en: {
      subject: 'Access request rejected: {operation}',
      text: 'Dear {name},\n\nThe access request of the application {consumerName} ({consumer}) to the operation {operation} was rejected by {by}.\nNote: {note}\n',
    },
  },
  revoked: {
    id: {
      subject: 'Akses dicabut: {operation}',
      text: 'Yth. {name},\n\nAkses aplikasi {consumerName} ({consumer}) ke operasi {operation} telah dicabut oleh {by}.\nCatatan: {note}\n\n' +
        'Panggilan dengan kunci langganan ini ditolak mulai sekarang.\n',
    },
    en: {
      subject: 'Access revoked: {operation}',
      text: 'Dear {name},\n\nThe access of the application {consumerName} ({consumer}) to the operation {operation} was revoked by {by}.\nNote: {note}\n\n' +
        "Calls with this subscription's key are refused from now on.\n",
    },
  },
  expired: {
    id: {
      subject: 'Akses berakhir: {operation}',
      text: 'Yth. {name},\n\nAkses aplikasi {consumerName} ({consumer}) ke operasi {operation} berakhir pada {expiresAt}.\n' +
        'Ajukan permohonan baru bila akses masih diperlukan.\n',
    },
    en: {
      subject: 'Access expired: {operation}',
      text: 'Dear {name},\n\nThe access of the application {consumerName} ({consumer}) to the operation {operation} expired on {expiresAt}.\n' +
        'Request it again if it is still needed.\n',
    },
  },
  expiring: {
    id: {
      subject: 'Akses akan berakhir pada {expiresAt}: {operation}',
      text: 'Yth. {name},\n\nAkses aplikasi {consumerName} ({consumer}) ke operasi {operation} akan berakhir pada {expiresAt}.\n' +
        'Ajukan perpanjangan sebelum tanggal tersebut bila akses masih diperlukan.\n',
    },
    en: {
      subject: 'Access ends on {expiresAt}: {operation}',
      text: 'Dear {name},\n\nThe access of the application {consumerName} ({consumer}) to the operation {operation} ends on {expiresAt}.\n' +
        'Ask for an extension before then if it is still needed.\n',
    },
  },
};

/** The template of an event in a language: the settings' own, else the built-in one. */
export function templateFor(event: MailEvent, lang: Lang, custom: MailTemplates): MailTemplate {
  return custom[event]?.[lang] ?? defaultTemplates[event][lang];
}

/** Fills `{name}` placeholders; unknown ones stay as they are, so a typo shows in the mail instead of vanishing. */
export function fill(text: string, vars: Record<string, string>): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? vars[name] : whole));
}
