/**
 * A backend reply as a value tree, detected the way MANTRA did: XML when it starts with "<", JSON when it starts
 * with "{" (or "["), otherwise PHP serialize; a JSON or XML Content-Type decides the rest. Anything else is not
 * a reply Mantra can pass on ('unavailable'), unless the operation reads replies as text.
 * - JSON: as parsed (native types), objects keyed "0","1",… read as lists, as PHP's json_decode does;
 * - XML: {rootName: tree} as MANTRA's XML2Array built it (see xml-tree.ts), refused with 10018 when unsafe/broken;
 * - serialize: see php-unserialize.ts;
 * - an empty body: ''.
 * Every tree is at most TREE_MAX_DEPTH levels deep, so encoders never recurse without bound.
 */
import { ProxyError, proxyCodes, unavailable } from './errors.ts';
import { looksSerialized, phpUnserialize, UnserializeError } from './php-unserialize.ts';
import { parseXml, XmlError } from './xml.ts';
import { xmlDocumentTree } from './xml-tree.ts';

export type ReplyFormat = 'auto' | 'json' | 'xml' | 'serialize' | 'text';

export const TREE_MAX_DEPTH = 64;

export function decodeReply(body: Uint8Array, contentType: string, format: ReplyFormat, status: number): unknown {
  const start = firstSignificant(body);
  if (format === 'text') return decodeText(body, charsetOf(contentType));
  if (start >= body.length) return '';
  const kind = format === 'auto' ? detect(body, start, contentType) : format;
  switch (kind) {
    case 'json':
      return parseJson(decodeText(body, charsetOf(contentType)), status);
    case 'xml':
      return parseXmlReply(body, contentType);
    case 'serialize':
      try {
        return phpUnserialize(start === 0 ? body : body.subarray(start), TREE_MAX_DEPTH);
      } catch (e) {
        if (e instanceof UnserializeError) throw unavailable(`The backend reply is not valid PHP serialize data (${e.message})`, status);
        throw e;
      }
    default:
      throw unavailable('The backend reply is neither JSON, XML nor PHP serialize data', status);
  }
}

/** Index of the first byte after a UTF-8 BOM and whitespace. */
function firstSignificant(body: Uint8Array): number {
  let i = body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf ? 3 : 0;
  while (i < body.length && (body[i] === 0x20 || body[i] === 0x0a || body[i] === 0x0d || body[i] === 0x09)) i++;
  return i;
}

function detect(body: Uint8Array, start: number, contentType: string): ReplyFormat | undefined {
  const first = body[start];
  if (first === 0x3c) return 'xml'; // <
  if (first === 0x7b || first === 0x5b) return 'json'; // { [
  if (looksSerialized(body, start)) return 'serialize';
  const type = contentType.toLowerCase();
  if (/[/+]json\b/.test(type)) return 'json';
  if (/[/+]xml\b/.test(type)) return 'xml';
  return undefined;
}

function parseJson(text: string, status: number): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw unavailable('The backend reply is not valid JSON', status);
  }
  if (textDepth(text) > TREE_MAX_DEPTH) throw unavailable(`The backend reply is nested deeper than ${TREE_MAX_DEPTH} levels`, status);
  // MANTRA writes lists as objects keyed "0","1",… (JSON_FORCE_OBJECT); PHP's json_decode reads them as lists.
  return text.includes('"0"') ? listsOf(value) : value;
}

/** Objects whose keys are exactly "0", "1", … in order become arrays, at any depth (depth is bounded above). */
function listsOf(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(listsOf);
  const keys = Object.keys(value);
  const asList = keys.length > 0 && keys.every((k, i) => k === String(i));
  const entries = keys.map((k) => listsOf((value as Record<string, unknown>)[k]));
  return asList ? entries : Object.fromEntries(keys.map((k, i) => [k, entries[i]]));
}

export function parseXmlReply(body: Uint8Array, contentType: string): unknown {
  const head = String.fromCharCode(...body.subarray(0, 200));
  const declared = /<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(head)?.[1];
  const text = decodeText(body, charsetOf(contentType) ?? declared).trimStart();
  try {
    return xmlDocumentTree(parseXml(text, TREE_MAX_DEPTH));
  } catch (e) {
    if (e instanceof XmlError) throw new ProxyError(proxyCodes.xml, 'unavailable', `XML conversion failed: ${e.message}`);
    throw e;
  }
}

/**
 * Nesting depth of valid JSON text (what the parsed value's depth is: each object or array one level), counted
 * on the text: no walk over the parsed tree. Below 2·(max+1) characters the limit cannot be passed.
 */
function textDepth(text: string): number {
  if (text.length < 2 * (TREE_MAX_DEPTH + 1)) return 0;
  let depth = 0;
  let max = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // Skip a string, with its escapes.
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c) i++;
        else if (d === 0x22) break;
      }
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) {
        max = depth;
        if (max > TREE_MAX_DEPTH) return max;
      }
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
  }
  return max;
}

const CHARSET = /;\s*charset\s*=\s*"?([A-Za-z0-9._-]+)"?/i;
/** A backend answers with the same Content-Type call after call: the last one's charset is kept. */
let lastType = '';
let lastCharset: string | undefined;

export function charsetOf(contentType: string): string | undefined {
  if (contentType !== lastType) {
    lastCharset = contentType.includes(';') ? CHARSET.exec(contentType)?.[1] : undefined;
    lastType = contentType;
  }
  return lastCharset;
}

const utf8 = new TextDecoder('utf-8');
/** Decoders by charset label (they keep no state between whole-buffer decodes); bounded by the labels seen. */
const decoders = new Map<string, TextDecoder>();

export function decodeText(body: Uint8Array, charset?: string): string {
  if (charset === undefined) return utf8.decode(body);
  const label = charset.toLowerCase();
  let decoder = decoders.get(label);
  if (!decoder) {
    try {
      decoder = new TextDecoder(label);
    } catch {
      decoder = utf8;
    }
    if (decoders.size < 64) decoders.set(label, decoder);
  }
  return decoder.decode(body);
}
