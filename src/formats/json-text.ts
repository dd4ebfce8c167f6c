/** JSON text exactly as PHP's json_encode writes it with default flags (`/` and non-ASCII escaped). */
import { isPhpInt, phpFloat } from './php-number.ts';

// deno-lint-ignore no-control-regex -- control characters are what these patterns look for
const NEEDS_ESCAPE = /[\u0000-\u001f"\\/\u0080-\uffff]/;
// deno-lint-ignore no-control-regex -- control characters are what these patterns look for
const NEEDS_MORE_THAN_SLASHES = /[\u0000-\u001f"\\\u0080-\uffff]/;

// Escapes for ASCII; undefined means the character is written as is (DEL included, as PHP does).
const ASCII_ESCAPES: (string | undefined)[] = [];
for (let c = 0; c < 0x20; c++) ASCII_ESCAPES[c] = '\\u' + c.toString(16).padStart(4, '0');
ASCII_ESCAPES[0x08] = '\\b';
ASCII_ESCAPES[0x09] = '\\t';
ASCII_ESCAPES[0x0a] = '\\n';
ASCII_ESCAPES[0x0c] = '\\f';
ASCII_ESCAPES[0x0d] = '\\r';
ASCII_ESCAPES[0x22] = '\\"';
ASCII_ESCAPES[0x2f] = '\\/';
ASCII_ESCAPES[0x5c] = '\\\\';
ASCII_ESCAPES[0x7f] = undefined;

/** A quoted JSON string; astral characters come out as their UTF-16 surrogate pair, like PHP. */
export function phpJsonString(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return '"' + s + '"';
  // Paths, URLs and addresses ("RT 13/RW 07") often need nothing else.
  if (!NEEDS_MORE_THAN_SLASHES.test(s)) return '"' + s.replaceAll('/', '\\/') + '"';
  let out = '"';
  let last = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let escaped: string | undefined;
    if (c < 0x80) {
      escaped = ASCII_ESCAPES[c];
      if (escaped === undefined) continue;
    } else {
      escaped = (c < 0x100 ? '\\u00' : c < 0x1000 ? '\\u0' : '\\u') + c.toString(16);
    }
    out += s.slice(last, i) + escaped;
    last = i + 1;
  }
  return out + s.slice(last) + '"';
}

/** A number; NaN and infinities have no JSON form, PHP's partial output writes 0 for them. */
export function phpJsonNumber(n: number): string {
  if (isPhpInt(n)) return String(n);
  return n - n === 0 ? phpFloat(n, 'e') : '0';
}
