import { type Lang, translate } from '../i18n/index.ts';

/** Why the Redis of `--redis` cannot be used at startup, in both languages; never the host or the password. */
const messages = {
  url: {
    en: '--redis (MANTRA_REDIS) must be a redis:// or rediss:// URL, e.g. redis://127.0.0.1:6379',
    id: '--redis (MANTRA_REDIS) harus URL redis:// atau rediss://, misalnya redis://127.0.0.1:6379',
  },
  unreachable: {
    en: 'Redis (--redis) cannot be reached ({cause}); rate limits and quotas across nodes need it: start Redis or leave out --redis',
    id: 'Redis (--redis) tidak dapat dihubungi ({cause}); batas laju dan kuota lintas node memerlukannya: jalankan Redis atau hilangkan --redis',
  },
  auth: {
    en: 'Redis (--redis) refused the user name or password in the URL',
    id: 'Redis (--redis) menolak nama pengguna atau kata sandi dalam URL',
  },
} as const;

export type RedisProblem = keyof typeof messages;

export class RedisOpenError extends Error {
  constructor(readonly problem: RedisProblem, readonly vars: Record<string, string> = {}) {
    super(translate(messages, problem, 'en', vars));
    this.name = 'RedisOpenError';
  }

  text(lang: Lang): string {
    return translate(messages, this.problem, lang, this.vars);
  }

  /** The client's error as a problem: a system error's code (ECONNREFUSED …) only, as its message names the host. */
  static of(err: unknown): RedisOpenError {
    const e = err as { code?: unknown; message?: unknown } | undefined;
    if (/WRONGPASS|NOAUTH|invalid password|invalid username/i.test(String(e?.message ?? ''))) return new RedisOpenError('auth');
    const code = typeof e?.code === 'string' && /^[A-Z_]+$/.test(e.code) ? e.code : 'no answer';
    return new RedisOpenError('unreachable', { cause: code });
  }
}
