/**
 * A backend reply as a value tree, detected the way MANTRA did: XML when it starts with "<", JSON when it starts
 * with "{" (or "["), otherwise PHP serialize; a JSON or XML Content-Type decides the rest. Anything else is not
 * a reply Mantra can pass on ('unavailable'), unless the operation reads replies as text.
 * - JSON: as parsed (native types);
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
  if (depthOf(value) > TREE_MAX_DEPTH) throw unavailable(`The backend reply is nested deeper than ${TREE_MAX_DEPTH} levels`, status);
  return value;
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

/** Depth of a JSON value, walked without recursion. */
function depthOf(root: unknown): number {
  let max = 0;
  const stack: [unknown, number][] = [[root, 0]];
  while (stack.length) {
    const [value, depth] = stack.pop()!;
    if (value === null || typeof value !== 'object') continue;
    if (depth + 1 > max) {
      max = depth + 1;
      if (max > TREE_MAX_DEPTH) return max;
    }
    for (const v of Object.values(value)) if (v !== null && typeof v === 'object') stack.push([v, depth + 1]);
  }
  return max;
}

export function charsetOf(contentType: string): string | undefined {
  return /;\s*charset\s*=\s*"?([A-Za-z0-9._-]+)"?/i.exec(contentType)?.[1];
}

export function decodeText(body: Uint8Array, charset?: string): string {
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(charset ?? 'utf-8');
  } catch {
    decoder = new TextDecoder('utf-8');
  }
  return decoder.decode(body);
}
