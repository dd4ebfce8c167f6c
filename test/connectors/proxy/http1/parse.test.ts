/** The HTTP/1.x response parser alone, fed bytes the way a socket delivers them. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_HEAD_BYTES, ResponseParser } from '../../../../connectors/proxy/http1/parse.ts';

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

/** Feeds the reply n bytes at a time. */
function parse(reply: string | Uint8Array, n = Infinity, head = false, maxBytes = 1 << 20): ResponseParser {
  const p = new ResponseParser(head, maxBytes);
  const all = typeof reply === 'string' ? bytes(reply) : reply;
  for (let i = 0; i < all.length; i += n) p.feed(all.subarray(i, Math.min(all.length, i + n)));
  return p;
}

test('byte by byte or at once, the same response', () => {
  const reply = 'HTTP/1.1 201 Created\r\nX-A: 1\r\nContent-Length: 5\r\n\r\nhello';
  for (const n of [1, 2, 7, Infinity]) {
    const p = parse(reply, n);
    assert.deepEqual([p.done, p.status, text(p.result()), p.reusable, p.headers.get('x-a')], [true, 201, 'hello', true, '1']);
  }
});

test('headers: case-insensitive, repeated fields joined, folded lines one space, Latin-1 bytes, name order', () => {
  // One Latin-1 byte (0xe9, é) in a value.
  const raw = new Uint8Array([
    ...bytes('HTTP/1.1 200 OK\r\nX-Multi: a\r\nx-multi: b\r\nX-Fold: one\r\n  two\r\nX-Empty:\r\nX-Latin: caf'),
    0xe9,
    ...bytes('\r\nContent-Length: 0\r\n\r\n'),
  ]);
  const p = parse(raw);
  assert.equal(p.headers.get('X-MULTI'), 'a, b');
  assert.equal(p.headers.get('x-fold'), 'one two');
  assert.equal(p.headers.get('x-empty'), '');
  assert.equal(p.headers.get('x-latin'), 'café');
  assert.equal(p.headers.get('x-missing'), null);
  const seen: string[] = [];
  p.headers.forEach((v, k) => seen.push(`${k}=${v}`));
  assert.deepEqual(seen, ['content-length=0', 'x-empty=', 'x-fold=one two', 'x-latin=café', 'x-multi=a, b']);
});

test('bare LF line ends are accepted; HTTP/1.0 and Connection: close are not reused', () => {
  assert.equal(text(parse('HTTP/1.1 200 OK\nContent-Length: 2\n\nok').result()), 'ok');
  assert.equal(parse('HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n').reusable, false);
  assert.equal(parse('HTTP/1.1 200 OK\r\nConnection: keep-alive, close\r\nContent-Length: 0\r\n\r\n').reusable, false);
  assert.equal(parse('HTTP/1.1 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n').reusable, true);
});

test('bytes after a complete response mark the connection unusable', () => {
  const p = parse('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA');
  assert.deepEqual([p.done, text(p.result()), p.extra, p.reusable], [true, 'ok', true, false]);
});

test('a body cut short by the end of the connection is a broken reply; until-close bodies end there', () => {
  const p = parse('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort');
  assert.throws(() => p.end(), { message: 'The connection to the backend broke' });
  const c = parse('HTTP/1.1 200 OK\r\n\r\nall of it');
  c.end();
  assert.deepEqual([c.done, text(c.result()), c.reusable], [true, 'all of it', false]);
});

test('malformed framing is refused: bad chunk sizes, conflicting lengths, a missing CRLF after a chunk', () => {
  for (const reply of [
    'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
    'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nokX\r\n',
    'HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n',
    'HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n',
    'HTTP/1.1 200 OK\r\nX: a\0b\r\n\r\n',
    'HTTP/1.1 101 Switching Protocols\r\n\r\n',
    'HTTP/2 200\r\n\r\n',
  ]) {
    assert.throws(() => parse(reply), { message: 'The backend answered something that is not HTTP' }, reply);
  }
});

test('an endless head is refused at the header cap', () => {
  const p = new ResponseParser(false, 1 << 20);
  p.feed(bytes('HTTP/1.1 200 OK\r\n'));
  const line = bytes(`X-Pad: ${'p'.repeat(1000)}\r\n`);
  assert.throws(() => {
    for (let i = 0; i < 100; i++) p.feed(line);
  }, { message: `The backend reply headers are larger than ${MAX_HEAD_BYTES} bytes` });
});

test('maxBytes counts the body exactly: at the limit passes, one more byte fails', () => {
  assert.equal(parse('HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nabcd', Infinity, false, 4).result().byteLength, 4);
  assert.throws(() => parse('HTTP/1.1 200 OK\r\n\r\nabcde', 2, false, 4), { message: 'The backend reply is larger than 4 bytes' });
  assert.throws(() => parse('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nabcde\r\n0\r\n\r\n', Infinity, false, 4), { message: 'The backend reply is larger than 4 bytes' });
});
