/** PHP's own functions as judges, when php-cli is installed (required under CI=true). */
import { execFileSync } from 'node:child_process';
import { inCI } from '../../support/services.ts';

let available: boolean | undefined;

export function phpSkip(): string | undefined {
  if (available === undefined) {
    try {
      execFileSync('php', ['-r', 'echo 1;'], { stdio: 'pipe' });
      available = true;
    } catch {
      available = false;
    }
  }
  if (available) return undefined;
  if (inCI) throw new Error('php-cli is required under CI but was not found');
  const reason = 'SKIPPED: php-cli not found';
  console.warn(`\n*** ${reason} ***\n`);
  return reason;
}

/** Runs PHP code with `$in` set to the given text; returns what it echoes. */
export function php(code: string, input: string): string {
  return execFileSync('php', ['-r', `$in = stream_get_contents(STDIN); ${code}`], { input, stdio: 'pipe' }).toString();
}
