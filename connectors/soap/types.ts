/** What a SOAP backend's WSDL says, as plain JSON (stored with the operation): no code, so anything may import it. */
export interface SoapName {
  name: string;
  /** Namespace URI; '' = unqualified. */
  ns: string;
}

/** One operation of one SOAP binding, as plain JSON (stored with the operation). */
export interface SoapOperation {
  name: string;
  version: '1.1' | '1.2';
  style: 'document' | 'rpc';
  soapAction: string;
  /** The port address the WSDL gives (informational: calls go to the configured endpoint). */
  address?: string;
  /** The element inside soap:Body (document: the part's element; rpc: the operation in the body namespace). */
  input: SoapName;
  /** Its child elements in schema order (rpc: the parts). */
  inputChildren: SoapName[];
  /** False when the schema could not be followed (imported, unsupported construct). */
  inputChildrenKnown: boolean;
  output?: SoapName;
}

export interface WsdlDescription {
  targetNamespace: string;
  operations: SoapOperation[];
}
