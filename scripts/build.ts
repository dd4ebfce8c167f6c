// Builds the single binary dist/mantra: the CLI plus every worker file as an extra entrypoint.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

const entrypoints = ['src/main.ts', 'connectors/worker.ts', 'src/store/writer-worker.ts'];
fs.mkdirSync('dist', { recursive: true });
const result = spawnSync(process.execPath, ['build', '--compile', '--minify-syntax', ...entrypoints, '--outfile', 'dist/mantra'], {
  stdio: 'inherit',
});
if (result.status !== 0) process.exit(result.status ?? 1);
console.log(`dist/mantra: ${(fs.statSync('dist/mantra').size / 1024 / 1024).toFixed(1)} MiB`);
