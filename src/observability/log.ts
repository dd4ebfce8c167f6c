import fs from 'node:fs';

/**
 * Structured one-line JSON logs on stderr. Never pass secrets, SQL parameters or keys here.
 * Under systemd with stderr going to the journal, each line starts with its syslog priority (`<3>` … `<7>`, read
 * by journald as the entry's priority, so `journalctl -p warning` works) and carries no time of its own: the
 * journal stamps every entry.
 */
export type Level = 'debug' | 'info' | 'warn' | 'error';
const order: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };
/** syslog(3) priorities: err, warning, info, debug. */
const priority: Record<Level, string> = { debug: '<7>', info: '<6>', warn: '<4>', error: '<3>' };
let threshold: Level = (process.env.MANTRA_LOG_LEVEL as Level) in order ? (process.env.MANTRA_LOG_LEVEL as Level) : 'info';

export function setLogLevel(level: Level) {
  threshold = level;
}

export function logLevel(): Level {
  return threshold;
}

/**
 * systemd sets JOURNAL_STREAM to the `device:inode` of the stream it connects to the journal; a child whose stderr
 * was redirected elsewhere inherits the variable, so stderr itself is compared (as sd_journal_stream_fd(3) advises).
 */
export function stderrIsJournal(stream = process.env.JOURNAL_STREAM): boolean {
  if (!stream) return false;
  try {
    const st = fs.fstatSync(2);
    return stream === `${st.dev}:${st.ino}`;
  } catch {
    return false;
  }
}

const journal = stderrIsJournal();

export function log(level: Level, msg: string, fields: Record<string, unknown> = {}) {
  if (order[level] < order[threshold]) return;
  process.stderr.write(journal
    ? priority[level] + JSON.stringify({ level, msg, ...fields }) + '\n'
    : JSON.stringify({ t: new Date().toISOString(), level, msg, ...fields }) + '\n');
}
