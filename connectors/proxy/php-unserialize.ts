/**
 * A safe reader of PHP serialize() text: null, booleans, integers, floats, strings (lengths in bytes) and arrays.
 * Objects (O:, C:), enums (E:) and references (r:, R:) are refused: they are how unserialize() attacks work,
 * and no data API needs them. Nesting is bounded.
 *
 * Arrays with the keys 0..n-1 in order become lists; other arrays become objects (integer keys as strings).
 * Integers beyond JavaScript's safe range stay strings of digits.
 */
import { setKey } from './xml.ts';

export class UnserializeError extends Error {
  override readonly name = 'UnserializeError';
}

export const SERIALIZE_MAX_DEPTH = 64;

const decoder = new TextDecoder();

export function phpUnserialize(bytes: Uint8Array, maxDepth = SERIALIZE_MAX_DEPTH): unknown {
  const reader = new Reader(bytes, maxDepth);
  const value = reader.value(0);
  while (reader.pos < bytes.length && isSpace(bytes[reader.pos])) reader.pos++;
  if (reader.pos !== bytes.length) reader.fail('trailing data');
  return value;
}

/** Whether the bytes look like serialize() output (after leading whitespace). */
export function looksSerialized(bytes: Uint8Array, start: number): boolean {
  const t = bytes[start];
  if (t === 0x4e) return bytes[start + 1] === 0x3b; // N;
  return (t === 0x61 || t === 0x73 || t === 0x69 || t === 0x64 || t === 0x62 || t === 0x4f || t === 0x43) &&
    bytes[start + 1] === 0x3a; // a: s: i: d: b: O: C:
}

function isSpace(b: number): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}

class Reader {
  pos = 0;

  constructor(private readonly bytes: Uint8Array, private readonly maxDepth: number) {}

  fail(what: string): never {
    throw new UnserializeError(`invalid PHP serialize data at byte ${this.pos}: ${what}`);
  }

  private expect(byte: number): void {
    if (this.bytes[this.pos] !== byte) this.fail(`expected "${String.fromCharCode(byte)}"`);
    this.pos++;
  }

  /** Text up to (not including) the delimiter, at most 400 bytes (a float's longest form). */
  private until(delimiter: number): string {
    const start = this.pos;
    const end = this.bytes.indexOf(delimiter, start);
    if (end < 0 || end - start > 400) this.fail('unterminated value');
    this.pos = end + 1;
    return decoder.decode(this.bytes.subarray(start, end));
  }

  private integer(delimiter: number): string {
    const text = this.until(delimiter);
    if (!/^[+-]?\d{1,20}$/.test(text)) this.fail('invalid integer');
    return text;
  }

  value(depth: number): unknown {
    const type = this.bytes[this.pos++];
    switch (type) {
      case 0x4e: // N;
        this.expect(0x3b);
        return null;
      case 0x62: { // b:0;
        this.expect(0x3a);
        const text = this.integer(0x3b);
        if (text !== '0' && text !== '1') this.fail('invalid boolean');
        return text === '1';
      }
      case 0x69: { // i:42;
        this.expect(0x3a);
        const text = this.integer(0x3b);
        const n = Number(text);
        return Number.isSafeInteger(n) ? n : text.replace(/^\+/, '');
      }
      case 0x64: { // d:1.5;
        this.expect(0x3a);
        const text = this.until(0x3b);
        if (text === 'INF') return Infinity;
        if (text === '-INF') return -Infinity;
        if (text === 'NAN') return NaN;
        if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) this.fail('invalid float');
        return Number(text);
      }
      case 0x73: { // s:5:"hello";
        this.expect(0x3a);
        const length = Number(this.integer(0x3a));
        this.expect(0x22);
        const end = this.pos + length;
        if (end + 2 > this.bytes.length) this.fail('string longer than the data');
        const text = decoder.decode(this.bytes.subarray(this.pos, end));
        this.pos = end;
        this.expect(0x22);
        this.expect(0x3b);
        return text;
      }
      case 0x61: // a:2:{...}
        return this.array(depth);
      case 0x4f: case 0x43: case 0x45: case 0x72: case 0x52: // O: C: E: r: R:
        this.pos--;
        return this.fail('PHP objects and references are refused');
      default:
        this.pos--;
        return this.fail('unknown type');
    }
  }

  private array(depth: number): unknown {
    if (depth + 1 > this.maxDepth) this.fail(`nested deeper than ${this.maxDepth} levels`);
    this.expect(0x3a);
    const count = Number(this.integer(0x3a));
    // Each entry takes at least 8 bytes (i:0;N;), so a count beyond that is a lie.
    if (count > (this.bytes.length - this.pos) / 6) this.fail('array count larger than the data');
    this.expect(0x7b);
    const keys: (string | number)[] = [];
    const values: unknown[] = [];
    let isList = true;
    for (let i = 0; i < count; i++) {
      const keyType = this.bytes[this.pos];
      if (keyType !== 0x69 && keyType !== 0x73) this.fail('array key must be an integer or a string');
      const key = this.value(depth + 1) as string | number;
      if (key !== i) isList = false;
      keys.push(key);
      values.push(this.value(depth + 1));
    }
    this.expect(0x7d);
    if (isList) return values;
    const obj: Record<string, unknown> = {};
    for (let i = 0; i < keys.length; i++) setKey(obj, String(keys[i]), values[i]);
    return obj;
  }
}
