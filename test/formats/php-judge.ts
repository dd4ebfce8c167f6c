/**
 * PHP itself as the judge of the PHP formats. Without php the judged tests skip with a visible notice locally and
 * fail under CI=true, so a missing php never passes silently.
 */
import { spawnSync } from 'node:child_process';
import process from 'node:process';
import { inCI } from '../support/services.ts';

const bin = process.env.PHP ?? 'php';
// serialize_precision=-1 is PHP's default; set it anyway so a CI php.ini cannot change the judge.
const settings = ['-d', 'serialize_precision=-1', '-d', 'display_errors=stderr'];

function probe(): string | undefined {
  const r = spawnSync(bin, ['-v'], { encoding: 'utf8' });
  if (!r.error && r.status === 0) return undefined;
  if (inCI) throw new Error(`php (${bin}) is required under CI to judge the PHP formats but could not be run`);
  const reason = `SKIPPED: php (${bin}) not found; the PHP formats are not judged by PHP`;
  console.warn(`\n*** ${reason} ***\n`);
  return reason;
}

/** A skip reason when php is missing, else undefined: `test('…', { skip: phpMissing }, …)`. */
export const phpMissing = probe();

/**
 * Runs `code` (PHP without `<?php`) with `input` as JSON on stdin; `$in` holds it decoded (objects as arrays).
 * The code sets `$out`, which comes back through json_encode.
 */
export function judge<T = unknown>(code: string, input: unknown): T {
  const script = `$in = json_decode(stream_get_contents(STDIN), true, 512, JSON_THROW_ON_ERROR); $out = null;\n${code}\n` +
    `echo json_encode($out, JSON_THROW_ON_ERROR | JSON_PRESERVE_ZERO_FRACTION);`;
  const r = spawnSync(bin, [...settings, '-r', script], { input: JSON.stringify(input), encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.error || r.status !== 0) throw new Error(`php failed (${r.status}): ${r.error ?? r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

/** Runs a self-contained PHP snippet and returns what it echoes. */
export function runPhp(code: string): string {
  const r = spawnSync(bin, [...settings, '-r', code], { encoding: 'utf8' });
  if (r.error || r.status !== 0) throw new Error(`php failed (${r.status}): ${r.error ?? r.stderr}`);
  return r.stdout;
}
