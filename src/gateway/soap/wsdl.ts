/**
 * A service's WSDL 1.1, document/literal wrapped: one WSDL operation per Mantra operation (input element named
 * after it, output element `{operation}Response`, the shared MantraFault), a SOAP 1.1 binding (text/xml and
 * SOAPAction) and a SOAP 1.2 binding (application/soap+xml), both at the same address. Written with
 * fast-xml-parser's builder, which escapes every text and attribute.
 */
import { XMLBuilder } from 'fast-xml-parser';
import { xmlName } from '../../formats/xml-text.ts';
import type { Operation } from '../../model/operation.ts';
import { FAULT_ELEMENT, serviceNamespace, soapAction, XSD_NS } from './names.ts';
import { serviceSchema } from './xsd.ts';

const WSDL_NS = 'http://schemas.xmlsoap.org/wsdl/';
const HTTP_TRANSPORT = 'http://schemas.xmlsoap.org/soap/http';

/** The WSDL binding namespace of each SOAP version, by the prefix used for it. */
const bindings = [
  { prefix: 'soap', ns: 'http://schemas.xmlsoap.org/wsdl/soap/', suffix: 'Soap11' },
  { prefix: 'soap12', ns: 'http://schemas.xmlsoap.org/wsdl/soap12/', suffix: 'Soap12' },
] as const;

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  format: true,
  indentBy: '  ',
  suppressEmptyNode: true,
  // nillable="true" stays written out: a bare attribute is not XML.
  suppressBooleanAttributes: false,
});

export interface WsdlInput {
  agency: string;
  service: string;
  /** The endpoint's address (publicBaseUrl or the request's origin). */
  address: string;
  ops: Operation[];
}

const documentation = (text: string) => (text ? { 'wsdl:documentation': text } : {});

export function wsdlDocument({ agency, service, address, ops }: WsdlInput): string {
  const tns = serviceNamespace(agency, service);
  const name = xmlName(service);
  const portType = `${name}PortType`;
  const fault = { '@_name': FAULT_ELEMENT, '@_message': `tns:${FAULT_ELEMENT}` };
  const definitions = {
    '@_name': name,
    '@_targetNamespace': tns,
    '@_xmlns:tns': tns,
    '@_xmlns:wsdl': WSDL_NS,
    '@_xmlns:xs': XSD_NS,
    ...Object.fromEntries(bindings.map((b) => [`@_xmlns:${b.prefix}`, b.ns])),
    'wsdl:documentation': `Mantra: ${agency}/${service}`,
    'wsdl:types': { 'xs:schema': serviceSchema(tns, ops) },
    'wsdl:message': [
      ...ops.flatMap((op) => [
        { '@_name': `${op.slug}Request`, 'wsdl:part': { '@_name': 'parameters', '@_element': `tns:${op.slug}` } },
        { '@_name': `${op.slug}Response`, 'wsdl:part': { '@_name': 'parameters', '@_element': `tns:${op.slug}Response` } },
      ]),
      { '@_name': FAULT_ELEMENT, 'wsdl:part': { '@_name': 'fault', '@_element': `tns:${FAULT_ELEMENT}` } },
    ],
    'wsdl:portType': {
      '@_name': portType,
      'wsdl:operation': ops.map((op) => ({
        '@_name': op.slug,
        ...documentation(op.description),
        'wsdl:input': { '@_message': `tns:${op.slug}Request` },
        'wsdl:output': { '@_message': `tns:${op.slug}Response` },
        'wsdl:fault': fault,
      })),
    },
    'wsdl:binding': bindings.map((b) => ({
      '@_name': `${name}${b.suffix}`,
      '@_type': `tns:${portType}`,
      [`${b.prefix}:binding`]: { '@_style': 'document', '@_transport': HTTP_TRANSPORT },
      'wsdl:operation': ops.map((op) => ({
        '@_name': op.slug,
        [`${b.prefix}:operation`]: { '@_soapAction': soapAction(agency, service, op.slug), '@_style': 'document' },
        'wsdl:input': { [`${b.prefix}:body`]: { '@_use': 'literal' } },
        'wsdl:output': { [`${b.prefix}:body`]: { '@_use': 'literal' } },
        'wsdl:fault': { '@_name': FAULT_ELEMENT, [`${b.prefix}:fault`]: { '@_name': FAULT_ELEMENT, '@_use': 'literal' } },
      })),
    })),
    'wsdl:service': {
      '@_name': name,
      'wsdl:port': bindings.map((b) => ({
        '@_name': `${name}${b.suffix}`,
        '@_binding': `tns:${name}${b.suffix}`,
        [`${b.prefix}:address`]: { '@_location': address },
      })),
    },
  };
  return `<?xml version="1.0" encoding="utf-8"?>\n${builder.build({ 'wsdl:definitions': definitions })}`;
}
