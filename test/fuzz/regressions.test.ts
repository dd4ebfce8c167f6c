/**
 * What the fuzz suite found, as plain cases (found with its proxy generators, seed 11, while it was being written;
 * case numbers of that version do not replay today's). The first two broke federation: an XML answer of one Mantra
 * that the Mantra in front of it could not read (10018).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { XMLValidator } from 'fast-xml-parser';
import { getFormat } from '../../src/formats/index.ts';
import { xmlName } from '../../src/formats/xml-text.ts';
import { parseXml } from '../../connectors/proxy/xml.ts';
import { xmlDocumentTree } from '../../connectors/proxy/xml-tree.ts';
import { toAdminError } from '../../src/admin-api/errors.ts';

const xml = getFormat('xml')!;
const envelope = (data: unknown) => ({ response: { status: 1, code: 200, message: 'OK', data } });

// A backend reply key "\ufeff" became the element <\ufeff>.
test('element names never hold U+FEFF or U+1680, which XML readers take for white space', () => {
  for (const key of ['\ufeff', '\ufeffa', 'a\ufeff', '\u1680', 'a\u1680b']) {
    const name = xmlName(key);
    assert.doesNotMatch(name, /[\ufeff\u1680]/, JSON.stringify(key));
    const doc = xml.document(envelope({ [key]: '1' }));
    assert.equal(XMLValidator.validate(doc), true, JSON.stringify(key));
    assert.doesNotThrow(() => parseXml(doc), JSON.stringify(key));
  }
  assert.equal(xmlName('\u00e9t\u00e9'), '\u00e9t\u00e9', 'other letters stay as they are');
});

// A key "__proto__" is a valid element name, which fast-xml-parser refuses outright.
test('XML with elements and attributes named __proto__, constructor, prototype is read as written', () => {
  const data: Record<string, unknown> = {};
  Object.defineProperty(data, '__proto__', { value: 'a', enumerable: true, writable: true, configurable: true });
  Object.assign(data, { constructor: 'b', prototype: { toString: 'c' } });
  type Tree = { [k: string]: Tree } & Record<string, unknown>;
  const read = xmlDocumentTree(parseXml(xml.document(envelope(data)))) as Tree;
  const got = read.response.data;
  assert.deepEqual(Object.keys(got), ['__proto__', 'constructor', 'prototype']);
  assert.equal(Object.getOwnPropertyDescriptor(got, '__proto__')?.value, 'a');
  assert.equal(Object.getOwnPropertyDescriptor(got, 'constructor')?.value, 'b');
  assert.deepEqual(got.prototype, { toString: 'c' });
  const attrs = (xmlDocumentTree(parseXml('<r><a constructor="1" __proto__="2">x</a></r>')) as Tree).r.a['@attributes'];
  assert.equal(Object.getOwnPropertyDescriptor(attrs, '__proto__')?.value, '2');
  assert.equal(Object.getOwnPropertyDescriptor(attrs, 'constructor')?.value, '1');
  assert.equal(Object.getPrototypeOf({}), Object.prototype, 'no prototype touched');
});

// Under Deno a login whose chunked body broke off answered 500 (seed 1, case 215 of the wire-admin-login generator).
test('a request body that breaks off or comes too slowly is the admin API\'s 400, never a 500', () => {
  for (const name of ['BadResource', 'AbortError', 'TimeoutError']) {
    const err = Object.assign(new Error('body'), { name });
    const e = toAdminError(err);
    assert.equal(e.status, 400, name);
    assert.equal(e.key, 'body_unreadable', name);
  }
  assert.equal(toAdminError(new Error('anything else')).status, 500);
});
