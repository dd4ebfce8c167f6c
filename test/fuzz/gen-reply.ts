/**
 * Replies of the fuzz backend, as whole raw HTTP responses: JSON, XML and PHP serialize bodies (well-formed
 * trees with hostile keys and values, MANTRA envelopes with odd status and code, broken and bomb-shaped
 * documents), and the framing around them (status lines, lengths, chunking, compression, charsets).
 */
import zlib from 'node:zlib';
import type { Rng } from './prng.ts';
import type { BackendReply } from './case.ts';
import { fuzzText, wtf8 } from './values.ts';

type Tree = null | boolean | number | string | Tree[] | { [k: string]: Tree };

const keys = ['nik', 'nama', 'data', 'response', 'status', 'code', 'message', 'valid_response', '0', '1', '-1', '01', '',
  ' ', 'a b', '1abc', 'xml', 'xmlns', 'a:b', '<x>', '&', '__proto__', 'constructor', 'prototype', 'toString', 'é', '漢字',
  '\0', 'a\u0001b', 'k'.repeat(300), '9223372036854775808'];

function treeKey(rng: Rng): string {
  return rng.chance(0.7) ? rng.pick(keys) : fuzzText(rng).slice(0, 100);
}

function scalar(rng: Rng): Tree {
  return rng.weighted<() => Tree>([
    [5, () => fuzzText(rng)],
    [2, () => rng.pick([0, -0, 1, -1, 1.5, 1e308, -1e308, 5e-324, 2 ** 53 + 1, 2 ** 63, 0.1, 123456789.125])],
    [1, () => rng.pick([true, false, null])],
  ])();
}

/** A random tree of at most `budget.nodes` nodes (wide or deep, never both without bound). */
export function fuzzTree(rng: Rng, depth = 0, budget = { nodes: rng.pick([8, 40, 300]) }): Tree {
  if (depth > 5 || budget.nodes <= 0 || rng.chance(0.3)) return scalar(rng);
  const n = Math.min(budget.nodes, rng.weighted([[6, rng.int(0, 4)], [1, rng.int(5, 40)]]));
  budget.nodes -= n;
  if (rng.chance(0.4)) return Array.from({ length: n }, () => fuzzTree(rng, depth + 1, budget));
  const o: Record<string, Tree> = {};
  for (let i = 0; i < n; i++) Object.defineProperty(o, treeKey(rng), { value: fuzzTree(rng, depth + 1, budget), enumerable: true, writable: true, configurable: true });
  return o;
}

function envelope(rng: Rng): Tree {
  const status = rng.pick<Tree>([1, 0, '1', '0', ' 1', 2, -1, null, 'x', true, 1.0, []]);
  const code = rng.pick<Tree>([200, 10012, 10002, 10005, 99999, -5, 1.5, 1e20, '10001', 'abc', null, 2 ** 53 + 2, '']);
  const inner: Record<string, Tree> = { status, code, message: rng.chance(0.8) ? fuzzText(rng) : fuzzTree(rng), data: fuzzTree(rng) };
  const env: Record<string, Tree> = { response: inner };
  if (rng.chance(0.1)) env[treeKey(rng)] = fuzzTree(rng);
  return env;
}

/** JSON text of a tree, sometimes with number literals JavaScript cannot hold exactly. */
function jsonText(rng: Rng, tree: Tree): string {
  let text = JSON.stringify(tree) ?? 'null';
  if (rng.chance(0.2)) text = text.replace(/:(-?\d+(\.\d+)?)/, () => ':' + rng.pick(['1e400', '-1e400', '123456789012345678901234567890', '1e-400', '-0.0', '0.30000000000000004']));
  return text;
}

function deep(open: string, close: string, n: number, inner = ''): string {
  return open.repeat(n) + inner + close.repeat(n);
}

function jsonBody(rng: Rng): string {
  return rng.weighted<() => string>([
    [6, () => jsonText(rng, fuzzTree(rng))],
    [4, () => jsonText(rng, envelope(rng))],
    [1, () => jsonText(rng, { [rng.pick(['valid_response', 'invalid_response', 'error_response'])]: fuzzTree(rng) })],
    [1, () => deep('[', ']', rng.pick([63, 64, 65, 200, 20_000]))],
    [1, () => deep('{"a":', '}', rng.pick([63, 65, 3000]), '1')],
    [2, () => rng.pick(['{', '[1,]', '{"a":1}}', '{"a":"\\ud800"}', '\ufeff{"a":1}', '{"a":NaN}', "{'a':1}", '[' + '"x",'.repeat(5000) + '"y"]'])],
  ])();
}

function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
}

function xmlName(rng: Rng): string {
  return rng.weighted<() => string>([
    [8, () => rng.pick(['a', 'nik', 'nama', 'data', 'item', 'row', 'x-y', 'x.y', '_1', 'ns:a', 'é', 'response', 'status', '__proto__', 'constructor', 'toString', '\ufeffa', 'a\u1680'])],
    [1, () => rng.pick(['1a', 'a b', '', 'xml', 'a&b', '-a'])],
  ])();
}

function xmlTree(rng: Rng, depth = 0): string {
  if (depth > 5 || rng.chance(0.3)) {
    return rng.weighted<() => string>([
      [6, () => xmlEscape(fuzzText(rng))],
      [1, () => `<![CDATA[${fuzzText(rng).replace(/]]>/g, '')}]]>`],
      [1, () => rng.pick(['&lt;&gt;&amp;&quot;&apos;', '&#65;&#x42;', '&#0;', '&#xD800;', '&#x110000;', '&unknown;', '&amp', '&#99999999999;'])],
      [1, () => rng.pick(['<!-- c -->', '<?pi x?>', ''])],
    ])();
  }
  let out = '';
  for (let i = rng.int(0, 4); i > 0; i--) {
    const name = xmlName(rng);
    const attrs = rng.chance(0.2) ? ` ${rng.pick(['id="1"', 'xmlns="urn:x"', 'xmlns:ns="urn:y"', 'a="&lt;"', 'a=\'1\' b="2"', 'xsi:nil="true"'])}` : '';
    out += rng.chance(0.1) ? `<${name}${attrs}/>` : `<${name}${attrs}>${xmlTree(rng, depth + 1)}</${name}>`;
  }
  return out;
}

function xmlBody(rng: Rng): string | Uint8Array {
  const decl = rng.pick(['<?xml version="1.0" encoding="utf-8"?>\n', '<?xml version="1.0"?>', '', '<?xml version="1.0" encoding="ISO-8859-1"?>',
    '<?xml version="1.0" encoding="UTF-16"?>', '<?xml version="1.0" encoding="bogus-charset"?>', '<?xml version="1.1"?>', '<?xml?>']);
  const root = rng.pick(['response', 'data', 'result', 'a', 'soap:Envelope']);
  return rng.weighted<() => string | Uint8Array>([
    [6, () => `${decl}<${root}>${xmlTree(rng)}</${root}>`],
    [3, () => `${decl}<response><status>${rng.pick(['1', '0', ' 1 ', '2', '', 'x'])}</status><code>${rng.pick(['200', '10012', 'abc', '', '1e3'])}</code><message>${xmlEscape(fuzzText(rng))}</message><data>${xmlTree(rng)}</data></response>`],
    [1, () => `${decl}<!DOCTYPE a [<!ENTITY e "${'x'.repeat(100)}"><!ENTITY f "&e;&e;&e;&e;">]><a>&f;</a>`],
    [1, () => `${decl}<!DOCTYPE a SYSTEM "file:///etc/passwd"><a>&xxe;</a>`],
    [1, () => deep('<a>', '</a>', rng.pick([63, 64, 65, 500, 5000]), 'x')],
    [2, () => rng.pick(['<a>', '<a></b>', '<a><b></a></b>', '<a x="1" x="2"/>', '<a>\u0001</a>', '<', '<a/><b/>', '<a>]]></a>', '< a/>'])],
    [1, () => Uint8Array.from([...wtf8(`${decl}<a>`), 0xff, 0xfe, 0xc3, 0x28, ...wtf8('</a>')])],
  ])();
}

/** PHP serialize() of a tree, the way PHP writes it (byte lengths, integer keys as i:). */
function serialize(v: Tree): string {
  if (v === null) return 'N;';
  if (typeof v === 'boolean') return `b:${v ? 1 : 0};`;
  if (typeof v === 'number') return Number.isInteger(v) && Math.abs(v) < 2 ** 63 ? `i:${v};` : `d:${v};`;
  if (typeof v === 'string') return `s:${wtf8(v).length}:"${v}";`;
  const entries = Array.isArray(v) ? v.map((x, i) => [i, x] as const) : Object.entries(v);
  return `a:${entries.length}:{${entries.map(([k, x]) => (typeof k === 'number' || /^-?[1-9]\d*$|^0$/.test(k) ? `i:${k};` : serialize(k)) + serialize(x)).join('')}}`;
}

function serializeBody(rng: Rng): string {
  const good = serialize(rng.chance(0.4) ? envelope(rng) : fuzzTree(rng));
  return rng.weighted<() => string>([
    [6, () => good],
    [2, () => good.replace(/s:(\d+):/, (_, n) => `s:${Number(n) + rng.pick([1, -1, 1000, 2 ** 31])}:`)],
    [1, () => good.slice(0, rng.int(1, good.length))],
    [2, () => rng.pick(['O:8:"stdClass":1:{s:1:"a";i:1;}', 'C:3:"Foo":0:{}', 'a:1:{i:0;r:1;}', 'a:1:{i:0;R:1;}', 'E:7:"Foo:Bar";',
      'a:999999999:{}', 'a:-1:{}', 's:-1:"";', 'i:99999999999999999999999;', 'd:INF;', 'd:NAN;', 'd:-INF;', 'd:1e999;', 'b:2;',
      'i:1;garbage', 'a:1:{a:0:{}i:1;}', 'a:1:{d:1.5;i:1;}', 'a:2:{i:0;i:1;i:0;i:2;}', 'N;', 's:0:"";',
      deep('a:1:{i:0;', '}', rng.pick([63, 65, 5000]), 'N;')])],
  ])();
}

function gzip(b: Uint8Array, kind: string): Uint8Array {
  if (kind === 'gzip') return new Uint8Array(zlib.gzipSync(b));
  if (kind === 'deflate') return new Uint8Array(zlib.deflateSync(b));
  return new Uint8Array(zlib.brotliCompressSync(b));
}

const utf8 = new TextEncoder();
const bytesOf = (s: string | Uint8Array) => (typeof s === 'string' ? utf8.encode(s) : s);

/** A complete raw reply: status line, headers and body, framed right or wrong. */
export function fuzzReply(rng: Rng): BackendReply {
  const kind = rng.weighted([[5, 'json'], [4, 'xml'], [3, 'serialize'], [1, 'text'], [1, 'bytes'], [1, 'empty']]);
  let body: Uint8Array = bytesOf(
    kind === 'json' ? jsonBody(rng) : kind === 'xml' ? xmlBody(rng) : kind === 'serialize' ? serializeBody(rng)
      : kind === 'text' ? fuzzText(rng) : kind === 'bytes' ? Uint8Array.from({ length: rng.length(2000) }, () => rng.int(0, 255)) : '',
  );
  const status = rng.weighted([[12, 'HTTP/1.1 200 OK'], [1, 'HTTP/1.1 404 Not Found'], [1, 'HTTP/1.1 500 Internal Server Error'],
    [1, 'HTTP/1.1 204 No Content'], [1, 'HTTP/1.1 302 Found\r\nLocation: http://169.254.169.254/'], [1, 'HTTP/1.0 200 OK'],
    [1, 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK'], [1, rng.pick(['HTTP/1.1 abc', 'HTTP/2 200', 'ICY 200 OK', 'HTTP/1.1 999 X', 'HTTP/1.1 200'])]]);
  const type = rng.pick([undefined, 'application/json', 'application/xml', 'text/xml; charset=utf-8', 'text/plain',
    'text/html; charset=iso-8859-1', 'application/json; charset=utf-16le', 'application/json; charset=bogus', 'application/vnd.php.serialized']);
  const headers: string[] = [];
  if (type) headers.push(`Content-Type: ${type}`);
  const plain = body;
  const encoding = rng.weighted([[10, ''], [1, 'gzip'], [1, 'deflate'], [1, 'br'], [1, 'bad']]);
  if (encoding === 'bad') headers.push(`Content-Encoding: ${rng.pick(['gzip', 'br', 'compress', 'gzip, gzip'])}`);
  else if (encoding) {
    body = gzip(body, encoding);
    headers.push(`Content-Encoding: ${encoding}`);
  }
  const framing = rng.weighted([[10, 'length'], [3, 'chunked'], [2, 'close'], [1, 'short'], [1, 'long'], [1, 'double'], [1, 'badchunk'], [1, 'huge']]);
  let payload = body;
  switch (framing) {
    case 'length': headers.push(`Content-Length: ${body.byteLength}`); break;
    case 'chunked': headers.push('Transfer-Encoding: chunked'); payload = chunked(rng, body); break;
    case 'close': headers.push('Connection: close'); break;
    case 'short': headers.push(`Content-Length: ${Math.max(0, body.byteLength - rng.int(1, 10))}`); break;
    case 'long': headers.push(`Content-Length: ${body.byteLength + rng.int(1, 1000)}`); break;
    case 'double': headers.push(`Content-Length: ${body.byteLength}`, `Content-Length: ${body.byteLength + 1}`); break;
    case 'badchunk': headers.push('Transfer-Encoding: chunked'); payload = utf8.encode(rng.pick(['zz\r\nabc\r\n0\r\n\r\n', '5\r\nab', '-1\r\n\r\n', 'ffffffffffffffff\r\n'])); break;
    case 'huge': headers.push(`Content-Length: ${rng.pick(['99999999999999', '-1', 'abc', '17000000'])}`); break;
  }
  if (rng.chance(0.05)) headers.push(rng.pick(['X-Big: ' + 'x'.repeat(70_000), 'Bad Header: x', 'X-Nul: a\0b', ': empty', 'X-Fold: a\r\n b', 'Set-Cookie: s=1']));
  if (rng.chance(0.05)) headers.push(...Array.from({ length: 500 }, (_, i) => `X-H${i}: ${i}`));
  const head = utf8.encode(`${status}\r\n${headers.join('\r\n')}${headers.length ? '\r\n' : ''}\r\n`);
  const bytes = new Uint8Array(head.byteLength + payload.byteLength);
  bytes.set(head);
  bytes.set(payload, head.byteLength);
  const stall = rng.chance(0.01);
  return { label: `${kind}/${framing}/${encoding || 'identity'} ${status.split('\r\n')[0]}: ${latin1(plain.subarray(0, 200))}`, bytes, body: plain, stall };
}

function chunked(rng: Rng, body: Uint8Array): Uint8Array {
  const parts: Uint8Array[] = [];
  for (let at = 0; at < body.byteLength;) {
    const n = Math.min(body.byteLength - at, rng.int(1, 512));
    parts.push(utf8.encode(`${n.toString(16)}${rng.chance(0.1) ? ';ext=1' : ''}\r\n`), body.subarray(at, at + n), utf8.encode('\r\n'));
    at += n;
  }
  parts.push(utf8.encode(rng.chance(0.1) ? '0\r\nX-Trailer: 1\r\n\r\n' : '0\r\n\r\n'));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) (out.set(p, at), (at += p.byteLength));
  return out;
}

function latin1(b: Uint8Array): string {
  return Array.from(b, (c) => (c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : `\\x${c.toString(16).padStart(2, '0')}`)).join('');
}

