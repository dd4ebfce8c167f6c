/**
 * SOAP's grammar inside the pipeline: the request body read within the size limit and parsed by the hardened XML
 * reader (no DOCTYPE, so no entity is ever defined or expanded; bounded depth), the envelope checked against the
 * version its Content-Type names, the header's WS-Security UsernameToken taken as the key, and the Body's one
 * element read as document/literal wrapped: its name is the operation, its children the parameters.
 */
import { childElements, parseXml, textOf, XmlError, type XmlElement } from '../../../connectors/proxy/xml.ts';
import { xmlName } from '../../formats/xml-text.ts';
import type { Operation } from '../../model/operation.ts';
import type { Settings } from '../../model/settings.ts';
import { GatewayError } from '../errors.ts';
import type { Registry } from '../registry.ts';
import { readLimited } from '../request-params.ts';
import type { GatewayRequest } from '../types.ts';
import { ENVELOPE_NS, serviceNamespace, soapVersionOf, type SoapVersion, XSI_NS } from './names.ts';

/** Deep enough for any request Mantra reads (Envelope/Header/Security/UsernameToken/Password is 5). */
export const SOAP_MAX_DEPTH = 32;

/** WS-Security's namespace, and the draft one older clients still send. */
const WSSE = new Set([
  'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd',
  'http://schemas.xmlsoap.org/ws/2002/07/secext',
]);

/** Roles a header block may name and still be addressed to Mantra (no role at all is Mantra's too). */
const ourRoles = new Set([
  'http://schemas.xmlsoap.org/soap/actor/next',
  'http://www.w3.org/2003/05/soap-envelope/role/next',
  'http://www.w3.org/2003/05/soap-envelope/role/ultimateReceiver',
]);

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A namespace-qualified attribute's value (`soap:mustUnderstand`), resolved against the element's prefixes. */
function attr(el: XmlElement, local: string, ns: string): string | undefined {
  for (const name in el.attrs) {
    const colon = name.indexOf(':');
    if (colon > 0 && name.slice(colon + 1) === local && el.scope[name.slice(0, colon)] === ns) return el.attrs[name];
  }
  return undefined;
}

const isTrue = (v: string | undefined) => v === '1' || v === 'true';

/**
 * The body's bytes within the limit: read whole when its length is declared, by the runtime itself (`body` is not
 * touched then: under Bun that alone turns a body already read into a stream read in JS).
 */
async function bodyOf(http: Request, maxBytes: number): Promise<Uint8Array> {
  const declared = http.headers.get('content-length');
  if (declared === null) {
    if (!http.body) throw new GatewayError('soap_not_envelope');
    return readLimited(http, maxBytes);
  }
  if (Number(declared) > maxBytes) throw new GatewayError('too_large');
  if (Number(declared) === 0) throw new GatewayError('soap_not_envelope');
  try {
    return new Uint8Array(await http.arrayBuffer());
  } catch {
    // The bytes stopped coming: the caller went away.
    throw new GatewayError('client_gone');
  }
}

async function envelopeOf(http: Request, maxBytes: number): Promise<XmlElement> {
  const bytes = await bodyOf(http, maxBytes);
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new GatewayError('soap_media_type');
  }
  // The reader refuses these too; checked here first so the caller is told which rule it broke.
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) throw new GatewayError('soap_doctype');
  try {
    return parseXml(text.trimStart(), SOAP_MAX_DEPTH);
  } catch (err) {
    if (!(err instanceof XmlError)) throw err;
    if (/nested/i.test(err.message)) throw new GatewayError('soap_depth', { max: SOAP_MAX_DEPTH });
    throw new GatewayError('soap_malformed', { line: /line (\d+)/.exec(err.message)?.[1] ?? '?' });
  }
}

/** The key of a UsernameToken (username = the consumer, password = the key, as PasswordText). */
function usernameTokenKey(security: XmlElement): string | undefined {
  const token = childElements(security).find((e) => e.local === 'UsernameToken' && WSSE.has(e.ns));
  const password = token && childElements(token).find((e) => e.local === 'Password' && WSSE.has(e.ns));
  if (!password) return undefined;
  if (password.attrs.Type?.endsWith('#PasswordDigest')) throw new GatewayError('soap_password_digest');
  return textOf(password);
}

/** WS-Security gives the key; any other block addressed to Mantra that must be understood is a MustUnderstand fault. */
function readHeader(req: GatewayRequest, header: XmlElement, envNs: string): void {
  const roleAttr = envNs === ENVELOPE_NS['1.1'] ? 'actor' : 'role';
  for (const block of childElements(header)) {
    if (block.local === 'Security' && WSSE.has(block.ns)) {
      const key = usernameTokenKey(block);
      if (key !== undefined) req.key = key;
      continue;
    }
    const role = attr(block, roleAttr, envNs);
    if (role !== undefined && !ourRoles.has(role)) continue;
    if (isTrue(attr(block, 'mustUnderstand', envNs))) {
      throw new GatewayError('soap_must_understand', { header: `{${block.ns}}${block.local}`, ns: block.ns, local: block.local });
    }
  }
}

/** Parameter names that are not XML names travel as xmlName(name): the way back, per operation. */
const renamed = new WeakMap<Operation, Map<string, string>>();
function paramNames(op: Operation): Map<string, string> {
  let names = renamed.get(op);
  if (!names) {
    names = new Map();
    for (const p of op.params) if (xmlName(p.name) !== p.name) names.set(xmlName(p.name), p.name);
    renamed.set(op, names);
  }
  return names;
}

function readEnvelope(req: GatewayRequest, root: XmlElement, version: SoapVersion, registry: Registry): void {
  if (root.local !== 'Envelope') throw new GatewayError('soap_not_envelope');
  if (root.ns !== ENVELOPE_NS[version]) throw new GatewayError('soap_version');
  let header: XmlElement | undefined, body: XmlElement | undefined;
  for (const el of childElements(root)) {
    if (el.ns !== root.ns) continue;
    if (el.local === 'Header' && !body) header = el;
    else if (el.local === 'Body') body = el;
  }
  if (!body) throw new GatewayError('soap_not_envelope');
  if (header) readHeader(req, header, root.ns);

  const elements = childElements(body);
  if (elements.length !== 1) throw new GatewayError('soap_no_operation');
  const call = elements[0];
  const tns = serviceNamespace(req.agency, req.service);
  if (call.ns !== tns) throw new GatewayError('soap_namespace', { element: call.local, ns: tns });
  req.operation = call.local;
  const names = paramNames(registry.operation(req.agency, req.service, call.local)?.op ?? noOperation);
  const params = new Map<string, string>();
  for (const el of childElements(call)) {
    // Parameters are unqualified (the schema's elementFormDefault); qualified ones are taken too.
    if (el.ns !== tns && el.ns !== '') throw new GatewayError('soap_namespace', { element: el.local, ns: tns });
    const name = names.get(el.local) ?? el.local;
    if (params.has(name)) throw new GatewayError('bad_param', { name, reason: 'diberikan lebih dari sekali' });
    if (childElements(el).length > 0) throw new GatewayError('bad_param', { name, reason: 'harus nilai tunggal, bukan elemen bersarang' });
    if (!isTrue(attr(el, 'nil', XSI_NS))) params.set(name, textOf(el));
  }
  req.params = Object.fromEntries(params);
}

const noOperation = { params: [] } as unknown as Operation;

/**
 * The SOAP interface's `read`, made once per app (it looks up parameter names in the registry). Throws before
 * reading anything when the method or the media type is wrong.
 */
export function soapReader(registry: Registry): (req: GatewayRequest, settings: Settings) => Promise<void> {
  return function readSoap(req, settings) {
    const http = req.http!;
    if (http.method !== 'POST') throw new GatewayError('soap_method');
    const version = soapVersionOf(http.headers.get('content-type'));
    if (!version) throw new GatewayError('soap_media_type');
    return envelopeOf(http, settings.maxBodyBytes).then((root) => readEnvelope(req, root, version, registry));
  };
}
