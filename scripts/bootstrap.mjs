// Runs a project command with the pinned runtime, installing the npm packages first on a fresh clone.
// Usage: node scripts/bootstrap.mjs <bun|deno> [args...]
import { existsSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const [tool, ...args] = process.argv.slice(2);
const bin = path.join(root, 'node_modules', '.bin', tool);

if (!existsSync(bin)) {
  console.error(process.env.MANTRA_LANG === 'en' ? 'Installing dependencies (first run)...' : 'Memasang dependensi (pertama kali)...');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, [existsSync(path.join(root, 'package-lock.json')) ? 'ci' : 'install'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const child = spawn(bin, args, { cwd: root, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
