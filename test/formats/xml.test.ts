import { test } from 'node:test';
import assert from 'node:assert/strict';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { xml } from '../../src/formats/xml.ts';
import { mantraError, mantraSuccess, penduduk } from './fixtures.ts';

const parser = new XMLParser({ trimValues: false, parseTagValue: false, ignoreDeclaration: true, htmlEntities: true });

/** Parses a document and drops the indentation text between elements. */
function parse(text: string): unknown {
  assert.equal(XMLValidator.validate(text), true);
  const strip = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(strip);
    if (node === null || typeof node !== 'object') return node;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) if (!(k === '#text' && /^\s*$/.test(v as string))) out[k] = strip(v);
    return out;
  };
  return strip(parser.parse(text));
}

/**
 * What a parser sees of a value: text for scalars ('' for null), a list under K as K repeated (a single item not
 * as a list, none when empty), a list inside a list as <item> elements, an empty object as ''.
 */
function view(v: unknown): unknown {
  if (v === null) return '';
  if (Array.isArray(v)) return v.length ? { item: listView(v) } : '';
  if (typeof v !== 'object') return String(v);
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    if (!Array.isArray(x)) out[k] = view(x);
    else if (x.length) out[k] = listView(x);
  }
  return Object.keys(out).length ? out : '';
}
function listView(list: unknown[]): unknown {
  return list.length === 1 ? view(list[0]) : list.map(view);
}

const rows = penduduk().slice(0, 3);
const tree = {
  text: 'a & b < c > d "quoted" \'single\' \\ / \r\n CRLF \t tab ]]> end',
  indonesian: 'Désa Ngadirejo, Kabupatèn Malang — “kutipan” 😀 中文',
  spaces: '  leading and trailing  ',
  numbers: { int: 42, negative: -7, float: 1.5 },
  flags: { yes: true, no: false },
  nothing: null,
  empty: '',
  emptyObject: {},
  emptyList: [],
  one: ['single'],
  many: [{ a: 1 }, { a: 2, b: [1, 2] }, { a: 3, nested: [[1, 2], [], [[3]]] }],
};

test('xml.document parses back to the same values', () => {
  assert.deepEqual(parse(xml.document(tree)), { response: view(tree) });
});

test('xml.document of MANTRA envelopes puts them under one <response>', () => {
  const success = mantraSuccess('penduduk_list', rows);
  assert.deepEqual(parse(xml.document(success)), view(success));
  const error = mantraError(10002, 'Fungsi operasi tidak terdaftar');
  assert.deepEqual(parse(xml.document(error)), view(error));
});

test('xml v1 rows parse back to data and meta', () => {
  const e = xml.rows({ envelope: 'v1', name: 'penduduk_list' });
  const meta = { rowCount: 3, truncated: false, nextCursor: 'abc' };
  const text = e.head() + rows.map((r, i) => e.row(r, i)).join('') + e.tail(meta);
  assert.deepEqual(parse(text), { response: view({ data: { penduduk_list: rows }, meta }) });
});

test('xml.document keeps characters XML 1.0 cannot carry out of the document, as U+FFFD', () => {
  const text = 'nul\u0000 bell\u0007 esc\u001b lone\ud800 end\uffff pair😀';
  // deno-lint-ignore no-control-regex -- the test is about control characters
  assert.deepEqual(parse(xml.document({ text })), { response: { text: text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\uffff]|[\ud800-\udbff](?![\udc00-\udfff])/g, '\ufffd') } });
});

test('xml.document makes element names of keys that are not XML names', () => {
  const parsed = parse(xml.document({ '1abc': 1, 'with space': 2, '': 3, 'a:b': 4, 'ok-name.x_1': 5 })) as { response: object };
  assert.deepEqual(Object.keys(parsed.response), ['_1abc', 'with_space', '_', 'a_b', 'ok-name.x_1']);
});

test('xml.document of a scalar or a list is the root text or <item> elements', () => {
  assert.deepEqual(parse(xml.document('x & y')), { response: 'x & y' });
  assert.deepEqual(parse(xml.document([1, 'two'])), { response: { item: ['1', 'two'] } });
});
