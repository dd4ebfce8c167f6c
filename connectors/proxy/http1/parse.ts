/**
 * An HTTP/1.x response read incrementally from a socket: status line, headers, then a body framed by
 * Content-Length, chunked transfer coding or the end of the connection. Interim 1xx answers are skipped.
 * Limits: the head (with any trailers) to MAX_HEAD_BYTES, the body to maxBytes. Errors are ProxyErrors.
 */
import { ProxyError, tooLarge, unavailable } from '../errors.ts';
import { latin1, ResponseHeaders, sameName } from './headers.ts';

export const MAX_HEAD_BYTES = 64 * 1024;
/** A chunk-size line longer than this is an attack or garbage (hex size plus extensions). */
const MAX_CHUNK_LINE = 1024;

const DIGITS = /^\d{1,15}$/;
const HTTP_1 = [0x48, 0x54, 0x54, 0x50, 0x2f, 0x31, 0x2e]; // "HTTP/1."
/** Bytes allowed in a header name (RFC 9110 token). */
const TOKEN_CHAR = new Uint8Array(256);
for (const c of "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") TOKEN_CHAR[c.charCodeAt(0)] = 1;

export const notHttp = () => unavailable('The backend answered something that is not HTTP');
export const broken = () => unavailable('The connection to the backend broke');

type State = 'head' | 'length' | 'chunk-size' | 'chunk-data' | 'chunk-end' | 'trailer' | 'until-close' | 'done';

export class ResponseParser {
  status = 0;
  headers!: ResponseHeaders;
  /** The connection may carry another exchange once this one is done. */
  reusable = false;
  /** Bytes arrived after the response ended (the connection is then not reused). */
  extra = false;

  private state: State = 'head';
  private headBytes = 0;
  /** Head bytes seen so far while the head spans chunks. */
  private pending: Uint8Array | null = null;
  private body: Uint8Array | null = null;
  private chunks: Uint8Array[] = [];
  private size = 0;
  /** Content-Length: bytes still due; chunked: bytes left in the current chunk. */
  private left = 0;
  private line = '';
  /** Framing fields seen in the head: field index (×4) of the one Content-Length, how many of each. */
  private lengthAt = -1;
  private lengths = 0;
  private encodings = 0;
  private connections = 0;

  constructor(private readonly headRequest: boolean, private readonly maxBytes: number) {}

  get headersDone(): boolean {
    return this.state !== 'head';
  }

  get done(): boolean {
    return this.state === 'done';
  }

  /** Feeds bytes received; throws a ProxyError when they cannot be a valid response within the limits. */
  feed(chunk: Uint8Array): void {
    let at = 0;
    while (at < chunk.length) {
      switch (this.state) {
        case 'head':
          at = this.readHead(chunk, at);
          break;
        case 'length': {
          const n = Math.min(this.left, chunk.length - at);
          if (!this.body) {
            // Copied (the socket may reuse its buffer): in one step when the whole body is here.
            if (n === this.left) this.body = chunk.slice(at, at + n);
            else (this.body = new Uint8Array(this.left)).set(chunk.subarray(at, at + n));
          } else {
            this.body.set(chunk.subarray(at, at + n), this.body.length - this.left);
          }
          this.left -= n;
          at += n;
          if (this.left === 0) this.state = 'done';
          break;
        }
        case 'until-close':
          this.keep(chunk.subarray(at));
          at = chunk.length;
          break;
        case 'chunk-size':
        case 'chunk-end':
        case 'trailer':
          at = this.readLine(chunk, at);
          break;
        case 'chunk-data': {
          const n = Math.min(this.left, chunk.length - at);
          this.keep(chunk.subarray(at, at + n));
          this.left -= n;
          at += n;
          if (this.left === 0) this.state = 'chunk-end';
          break;
        }
        case 'done':
          this.extra = true;
          this.reusable = false;
          return;
      }
    }
  }

  /** The connection ended: fine for a body read until close, a broken reply otherwise. */
  end(): void {
    if (this.state === 'until-close') this.state = 'done';
    if (this.state !== 'done') throw broken();
  }

  /** The body once done. */
  result(): Uint8Array {
    if (this.body) return this.body;
    if (this.chunks.length === 1) return this.chunks[0];
    const out = new Uint8Array(this.size);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.byteLength;
    }
    return out;
  }

  private keep(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.size += bytes.length;
    if (this.size > this.maxBytes) throw this.overLimit();
    // Copied: the socket may reuse its buffer.
    this.chunks.push(bytes.slice());
  }

  private overLimit(): ProxyError {
    return tooLarge('reply is', this.maxBytes, this.status);
  }

  /** Looks for the blank line ending the head; returns where the rest of the chunk starts. */
  private readHead(chunk: Uint8Array, at: number): number {
    let buf = chunk;
    let from = at;
    let scan = at;
    if (this.pending) {
      const prev = this.pending;
      buf = new Uint8Array(prev.length + chunk.length - at);
      buf.set(prev);
      buf.set(chunk.subarray(at), prev.length);
      from = 0;
      scan = Math.max(0, prev.length - 3);
    }
    const end = headEnd(buf, scan);
    if (end < 0) {
      if (this.headBytes + buf.length - from > MAX_HEAD_BYTES) throw headTooLarge();
      this.pending = buf.slice(from);
      return chunk.length;
    }
    this.pending = null;
    this.headBytes += end - from;
    if (this.headBytes > MAX_HEAD_BYTES) throw headTooLarge();
    this.parseHead(buf, from, end);
    // Bytes of this chunk consumed: the whole chunk minus what follows the head in buf.
    return chunk.length - (buf.length - end);
  }

  /** Status line and header fields, scanned as bytes (no string per line). */
  private parseHead(buf: Uint8Array, from: number, end: number): void {
    const head = buf.slice(from, end);
    let eol = lineFeed(head, 0);
    const statusEnd = eol > 0 && head[eol - 1] === 0x0d ? eol - 1 : eol;
    const minor = statusLine(head, statusEnd);
    this.status = (head[9] - 0x30) * 100 + (head[10] - 0x30) * 10 + (head[11] - 0x30);
    const fields: number[] = [];
    for (let start = eol + 1; start < head.length; start = eol + 1) {
      eol = lineFeed(head, start);
      let lineEnd = eol > start && head[eol - 1] === 0x0d ? eol - 1 : eol;
      if (lineEnd === start) break;
      let valueStart: number;
      const first = head[start];
      if (first === 0x20 || first === 0x09) {
        // Obsolete line folding: more of the previous value (RFC 9112 §5.2).
        if (fields.length === 0) throw notHttp();
        valueStart = start;
      } else {
        let colon = start;
        while (colon < lineEnd && TOKEN_CHAR[head[colon]]) colon++;
        if (colon === start || head[colon] !== 0x3a) throw notHttp();
        valueStart = colon + 1;
        this.framing(head, start, colon - start, fields.length);
        fields.push(start, colon, 0, 0);
      }
      while (valueStart < lineEnd && (head[valueStart] === 0x20 || head[valueStart] === 0x09)) valueStart++;
      while (lineEnd > valueStart && (head[lineEnd - 1] === 0x20 || head[lineEnd - 1] === 0x09)) lineEnd--;
      for (let i = valueStart; i < lineEnd; i++) if (head[i] === 0 || head[i] === 0x0d) throw notHttp();
      const n = fields.length;
      if (fields[n - 2] === 0) fields[n - 2] = valueStart;
      if (first === 0x20 || first === 0x09) {
        // Marked folded (negative end): the reader turns the line break into a space.
        if (lineEnd > valueStart) fields[n - 1] = -lineEnd;
      } else {
        fields[n - 1] = lineEnd;
      }
    }
    const headers = new ResponseHeaders(head, fields);
    if (this.status < 200) {
      // 101 would hand the connection to another protocol; Mantra never asks for one.
      if (this.status === 101) throw notHttp();
      this.lengthAt = -1;
      this.lengths = this.encodings = this.connections = 0;
      return; // interim answer: the real one follows
    }
    this.headers = headers;
    this.frame(minor, head, fields);
  }

  /** Notes the fields frame() reads, so it decodes only those that are there (names told apart by length first). */
  private framing(head: Uint8Array, at: number, length: number, index: number): void {
    if (length === 14) {
      if (!sameName(head, at, 'content-length')) return;
      this.lengths++;
      this.lengthAt = index;
    } else if (length === 17) {
      if (sameName(head, at, 'transfer-encoding')) this.encodings++;
    } else if (length === 10) {
      if (sameName(head, at, 'connection')) this.connections++;
    }
  }

  /** Decides how the body is delimited (RFC 9112 §6.3). */
  private frame(minor: number, head: Uint8Array, fields: readonly number[]): void {
    const h = this.headers;
    const connection = this.connections ? h.get('connection')!.toLowerCase() : '';
    this.reusable = minor === 1 && !/(?:^|,)\s*close\s*(?:,|$)/.test(connection);
    if (this.headRequest || this.status === 204 || this.status === 304) {
      this.state = 'done';
      return;
    }
    if (this.encodings) {
      const te = h.get('transfer-encoding')!;
      // With Content-Length too, this is a smuggling attempt or a broken proxy: read it, never reuse.
      if (this.lengths) this.reusable = false;
      const codings = te.toLowerCase().split(',');
      if (codings[codings.length - 1].trim() === 'chunked') {
        this.state = 'chunk-size';
      } else {
        this.reusable = false;
        this.state = 'until-close';
      }
      return;
    }
    if (this.lengths === 0) {
      this.reusable = false;
      this.state = 'until-close';
      return;
    }
    // The usual case (one field, digits only) read from the bytes; anything else through the checks on its text.
    let length = this.lengths === 1 ? digitsValue(head, fields[this.lengthAt + 2], fields[this.lengthAt + 3]) : -1;
    if (length < 0) length = contentLength(h.get('content-length')!);
    if (length > this.maxBytes) throw this.overLimit();
    if (length === 0) {
      this.body = new Uint8Array(0);
      this.state = 'done';
      return;
    }
    this.left = length;
    this.state = 'length';
  }

  /** Chunk-size lines, the CRLF after chunk data, and trailers; returns where the rest starts. */
  private readLine(chunk: Uint8Array, at: number): number {
    const nl = chunk.indexOf(0x0a, at);
    const end = nl < 0 ? chunk.length : nl;
    this.line += latin1(chunk, at, end);
    const limit = this.state === 'trailer' ? MAX_HEAD_BYTES - this.headBytes : MAX_CHUNK_LINE;
    if (this.line.length > limit) throw this.state === 'trailer' ? headTooLarge() : notHttp();
    if (nl < 0) return chunk.length;
    const line = this.line.endsWith('\r') ? this.line.slice(0, -1) : this.line;
    this.line = '';
    if (this.state === 'chunk-end') {
      if (line !== '') throw notHttp();
      this.state = 'chunk-size';
    } else if (this.state === 'chunk-size') {
      const size = chunkSize(line);
      if (size === 0) {
        this.state = 'trailer';
      } else {
        if (this.size + size > this.maxBytes) throw this.overLimit();
        this.left = size;
        this.state = 'chunk-data';
      }
    } else {
      // Trailers are read past and dropped, as fetch() does by default.
      this.headBytes += line.length + 2;
      if (this.headBytes > MAX_HEAD_BYTES) throw headTooLarge();
      if (line === '') this.state = 'done';
    }
    return nl + 1;
  }
}

/** "HTTP/1.x NNN[ reason]": the minor version, or a ProxyError. */
function statusLine(head: Uint8Array, end: number): number {
  for (let i = 0; i < 7; i++) if (head[i] !== HTTP_1[i]) throw notHttp();
  const minor = head[7] - 0x30;
  const ok = (minor === 0 || minor === 1) && head[8] === 0x20 && digit(head[9]) && head[9] !== 0x30 &&
    digit(head[10]) && digit(head[11]) && (end === 12 || (end > 12 && (head[12] === 0x20 || head[12] === 0x09)));
  if (!ok) throw notHttp();
  for (let i = 13; i < end; i++) if (head[i] === 0 || head[i] === 0x0d) throw notHttp();
  return minor;
}

const digit = (b: number) => b >= 0x30 && b <= 0x39;

function headTooLarge(): ProxyError {
  return tooLarge('reply headers are', MAX_HEAD_BYTES);
}

/** Index just past the blank line ending a head (CRLF CRLF, or bare LFs), or -1. */
function headEnd(buf: Uint8Array, from: number): number {
  // A loop: TypedArray indexOf costs more than it saves on heads this small.
  for (let i = from; i < buf.length; i++) {
    if (buf[i] !== 0x0a) continue;
    if (buf[i + 1] === 0x0a) return i + 2;
    if (buf[i + 1] === 0x0d && buf[i + 2] === 0x0a) return i + 3;
  }
  return -1;
}

/** The next LF at or after from (the head is known to end with one). */
function lineFeed(head: Uint8Array, from: number): number {
  let i = from;
  while (head[i] !== 0x0a) i++;
  return i;
}

/** A field value of 1 to 15 digits as a number (end < 0: folded, not plain); -1 when it is anything else. */
function digitsValue(head: Uint8Array, from: number, end: number): number {
  if (end <= from || end - from > 15) return -1;
  let n = 0;
  for (let i = from; i < end; i++) {
    const d = head[i] - 0x30;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/** Content-Length: digits only; a repeated header must repeat the same value. */
function contentLength(value: string): number {
  if (DIGITS.test(value)) return Number(value);
  let length = -1;
  for (const part of value.split(',')) {
    const v = part.trim();
    if (!DIGITS.test(v)) throw notHttp();
    const n = Number(v);
    if (length >= 0 && n !== length) throw notHttp();
    length = n;
  }
  return length;
}

function chunkSize(line: string): number {
  const semi = line.indexOf(';');
  const hex = (semi < 0 ? line : line.slice(0, semi)).trim();
  if (!/^[0-9A-Fa-f]{1,12}$/.test(hex)) throw notHttp();
  return parseInt(hex, 16);
}
