/** Numbers as PHP writes them: integers in PHP's int range, everything else as a PHP float. */

const INT_LIMIT = 9223372036854775808; // 2^63: PHP ints are 64-bit; json_decode turns bigger numbers into floats

/**
 * True when PHP would hold this number as an int (json_decode of its JSON text gives an int). Strictly inside
 * ±2^63: JS prints -2^63 as -9223372036854776000, which is beyond PHP's range.
 */
export function isPhpInt(n: number): boolean {
  return Number.isInteger(n) && n < INT_LIMIT && n > -INT_LIMIT;
}

/**
 * A float with serialize_precision=-1 (json_encode, serialize, var_export): the shortest round-trip digits,
 * plain decimals for 1e-4 <= |n| < 1e17, otherwise `1.5e+20` (the exponent letter is `e` or `E` by caller).
 * Whole floats have no `.0` here; var_export adds it itself.
 */
export function phpFloat(n: number, exp: 'e' | 'E'): string {
  if (n !== n) return 'NAN';
  if (n === Infinity) return 'INF';
  if (n === -Infinity) return '-INF';
  if (n === 0) return Object.is(n, -0) ? '-0' : '0';
  const abs = n < 0 ? -n : n;
  // JS prints this range in plain decimals with the same shortest digits, so String() is exact here.
  if (abs >= 1e-4 && abs < 1e17) return String(n);
  const s = n.toExponential(); // shortest digits, e.g. "1e+20", "-1.5e-7"
  const e = s.indexOf('e');
  const mantissa = s.slice(0, e);
  return (mantissa.includes('.') ? mantissa : mantissa + '.0') + exp + s.slice(e + 1);
}

/** An int as digits, any other number as a PHP float. */
export function phpNumber(n: number, exp: 'e' | 'E'): string {
  return isPhpInt(n) ? String(n) : phpFloat(n, exp);
}

const INT_KEY = /^(?:0|-?[1-9][0-9]{0,18})$/;

/** True when PHP turns this array key into an int key ("5", "-3"; not "05", "-0" or beyond 64 bits). */
export function isPhpIntKey(key: string): boolean {
  if (!INT_KEY.test(key)) return false;
  const digits = key.charCodeAt(0) === 45 ? key.slice(1) : key;
  if (digits.length < 19) return true;
  return digits <= (key === digits ? '9223372036854775807' : '9223372036854775808');
}
