/**
 * What every answer must satisfy, whatever the input: no 5xx but the documented 502/504, nothing internal in the
 * body (stack frames, source paths, SQL, driver messages, hosts and ports of the data sources, secrets), and on
 * the compatible paths MANTRA's envelope (HTTP 200, text/plain) in the requested format; on v1 problem details
 * for errors. Text a caller (or the fuzz backend) put in is allowed back: an echo is not a leak.
 */
import { XMLValidator } from 'fast-xml-parser';
import { phpUnserialize } from '../../connectors/proxy/php-unserialize.ts';
import { parseXml } from '../../connectors/proxy/xml.ts';
import { gatewayErrors } from '../../src/gateway/errors.ts';
import type { FuzzCase } from './case.ts';

export interface Answer {
  status: number;
  headers: Headers;
  body: Uint8Array;
}

export interface Secrets {
  /** Never in any answer. */
  secrets: string[];
  /** Never in a gateway answer unless echoed. */
  places: string[];
}

const internals: [string, RegExp][] = [
  ['stack frame', /\bat (?:async )?[\w$.<>\[\]]+ \(\S+:\d+:\d+\)|\bat (?:file:\/\/)?\/\S+:\d+:\d+/],
  ['source path', /\.(?:ts|js|mjs|cjs):\d+|node_modules\/|file:\/\/\/[\w./-]+:\d+/],
  ['error class', /\b(?:TypeError|RangeError|SyntaxError|ReferenceError|URIError|PostgresError|SqliteError|AbortError|DOMException)\b/],
];
const sqlPatterns: [string, RegExp][] = [
  ['SQL', /\bselect\b[\s\S]{0,400}?\bfrom\b/i],
  ['SQL', /\b(?:insert\s+into|delete\s+from|update\s+\S+\s+set)\b/i],
  ['SQL', /::(?:int|numeric|date|boolean|timestamptz)\b|\blike :\w+|\bfrom\s+"?(?:penduduk|warga)\b/i],
  ['driver message', /syntax error|invalid input syntax|relation "|column "|violates|SQLITE_|no such (?:table|column)|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE/i],
];

const INTERNAL = gatewayErrors.internal.code;
const knownCodes = new Set<number>([200, ...Object.values(gatewayErrors).map((e) => e.code)]);
const v1Statuses = new Set([200, 400, 401, 403, 404, 406, 413, 429, 502, 504]);
const utf8 = new TextDecoder();

/** Undoes the escapes of the formats (JSON, XML, PHP), so a marker is found however it was written. */
function plainText(s: string): string {
  return s
    .replace(/\\u([0-9a-fA-F]{4})/g, (_, h) => String.fromCharCode(parseInt(h, 16)))
    .replace(/\\([\\/"'])/g, '$1')
    .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&')
    .toLowerCase();
}

/** Everything the case put in, decoded every way it might have been decoded. */
export function echoText(c: FuzzCase): string {
  const r = c.request;
  const parts = [r.target, ...r.headers.flat()];
  if (r.body !== undefined) parts.push(typeof r.body === 'string' ? r.body : utf8.decode(r.body));
  if (c.earlier) parts.push(c.earlier);
  if (c.reply) parts.push(utf8.decode(c.reply.body), new TextDecoder('latin1').decode(c.reply.body), utf8.decode(c.reply.bytes));
  const decoded = parts.flatMap((p) => [p, tryDecode(p), tryDecode(tryDecode(p)), p.replace(/\+/g, ' '), tryDecode(p.replace(/\+/g, ' '))]);
  return plainText(decoded.join('\n'));
}

function tryDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s.replace(/%([0-9a-fA-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16)));
  }
}

/** The violations of one answer; empty when it is fine. */
export function check(c: FuzzCase, a: Answer, s: Secrets): string[] {
  const problems: string[] = [];
  const text = utf8.decode(a.body);
  // SOAP's HTTP bindings answer faults with 500: allowed for a proper fault (on the soap surface checkSoap says more).
  const soapFault = a.status === 500 && /^\/soap\//.test(pathOf(c.request.target)) && faultProblem(c, text) === undefined;
  if (a.status >= 500 && a.status !== 502 && a.status !== 504 && !soapFault && !versionRefused(c, a)) problems.push(`HTTP ${a.status}`);
  const plain = plainText(text);
  for (const secret of s.secrets) if (plain.includes(secret.toLowerCase())) problems.push(`secret in the answer: ${secret}`);
  // What the case put in is decoded only when something suspicious is found: it is the costly part.
  let echo: string | undefined;
  const leak = (what: string, re: RegExp) => {
    const m = new RegExp(re.source, re.flags.includes('g') ? re.flags : re.flags + 'g');
    for (const found of plain.matchAll(m)) {
      echo ??= echoText(c);
      if (!echo.includes(found[0])) return problems.push(`${what} in the answer: ${JSON.stringify(found[0].slice(0, 120))}`);
    }
  };
  for (const [what, re] of internals) leak(what, re);
  if (c.surface !== 'admin') {
    for (const [what, re] of sqlPatterns) leak(what, re);
    for (const place of s.places) leak('host or path', new RegExp(place.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i'));
  }
  if (c.request.method === 'HEAD' || headRefused(c, a)) return problems;
  if (c.surface === 'compat') problems.push(...checkCompat(c, a, text));
  if (c.surface === 'v1') problems.push(...checkV1(c, a, text));
  if (c.surface === 'soap') problems.push(...checkSoap(c, a, text));
  if (c.surface === 'admin' && a.body.byteLength && !/json/.test(a.headers.get('content-type') ?? '')) problems.push(`admin answer is not JSON: ${a.headers.get('content-type')}`);
  return problems;
}

/**
 * Which compatible format a path asks for: every path under `/{format}/` is the grammar's (missing segments are
 * empty, later ones ignored, as in sys/api.php); anything else may be Hono's 404.
 */
export function compatFormat(target: string): string | undefined {
  const m = /^\/(json|xml|api|csv|php|serialize)\//.exec(pathOf(target));
  return m ? (m[1] === 'api' ? 'serialize' : m[1]) : undefined;
}

function checkCompat(c: FuzzCase, a: Answer, text: string): string[] {
  const format = compatFormat(c.request.target);
  if (!format) return a.status === 404 || a.status === 200 ? [] : [`HTTP ${a.status} outside the grammar`];
  if (a.status !== 200) return [`compatible path answered HTTP ${a.status}`];
  const type = a.headers.get('content-type');
  if (type !== 'text/plain;charset=UTF-8') return [`content-type ${type}`];
  const why = envelopeProblem(format, a.body, text, c.operation?.kind === 'proxy');
  return why ? [`not a MANTRA ${format} envelope: ${why}`] : [];
}

/**
 * The runtime's HTTP parser answers 505 (empty, then closes) when a request line is not `method SP target SP
 * HTTP/1.x` with a target free of spaces and control bytes (it then reads no version or another one): RFC 9110's
 * status for a version it does not support. Only for such request lines.
 */
function versionRefused(c: FuzzCase, a: Answer): boolean {
  if (a.status !== 505 || c.surface !== 'other' || !c.raw || a.body.byteLength) return false;
  const line = new TextDecoder('latin1').decode(c.raw.subarray(0, Math.min(c.raw.byteLength, 200_000))).split('\n')[0];
  return !/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+ [\x21-\x7e\x80-\xff]+ HTTP\/1\.[01]\r$/.test(line);
}

/** Request heads over this size may be refused by the runtime before Mantra sees them (Bun 431, Deno 400). */
export const LARGE_HEAD = 16 * 1024;

function headRefused(c: FuzzCase, a: Answer): boolean {
  if (![400, 413, 414, 431].includes(a.status) || a.headers.get('content-type')?.includes('json')) return false;
  const head = c.request.target.length + c.request.headers.reduce((n, [k, v]) => n + k.length + v.length + 4, 0);
  return head > LARGE_HEAD;
}

/** The path as the server routes it: dot segments ("..", "%2e") resolved, as every URL parser does. */
function pathOf(target: string): string {
  try {
    return new URL('http://mantra.test' + target).pathname;
  } catch {
    return target.split('?')[0];
  }
}

function checkV1(c: FuzzCase, a: Answer, text: string): string[] {
  const path = pathOf(c.request.target);
  if (!/^\/v1\/[^/]+\/[^/]+\/[^/]+$/.test(path)) return a.status === 404 ? [] : [`HTTP ${a.status} outside the grammar`];
  if (!v1Statuses.has(a.status)) return [`v1 answered HTTP ${a.status}`];
  const type = a.headers.get('content-type') ?? '';
  if (a.status >= 400) {
    if (!type.startsWith('application/problem+json')) return [`v1 error with content-type ${type}`];
    try {
      const p = JSON.parse(text);
      if (p.status !== a.status) return [`problem status ${p.status} for HTTP ${a.status}`];
      if (!Number.isSafeInteger(p.code)) return [`problem code ${p.code}`];
      if (c.operation?.kind !== 'proxy' && !knownCodes.has(p.code)) return [`unknown code ${p.code}`];
      if (typeof p.detail !== 'string' || !p.detail) return ['problem without detail'];
    } catch {
      return ['v1 problem is not JSON'];
    }
    return [];
  }
  if (type.startsWith('application/json')) {
    try {
      const v = JSON.parse(text);
      if (!v || typeof v !== 'object' || !('data' in v) || typeof v.meta !== 'object') return ['v1 JSON without data and meta'];
    } catch {
      return ['v1 JSON answer is not JSON'];
    }
  } else if (/xml/.test(type)) {
    const why = xmlProblem(text);
    if (why) return [`v1 XML: ${why}`];
  } else if (/ndjson/.test(type)) {
    for (const line of text.split('\n').slice(0, -1)) {
      try {
        JSON.parse(line);
      } catch {
        return [`v1 NDJSON line is not JSON: ${line.slice(0, 80)}`];
      }
    }
    if (text && !text.endsWith('\n')) return ['v1 NDJSON does not end with a newline'];
  } else if (/csv/.test(type)) {
    const why = csvProblem(text, c.operation?.kind !== 'proxy');
    if (why) return [`v1 CSV: ${why}`];
  }
  return [];
}

const SOAP_ENV: Record<string, string> = { '1.1': 'http://schemas.xmlsoap.org/soap/envelope/', '1.2': 'http://www.w3.org/2003/05/soap-envelope' };
const SOAP_TYPE: Record<string, string> = { '1.1': 'text/xml; charset=utf-8', '1.2': 'application/soap+xml; charset=utf-8' };
const soapStatuses = new Set([200, 400, 404, 405, 413, 415, 500]);

/**
 * SOAP: a WSDL, an answer (`{operation}Response` in the Body) or a fault with MANTRA's code in its detail, in
 * the version the request's Content-Type named (1.1 when it named none), well-formed and readable by Mantra.
 */
function checkSoap(c: FuzzCase, a: Answer, text: string): string[] {
  if (!/^\/soap\/[^/]+\/[^/]+$/.test(pathOf(c.request.target))) return a.status === 404 ? [] : [`HTTP ${a.status} outside the grammar`];
  if (!soapStatuses.has(a.status)) return [`SOAP answered HTTP ${a.status}`];
  const why = xmlProblem(text);
  if (why) return [`SOAP answer: ${why}`];
  let root;
  try {
    root = parseXml(text, 10_000);
  } catch (e) {
    return [`Mantra's own XML reader refuses the SOAP answer: ${(e as Error).message}`];
  }
  if (/[?&]wsdl(=|&|$)/i.test(c.request.target) && c.request.method === 'GET' && a.status === 200) {
    return root.local === 'definitions' ? [] : [`WSDL root is ${root.name}`];
  }
  const type = /application\/soap\+xml/i.test(c.request.headers.find(([k]) => k.toLowerCase() === 'content-type')?.[1] ?? '') ? '1.2' : '1.1';
  const version = Object.keys(SOAP_ENV).find((v) => SOAP_ENV[v] === root.ns);
  if (root.local !== 'Envelope' || !version) return [`SOAP answer root is {${root.ns}}${root.local}`];
  if (a.headers.get('content-type') !== SOAP_TYPE[version]) return [`SOAP ${version} answer with content-type ${a.headers.get('content-type')}`];
  const validType = /^(text\/xml|application\/soap\+xml)\s*(;|$)/i.test(c.request.headers.find(([k]) => k.toLowerCase() === 'content-type')?.[1] ?? '');
  if (validType && version !== type) return [`SOAP ${version} answer to a SOAP ${type} request`];
  const body = root.children.find((n) => 'local' in n && n.local === 'Body');
  if (!body || !('children' in body)) return ['SOAP answer without Body'];
  const fault = /<soap:Fault>/.test(text);
  if (a.status === 200) return fault ? ['SOAP fault with HTTP 200'] : /Response xmlns:m="urn:mantra:/.test(text) ? [] : ['SOAP answer without a Response element'];
  const faulty = faultProblem(c, text);
  return faulty ? [faulty] : [];
}

/** Why a text is not a SOAP fault carrying a MANTRA code other than the internal error's. */
function faultProblem(c: FuzzCase, text: string): string | undefined {
  if (!/<soap:Fault>/.test(text) || xmlProblem(text)) return 'not a well-formed SOAP fault';
  const code = Number(/<code>(-?\d+)<\/code>/.exec(text)?.[1]);
  if (!Number.isSafeInteger(code)) return 'SOAP fault without MANTRA code in its detail';
  if (c.operation?.kind !== 'proxy' && !knownCodes.has(code)) return `SOAP fault with unknown code ${code}`;
  if (code === INTERNAL) return 'SOAP fault with code 10030: an internal error';
  return undefined;
}

/** Why a body is not MANTRA's envelope in that format (PHP's own judges run later, see php-judge.ts). */
export function envelopeProblem(format: string, bytes: Uint8Array, text: string, proxy: boolean): string | undefined {
  const codeOk = (code: number) => Number.isSafeInteger(code) && (proxy || knownCodes.has(code));
  // The message is checked where the format was parsed (json, serialize); elsewhere only status and code.
  const fields = (status: unknown, code: unknown, message?: unknown): string | undefined => {
    if (status !== 0 && status !== 1) return `status ${JSON.stringify(status)}`;
    if (typeof code !== 'number' || !codeOk(code)) return `code ${JSON.stringify(code)}`;
    if (code === INTERNAL && !proxy) return 'code 10030: an internal error';
    if (status === 1 && code !== 200) return `status 1 with code ${code}`;
    if (message === undefined) return undefined;
    if (typeof message !== 'string') return 'message is not a string';
    if (status === 1 && message !== 'OK') return `status 1 with message ${JSON.stringify(message)}`;
    return undefined;
  };
  switch (format) {
    case 'json': {
      let v: { response?: Record<string, unknown> } | null;
      try {
        v = JSON.parse(text);
      } catch {
        return 'not JSON';
      }
      if (!v || typeof v !== 'object' || Object.keys(v).join() !== 'response' || !v.response) return 'root is not {response}';
      const r = v.response;
      if (Object.keys(r).join() !== 'status,code,message,data') return `members ${Object.keys(r)}`;
      if (r.status === 0 && r.data !== '') return 'error with data';
      return fields(r.status, r.code, r.message);
    }
    case 'serialize': {
      let v: { response?: Record<string, unknown> } | null;
      try {
        v = phpUnserialize(bytes, 1000) as typeof v;
      } catch (e) {
        return `not PHP serialize data: ${(e as Error).message}`;
      }
      if (!v?.response || typeof v !== 'object' || Object.keys(v).join() !== 'response') return 'root is not [response]';
      const r = v.response;
      return fields(r.status, r.code, r.message);
    }
    case 'xml': {
      const why = xmlProblem(text);
      if (why) return why;
      // What a Mantra in front of this one does with the answer (federation); its depth limit aside.
      try {
        parseXml(text, 10_000);
      } catch (e) {
        return `Mantra's own XML reader refuses it: ${(e as Error).message}`;
      }
      const m = /^<\?xml version="1\.0" encoding="utf-8"\?>\n<response>\n {2}<status>([^<]*)<\/status>\n {2}<code>([^<]*)<\/code>\n {2}<message>/.exec(text);
      if (!m) return 'not <response><status><code><message>…';
      return fields(Number(m[1]), Number(m[2]));
    }
    case 'php': {
      const m = /^array \(\n {2}'response' => \n {2}array \(\n {4}'status' => (\d+),\n {4}'code' => (-?\d+),\n {4}'message' => /.exec(text);
      if (!m) return 'not array ( \'response\' => array ( \'status\' …';
      return fields(Number(m[1]), Number(m[2]));
    }
    case 'csv': {
      const why = csvProblem(text, !proxy);
      if (why) return why;
      if (text.startsWith('status,code,message,data\r\n')) {
        const [status, code] = text.split('\r\n')[1].split(',');
        return fields(Number(status), Number(code));
      }
      return undefined;
    }
  }
  return `unknown format ${format}`;
}

// deno-lint-ignore no-control-regex -- characters XML 1.0 cannot carry
const NOT_XML_CHAR = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function xmlProblem(text: string): string | undefined {
  const bad = NOT_XML_CHAR.exec(text);
  if (bad) return `character U+${bad[0].charCodeAt(0).toString(16).padStart(4, '0')} is not allowed in XML`;
  const valid = XMLValidator.validate(text);
  return valid === true ? undefined : `not well-formed: ${valid.err.msg} (line ${valid.err.line})`;
}

/**
 * RFC 4180 as the csv format writes it: every record ends in CRLF, quotes balanced and doubled; rows of a
 * database table all have the header's width (a proxy reply's items that are not objects are rows of one cell).
 */
function csvProblem(text: string, sameWidth: boolean): string | undefined {
  if (text === '') return undefined;
  if (!text.endsWith('\r\n')) return 'does not end with CRLF';
  let width = -1;
  let i = 0;
  while (i < text.length) {
    let cells = 0;
    for (;;) {
      if (text[i] === '"') {
        i++;
        for (;;) {
          const q = text.indexOf('"', i);
          if (q === -1) return 'unbalanced quote';
          if (text[q + 1] === '"') i = q + 2;
          else {
            i = q + 1;
            break;
          }
        }
      } else {
        while (i < text.length && text[i] !== ',' && text[i] !== '\r' && text[i] !== '\n') {
          if (text[i] === '"') return 'quote inside an unquoted field';
          i++;
        }
      }
      cells++;
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === '\r' && text[i + 1] === '\n') {
        i += 2;
        break;
      }
      return `bad character after a field at ${i}`;
    }
    if (width === -1) width = cells;
    else if (sameWidth && cells !== width) return `record of ${cells} fields after ${width}`;
  }
  return undefined;
}
