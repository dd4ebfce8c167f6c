/**
 * PHP's own unserialize() and parser as judges of the php and serialize answers, in one php-cli run at the end
 * of a fuzz run. A php answer is tokenised first and evaluated only when it holds nothing but literals.
 */
import { execFileSync } from 'node:child_process';

export interface Judged {
  /** Where the body came from, to report it. */
  label: string;
  format: 'php' | 'serialize';
  /** A compatible path's answer must be the envelope; a v1 answer any PHP value. */
  envelope: boolean;
  body: Uint8Array;
}

const script = String.raw`
$cases = json_decode(stream_get_contents(STDIN), true);
$allowed = [T_OPEN_TAG, T_ARRAY, T_WHITESPACE, T_CONSTANT_ENCAPSED_STRING, T_LNUMBER, T_DNUMBER, T_DOUBLE_ARROW, T_STRING];
$out = [];
foreach ($cases as $c) {
  $b = base64_decode($c['b']);
  $why = null;
  if ($c['f'] === 'serialize') {
    $v = @unserialize($b, ['allowed_classes' => false]);
    if ($v === false && $b !== serialize(false)) $why = 'unserialize() refuses it';
  } else {
    foreach (token_get_all('<?php ' . $b . ';') as $t) {
      if (is_array($t) && !in_array($t[0], $allowed, true)) { $why = 'token ' . token_name($t[0]) . ' ' . substr($t[1], 0, 40); break; }
      if (is_array($t) && $t[0] === T_STRING && !in_array(strtoupper($t[1]), ['NULL', 'TRUE', 'FALSE', 'INF', 'NAN'], true)) { $why = 'name ' . $t[1]; break; }
      if (!is_array($t) && !in_array($t, ['(', ')', ',', '.', '-', ';'], true)) { $why = 'token ' . $t; break; }
    }
    if ($why === null) {
      try { $v = eval('return ' . $b . ';'); } catch (\Throwable $e) { $why = 'eval: ' . $e->getMessage(); }
    }
  }
  if ($why === null && $c['e']) {
    $r = is_array($v) && array_keys($v) === ['response'] ? $v['response'] : null;
    if (!is_array($r) || array_keys($r) !== ['status', 'code', 'message', 'data']) $why = 'not the envelope';
    elseif (!in_array($r['status'], [0, 1], true) || !is_int($r['code']) || !is_string($r['message'])) $why = 'envelope fields have the wrong types';
  }
  $out[] = $why;
}
echo json_encode($out);`;

let available: boolean | undefined;

export function phpAvailable(): boolean {
  if (available === undefined) {
    try {
      execFileSync('php', ['-r', 'echo 1;'], { stdio: 'pipe' });
      available = true;
    } catch {
      available = false;
    }
  }
  return available;
}

/** The verdicts: for each body, undefined when PHP accepts it, else why not. */
export function judgeWithPhp(items: Judged[]): (string | undefined)[] {
  if (!items.length) return [];
  const input = JSON.stringify(items.map((i) => ({ f: i.format, e: i.envelope, b: Buffer.from(i.body).toString('base64') })));
  const out = execFileSync('php', ['-d', 'memory_limit=512M', '-r', script], { input, stdio: ['pipe', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 }).toString();
  return (JSON.parse(out) as (string | null)[]).map((v) => v ?? undefined);
}
