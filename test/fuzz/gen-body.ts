/** Request bodies: forms, JSON (valid, broken, deep, huge numbers), multipart, bytes, and bodies over the size limit. */
import type { Rng } from './prng.ts';
import { fuzzText, randomChars } from './values.ts';
import { encodeForUrl } from './values.ts';

export interface Body {
  body: string | Uint8Array;
  contentType?: string;
  length: number;
}

const utf8 = new TextEncoder();

/** A JSON value for one parameter: a string mostly, else what JSON can hold that a parameter cannot. */
function jsonValue(rng: Rng, text: string): string {
  return rng.weighted<() => string>([
    [8, () => JSON.stringify(text)],
    [2, () => rng.pick(['1', '-0', '1.5', '1e309', '-1e309', '123456789012345678901234567890', '9007199254740993', '0.1e-400'])],
    [1, () => rng.pick(['true', 'false', 'null'])],
    [1, () => rng.pick(['[]', '{}', '[1,2]', '{"a":"b"}', '[[[[]]]]'])],
  ])();
}

function jsonObject(rng: Rng, pairs: [string, string][]): string {
  const members = pairs.map(([k, v]) => `${JSON.stringify(k)}:${jsonValue(rng, v)}`);
  if (rng.chance(0.1) && pairs.length) members.push(members[0]); // a duplicated key
  return `{${members.join(',')}}`;
}

function brokenJson(rng: Rng, pairs: [string, string][]): string {
  const good = jsonObject(rng, pairs);
  return rng.pick([
    good.slice(0, Math.max(0, good.length - 1)), good + 'x', '\ufeff' + good, `[${good}]`, '"text"', '42', 'null', '',
    '{', '{"a":}', "{'a':'b'}", '{"a":"\\u12"}', '{"a":"\\ud800"}', `{"a":"${'\\'.repeat(3)}"}`,
    '['.repeat(rng.pick([100, 5000, 100_000])) + ']'.repeat(rng.pick([0, 100])),
    '{"a":'.repeat(rng.pick([100, 5000])) + '1' + '}'.repeat(rng.pick([100, 5000])),
  ]);
}

function multipart(rng: Rng, pairs: [string, string][]): Body {
  const boundary = rng.pick(['b0undary', '----x', 'a'.repeat(70), '"quoted"', '']);
  const parts = pairs.map(([k, v]) => {
    const file = rng.chance(0.2) ? `; filename="${rng.pick(['a.txt', '../../etc/passwd', fuzzText(rng)])}"` : '';
    return `--${boundary}\r\nContent-Disposition: form-data; name="${k}"${file}\r\n\r\n${v}\r\n`;
  });
  let text = parts.join('') + `--${boundary}--\r\n`;
  if (rng.chance(0.3)) text = rng.pick([text.slice(0, text.length >> 1), text.replace(/\r\n/g, '\n'), randomChars(rng, 40), '']);
  const type = rng.pick([`multipart/form-data; boundary=${boundary}`, 'multipart/form-data', `multipart/form-data; boundary=${boundary}x`, 'multipart/mixed; boundary=x']);
  return { body: text, contentType: type, length: utf8.encode(text).byteLength };
}

function bytes(rng: Rng, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.int(0, 255);
  return out;
}

const formTypes = ['application/x-www-form-urlencoded', 'application/x-www-form-urlencoded; charset=UTF-8', 'APPLICATION/X-WWW-FORM-URLENCODED', 'text/plain', undefined];
const jsonTypes = ['application/json', 'application/json; charset=utf-8', 'application/json; charset=utf-16', 'Application/JSON', 'application/jsonx', 'application/problem+json', 'text/json'];

/** A body for the given parameters, or none. */
export function fuzzBody(rng: Rng, pairs: [string, string][]): Body | undefined {
  const text = (body: string, contentType?: string): Body => ({ body, contentType, length: utf8.encode(body).byteLength });
  return rng.weighted<() => Body | undefined>([
    [2, () => undefined],
    [8, () => text(pairs.map(([k, v]) => `${encodeForUrl(rng, k)}=${encodeForUrl(rng, v)}`).join('&'), rng.pick(formTypes))],
    [6, () => text(jsonObject(rng, pairs), rng.pick(jsonTypes))],
    [3, () => text(brokenJson(rng, pairs), rng.pick(jsonTypes))],
    [2, () => multipart(rng, pairs)],
    [1, () => {
      const b = bytes(rng, rng.length(4000));
      return { body: b, contentType: rng.pick([...formTypes, ...jsonTypes, 'application/octet-stream', 'application/xml']), length: b.byteLength };
    }],
    [1, () => text(rng.pick(['<a>1</a>', '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>', `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><nik>${fuzzText(rng)}</nik></soap:Body></soap:Envelope>`]), rng.pick(['application/xml', 'text/xml', 'application/soap+xml'])) ],
    [0.3, () => text('nik=' + 'A'.repeat(rng.pick([1024 * 1024 + 1, 3 * 1024 * 1024])), rng.pick(formTypes))],
  ])();
}
