/**
 * The backup's container: a POSIX ustar archive, gzip-compressed, so that `tar -tzvf` lists it and `tar -xzf`
 * unpacks it without Mantra. Regular files only; a size past ustar's 8 GiB is written in GNU's base-256 form
 * (GNU tar and bsdtar read it). Written and read as streams: a store of many gigabytes never sits in memory.
 */
import fs from 'node:fs';
import zlib from 'node:zlib';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type Cause, causeText, type CauseKey } from './backup-errors.ts';

const BLOCK = 512;
const OCTAL_MAX = 0o77777777777;

export interface TarFile {
  name: string;
  mode: number;
  size: number;
  /** The file's bytes, in pieces. */
  content: () => AsyncIterable<Uint8Array>;
}

/** Damage or a misfit file; its cause is a message key (backup-errors.ts), English as the Error's message. */
export class TarError extends Error {
  readonly detail: Cause;

  constructor(key: CauseKey, vars?: Record<string, string | number>) {
    super(causeText({ key, vars }, 'en'));
    this.detail = { key, vars };
  }
}

function field(header: Buffer, offset: number, length: number, text: string) {
  header.write(text, offset, length, 'ascii');
}

function octal(value: number, length: number): string {
  return value.toString(8).padStart(length - 1, '0') + '\0';
}

/** `a/b/c` into ustar's name (100) and prefix (155), split at a slash. */
function splitName(name: string): [string, string] {
  if (!/^[\x21-\x7e]+$/.test(name)) throw new TarError('tar_name_ascii', { name });
  if (name.length <= 100) return [name, ''];
  for (let at = name.indexOf('/'); at >= 0; at = name.indexOf('/', at + 1)) {
    if (at <= 155 && name.length - at - 1 <= 100) return [name.slice(at + 1), name.slice(0, at)];
  }
  throw new TarError('tar_name_long', { name });
}

export function tarHeader(file: Pick<TarFile, 'name' | 'mode' | 'size'>, mtime = Math.floor(Date.now() / 1000)): Buffer {
  const header = Buffer.alloc(BLOCK);
  const [name, prefix] = splitName(file.name);
  field(header, 0, 100, name);
  field(header, 100, 8, octal(file.mode & 0o7777, 8));
  field(header, 108, 8, octal(0, 8));
  field(header, 116, 8, octal(0, 8));
  if (file.size <= OCTAL_MAX) field(header, 124, 12, octal(file.size, 12));
  else {
    header[124] = 0x80;
    header.writeBigUInt64BE(BigInt(file.size), 128);
  }
  field(header, 136, 12, octal(mtime, 12));
  field(header, 148, 8, '        ');
  header[156] = 0x30; // '0': a regular file
  field(header, 257, 8, 'ustar\u000000');
  field(header, 265, 32, 'mantra');
  field(header, 297, 32, 'mantra');
  field(header, 345, 155, prefix);
  let sum = 0;
  for (const byte of header) sum += byte;
  field(header, 148, 8, sum.toString(8).padStart(6, '0') + '\0 ');
  return header;
}

async function* archive(files: Iterable<TarFile>): AsyncIterable<Uint8Array> {
  for (const file of files) {
    yield tarHeader(file);
    let written = 0;
    for await (const piece of file.content()) {
      written += piece.length;
      if (written > file.size) throw new TarError('tar_grew', { name: file.name });
      yield piece;
    }
    if (written !== file.size) throw new TarError('tar_shrank', { name: file.name });
    if (file.size % BLOCK) yield Buffer.alloc(BLOCK - (file.size % BLOCK));
  }
  yield Buffer.alloc(BLOCK * 2);
}

/** Writes the files as a .tar.gz to `out` (which must not exist), mode 0600, flushed to disk before it resolves. */
export async function writeTarGz(out: string, files: Iterable<TarFile>): Promise<void> {
  const fd = fs.openSync(out, 'wx', 0o600);
  try {
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        try {
          for (let off = 0; off < chunk.length;) off += fs.writeSync(fd, chunk, off);
          done();
        } catch (err) {
          done(err as Error);
        }
      },
    });
    await pipeline(Readable.from(archive(files)), zlib.createGzip(), sink);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

export interface TarEntry {
  name: string;
  mode: number;
  size: number;
}

/** Bytes of a stream, taken in the amounts asked for. */
class ByteReader {
  #pieces: Buffer[] = [];
  #held = 0;
  #done = false;
  #source: AsyncIterator<Buffer>;

  constructor(stream: AsyncIterable<Buffer>) {
    this.#source = stream[Symbol.asyncIterator]();
  }

  /** Up to `n` bytes; an empty buffer only at the end of the stream. */
  async some(n: number): Promise<Buffer> {
    while (this.#held === 0 && !this.#done) {
      const next = await this.#source.next();
      if (next.done) this.#done = true;
      else if (next.value.length) (this.#pieces.push(next.value), (this.#held += next.value.length));
    }
    if (this.#held === 0) return Buffer.alloc(0);
    const first = this.#pieces[0];
    const piece = first.length <= n ? this.#pieces.shift()! : first.subarray(0, n);
    if (first.length > n) this.#pieces[0] = first.subarray(n);
    this.#held -= piece.length;
    return piece;
  }

  /** Exactly `n` bytes, or a TarError at the end of the stream. */
  async exact(n: number): Promise<Buffer> {
    const parts: Buffer[] = [];
    for (let got = 0; got < n;) {
      const piece = await this.some(n - got);
      if (!piece.length) throw new TarError('tar_cut');
      parts.push(piece);
      got += piece.length;
    }
    return parts.length === 1 ? parts[0] : Buffer.concat(parts);
  }
}

function text(header: Buffer, offset: number, length: number): string {
  const raw = header.subarray(offset, offset + length);
  const end = raw.indexOf(0);
  return raw.subarray(0, end < 0 ? length : end).toString('ascii');
}

function number(header: Buffer, offset: number, length: number): number {
  if (header[offset] & 0x80) return Number(header.readBigUInt64BE(offset + length - 8));
  const digits = text(header, offset, length).trim();
  if (!/^[0-7]+$/.test(digits)) throw new TarError('tar_header');
  return parseInt(digits, 8);
}

function parseHeader(header: Buffer): TarEntry {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : header[i];
  if (number(header, 148, 8) !== sum) throw new TarError('tar_header_checksum');
  if (text(header, 257, 6) !== 'ustar') throw new TarError('tar_not_ustar');
  const type = String.fromCharCode(header[156]);
  const prefix = text(header, 345, 155);
  const name = (prefix ? prefix + '/' : '') + text(header, 0, 100);
  if (type !== '0' && type !== '\0') throw new TarError('tar_not_file', { name });
  return { name, mode: number(header, 100, 8), size: number(header, 124, 12) };
}

/**
 * Reads a .tar.gz entry by entry: `onEntry` gets each entry with its content as a stream, which it must read
 * to the end (or throw). Any damage, a truncated file included, is a TarError.
 */
export async function readTarGz(file: string, onEntry: (entry: TarEntry, content: AsyncIterable<Buffer>) => Promise<void>) {
  const source = fs.createReadStream(file).pipe(zlib.createGunzip());
  const reader = new ByteReader(source as AsyncIterable<Buffer>);
  try {
    for (;;) {
      const first = await reader.some(BLOCK);
      if (!first.length) throw new TarError('tar_no_end');
      const header = first.length === BLOCK ? first : Buffer.concat([first, await reader.exact(BLOCK - first.length)]);
      if (header.every((b) => b === 0)) return;
      const entry = parseHeader(header);
      let left = entry.size;
      const content = async function* () {
        while (left > 0) {
          const piece = await reader.some(Math.min(left, 1 << 20));
          if (!piece.length) throw new TarError('tar_cut');
          left -= piece.length;
          yield piece;
        }
      };
      await onEntry(entry, content());
      if (left > 0) throw new TarError('tar_unread', { name: entry.name });
      if (entry.size % BLOCK) await reader.exact(BLOCK - (entry.size % BLOCK));
    }
  } catch (err) {
    // zlib's own errors (Z_DATA_ERROR, Z_BUF_ERROR: not gzip, or cut short) are damage like any other.
    if (/^Z_|ERR_ZLIB|ERR_STREAM/.test(String((err as NodeJS.ErrnoException).code ?? ''))) throw new TarError('tar_gzip');
    throw err;
  } finally {
    source.destroy();
  }
}
