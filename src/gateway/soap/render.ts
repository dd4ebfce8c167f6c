import { soap } from '../../formats/soap.ts';
import { xmlText } from '../../formats/xml-text.ts';
import type { Lang } from '../../i18n/index.ts';
import { streamBody, valueHeaders } from '../body.ts';
import { GatewayError } from '../errors.ts';
import type { CallContext } from '../types.ts';
import { faultOf } from './faults.ts';
import { CONTENT_TYPE, ENVELOPE_NS, FAULT_ELEMENT, serviceNamespace, type SoapVersion } from './names.ts';
import { wrapStream } from './wrap-stream.ts';

const DECLARATION = '<?xml version="1.0" encoding="utf-8"?>';

/** Text for an attribute value in double quotes (the address segments a caller wrote end up in one). */
const attrText = (s: string) => xmlText(s).replace(/"/g, '&quot;');

const envelopeOpen = (version: SoapVersion) =>
  `${DECLARATION}<soap:Envelope xmlns:soap="${ENVELOPE_NS[version]}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">`;

/** The detail every fault carries: MANTRA's code, the message in the caller's language, the request id. */
function detail(err: GatewayError, lang: Lang, ns: string, requestId: string): string {
  return `<m:${FAULT_ELEMENT} xmlns:m="${attrText(ns)}"><code>${err.code}</code><message>${xmlText(err.text(lang))}</message>` +
    `<requestId>${xmlText(requestId)}</requestId></m:${FAULT_ELEMENT}>`;
}

/** SOAP 1.2 header blocks that go with a VersionMismatch (Upgrade) or a MustUnderstand fault (NotUnderstood). */
function faultHeader12(err: GatewayError): string {
  if (err.key === 'soap_version') {
    return '<soap:Header><soap:Upgrade>' +
      `<soap:SupportedEnvelope qname="v12:Envelope" xmlns:v12="${ENVELOPE_NS['1.2']}"/>` +
      `<soap:SupportedEnvelope qname="v11:Envelope" xmlns:v11="${ENVELOPE_NS['1.1']}"/>` +
      '</soap:Upgrade></soap:Header>';
  }
  if (err.key === 'soap_must_understand' && err.vars.local) {
    return `<soap:Header><soap:NotUnderstood qname="h:${err.vars.local}" xmlns:h="${attrText(String(err.vars.ns))}"/></soap:Header>`;
  }
  return '';
}

export interface FaultCall {
  agency: string;
  service: string;
  lang: Lang;
  requestId: string;
}

/** A SOAP fault of either version, with the HTTP status its bindings give it. */
export function renderFault(err: GatewayError, version: SoapVersion, call: FaultCall, unknownService = false): Response {
  const { code, status } = faultOf(err, version, unknownService);
  const text = xmlText(err.text(call.lang));
  const more = detail(err, call.lang, serviceNamespace(call.agency, call.service), call.requestId);
  const fault = version === '1.1'
    ? `<soap:Fault><faultcode>soap:${code}</faultcode><faultstring>${text}</faultstring><detail>${more}</detail></soap:Fault>`
    : `<soap:Fault><soap:Code><soap:Value>soap:${code}</soap:Value></soap:Code>` +
      `<soap:Reason><soap:Text xml:lang="${call.lang}">${text}</soap:Text></soap:Reason><soap:Detail>${more}</soap:Detail></soap:Fault>`;
  const header = version === '1.2' ? faultHeader12(err) : '';
  const headers: Record<string, string> = { 'content-type': CONTENT_TYPE[version] };
  if (status === 405) headers.allow = 'POST';
  return new Response(`${envelopeOpen(version)}${header}<soap:Body>${fault}</soap:Body></soap:Envelope>`, { status, headers });
}

/**
 * The answer of a call: `{operation}Response` in the service's namespace holding the rows (formats/soap.ts, its
 * elements unqualified), or a fault. A streamed data result is wrapped as it streams.
 */
export function renderSoap(ctx: CallContext, version: SoapVersion, unknownService = false): Response {
  const { req } = ctx;
  if (ctx.error || !ctx.result) return renderFault(ctx.error ?? new GatewayError('internal'), version, req, unknownService);
  const head = `${envelopeOpen(version)}<soap:Body><m:${req.operation}Response xmlns:m="${serviceNamespace(req.agency, req.service)}">`;
  const tail = `</m:${req.operation}Response></soap:Body></soap:Envelope>`;
  const headers = { 'content-type': CONTENT_TYPE[version] };
  const result = ctx.result;
  if (result.kind === 'stream') {
    return new Response(streamBody(wrapStream(result, head, tail), () => req.signal, ctx.streamEnd), { status: 200, headers });
  }
  const inner = result.rows ? encodeRows(result.rows) : soap.document(result.data);
  return new Response(head + inner + tail, { status: 200, headers: valueHeaders(result, headers) });
}

function encodeRows(rows: NonNullable<Extract<CallContext['result'], { kind: 'value' }>['rows']>): string {
  const enc = soap.rows({ envelope: 'soap', name: 'row' });
  let out = '';
  for (let i = 0; i < rows.length; i++) out += enc.row(rows[i], i);
  return out;
}
