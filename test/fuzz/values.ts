/** Hostile and plausible caller values: texts, numbers, dates, encodings. Never the fixture's secrets or hosts. */
import type { Rng } from './prng.ts';

const words = [
  '', ' ', '\t', 'a', 'Budi', 'Penduduk 4', 'Siti', '3201000000000042', '3201999999999999', '32010000000000421',
  "' OR 1=1 --", "1'; drop table penduduk; --", '%', '_', '\\', '\\\\', '$1', ':nik', '?', '*', '"', "'", '`',
  '<a>', '</response>', ']]>', '&amp;', '&#0;', '&e;', '<!DOCTYPE x [<!ENTITY e "x">]>', '<?xml version="1.0"?>',
  's:5:"x";', 'a:1:{', 'O:8:"stdClass":0:{}', 'N;', 'b:1;', '{"a":1}', '[', 'null', 'true', 'false',
  '..', '../..', '/', '//', '#', '&', '=', '+', ';', ',', '\r\n', '\n', '\0', 'a\0b', '\x01\x02\x7f', '\x1b[31m',
  'é', 'ñandú', '漢字', 'Ωμέγα', '😀', '\u202e', '\ufeff', '\u0000\u0000', '\ud800', '\udc00x', '\uffff', '\u2028',
  'json', 'xml', 'ndjson', 'docx', 'id', 'en', 'constructor', '__proto__', 'toString', 'hasOwnProperty',
];

const numbers = [
  '0', '-0', '1', '-1', '42', '100', '101', '3201042', '2147483647', '2147483648', '-2147483649', '9007199254740991',
  '9007199254740993', '99999999999999999999999999999999', '-99999999999999999999', '1e309', '-1e309', '1e-400', '1.5',
  '0.1e1', '.5', '5.', '0x1F', '0b11', '1_000', '١٢', '１２', ' 12', '12 ', '+7', 'NaN', 'Infinity', '-Infinity', '1e3',
  '000000000000000000001', '123456789012345678',
];

const dates = [
  '1954-04-04', '2024-02-29', '2023-02-29', '2024-13-01', '0000-00-00', '9999-12-31', '-001-01-01', '2024-1-1',
  '2024-01-01T00:00:00Z', '2024-01-01 00:00', '2024-01-01T25:61:61Z', '2024-01-01T00:00:00+99:99', '2024-01-01T00:00:00.123456789Z',
  '275760-09-13', '1970-01-01T00:00:00-00:00',
];

const booleans = ['true', 'false', 'TRUE', 'False', '1', '0', 'yes', 'on', 't', ''];

/** A hostile or plausible text. */
export function fuzzText(rng: Rng): string {
  return rng.weighted<() => string>([
    [8, () => rng.pick(words)],
    [4, () => rng.pick(numbers)],
    [2, () => rng.pick(dates)],
    [3, () => randomChars(rng, rng.length(300))],
    [2, () => rng.pick(words) + rng.pick(words) + rng.pick(numbers)],
    [1, () => rng.pick(['A', 'é', '\0', '%', '漢', ' ']).repeat(rng.pick([1025, 4096, 70_000]))],
  ])();
}

/** A value for a parameter of a given type: usually one of its kind, sometimes anything. */
export function fuzzValue(rng: Rng, type: string): string {
  if (rng.chance(0.3)) return fuzzText(rng);
  switch (type) {
    case 'integer': case 'number': return rng.pick(numbers);
    case 'date': case 'datetime': return rng.pick(dates);
    case 'boolean': return rng.pick(booleans);
    default: return rng.chance(0.6) ? rng.pick(['3201000000000042', '3201000000000007', 'Penduduk 1', 'Siti', 'B', '3201', '']) : fuzzText(rng);
  }
}

/** Characters from every class that breaks parsers: ASCII, controls, Latin-1, BMP, astral, lone surrogates. */
export function randomChars(rng: Rng, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) {
    s += rng.weighted<() => string>([
      [10, () => String.fromCharCode(rng.int(0x20, 0x7e))],
      [2, () => String.fromCharCode(rng.int(0, 0x1f))],
      [2, () => String.fromCharCode(rng.int(0x7f, 0xff))],
      [2, () => String.fromCharCode(rng.int(0x100, 0xd7ff))],
      [1, () => String.fromCodePoint(rng.int(0x10000, 0x10ffff))],
      [1, () => String.fromCharCode(rng.int(0xd800, 0xdfff))],
    ])();
  }
  return s;
}

const invalidEscapes = ['%', '%G1', '%2', '%C3%28', '%FF%FE', '%E0%80%AF', '%ED%A0%80', '%00', '%0D%0A', '%C0%AE', '%F4%90%80%80', '%80', '%%', '%u0041'];

/** UTF-8 bytes of a string, lone surrogates included as their (invalid) three-byte form. */
export function wtf8(s: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    let cp = s.charCodeAt(i);
    if (cp >= 0xd800 && cp <= 0xdbff && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) cp = s.codePointAt(i++)!;
    if (cp < 0x80) out.push(cp);
    else if (cp < 0x800) out.push(0xc0 | (cp >> 6), 0x80 | (cp & 63));
    else if (cp < 0x10000) out.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
    else out.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
  }
  return out;
}

const UNRESERVED = /[A-Za-z0-9\-._~]/;

/** Percent-encodes every byte that is not unreserved (what encodeURIComponent does, without throwing). */
export function percent(s: string, upper = true): string {
  let out = '';
  for (const b of wtf8(s)) {
    const c = String.fromCharCode(b);
    out += b < 0x80 && UNRESERVED.test(c) ? c : '%' + (upper ? b.toString(16).toUpperCase() : b.toString(16)).padStart(2, '0');
  }
  return out;
}

/** A value as it might be written into a URL or a form body: encoded, half-encoded, twice, raw, or broken. */
export function encodeForUrl(rng: Rng, s: string): string {
  return rng.weighted<() => string>([
    [6, () => percent(s)],
    [2, () => percent(s).replace(/%20/g, '+')],
    [2, () => percent(s, false)],
    [1, () => percent(percent(s))],
    [2, () => s.replace(/[&=#?\s%/]/g, (c) => percent(c))],
    [2, () => {
      const at = rng.int(0, s.length);
      const enc = percent(s);
      const cut = Math.min(enc.length, at);
      return enc.slice(0, cut) + rng.pick(invalidEscapes) + enc.slice(cut);
    }],
  ])();
}
