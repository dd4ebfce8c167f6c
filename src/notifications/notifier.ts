import { type MailEvent, mailEvents } from '../model/mail-settings.ts';
import { Settings } from '../model/settings.ts';
import type { Subscription } from '../model/subscription.ts';
import { log } from '../observability/log.ts';
import type { Secrets } from '../security/secrets.ts';
import type { Store } from '../store/types.ts';
import { Mailer } from './mailer.ts';
import { recipients } from './recipients.ts';
import { fill, templateFor } from './templates.ts';

export interface Notifier {
  /**
   * Mails everyone a subscription event concerns, each in their own language. Resolves with how many mails the
   * server took once all were tried (0 without SMTP settings); a failed mail is logged, never thrown.
   */
  subscription(event: MailEvent, sub: Subscription, extra?: { by?: string; note?: string }): Promise<{ sent: number }>;
  close(): void;
}

export const isMailEvent = (s: string): s is MailEvent => (mailEvents as readonly string[]).includes(s);

const noEnd = { id: 'tanpa batas waktu', en: 'no end date' };
const none = { id: '-', en: '-' };

/** `2026-12-08T09:30:00.000Z` → `2026-12-08 09:30 UTC`: read the same in both languages. */
const day = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;

export function createNotifier(deps: { store: Store; secrets: Secrets }): Notifier {
  const mailer = new Mailer(deps.secrets);
  return {
    async subscription(event, sub, extra = {}) {
      const settings = (await deps.store.get('settings', 'settings'))?.body ?? Settings.parse({});
      if (!settings.smtp) {
        log('debug', 'no SMTP settings: notification not sent', { event, subscription: sub.id });
        return { sent: 0 };
      }
      const consumer = (await deps.store.get('consumer', sub.consumer))?.body;
      let sent = 0;
      for (const to of await recipients(deps.store, event, sub)) {
        const lang = to.language;
        const vars = {
          name: to.name,
          id: sub.id,
          consumer: sub.consumer,
          consumerName: consumer?.name || sub.consumer,
          operation: `${sub.agency}/${sub.service}/${sub.operation}`,
          purpose: sub.purpose || none[lang],
          legalBasis: sub.legalBasis || none[lang],
          expiresAt: sub.expiresAt ? day(sub.expiresAt) : noEnd[lang],
          requestedBy: sub.requestedBy ?? none[lang],
          by: extra.by ?? none[lang],
          note: extra.note || none[lang],
        };
        const template = templateFor(event, lang, settings.mailTemplates);
        try {
          await mailer.send(settings.smtp, { to: to.email, subject: fill(template.subject, vars), text: fill(template.text, vars) });
          sent++;
        } catch (err) {
          // Addresses are personal data: the log names the event and the subscription, not the person.
          log('warn', 'notification mail failed', { event, subscription: sub.id, error: String((err as Error).message ?? err) });
        }
      }
      return { sent };
    },
    close: () => mailer.close(),
  };
}
