/**
 * Wire-level damage to a generated request, for the raw-socket part: malformed request lines, bytes no client
 * library sends, header injection, conflicting or lying lengths, pipelining. A request still well-formed after
 * the change keeps its surface (its answer is checked in full); a malformed one is checked for the general rules.
 */
import type { Rng } from './prng.ts';
import type { FuzzCase, Generator } from './case.ts';
import { requestBytes, wireBytes } from './wire.ts';
import { wtf8 } from './values.ts';

type Built = Omit<FuzzCase, 'seed' | 'index' | 'generator'>;

const bytes = (s: string) => Uint8Array.from(wireBytes(s));
const join = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) (out.set(p, at), (at += p.byteLength));
  return out;
};
const find = (b: Uint8Array, s: string) => Buffer.from(b).indexOf(s);

/** Replaces the request line of raw bytes. */
function withLine(raw: Uint8Array, line: string | Uint8Array): Uint8Array {
  const eol = find(raw, '\r\n');
  return join(typeof line === 'string' ? bytes(line) : line, raw.subarray(eol));
}

/** Inserts header lines right after the request line. */
function withHeaders(raw: Uint8Array, lines: string | Uint8Array): Uint8Array {
  const eol = find(raw, '\r\n') + 2;
  return join(raw.subarray(0, eol), typeof lines === 'string' ? bytes(lines) : lines, raw.subarray(eol));
}

/** A header value without the control bytes HTTP forbids in it (HTAB is allowed). */
function withoutControls(v: string): string {
  return Array.from(v).filter((ch) => {
    const c = ch.charCodeAt(0);
    return c === 0x09 || (c >= 0x20 && c !== 0x7f);
  }).join('');
}

/** The target as an HTTP client puts it on the wire: what a URL parser makes of it (escapes added, dots resolved). */
function clientTarget(target: string): string {
  const url = new URL('http://127.0.0.1' + target);
  return url.pathname + url.search;
}

export function wireCase(base: Generator): Generator {
  return (rng, ctx) => {
    const given = base(rng, ctx);
    const target = clientTarget(given.request.target);
    // A client library sends only valid header lines and the body's true length; the malformed variants below do not.
    const headers = given.request.headers.filter(([k]) => k.toLowerCase() !== 'content-length')
      .map(([k, v]) => [k.replace(/[^!#$%&'*+\-.^_`|~0-9A-Za-z]/g, '') || 'X', withoutControls(v)] as [string, string]);
    const c: Built = { ...given, request: { ...given.request, target, headers } };
    const raw = requestBytes({ ...c, seed: 0, index: 0, generator: '' }, '127.0.0.1');
    const damage = rng.weighted<() => Built>([
      // Still valid HTTP: the answer must be the interface's own.
      [3, () => ({ ...c, wire: 'as sent', raw })],
      [1, () => ({ ...c, surface: 'other', wire: 'raw bytes in target', raw: withLine(raw, join(bytes(`${c.request.method} `), Uint8Array.from(wtf8(decodeLoose(given.request.target))), bytes(' HTTP/1.1'))) })],
      [1, () => ({ ...c, wire: 'HTTP/1.0, no Host', raw: removeHost(withLine(raw, `${c.request.method} ${target} HTTP/1.0`)) })],
      [1, () => pipelined(rng, c, raw)],
      // Malformed: whatever the runtime answers, it must not be a 5xx, a leak or a crash.
      [8, () => ({ ...c, surface: 'other', wire: 'malformed', raw: malformed(rng, c, raw) })],
    ])();
    return damage;
  };
}

function decodeLoose(s: string): string {
  return s.replace(/%([0-9a-fA-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16)));
}

function removeHost(raw: Uint8Array): Uint8Array {
  const at = find(raw, '\r\nHost: ');
  const end = Buffer.from(raw).indexOf('\r\n', at + 2);
  return join(raw.subarray(0, at), raw.subarray(end));
}

function pipelined(rng: Rng, c: Built, raw: Uint8Array): Built {
  const second = bytes(`GET ${rng.pick(['/healthz', c.request.target, '/json/a/b/c'])} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
  // A request with a body could not be followed cleanly if the server misread its length; keep it simple.
  return { ...c, wire: 'pipelined', raw: join(raw, second), expect: 2 };
}

function malformed(rng: Rng, c: Built, raw: Uint8Array): Uint8Array {
  const { method, target } = c.request;
  return rng.weighted<() => Uint8Array>([
    [2, () => withLine(raw, rng.pick([
      `${method.toLowerCase()} ${target} HTTP/1.1`, `${method} ${target}`, `${method} ${target} HTTP/0.9`, `${method} ${target} HTTP/2.0`,
      `${method} ${target} HTTP/1.1 extra`, `${method}  ${target}  HTTP/1.1`, `${method}\t${target}\tHTTP/1.1`, `${method} http://evil.example${target} HTTP/1.1`,
      `${method} * HTTP/1.1`, `${method}  HTTP/1.1`, `${method} ${target.slice(1)} HTTP/1.1`, `G\0ET ${target} HTTP/1.1`, `CONNECT 127.0.0.1:5432 HTTP/1.1`,
      `${method} ${target}#frag HTTP/1.1`, `${method} ${target.replace(/\//g, '\\')} HTTP/1.1`, ` ${method} ${target} HTTP/1.1`, `${method} ${target} HTTP/1.1\r`,
    ]))],
    [1, () => withLine(raw, `${method} /json/${'a'.repeat(rng.pick([9000, 70_000]))}/s/o HTTP/1.1`)],
    [1, () => withLine(raw, join(bytes(`${method} /json/`), Uint8Array.from({ length: rng.int(1, 20) }, () => rng.pick([0, 1, 0x7f, 0x80, 0xff, 0x20, 0x0d, 0x0a, 0x09])), bytes('/s/o HTTP/1.1')))],
    [2, () => withHeaders(raw, rng.pick([
      'X-A: a\0b\r\n', 'X-A: a\rb\r\n', 'X-A: a\nX-Injected: 1\r\n', 'X-Fold: a\r\n b\r\n', 'Bad Name: x\r\n', 'X-A : x\r\n', ': x\r\n', 'NoColon\r\n',
      'Host: other.example\r\n', `X-Big: ${'x'.repeat(rng.pick([9000, 70_000]))}\r\n`, Array.from({ length: 300 }, (_, i) => `X-H${i}: ${i}\r\n`).join(''),
      'AccessKey: a\0\r\n', 'Content-Type: application/json\0\r\n', 'X-\u00ff: \u00ff\r\n',
    ]))],
    [1, () => bytes(new TextDecoder('latin1').decode(raw).replace(/\r\n/g, rng.pick(['\n', '\r', '\r\r\n'])))],
    [3, () => framing(rng, c)],
    [1, () => bytes(rng.pick(['\r\n\r\n', 'GET\r\n\r\n', 'HTTP/1.1 200 OK\r\n\r\n', '\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03', 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', '\0\0\0\0']))],
  ])();
}

/** Lengths that lie or conflict, chunked bodies that are not, a GET with a body. */
function framing(rng: Rng, c: Built): Uint8Array {
  const head = `${c.request.method === 'GET' ? 'POST' : c.request.method} ${c.request.target} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n`;
  const body = 'nik=3201000000000042';
  return bytes(rng.pick([
    `${head}Content-Length: ${body.length + 50}\r\n\r\n${body}`,
    `${head}Content-Length: 5\r\n\r\n${body}`,
    `${head}Content-Length: 5\r\nContent-Length: 6\r\n\r\n${body}`,
    `${head}Content-Length: -1\r\n\r\n${body}`,
    `${head}Content-Length: +20\r\n\r\n${body}`,
    `${head}Content-Length: 99999999999999999999\r\n\r\n${body}`,
    `${head}Content-Length: 0x14\r\n\r\n${body}`,
    `${head}Content-Length: 20\r\nTransfer-Encoding: chunked\r\n\r\n14\r\n${body}\r\n0\r\n\r\n`,
    `${head}Transfer-Encoding: chunked\r\n\r\nzz\r\n${body}\r\n0\r\n\r\n`,
    `${head}Transfer-Encoding: chunked\r\n\r\n14\r\n${body}\r\n`,
    `${head}Transfer-Encoding: chunked, identity\r\n\r\n${body}`,
    `${head}Transfer-Encoding: gzip\r\n\r\n${body}`,
    `${head}Transfer-Encoding : chunked\r\n\r\n0\r\n\r\n`,
    `GET ${c.request.target} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
    `${head}Expect: 100-continue\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
    `${head}Content-Length: ${body.length}\r\n\r\n${body}GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n`,
  ]));
}

