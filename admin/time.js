// Dates and times as people read them: in the installation's time zone (default Asia/Jakarta), in the page's language.
import { currentLang } from './i18n.js';

let zone = 'Asia/Jakarta';
export const setTimeZone = (z) => { if (z) zone = z; };
export const timeZone = () => zone;

const locale = () => (currentLang() === 'en' ? 'en-GB' : 'id-ID');

/** 1 Des 2026 09.30 WIB-style text for an ISO time (or ms); empty for nothing. */
export function dateTime(value, opts = {}) {
  if (value === undefined || value === null || value === '') return '';
  const d = typeof value === 'number' ? new Date(value) : new Date(value);
  if (Number.isNaN(d.getTime())) return String(value);
  return new Intl.DateTimeFormat(locale(), {
    timeZone: zone, year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit',
    ...(opts.seconds ? { second: '2-digit' } : {}), timeZoneName: 'short',
  }).format(d);
}

/** The hour of a statistics period ("2026-12-01T09", UTC) as a local label. */
export function hourLabel(start) {
  const d = new Date(`${start.length === 13 ? `${start}:00` : start}Z`);
  return new Intl.DateTimeFormat(locale(), { timeZone: zone, day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' }).format(d);
}

export const number = (n) => new Intl.NumberFormat(locale()).format(n ?? 0);

/** A datetime-local input's value (the zone's wall clock) → ISO UTC, and back. */
export function fromLocalInput(value) {
  if (!value) return undefined;
  // The wall clock in `zone`: find the offset of that zone at that moment.
  const guess = new Date(`${value}:00Z`);
  const offset = zoneOffsetMs(guess);
  return new Date(guess.getTime() - offset).toISOString();
}

export function toLocalInput(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return new Date(d.getTime() + zoneOffsetMs(d)).toISOString().slice(0, 16);
}

function zoneOffsetMs(date) {
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-US', {
    timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
  }).formatToParts(date).map((p) => [p.type, p.value]));
  const asUtc = Date.UTC(+parts.year, +parts.month - 1, +parts.day, +parts.hour, +parts.minute, +parts.second);
  return asUtc - Math.floor(date.getTime() / 1000) * 1000;
}
