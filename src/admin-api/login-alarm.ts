import { log } from '../observability/log.ts';

/** A sustained attack: this many failed or refused sign-ins within one window. */
export const ALARM = { attempts: 50, windowMs: 5 * 60_000 };

export interface AlarmSummary {
  attempts: number;
  windowSeconds: number;
  /** Where most failures come from, and which accounts they aim at. */
  addresses: { address: string; failures: number }[];
  users: { username: string; failures: number }[];
}

const warn = (summary: AlarmSummary) =>
  log('warn', 'many failed sign-ins to the admin API: a password-guessing attack may be under way', { ...summary });

/** Counts failed sign-ins in fixed windows and raises the alarm once per window, not once per failure. */
export class LoginAlarm {
  #since = 0;
  #attempts = 0;
  constructor(private readonly raise: (summary: AlarmSummary) => void = warn) {}

  get window(): { since: number; attempts: number } {
    return { since: this.#since, attempts: this.#attempts };
  }

  /** One failed or refused attempt; `describe` is only asked for when the alarm goes off. */
  count(now: number, describe: () => Pick<AlarmSummary, 'addresses' | 'users'>) {
    if (now - this.#since >= ALARM.windowMs) {
      this.#since = now;
      this.#attempts = 0;
    }
    if (++this.#attempts === ALARM.attempts) {
      this.raise({ attempts: this.#attempts, windowSeconds: ALARM.windowMs / 1000, ...describe() });
    }
  }
}
