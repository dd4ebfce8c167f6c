/**
 * SOAP request envelopes, built with fast-xml-parser's XMLBuilder. Mapped values (or all caller parameters) become
 * the children of the operation's input element, in schema order; names the schema does not know are left out
 * when the schema is known. "a.b" names nest. SOAP 1.1 sends SOAPAction, 1.2 the action in the Content-Type.
 */
import { XMLBuilder } from 'fast-xml-parser';
import type { ProxySpec } from '../../src/model/operation-proxy.ts';
import { badParam } from '../proxy/errors.ts';
import { headerValue, mappedValue, nest, pairsOf, text, xmlName, xmlValue } from '../proxy/request-values.ts';
import type { BackendRequest } from '../proxy/types.ts';
import type { SoapName, SoapOperation } from './wsdl.ts';

export const ENVELOPE_NS = {
  '1.1': 'http://schemas.xmlsoap.org/soap/envelope/',
  '1.2': 'http://www.w3.org/2003/05/soap-envelope',
} as const;

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', format: false, suppressEmptyNode: false });

export function soapRequestBuilder(spec: ProxySpec, op: SoapOperation): (params: Record<string, string>) => BackendRequest {
  const headerMaps = spec.mappings.filter((m) => m.in === 'header');
  const valueMaps = spec.mappings.filter((m) => m.in !== 'header');
  const known = new Map(op.inputChildren.map((c, i) => [c.name, { ...c, order: i }]));
  const headers: Record<string, string> = op.version === '1.1'
    ? { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: `"${op.soapAction}"` }
    : { 'Content-Type': `application/soap+xml; charset=utf-8${op.soapAction ? `; action="${op.soapAction}"` : ''}` };
  headers.Accept = 'text/xml, application/soap+xml, */*;q=0.5';
  // Namespace prefixes: "m" for the input element's namespace, n1, n2 … for any other one of its children.
  const prefixes = new Map<string, string>();
  if (op.input.ns) prefixes.set(op.input.ns, 'm');
  for (const c of op.inputChildren) if (c.ns && !prefixes.has(c.ns)) prefixes.set(c.ns, `n${prefixes.size}`);
  const tag = (n: SoapName) => (n.ns ? `${prefixes.get(n.ns)}:${n.name}` : n.name);
  const declarations: Record<string, string> = {};
  for (const [ns, prefix] of prefixes) declarations[`@_xmlns:${prefix}`] = ns;

  return function buildSoapRequest(params) {
    let entries = pairsOf(valueMaps, params).map(([k, v]) => [k, xmlValue(v)] as [string, string]);
    for (const [k] of entries) {
      if (!k.split('.').every((part) => xmlName.test(part))) throw badParam(`"${k}" cannot be an XML element name`);
    }
    if (op.inputChildrenKnown) {
      const top = (k: string) => k.split('.')[0];
      entries = entries.filter(([k]) => known.has(top(k)));
      entries.sort((a, b) => known.get(top(a[0]))!.order - known.get(top(b[0]))!.order);
    }
    const values = nest(entries);
    const content: Record<string, unknown> = { ...declarations };
    for (const name of Object.keys(values)) {
      const childName = known.get(name) ?? { name, ns: '' };
      content[tag(childName)] = qualify(values[name], childName.ns ? prefixes.get(childName.ns)! : '');
    }
    const envelope = {
      'soap:Envelope': {
        '@_xmlns:soap': ENVELOPE_NS[op.version],
        'soap:Body': { [tag(op.input)]: content },
      },
    };
    const reqHeaders = { ...headers };
    for (const m of headerMaps) {
      const v = mappedValue(m, params);
      if (v !== undefined) reqHeaders[m.name] = headerValue(text(v));
    }
    return {
      method: 'POST',
      url: spec.endpoint,
      headers: reqHeaders,
      body: `<?xml version="1.0" encoding="utf-8"?>${builder.build(envelope)}`,
      idempotent: spec.soapIdempotent,
    };
  };
}

/** Nested values ("a.b") take their top element's prefix. */
function qualify(value: unknown, prefix: string): unknown {
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[prefix ? `${prefix}:${k}` : k] = qualify(v, prefix);
  return out;
}
