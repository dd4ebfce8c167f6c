import { z } from '@hono/zod-openapi';

/** The subscription events that send mail. `expiring` is the warning 7 days before the expiry. */
export const mailEvents = ['requested', 'approved', 'rejected', 'revoked', 'expired', 'expiring'] as const;
export type MailEvent = (typeof mailEvents)[number];

/** The mail server notifications go through. The password is a secret: encrypted at rest, never returned. */
export const Smtp = z
  .object({
    host: z.string().min(1).max(253),
    port: z.number().int().min(1).max(65535).default(587),
    /** implicit: TLS from the first byte (port 465); starttls: required upgrade; none: plain text (a local relay only). */
    tls: z.enum(['starttls', 'implicit', 'none']).default('starttls'),
    user: z.string().max(200).optional(),
    password: z.string().max(1024).optional(),
    from: z.string().email(),
  })
  .strict()
  .openapi('Smtp');
export type Smtp = z.infer<typeof Smtp>;

/** Placeholders `{name}` are filled in (subscription.ts in notifications lists them). */
export const MailTemplate = z
  .object({ subject: z.string().min(1).max(300), text: z.string().min(1).max(20_000) })
  .strict()
  .openapi('MailTemplate');
export type MailTemplate = z.infer<typeof MailTemplate>;

export const MailTemplates = z
  .partialRecord(z.enum(mailEvents), z.object({ id: MailTemplate.optional(), en: MailTemplate.optional() }).strict())
  .openapi('MailTemplates');
export type MailTemplates = z.infer<typeof MailTemplates>;
