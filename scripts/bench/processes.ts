/**
 * Child processes of the harness: started pinned to a CPU, on free ports, in temp dirs, and always stopped —
 * on success, on failure, on Ctrl-C (SIGINT/SIGTERM/SIGHUP) and, through the kernel's parent-death signal
 * (setpriv --pdeathsig), even when the harness itself is killed.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface Child {
  name: string;
  pid: number;
  proc: ChildProcess;
  /** The last few KB of stdout and stderr, for error messages. */
  output(): string;
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

const live = new Set<Child>();
const tempDirs = new Set<string>();
const hasSetpriv = spawnSync('setpriv', ['--help'], { stdio: 'ignore' }).status === 0;
const hasTaskset = spawnSync('taskset', ['--version'], { stdio: 'ignore' }).status === 0;
const cpus = os.availableParallelism?.() ?? os.cpus().length;

/** CPU plan: servers on CPU 0, load generator (and the harness) on CPU 1, when the machine has two or more. */
export const pinning = { enabled: hasTaskset && cpus >= 2 && process.env.BENCH_PIN !== '0', server: '0', load: '1' };

/** Pins the harness (all its threads) to the load generator's CPU, so its polling never competes with the server. */
export function pinSelf() {
  if (pinning.enabled) spawnSync('taskset', ['-a', '-p', '-c', pinning.load, String(process.pid)], { stdio: 'ignore' });
}

/** A command line prefixed so that it runs on `cpu` and dies with the harness. */
export function wrap(cmd: string[], cpu?: string): string[] {
  let out = cmd;
  if (cpu !== undefined && pinning.enabled) out = ['taskset', '-c', cpu, ...out];
  if (hasSetpriv) out = ['setpriv', '--pdeathsig', 'TERM', '--', ...out];
  return out;
}

const RUN_PREFIX = 'mantra-bench-run-';
let runDir: string | undefined;

/** Removes the temp dirs of earlier runs whose harness died without cleaning up (e.g. kill -9). */
function removeStaleRuns() {
  for (const name of fs.readdirSync(os.tmpdir())) {
    const pid = Number(name.slice(RUN_PREFIX.length).split('-')[0]);
    if (!name.startsWith(RUN_PREFIX) || !pid || pid === process.pid) continue;
    try {
      process.kill(pid, 0);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ESRCH') fs.rmSync(path.join(os.tmpdir(), name), { recursive: true, force: true });
    }
  }
}

/** A fresh temp dir inside this run's own dir (named after the harness's pid). */
export function tempDir(prefix: string): string {
  if (!runDir) {
    removeStaleRuns();
    runDir = fs.mkdtempSync(path.join(os.tmpdir(), `${RUN_PREFIX}${process.pid}-`));
    tempDirs.add(runDir);
  }
  return fs.mkdtempSync(path.join(runDir, `${prefix}-`));
}

/** Starts a long-running process (pinned to `cpu`). Its output is kept, not printed. */
export function start(name: string, cmd: string[], opts: { cpu?: string; env?: Record<string, string>; cwd?: string } = {}): Child {
  const argv = wrap(cmd, opts.cpu);
  const proc = spawn(argv[0], argv.slice(1), {
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // own process group: Ctrl-C reaches the harness only, which stops children in order
  });
  let tail = '';
  const keep = (b: Buffer) => {
    tail = (tail + b.toString('utf8')).slice(-8000);
  };
  proc.stdout!.on('data', keep);
  proc.stderr!.on('data', keep);
  const exited = new Promise<number | null>((resolve) => {
    proc.on('exit', (code) => resolve(code));
    proc.on('error', (err) => {
      tail += `\n${err.message}`;
      resolve(-1);
    });
  });
  const child: Child = {
    name,
    pid: proc.pid ?? -1,
    proc,
    output: () => tail.trim(),
    exited,
    async stop() {
      if (!live.has(child)) return;
      live.delete(child);
      signal(child.pid, 'SIGTERM');
      const done = await Promise.race([exited.then(() => true), sleep(3000).then(() => false)]);
      if (!done) {
        signal(child.pid, 'SIGKILL');
        await Promise.race([exited, sleep(1000)]);
      }
    },
  };
  exited.then(() => live.delete(child));
  live.add(child);
  return child;
}

function signal(pid: number, sig: NodeJS.Signals) {
  if (pid <= 0) return;
  try {
    process.kill(-pid, sig); // the whole process group
  } catch {
    try {
      process.kill(pid, sig);
    } catch { /* already gone */ }
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A port nobody listens on right now (the kernel picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/** Waits until `url` answers (any status), or fails with the child's output if it exits or takes too long. */
export async function waitForHttp(child: Child, url: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exitCode: number | null | undefined;
  child.exited.then((c) => (exitCode = c));
  while (Date.now() < deadline) {
    if (exitCode !== undefined) throw new Error(`${child.name} exited (code ${exitCode}): ${lastLines(child.output())}`);
    try {
      await fetch(url, { signal: AbortSignal.timeout(1000) });
      return;
    } catch { /* not yet */ }
    await sleep(100);
  }
  throw new Error(`${child.name} did not answer on ${url} within ${timeoutMs / 1000} s: ${lastLines(child.output())}`);
}

export function lastLines(text: string, n = 6): string {
  return text.split('\n').filter(Boolean).slice(-n).join(' | ') || '(no output)';
}

/** Peak resident memory of a process while a measurement runs: VmRSS polled, and VmHWM at the end. */
export class RssSampler {
  private peak = 0;
  private timer?: ReturnType<typeof setInterval>;
  constructor(private pid: number, private everyMs = 50) {}

  start(): this {
    this.peak = readKb(this.pid, 'VmRSS');
    this.timer = setInterval(() => {
      this.peak = Math.max(this.peak, readKb(this.pid, 'VmRSS'));
    }, this.everyMs);
    return this;
  }

  /** Returns the polled peak and the process's lifetime high-water mark, both in MB. */
  stop(): { peakMb: number; hwmMb: number } {
    clearInterval(this.timer);
    this.peak = Math.max(this.peak, readKb(this.pid, 'VmRSS'));
    return { peakMb: this.peak / 1024, hwmMb: readKb(this.pid, 'VmHWM') / 1024 };
  }
}

/** CPU time a process has used so far (all its threads, user + system), in seconds. */
export function cpuSeconds(pid: number): number {
  try {
    // Fields after the command name (which may hold spaces): state is the 3rd field, utime and stime the 14th and 15th.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return NaN;
  }
}

const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

function readKb(pid: number, field: string): number {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** Stops every child still running and removes the temp dirs. Safe to call more than once. */
export async function stopAll(): Promise<void> {
  await Promise.all([...live].map((c) => c.stop()));
  for (const dir of [...tempDirs]) fs.rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
  runDir = undefined;
}

/** Last resort, synchronous (process 'exit'): kill what is left. */
function killAllSync() {
  for (const c of live) signal(c.pid, 'SIGKILL');
  live.clear();
  for (const dir of [...tempDirs]) {
    try {
      fs.rmSync(dir, { recursive: true, force: true });
    } catch { /* best effort */ }
  }
}

let interrupted = false;
/** Installs the handlers that leave nothing running. `onInterrupt` runs once, before children are stopped. */
export function installCleanup(onInterrupt: () => void) {
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(sig, async () => {
      if (interrupted) return;
      interrupted = true;
      onInterrupt();
      await stopAll();
      process.exit(130);
    });
  }
  process.on('exit', killAllSync);
}

export const isInterrupted = () => interrupted;
