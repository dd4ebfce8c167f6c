/** The names a SOAP call and its WSDL share: versions, namespaces, actions, addresses. */

export type SoapVersion = '1.1' | '1.2';

export const ENVELOPE_NS: Record<SoapVersion, string> = {
  '1.1': 'http://schemas.xmlsoap.org/soap/envelope/',
  '1.2': 'http://www.w3.org/2003/05/soap-envelope',
};

export const CONTENT_TYPE: Record<SoapVersion, string> = {
  '1.1': 'text/xml; charset=utf-8',
  '1.2': 'application/soap+xml; charset=utf-8',
};

export const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';
export const XSD_NS = 'http://www.w3.org/2001/XMLSchema';
export const WSSE_NS = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd';

/** The element of a fault's detail, declared in every service's schema. */
export const FAULT_ELEMENT = 'MantraFault';

/**
 * A service's target namespace: a URN rather than its address, so that it stays the same behind any proxy or
 * base URL (slugs are lowercase letters, digits, "_" and "-", all valid in a URN).
 */
export const serviceNamespace = (agency: string, service: string) => `urn:mantra:${agency}:${service}`;

export const soapAction = (agency: string, service: string, operation: string) =>
  `${serviceNamespace(agency, service)}#${operation}`;

/** The SOAP version a Content-Type names; undefined for any other media type or a charset other than UTF-8. */
export function soapVersionOf(contentType: string | null): SoapVersion | undefined {
  if (!contentType) return undefined;
  const [type, ...params] = contentType.toLowerCase().split(';');
  const charset = params.map((p) => p.trim()).find((p) => p.startsWith('charset='));
  if (charset && !/^charset="?utf-8"?$/.test(charset)) return undefined;
  const media = type.trim();
  return media === 'text/xml' ? '1.1' : media === 'application/soap+xml' ? '1.2' : undefined;
}

/** The endpoint's address: the publicBaseUrl setting when set (behind a reverse proxy), else the request's origin. */
export function endpointAddress(publicBaseUrl: string | undefined, requestUrl: string, agency: string, service: string): string {
  const base = publicBaseUrl ? publicBaseUrl.replace(/\/+$/, '') : new URL(requestUrl).origin;
  return `${base}/soap/${agency}/${service}`;
}
