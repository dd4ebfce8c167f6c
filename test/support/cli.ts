/** Runs the CLI from source with the runtime that runs the tests. */
import { spawn, spawnSync } from 'node:child_process';

const main = new URL('../../src/main.ts', import.meta.url).pathname;
/** Arguments before a script's path for the runtime that runs the tests (Deno needs `run -A`). */
export const runtimeArgs: string[] = 'Bun' in globalThis ? [] : ['run', '-A'];

export function cli(args: string[], opts: { input?: string; env?: Record<string, string> } = {}) {
  const r = spawnSync(process.execPath, [...runtimeArgs, main, ...args], {
    input: opts.input, encoding: 'utf8', env: { ...process.env, ...opts.env }, timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The CLI as a child process without blocking this process (it may serve or poll meanwhile); killed after 60 s. */
export function cliAsync(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...runtimeArgs, main, ...args], { env: { ...process.env, ...env } });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Starts `mantra serve` and resolves once it listens (with its base URL); kill() stops it. */
export function serveCli(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [...runtimeArgs, main, 'serve', ...args], { env: { ...process.env, ...env } });
  let out = '';
  const ready = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 30_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /(https?:\/\/[\d.]+:\d+)/.exec(out);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited ${code}: ${out}`)); });
  });
  return {
    ready,
    output: () => out,
    /** Stops the server: SIGTERM lets it finish, SIGKILL does not. */
    async kill(signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill(signal);
      await exited;
    },
  };
}
