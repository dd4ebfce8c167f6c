import nodemailer, { type Transporter } from 'nodemailer';
import type { Smtp } from '../model/mail-settings.ts';
import type { Secrets } from '../security/secrets.ts';

export interface Mail {
  to: string;
  subject: string;
  text: string;
}

const tlsModes = {
  implicit: { secure: true },
  starttls: { secure: false, requireTLS: true },
  none: { secure: false, ignoreTLS: true },
} as const;

/**
 * Sends mail through the SMTP settings, the password decrypted only here. A transport is kept per settings and
 * made anew when they change. Time limits keep a stuck mail server from holding anything for long.
 */
export class Mailer {
  #transport?: { settings: string; send: Transporter };

  constructor(private readonly secrets: Secrets) {}

  async send(smtp: Smtp, mail: Mail): Promise<void> {
    const settings = JSON.stringify(smtp);
    if (this.#transport?.settings !== settings) {
      this.#transport?.send.close();
      const password = smtp.password ? this.secrets.decrypt(smtp.password) : undefined;
      this.#transport = {
        settings,
        send: nodemailer.createTransport({
          host: smtp.host,
          port: smtp.port,
          ...tlsModes[smtp.tls],
          auth: smtp.user ? { user: smtp.user, pass: password ?? '' } : undefined,
          connectionTimeout: 10_000,
          greetingTimeout: 10_000,
          socketTimeout: 20_000,
        }),
      };
    }
    await this.#transport.send.sendMail({ from: smtp.from, to: mail.to, subject: mail.subject, text: mail.text });
  }

  close() {
    this.#transport?.send.close();
    this.#transport = undefined;
  }
}
