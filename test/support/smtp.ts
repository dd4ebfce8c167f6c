/**
 * A real SMTP server on loopback for notification tests: test/support/smtp-sink.py over Debian's python3-aiosmtpd.
 * Locally a test skips with a visible notice when aiosmtpd is missing; under CI=true it fails (as services.ts).
 */
import { spawn, spawnSync } from 'node:child_process';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { inCI } from './services.ts';

const PYTHON = '/usr/bin/python3';
const script = fileURLToPath(new URL('./smtp-sink.py', import.meta.url));

export interface SunkMail {
  from: string;
  rcpt: string[];
  login: string | null;
  to: string;
  subject: string;
  text: string;
}

export interface SmtpSink {
  port: number;
  mails: SunkMail[];
  /** Resolves once `count` mails have arrived in all (rejects after `timeoutMs`). */
  waitFor(count: number, timeoutMs?: number): Promise<SunkMail[]>;
  close(): Promise<void>;
}

let available: boolean | undefined;

/** A skip reason when aiosmtpd is missing locally; throws under CI; undefined when the sink can run. */
export function needSmtpSink(): string | undefined {
  available ??= spawnSync(PYTHON, ['-c', 'import aiosmtpd'], { stdio: 'ignore' }).status === 0;
  if (available) return undefined;
  if (inCI) throw new Error('python3-aiosmtpd is required under CI but missing');
  const reason = 'SKIPPED: python3-aiosmtpd missing (apt-get install python3-aiosmtpd)';
  console.warn(`\n*** ${reason} ***\n`);
  return reason;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export async function startSmtpSink(auth?: { user: string; password: string }): Promise<SmtpSink> {
  const port = await freePort();
  const env = { ...process.env, ...(auth ? { SINK_USER: auth.user, SINK_PASSWORD: auth.password } : {}) };
  const child = spawn(PYTHON, [script, String(port)], { env, stdio: ['pipe', 'pipe', 'inherit'] });
  const mails: SunkMail[] = [];
  const waiters = new Set<() => void>();
  let ready!: () => void;
  const started = new Promise<void>((resolve, reject) => {
    ready = resolve;
    child.once('exit', (code) => reject(new Error(`smtp sink exited with ${code}`)));
  });
  let buffered = '';
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (chunk: string) => {
    buffered += chunk;
    for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
      const line = JSON.parse(buffered.slice(0, nl));
      buffered = buffered.slice(nl + 1);
      if (line.ready) ready();
      else mails.push(line);
      for (const w of waiters) w();
    }
  });
  await started;
  return {
    port,
    mails,
    waitFor(count, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (mails.length < count) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(mails.slice());
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`expected ${count} mails, got ${mails.length}: ${JSON.stringify(mails.map((m) => m.subject))}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close: () => new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.stdin!.end();
      setTimeout(() => child.kill(), 2000).unref?.();
    }),
  };
}
