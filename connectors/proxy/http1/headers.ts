/**
 * Response headers kept as the received head bytes plus the offsets of each field: nothing is decoded until a
 * reader asks, and then only the fields it names. Same answers as web Headers for what RawResponse readers use:
 * get() is case-insensitive and joins repeated fields with ", "; forEach() goes in name order, lower-case.
 * Values are Latin-1 (one character per byte), as fetch's Headers hold them.
 */
export class ResponseHeaders {
  /**
   * @param head the head bytes (a copy owned by this object)
   * @param fields per field: name start, name end, value start, value end (trimmed; negative when the value
   *   goes on over obs-fold lines up to -end)
   */
  constructor(private readonly head: Uint8Array, private readonly fields: readonly number[]) {}

  get(name: string): string | null {
    const f = this.fields;
    let out: string | null = null;
    for (let i = 0; i < f.length; i += 4) {
      if (f[i + 1] - f[i] !== name.length || !sameName(this.head, f[i], name)) continue;
      const v = this.value(i);
      out = out === null ? v : `${out}, ${v}`;
    }
    return out;
  }

  has(name: string): boolean {
    return this.get(name) !== null;
  }

  forEach(fn: (value: string, name: string) => void): void {
    const all = new Map<string, string>();
    const f = this.fields;
    for (let i = 0; i < f.length; i += 4) {
      const name = latin1(this.head, f[i], f[i + 1]).toLowerCase();
      const had = all.get(name);
      all.set(name, had === undefined ? this.value(i) : `${had}, ${this.value(i)}`);
    }
    for (const name of [...all.keys()].sort()) fn(all.get(name)!, name);
  }

  private value(i: number): string {
    const end = this.fields[i + 3];
    if (end >= 0) return latin1(this.head, this.fields[i + 2], end);
    // An obsolete line fold counts as one space (RFC 9112 §5.2).
    return latin1(this.head, this.fields[i + 2], -end).replace(/\r?\n[ \t]+/g, ' ');
  }
}

/** Whether the bytes at `at` spell `name`, ignoring ASCII case (`name` is lower-case or mixed; length checked by the caller). */
export function sameName(head: Uint8Array, at: number, name: string): boolean {
  for (let j = 0; j < name.length; j++) {
    let b = head[at + j];
    let c = name.charCodeAt(j);
    if (b >= 0x41 && b <= 0x5a) b += 0x20;
    if (c >= 0x41 && c <= 0x5a) c += 0x20;
    if (b !== c) return false;
  }
  return true;
}

const utf8 = new TextDecoder();

/** One character per byte. */
export function latin1(bytes: Uint8Array, from: number, to: number): string {
  // Short values char by char (a rope of a few characters is cheap); longer ones through the native decoder.
  if (to - from < 8) {
    let out = '';
    for (let i = from; i < to; i++) out += String.fromCharCode(bytes[i]);
    return out;
  }
  let plain = true;
  for (let i = from; i < to && plain; i++) plain = bytes[i] < 0x80;
  // The native decoder is faster, and UTF-8 is Latin-1 on ASCII.
  if (plain) return utf8.decode(bytes.subarray(from, to));
  let out = '';
  for (let i = from; i < to; i += 8192) {
    out += String.fromCharCode.apply(null, bytes.subarray(i, Math.min(to, i + 8192)) as unknown as number[]);
  }
  return out;
}
