/**
 * Programs a test runs as judges (PHP's SoapClient, Python's zeep, xmllint). Locally a test skips with a visible
 * notice when one is missing; under CI=true it fails instead, so a missing judge can never pass silently.
 */
import { spawnSync } from 'node:child_process';
import { inCI } from './services.ts';

/** A skip reason when `present` says no (locally), a throw under CI, undefined when it is there. */
export function needTool(name: string, present: () => boolean): string | undefined {
  if (present()) return undefined;
  if (inCI) throw new Error(`${name} is required under CI but missing`);
  const reason = `SKIPPED: ${name} missing`;
  console.warn(`\n*** ${reason} ***\n`);
  return reason;
}

/** True when the command runs and exits 0 (and its output matches `out`, when given). */
export function runs(cmd: string, args: string[], out?: RegExp): boolean {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 30_000 });
  return r.status === 0 && (!out || out.test(r.stdout));
}
