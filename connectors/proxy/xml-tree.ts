/**
 * XML as a value tree, the way MANTRA's XML2Array (PHP DOM) builds it, so proxied XML keeps the shape the original
 * gave it:
 * - the document is `{rootName: value}`; names are kept as written (with prefixes);
 * - an element with only text is its trimmed text (a string; numbers stay strings); an empty element is '';
 * - child elements become keys; a name that repeats becomes a list, a single one stays a value;
 * - attributes go to '@attributes' (namespace declarations left out); a text-only element with attributes becomes
 *   {'@value': text, '@attributes': {...}};
 * - text beside child elements (mixed content) goes to '@value';
 * - CDATA is text (XML2Array wrote {'@cdata': ...}; every other XML reader treats it as text).
 * SOAP mode (replies of SOAP backends, as nusoap read them): names without prefixes, attributes ignored,
 * xsi:nil="true" is null.
 */
import { isElement, setKey, type XmlElement } from './xml.ts';

const XSI = 'http://www.w3.org/2001/XMLSchema-instance';

export interface TreeOptions {
  soap?: boolean;
}

export function xmlDocumentTree(root: XmlElement, opts: TreeOptions = {}): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  setKey(out, opts.soap ? root.local : root.name, elementValue(root, opts));
  return out;
}

export function elementValue(el: XmlElement, opts: TreeOptions = {}): unknown {
  const groups = new Map<string, unknown[]>();
  let text = '';
  for (const c of el.children) {
    if (!isElement(c)) {
      text += c.text;
      continue;
    }
    const key = opts.soap ? c.local : c.name;
    const list = groups.get(key);
    const value = elementValue(c, opts);
    if (list) list.push(value);
    else groups.set(key, [value]);
  }
  text = text.trim();
  if (opts.soap && groups.size === 0 && text === '' && isNil(el)) return null;

  let out: unknown = text;
  if (groups.size > 0) {
    const obj: Record<string, unknown> = {};
    for (const [key, list] of groups) setKey(obj, key, list.length === 1 ? list[0] : list);
    if (text !== '') setKey(obj, '@value', text);
    out = obj;
  }
  if (opts.soap) return out;

  const names = Object.keys(el.attrs);
  if (names.length === 0) return out;
  const attrs: Record<string, string> = {};
  for (const name of names) setKey(attrs, name, el.attrs[name]);
  const obj = (typeof out === 'string' ? { '@value': out } : out) as Record<string, unknown>;
  setKey(obj, '@attributes', attrs);
  return obj;
}

function isNil(el: XmlElement): boolean {
  for (const name of Object.keys(el.attrs)) {
    const colon = name.indexOf(':');
    if (colon > 0 && name.slice(colon + 1) === 'nil' && el.scope[name.slice(0, colon)] === XSI) {
      return el.attrs[name] === 'true' || el.attrs[name] === '1';
    }
  }
  return false;
}
