/** The server's log lines while `fn` runs, at every level, parsed; stderr and the log level are restored after. */
import { type Level, logLevel, setLogLevel } from '../../src/observability/log.ts';

export interface LogLine {
  level: Level;
  msg: string;
  [field: string]: unknown;
}

export async function capturedLog(fn: () => Promise<void>): Promise<LogLine[]> {
  const lines: LogLine[] = [];
  const write = process.stderr.write;
  const level = logLevel();
  process.stderr.write = ((chunk: string | Uint8Array) => {
    const text = typeof chunk === 'string' ? chunk : new TextDecoder().decode(chunk);
    for (const line of text.split('\n')) if (line.startsWith('{')) lines.push(JSON.parse(line));
    return true;
  }) as typeof process.stderr.write;
  setLogLevel('debug');
  try {
    await fn();
  } finally {
    setLogLevel(level);
    process.stderr.write = write;
  }
  return lines;
}

