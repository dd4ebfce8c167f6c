/** SOAP backends: WSDL reading, request envelopes, replies. Calls go through the proxy invoker (connectors/proxy). */
export { loadWsdl, parseWsdl, type SoapName, type SoapOperation, type WsdlDescription, WsdlError } from './wsdl.ts';
export { ENVELOPE_NS, soapRequestBuilder } from './envelope.ts';
export { soapReplyReader } from './reply.ts';
export { prepareSoap } from './prepare.ts';
