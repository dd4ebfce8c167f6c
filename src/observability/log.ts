/** Structured one-line JSON logs on stderr. Never pass secrets, SQL parameters or keys here. */
export type Level = 'debug' | 'info' | 'warn' | 'error';
const order: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };
let threshold: Level = (process.env.MANTRA_LOG_LEVEL as Level) in order ? (process.env.MANTRA_LOG_LEVEL as Level) : 'info';

export function setLogLevel(level: Level) {
  threshold = level;
}

export function logLevel(): Level {
  return threshold;
}

export function log(level: Level, msg: string, fields: Record<string, unknown> = {}) {
  if (order[level] < order[threshold]) return;
  process.stderr.write(JSON.stringify({ t: new Date().toISOString(), level, msg, ...fields }) + '\n');
}
