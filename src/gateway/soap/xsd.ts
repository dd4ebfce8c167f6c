/**
 * The XML Schema of a service's WSDL, as a fast-xml-parser builder tree: per operation the request element (its
 * typed parameters, with the facets gateway/params.ts checks), the response element (rows of the output columns
 * as far as the configuration knows them, else the generic Row), and the fault detail every operation shares.
 */
import { xmlName } from '../../formats/xml-text.ts';
import type { Operation } from '../../model/operation.ts';
import type { Parameter } from '../../model/parameter.ts';
import { FAULT_ELEMENT } from './names.ts';

/** gateway/params.ts takes integers of up to 15 digits. */
const MAX_INTEGER = 999_999_999_999_999;

const baseType: Record<Parameter['type'], string> = {
  string: 'xs:string',
  integer: 'xs:long',
  number: 'xs:double',
  boolean: 'xs:boolean',
  date: 'xs:date',
  datetime: 'xs:dateTime',
};

/**
 * A JS pattern as an XML Schema pattern with the same meaning, or undefined when it uses what the two dialects
 * read differently or XML Schema lacks (anchors, lookaround, non-capturing groups, lazy quantifiers, \w, \b,
 * back references, class subtraction). Both match the whole value: params.ts anchors it, XML Schema always does.
 */
export function xsdPattern(js: string): string | undefined {
  let out = '';
  let inClass = false;
  for (let i = 0; i < js.length; i++) {
    const c = js[i];
    if (c === '\\') {
      const n = js[i + 1];
      if (n === undefined || !/[dDsS.\\\-/[\](){}|?*+^$]/.test(n)) return undefined;
      // XML Schema has no "\/" or "\$"; both characters are plain there.
      out += n === '/' || n === '$' ? n : c + n;
      i++;
      continue;
    }
    if (inClass) {
      if (c === '[' || (c === '-' && js[i + 1] === '[')) return undefined;
      if (c === ']') inClass = false;
      out += c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      if (js[i + 1] === '^') out += js[++i];
      continue;
    }
    if (c === '^' || c === '$' || (c === '(' && js[i + 1] === '?')) return undefined;
    if (c === '{') {
      const m = /^\{\d+(,\d*)?\}/.exec(js.slice(i));
      if (!m) return undefined;
      out += m[0];
      i += m[0].length - 1;
      if (js[i + 1] === '?') return undefined;
      continue;
    }
    if ((c === '*' || c === '+' || c === '?') && js[i + 1] === '?') return undefined;
    out += c;
  }
  return inClass ? undefined : out;
}

type Node = Record<string, unknown>;

const documented = (text: string): Node => (text ? { 'xs:annotation': { 'xs:documentation': text } } : {});

/** What a person reads about a parameter: its description, and the rules the schema cannot say. */
function parameterText(p: Parameter, pattern: string | undefined): string {
  const notes = [p.description];
  if (p.pattern && pattern === undefined) notes.push(`Pola (regex JavaScript) / pattern: ${p.pattern}`);
  if (p.default !== undefined) notes.push(`Bawaan / default: ${String(p.default)}`);
  return notes.filter(Boolean).join('\n');
}

function restriction(p: Parameter, pattern: string | undefined): Node {
  const facets: Node = {};
  const value = (v: number) => ({ '@_value': String(v) });
  if (p.type === 'string') {
    if (p.minLength !== undefined) facets['xs:minLength'] = value(p.minLength);
    facets['xs:maxLength'] = value(p.maxLength);
  }
  if (p.type === 'integer') {
    facets['xs:minInclusive'] = value(Math.max(Math.ceil(p.min ?? -MAX_INTEGER), -MAX_INTEGER));
    facets['xs:maxInclusive'] = value(Math.min(Math.floor(p.max ?? MAX_INTEGER), MAX_INTEGER));
  }
  if (p.type === 'number') {
    if (p.min !== undefined) facets['xs:minInclusive'] = value(p.min);
    if (p.max !== undefined) facets['xs:maxInclusive'] = value(p.max);
  }
  if (pattern !== undefined) facets['xs:pattern'] = { '@_value': pattern };
  return { 'xs:restriction': { '@_base': baseType[p.type], ...facets } };
}

function parameterElement(p: Parameter): Node {
  const pattern = p.pattern === undefined ? undefined : xsdPattern(p.pattern);
  const required = p.required && p.default === undefined;
  return {
    '@_name': xmlName(p.name),
    '@_minOccurs': required ? '1' : '0',
    ...documented(parameterText(p, pattern)),
    'xs:simpleType': restriction(p, pattern),
  };
}

/**
 * The output columns the configuration names: the shape's fields, a table form's select columns, `affected_rows`
 * for a table form that writes. Undefined when only running the operation would tell (SQL form, all columns,
 * proxy and composite replies, a JSONata expression).
 */
export function outputColumns(op: Operation): string[] | undefined {
  if (op.shape?.jsonata) return undefined;
  if (op.shape?.fields?.length) return op.shape.fields.map((f) => f.as ?? f.from);
  if (op.kind !== 'data' || op.data?.form !== 'table') return undefined;
  if (op.data.action !== 'select') return ['affected_rows'];
  return op.data.columns.length ? op.data.columns : undefined;
}

/** Columns are text: their database types are not in the configuration. Each may be hidden or null for a caller. */
function rowType(op: Operation, columns: string[]): Node {
  const names = [...new Set(columns.map(xmlName))];
  return {
    '@_name': `${op.slug}Row`,
    'xs:sequence': names.length
      ? { 'xs:element': names.map((name) => ({ '@_name': name, '@_type': 'xs:string', '@_minOccurs': '0', '@_nillable': 'true' })) }
      : '',
  };
}

const genericRow: Node = {
  '@_name': 'Row',
  ...documented(
    'Baris generik: satu elemen per kolom, dinamai sesuai kolom, berisi teks (null: xsi:nil); nilai bersarang ' +
      'menjadi elemen bersarang seperti XML MANTRA. Dipakai bila kolom keluaran belum diketahui dari konfigurasi. / ' +
      'Generic row: one element per column, named after it, holding its text (null: xsi:nil); nested values nest ' +
      "as in MANTRA's XML. Used where the configuration does not name the output columns.",
  ),
  'xs:sequence': { 'xs:any': { '@_namespace': '##local', '@_processContents': 'skip', '@_minOccurs': '0', '@_maxOccurs': 'unbounded' } },
};

const faultElement: Node = {
  '@_name': FAULT_ELEMENT,
  ...documented('Kode MANTRA, pesan, dan id permintaan dari setiap fault. / MANTRA\'s code, the message and the request id of every fault.'),
  'xs:complexType': {
    'xs:sequence': {
      'xs:element': [
        { '@_name': 'code', '@_type': 'xs:int' },
        { '@_name': 'message', '@_type': 'xs:string' },
        { '@_name': 'requestId', '@_type': 'xs:string' },
      ],
    },
  },
};

/** The `xs:schema` node of a service's WSDL. */
export function serviceSchema(tns: string, ops: Operation[]): Node {
  const elements: Node[] = [];
  const types: Node[] = [genericRow];
  for (const op of ops) {
    const columns = outputColumns(op);
    if (columns) types.push(rowType(op, columns));
    elements.push(
      {
        '@_name': op.slug,
        ...documented(op.description),
        'xs:complexType': { 'xs:sequence': op.params.length ? { 'xs:element': op.params.map(parameterElement) } : '' },
      },
      {
        '@_name': `${op.slug}Response`,
        'xs:complexType': {
          'xs:sequence': {
            'xs:element': { '@_name': 'row', '@_type': columns ? `tns:${op.slug}Row` : 'tns:Row', '@_minOccurs': '0', '@_maxOccurs': 'unbounded' },
          },
        },
      },
    );
  }
  elements.push(faultElement);
  return {
    '@_targetNamespace': tns,
    // Local elements (parameters, rows, columns) are unqualified, as JAX-WS writes them: the names of a generic
    // row's columns then never meet a global element of the same name (PHP's SoapClient would decode them as it).
    '@_elementFormDefault': 'unqualified',
    'xs:element': elements,
    'xs:complexType': types,
  };
}
