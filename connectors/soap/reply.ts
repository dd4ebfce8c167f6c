/**
 * What a SOAP backend's answer means, as MANTRA (nusoap) read it:
 * - a Fault (1.1 faultcode/faultstring, 1.2 Code/Reason) → 10007, its text passed on;
 * - no usable envelope → 10008; an HTTP error without a Fault → 10008;
 * - an empty response element → 10009;
 * - otherwise the response element's children as a value tree (xml-tree.ts, SOAP mode), a single child being its
 *   own value, under the key MANTRA used: the `resultKey` of `operation#deep#resultKey`, else the operation name.
 *   When that value is itself a MANTRA envelope it is unwrapped like a REST reply (the original answered 10017).
 */
import type { ProxySpec } from '../../src/model/operation-proxy.ts';
import { decodeText, charsetOf } from '../proxy/decode.ts';
import { originalMessages, ProxyError, proxyCodes } from '../proxy/errors.ts';
import { isEnvelope, unwrapEnvelope } from '../proxy/envelope.ts';
import type { Reply } from '../proxy/http-reply.ts';
import { elementValue } from '../proxy/xml-tree.ts';
import { child, childElements, parseXml, textOf, XmlError, type XmlElement } from '../proxy/xml.ts';
import type { RawResponse } from '../proxy/types.ts';
import type { SoapOperation } from './wsdl.ts';
import { ENVELOPE_NS } from './envelope.ts';

const soapError = (message: string, backendStatus?: number) =>
  new ProxyError(proxyCodes.soapError, 'unavailable', message, { backendStatus });

/** MANTRA's `method` of a SOAP operation: `operation[#deep[#resultKey]]`. */
export function soapMethodParts(method: string): { operation: string; resultKey?: string } {
  const [operation, , resultKey] = method.split('#');
  return { operation: operation.trim(), resultKey: resultKey?.trim() || undefined };
}

export function soapReplyReader(spec: ProxySpec, op: SoapOperation): (raw: RawResponse) => Reply {
  const resultKey = soapMethodParts(spec.method).resultKey ?? op.name;
  return function readSoapReply(raw) {
    if (raw.status >= 300 && raw.status < 400) {
      throw soapError(`The SOAP backend answered a redirect (HTTP ${raw.status}); redirects are not followed`, raw.status);
    }
    const httpError = () => soapError(`The SOAP backend answered HTTP ${raw.status}`, raw.status);
    let root: XmlElement;
    try {
      root = parseXml(decodeText(raw.body, charsetOf(raw.headers.get('content-type') ?? '')).trimStart());
    } catch (e) {
      if (!(e instanceof XmlError)) throw e;
      if (raw.status >= 400) throw httpError();
      throw soapError(`Invalid SOAP reply: ${e.message}`, raw.status);
    }
    const envNs = root.ns;
    const body = root.local === 'Envelope' && (envNs === ENVELOPE_NS['1.1'] || envNs === ENVELOPE_NS['1.2'])
      ? child(root, 'Body', envNs)
      : undefined;
    if (!body) {
      if (raw.status >= 400) throw httpError();
      throw soapError('Invalid SOAP reply: no SOAP envelope with a body', raw.status);
    }
    const first = childElements(body)[0];
    if (first && first.local === 'Fault' && first.ns === envNs) throw fault(first, envNs === ENVELOPE_NS['1.2'], raw.status);
    if (raw.status >= 400) throw httpError();
    if (!first) throw empty();
    const parts = childElements(first);
    const text = textOf(first).trim();
    if (parts.length === 0 && text === '') throw empty();
    const value = parts.length === 1
      ? elementValue(parts[0], { soap: true })
      : parts.length === 0 ? text : elementValue(first, { soap: true });
    if (isEnvelope(value)) return { data: unwrapEnvelope(value)!.data, status: raw.status };
    return { data: { [resultKey]: value }, status: raw.status };
  };
}

function empty(): ProxyError {
  return new ProxyError(proxyCodes.soapEmpty, 'remote', originalMessages[10009]);
}

function fault(el: XmlElement, soap12: boolean, status: number): ProxyError {
  const textIn = (e: XmlElement | undefined) => (e ? textOf(e).trim() : '');
  const code = soap12 ? textIn(child(child(el, 'Code') ?? el, 'Value')) : textIn(child(el, 'faultcode'));
  const reason = soap12 ? textIn(child(child(el, 'Reason') ?? el, 'Text')) : textIn(child(el, 'faultstring'));
  const shortCode = code.slice(code.indexOf(':') + 1);
  const message = `SOAP Fault${shortCode ? ` (${shortCode})` : ''}: ${reason}`.replace(/\s+/g, ' ').slice(0, 500);
  return new ProxyError(proxyCodes.soapFault, 'remote', message, { passthrough: true, backendStatus: status });
}
