/**
 * Safe XML reading for backend replies, SOAP envelopes and WSDL documents: a document type declaration is refused
 * (so no entity is ever defined, let alone expanded), only the five predefined entities and character references
 * are decoded, nesting is bounded. The result is a small namespace-aware element tree.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export interface XmlElement {
  /** The name as written, with its prefix. */
  name: string;
  local: string;
  /** Namespace URI, '' when none. */
  ns: string;
  /** Attributes as written (prefixed names); namespace declarations left out. */
  attrs: Record<string, string>;
  children: XmlNode[];
  /** Prefixes in scope ('' = default namespace), to resolve QName values such as `tns:getPerson`. */
  scope: Record<string, string>;
}

export interface XmlText {
  text: string;
  cdata?: true;
}

export type XmlNode = XmlElement | XmlText;

export class XmlError extends Error {
  override readonly name = 'XmlError';
}

export const XML_MAX_DEPTH = 64;

const XML_NS = 'http://www.w3.org/XML/1998/namespace';

const predefined: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** The predefined entities and character references; anything else is left as written. */
export function decodeXmlText(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[A-Za-z]+);/g, (whole, ref: string) => {
    if (ref[0] !== '#') return predefined[ref] ?? whole;
    const cp = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
    return cp > 0 && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff) ? String.fromCodePoint(cp) : whole;
  });
}

const keepText = (_name: string, value: string) => decodeXmlText(value);

// "__proto__", "constructor" and "prototype" are names like any other in XML, but the parser refuses them: they
// pass it marked with a "#" (no XML name holds one) and are unmarked in toNode.
const reserved = new Set(['__proto__', 'constructor', 'prototype']);
const mark = (name: string) => (reserved.has(name) ? '#' + name : name);
const unmark = (name: string) => (name[0] === '#' && reserved.has(name.slice(1)) ? name.slice(1) : name);

function parserFor(maxDepth: number): XMLParser {
  return new XMLParser({
    preserveOrder: true,
    ignoreAttributes: false,
    attributeNamePrefix: '',
    processEntities: false,
    htmlEntities: false,
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: true,
    cdataPropName: '#cdata',
    ignoreDeclaration: true,
    ignorePiTags: true,
    maxNestedTags: maxDepth,
    tagValueProcessor: keepText,
    attributeValueProcessor: keepText,
    // Names such as "toString" stay as written; this tree is read through Object.keys only.
    onDangerousProperty: (name: string) => name,
    transformTagName: mark,
    transformAttributeName: mark,
  });
}

const parsers = new Map<number, XMLParser>();

export function parseXml(text: string, maxDepth = XML_MAX_DEPTH): XmlElement {
  if (/<!DOCTYPE/i.test(text) || /<!ENTITY/i.test(text)) throw new XmlError('XML with a document type declaration is refused');
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new XmlError(`XML is not well-formed (line ${valid.err.line})`);
  let parser = parsers.get(maxDepth);
  if (!parser) parsers.set(maxDepth, (parser = parserFor(maxDepth)));
  let nodes: unknown[];
  try {
    nodes = parser.parse(text) as unknown[];
  } catch (e) {
    const what = e instanceof Error && /nested/i.test(e.message) ? `nested deeper than ${maxDepth} levels` : 'unreadable';
    throw new XmlError(`XML is ${what}`);
  }
  const rootScope = Object.create(null) as Record<string, string>;
  rootScope.xml = XML_NS;
  const root = nodes.map((n) => toNode(n as Raw, rootScope, 0, maxDepth)).find(isElement);
  if (!root) throw new XmlError('XML has no root element');
  return root;
}

type Raw = Record<string, unknown>;

function toNode(raw: Raw, parentScope: Record<string, string>, depth: number, maxDepth: number): XmlNode | undefined {
  if (depth > maxDepth) throw new XmlError(`XML is nested deeper than ${maxDepth} levels`);
  if ('#text' in raw) return { text: String(raw['#text']) };
  if ('#cdata' in raw) {
    const inner = (raw['#cdata'] as Raw[])[0];
    return { text: inner ? String(inner['#text'] ?? '') : '', cdata: true };
  }
  const key = Object.keys(raw).find((k) => k !== ':@');
  if (key === undefined) return undefined;
  const name = unmark(key);
  const rawAttrs = (raw[':@'] ?? {}) as Record<string, unknown>;
  let scope = parentScope;
  const attrs: Record<string, string> = {};
  for (const attr of Object.keys(rawAttrs)) {
    const value = String(rawAttrs[attr]);
    if (attr === 'xmlns' || attr.startsWith('xmlns:')) {
      if (scope === parentScope) scope = Object.create(parentScope) as Record<string, string>;
      scope[attr === 'xmlns' ? '' : attr.slice(6)] = value;
    } else {
      setKey(attrs, unmark(attr), value);
    }
  }
  const colon = name.indexOf(':');
  const prefix = colon < 0 ? '' : name.slice(0, colon);
  const element: XmlElement = {
    name,
    local: colon < 0 ? name : name.slice(colon + 1),
    ns: scope[prefix] ?? '',
    attrs,
    children: [],
    scope,
  };
  for (const child of (raw[key] ?? []) as Raw[]) {
    const node = toNode(child, scope, depth + 1, maxDepth);
    if (node) element.children.push(node);
  }
  return element;
}

export function isElement(node: XmlNode | undefined): node is XmlElement {
  return node !== undefined && 'local' in node;
}

export function childElements(el: XmlElement): XmlElement[] {
  return el.children.filter(isElement);
}

/** First child element with this local name (and namespace, when given). */
export function child(el: XmlElement, local: string, ns?: string): XmlElement | undefined {
  return el.children.find((c): c is XmlElement => isElement(c) && c.local === local && (ns === undefined || c.ns === ns));
}

export function children(el: XmlElement, local: string, ns?: string): XmlElement[] {
  return el.children.filter((c): c is XmlElement => isElement(c) && c.local === local && (ns === undefined || c.ns === ns));
}

/** The element's own text (text and CDATA children joined). */
export function textOf(el: XmlElement): string {
  let out = '';
  for (const c of el.children) if (!isElement(c)) out += c.text;
  return out;
}

/** Resolves a QName value (`tns:getPerson`) against the element's scope. */
export function resolveQName(el: XmlElement, qname: string): { ns: string; local: string } {
  const colon = qname.indexOf(':');
  const prefix = colon < 0 ? '' : qname.slice(0, colon);
  return { ns: el.scope[prefix] ?? '', local: colon < 0 ? qname : qname.slice(colon + 1) };
}

/** Own-property assignment that also works for "__proto__". */
export function setKey(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}
