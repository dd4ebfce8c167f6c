/**
 * The log on stderr in its two forms: JSON lines with their own time, or, when stderr is the journal's stream
 * (JOURNAL_STREAM names stderr's device and inode, as systemd sets it), lines led by their syslog priority and
 * without a time. Run in child processes whose stderr is a file, so that the file's device and inode play the
 * journal's stream.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { runtimeArgs } from '../support/cli.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mantra-log-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));
const logModule = new URL('../../src/observability/log.ts', import.meta.url).href;
const script = path.join(dir, 'log-all.ts');
fs.writeFileSync(script, `import { log } from ${JSON.stringify(logModule)};
for (const level of ['debug', 'info', 'warn', 'error']) log(level, 'at ' + level, { n: 1 });
`);

let files = 0;
/** Runs `args` with stderr into a new file; `journal(stream)` gives JOURNAL_STREAM from that file's `dev:ino`. */
function withStderrFile(journal: (stream: string) => string | undefined) {
  const file = path.join(dir, `stderr-${files++}.log`);
  const fd = fs.openSync(file, 'w');
  const st = fs.fstatSync(fd);
  const env: Record<string, string | undefined> = { ...process.env, MANTRA_LOG_LEVEL: 'debug' };
  delete env.JOURNAL_STREAM;
  const stream = journal(`${st.dev}:${st.ino}`);
  if (stream !== undefined) env.JOURNAL_STREAM = stream;
  return { file, fd, env };
}

function run(journal: (stream: string) => string | undefined): string[] {
  const { file, fd, env } = withStderrFile(journal);
  const r = spawnSync(process.execPath, [...runtimeArgs, script], { stdio: ['ignore', 'pipe', fd], env, timeout: 30_000 });
  fs.closeSync(fd);
  assert.equal(r.status, 0);
  return fs.readFileSync(file, 'utf8').trim().split('\n');
}

describe('log lines on stderr', () => {
  test('without the journal: JSON lines with their own time', () => {
    const lines = run(() => undefined);
    assert.equal(lines.length, 4);
    for (const [i, level] of ['debug', 'info', 'warn', 'error'].entries()) {
      const line = JSON.parse(lines[i]);
      assert.equal(line.level, level);
      assert.equal(line.msg, `at ${level}`);
      assert.equal(line.n, 1);
      assert.ok(!Number.isNaN(Date.parse(line.t)), `a time: ${lines[i]}`);
    }
  });

  test('stderr is the journal stream: the syslog priority leads, no time of its own', () => {
    const lines = run((stream) => stream);
    assert.deepEqual(lines.map((l) => l.slice(0, 3)), ['<7>', '<6>', '<4>', '<3>']);
    for (const [i, level] of ['debug', 'info', 'warn', 'error'].entries()) {
      const line = JSON.parse(lines[i].slice(3));
      assert.deepEqual(line, { level, msg: `at ${level}`, n: 1 });
    }
  });

  test('JOURNAL_STREAM inherited by a process whose stderr goes elsewhere: plain JSON lines', () => {
    for (const stale of [(s: string) => s.replace(/\d+$/, (ino) => String(Number(ino) + 1)), () => '', () => 'garbage']) {
      const lines = run(stale);
      assert.equal(lines.length, 4);
      for (const text of lines) assert.ok(JSON.parse(text).t, text);
    }
  });

  test('mantra serve under the journal: its log lines carry their priority', { timeout: 60_000 }, async () => {
    const { file, fd, env } = withStderrFile((stream) => stream);
    const main = new URL('../../src/main.ts', import.meta.url).pathname;
    const child = spawn(process.execPath, [...runtimeArgs, main, 'serve', '--data', path.join(dir, 'data'), '--port', '0', '--workers', '0'], {
      stdio: ['ignore', 'pipe', fd], env: { ...env, MANTRA_ADMIN_PASSWORD: 'journal-test-password-1' },
    });
    fs.closeSync(fd);
    try {
      let out = '';
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`not started: ${out}`)), 30_000);
        child.stdout!.on('data', (d: Buffer) => {
          out += d;
          if (/listening|mendengarkan/.test(out)) (clearTimeout(timer), resolve());
        });
        child.on('exit', (code) => (clearTimeout(timer), reject(new Error(`exited ${code}`))));
      });
      // The writer thread says it started, at debug, as soon as it runs.
      const deadline = Date.now() + 10_000;
      while (!fs.readFileSync(file, 'utf8').includes('store writer thread started') && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    const lines = fs.readFileSync(file, 'utf8').trim().split('\n').filter(Boolean);
    const started = lines.find((l) => l.includes('store writer thread started'));
    assert.ok(started, `the writer thread's line: ${lines.join('\n')}`);
    assert.ok(started.startsWith('<7>{'), started);
    assert.equal(JSON.parse(started.slice(3)).t, undefined);
    for (const line of lines) assert.match(line, /^<[3467]>\{/, 'every line of the server carries a priority');
  });
});
