/**
 * PHP's own SoapServer as a backend: `php -S 127.0.0.1:PORT router.php` over test/fixtures/soap/.
 * Locally a missing php-cli or php-soap skips with a visible notice; under CI=true it fails.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { inCI } from '../../support/services.ts';

const fixtures = fileURLToPath(new URL('../../fixtures/soap/', import.meta.url));

export function phpSoapSkip(): string | undefined {
  let modules = '';
  try {
    modules = execFileSync('php', ['-m'], { stdio: 'pipe' }).toString();
  } catch {
    modules = '';
  }
  if (/^soap$/m.test(modules)) return undefined;
  const what = modules ? 'the php-soap extension' : 'php-cli';
  if (inCI) throw new Error(`${what} is required under CI for the PHP SoapServer test`);
  const reason = `SKIPPED: ${what} not installed, PHP SoapServer test not run`;
  console.warn(`\n*** ${reason} ***\n`);
  return reason;
}

export interface PhpServer {
  url: string;
  stop(): Promise<void>;
}

export async function startPhpSoapServer(): Promise<PhpServer> {
  const port = await freePort();
  const child: ChildProcess = spawn('php', ['-S', `127.0.0.1:${port}`, 'router.php'], { cwd: fixtures, stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
  };
  for (let i = 0; i < 100; i++) {
    if (await canConnect(port)) return { url: `http://127.0.0.1:${port}`, stop };
    await new Promise((r) => setTimeout(r, 30));
  }
  await stop();
  throw new Error('php -S did not start');
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

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
