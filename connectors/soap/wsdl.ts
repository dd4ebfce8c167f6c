/**
 * WSDL 1.1 reading: SOAP 1.1 and 1.2 bindings, document/literal and rpc/literal. The result is the little a call
 * needs per operation. WSDL imports are refused with a clear error; schema imports/includes are skipped (the
 * input's children then stay unknown, and calls send the mapped values as they are).
 */
import { createTransport } from '../proxy/transport.ts';
import { decodeText } from '../proxy/decode.ts';
import { isProxyError } from '../proxy/errors.ts';
import { child, childElements, children, parseXml, resolveQName, XmlError, type XmlElement } from '../proxy/xml.ts';
import type { SoapName, SoapOperation, WsdlDescription } from './types.ts';

export type { SoapName, SoapOperation, WsdlDescription } from './types.ts';

export const NS = {
  wsdl: 'http://schemas.xmlsoap.org/wsdl/',
  soap11: 'http://schemas.xmlsoap.org/wsdl/soap/',
  soap12: 'http://schemas.xmlsoap.org/wsdl/soap12/',
  xsd: 'http://www.w3.org/2001/XMLSchema',
} as const;

export class WsdlError extends Error {
  override readonly name = 'WsdlError';
}

const WSDL_MAX_BYTES = 8 * 1024 * 1024;
const WSDL_TIMEOUT_MS = 10_000;

/**
 * A WSDL from its text (starting with "<") or its http(s) URL. Callers that need credentials, TLS or the
 * host allowlist pass `read` (prepareProxy does).
 */
export async function loadWsdl(source: string, opts: { read?: (url: string) => Promise<string> } = {}): Promise<WsdlDescription> {
  const trimmed = source.trimStart();
  if (trimmed.startsWith('<')) return parseWsdl(trimmed);
  const read = opts.read ?? readWsdl;
  return parseWsdl(await read(source));
}

async function readWsdl(url: string): Promise<string> {
  if (!/^https?:\/\//i.test(url)) throw new WsdlError('The WSDL location must be an http(s) URL');
  const transport = createTransport({});
  try {
    const res = await transport.send(
      { method: 'GET', url, headers: { Accept: 'text/xml, application/xml, application/wsdl+xml' }, idempotent: true },
      { deadline: Date.now() + WSDL_TIMEOUT_MS, headersTimeoutMs: WSDL_TIMEOUT_MS, maxBytes: WSDL_MAX_BYTES },
    );
    if (res.status !== 200) throw new WsdlError(`The WSDL could not be read (HTTP ${res.status})`);
    return decodeText(res.body);
  } catch (e) {
    if (isProxyError(e)) throw new WsdlError(`The WSDL could not be read: ${e.message}`);
    throw e;
  } finally {
    transport.close();
  }
}

export function parseWsdl(text: string): WsdlDescription {
  let defs: XmlElement;
  try {
    defs = parseXml(text.trimStart());
  } catch (e) {
    if (e instanceof XmlError) throw new WsdlError(`The WSDL is not readable XML: ${e.message}`);
    throw e;
  }
  if (defs.local === 'description') throw new WsdlError('WSDL 2.0 is not supported; give a WSDL 1.1 document');
  if (defs.local !== 'definitions' || defs.ns !== NS.wsdl) throw new WsdlError('This is not a WSDL 1.1 document');
  if (children(defs, 'import', NS.wsdl).length > 0) {
    throw new WsdlError('WSDL imports are not supported; give a WSDL with all its parts inline');
  }
  const tns = attr(defs, 'targetNamespace') ?? '';
  const schemas = new Schemas();
  for (const types of children(defs, 'types', NS.wsdl)) {
    for (const schema of children(types, 'schema', NS.xsd)) schemas.add(schema);
  }

  const messages = new Map<string, Part[]>();
  for (const m of children(defs, 'message', NS.wsdl)) {
    messages.set(key(tns, attr(m, 'name')), children(m, 'part', NS.wsdl).map((p) => ({
      name: attr(p, 'name') ?? '',
      element: qname(p, 'element'),
      type: qname(p, 'type'),
    })));
  }

  const portTypes = new Map<string, Map<string, { input?: string; output?: string }>>();
  for (const pt of children(defs, 'portType', NS.wsdl)) {
    const ops = new Map<string, { input?: string; output?: string }>();
    for (const op of children(pt, 'operation', NS.wsdl)) {
      const msg = (io: string) => {
        const el = child(op, io, NS.wsdl);
        const q = el && qname(el, 'message');
        return q && key(q.ns, q.local);
      };
      ops.set(attr(op, 'name') ?? '', { input: msg('input'), output: msg('output') });
    }
    portTypes.set(key(tns, attr(pt, 'name')), ops);
  }

  const addresses = new Map<string, string>();
  for (const service of children(defs, 'service', NS.wsdl)) {
    for (const port of children(service, 'port', NS.wsdl)) {
      const b = qname(port, 'binding');
      const address = child(port, 'address', NS.soap11) ?? child(port, 'address', NS.soap12);
      const location = address && attr(address, 'location');
      if (b && location && !addresses.has(key(b.ns, b.local))) addresses.set(key(b.ns, b.local), location);
    }
  }

  const operations: SoapOperation[] = [];
  for (const binding of children(defs, 'binding', NS.wsdl)) {
    const soapNs = child(binding, 'binding', NS.soap11) ? NS.soap11 : child(binding, 'binding', NS.soap12) ? NS.soap12 : undefined;
    if (!soapNs) continue; // an HTTP or other binding
    const soapBinding = child(binding, 'binding', soapNs)!;
    const version = soapNs === NS.soap11 ? '1.1' : '1.2';
    const defaultStyle = attr(soapBinding, 'style') === 'rpc' ? 'rpc' : 'document';
    const type = qname(binding, 'type');
    const ops = type && portTypes.get(key(type.ns, type.local));
    const address = addresses.get(key(tns, attr(binding, 'name')));
    for (const op of children(binding, 'operation', NS.wsdl)) {
      const name = attr(op, 'name') ?? '';
      const soapOp = child(op, 'operation', soapNs);
      const style = soapOp && attr(soapOp, 'style') ? (attr(soapOp, 'style') === 'rpc' ? 'rpc' : 'document') : defaultStyle;
      const inputBody = bodyOf(op, 'input', soapNs);
      const outputBody = bodyOf(op, 'output', soapNs);
      const abstract = ops?.get(name);
      const inParts = selectParts(messages.get(abstract?.input ?? '') ?? [], inputBody);
      const outParts = selectParts(messages.get(abstract?.output ?? '') ?? [], outputBody);
      const operation: SoapOperation = {
        name,
        version,
        style,
        soapAction: (soapOp && attr(soapOp, 'soapAction')) ?? '',
        ...(address ? { address } : {}),
        input: { name, ns: '' },
        inputChildren: [],
        inputChildrenKnown: false,
      };
      if (style === 'rpc') {
        const ns = (inputBody && attr(inputBody, 'namespace')) ?? tns;
        operation.input = { name, ns };
        operation.inputChildren = inParts.map((p) => ({ name: p.name, ns: '' }));
        operation.inputChildrenKnown = abstract?.input !== undefined;
        operation.output = { name: `${name}Response`, ns: (outputBody && attr(outputBody, 'namespace')) ?? ns };
      } else {
        const part = inParts.find((p) => p.element) ?? inParts[0];
        if (part?.element) {
          operation.input = { name: part.element.local, ns: part.element.ns };
          const found = schemas.elementChildren(part.element);
          operation.inputChildren = found.children;
          operation.inputChildrenKnown = found.known;
        } else if (part?.type) {
          operation.input = { name: part.name, ns: '' };
          const found = schemas.typeChildren(part.type, 0);
          operation.inputChildren = found.children;
          operation.inputChildrenKnown = found.known;
        }
        const out = outParts.find((p) => p.element);
        if (out?.element) operation.output = { name: out.element.local, ns: out.element.ns };
      }
      operations.push(operation);
    }
  }
  if (operations.length === 0) throw new WsdlError('The WSDL has no SOAP 1.1 or 1.2 binding');
  return { targetNamespace: tns, operations };
}

interface Part {
  name: string;
  element?: { ns: string; local: string };
  type?: { ns: string; local: string };
}

function bodyOf(op: XmlElement, io: 'input' | 'output', soapNs: string): XmlElement | undefined {
  const el = child(op, io, NS.wsdl);
  return el && child(el, 'body', soapNs);
}

/** soap:body may name the parts it carries. */
function selectParts(parts: Part[], body: XmlElement | undefined): Part[] {
  const names = body && attr(body, 'parts');
  if (!names) return parts;
  const wanted = new Set(names.split(/\s+/));
  return parts.filter((p) => wanted.has(p.name));
}

function qname(el: XmlElement, name: string): { ns: string; local: string } | undefined {
  const value = attr(el, name);
  return value ? resolveQName(el, value) : undefined;
}

function attr(el: XmlElement, name: string): string | undefined {
  return Object.hasOwn(el.attrs, name) ? el.attrs[name] : undefined;
}

function key(ns: string, local: string | undefined): string {
  return `${ns}|${local ?? ''}`;
}

interface Found {
  children: SoapName[];
  known: boolean;
}

const MAX_TYPE_DEPTH = 8;

/** Global elements and complex types of the inline schemas, and the child elements of an input. */
class Schemas {
  private readonly elements = new Map<string, { el: XmlElement; tns: string; qualified: boolean }>();
  private readonly types = new Map<string, { el: XmlElement; tns: string; qualified: boolean }>();

  add(schema: XmlElement): void {
    const tns = attr(schema, 'targetNamespace') ?? '';
    const qualified = attr(schema, 'elementFormDefault') === 'qualified';
    for (const el of childElements(schema)) {
      if (el.ns !== NS.xsd) continue;
      const name = attr(el, 'name');
      if (el.local === 'element' && name) this.elements.set(key(tns, name), { el, tns, qualified });
      if (el.local === 'complexType' && name) this.types.set(key(tns, name), { el, tns, qualified });
    }
  }

  elementChildren(ref: { ns: string; local: string }): Found {
    const decl = this.elements.get(key(ref.ns, ref.local));
    if (!decl) return { children: [], known: false };
    return this.declChildren(decl.el, decl.tns, decl.qualified, 0);
  }

  typeChildren(ref: { ns: string; local: string }, depth: number): Found {
    if (ref.ns === NS.xsd) return { children: [], known: true }; // a simple built-in type
    const decl = this.types.get(key(ref.ns, ref.local));
    if (!decl || depth > MAX_TYPE_DEPTH) return { children: [], known: false };
    return this.complexChildren(decl.el, decl.tns, decl.qualified, depth + 1);
  }

  private declChildren(el: XmlElement, tns: string, qualified: boolean, depth: number): Found {
    const inline = child(el, 'complexType', NS.xsd);
    if (inline) return this.complexChildren(inline, tns, qualified, depth + 1);
    const type = qname(el, 'type');
    if (type) return this.typeChildren(type, depth);
    return { children: [], known: child(el, 'simpleType', NS.xsd) !== undefined };
  }

  private complexChildren(type: XmlElement, tns: string, qualified: boolean, depth: number): Found {
    const content = child(type, 'complexContent', NS.xsd);
    if (content) {
      const derived = child(content, 'extension', NS.xsd) ?? child(content, 'restriction', NS.xsd);
      if (!derived) return { children: [], known: false };
      const own = this.particles(derived, tns, qualified, depth);
      if (derived.local === 'restriction') return own;
      const base = qname(derived, 'base');
      const inherited = base ? this.typeChildren(base, depth) : { children: [], known: false };
      return { children: [...inherited.children, ...own.children], known: inherited.known && own.known };
    }
    if (child(type, 'simpleContent', NS.xsd)) return { children: [], known: true };
    return this.particles(type, tns, qualified, depth);
  }

  /** Elements of sequence / all / choice groups, in order (nested groups flattened). */
  private particles(parent: XmlElement, tns: string, qualified: boolean, depth: number): Found {
    const out: SoapName[] = [];
    let known = true;
    for (const group of childElements(parent)) {
      if (group.ns !== NS.xsd) continue;
      if (group.local === 'sequence' || group.local === 'all' || group.local === 'choice') {
        for (const item of childElements(group)) {
          if (item.ns !== NS.xsd) continue;
          if (item.local === 'element') {
            const ref = qname(item, 'ref');
            if (ref) out.push({ name: ref.local, ns: ref.ns });
            else {
              const form = attr(item, 'form');
              const isQualified = form ? form === 'qualified' : qualified;
              out.push({ name: attr(item, 'name') ?? '', ns: isQualified ? tns : '' });
            }
          } else if (item.local === 'sequence' || item.local === 'choice' || item.local === 'all') {
            const nested = this.particles({ ...parent, children: [item] }, tns, qualified, depth + 1);
            out.push(...nested.children);
            known &&= nested.known;
          } else if (item.local === 'any' || item.local === 'group') {
            known = false;
          }
        }
      } else if (group.local === 'group') {
        known = false;
      }
    }
    return { children: out, known };
  }
}
