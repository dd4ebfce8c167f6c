/** WSDL documents for the SOAP tests (the document/literal one is test/fixtures/soap/penduduk.wsdl). */
import { readFileSync } from 'node:fs';

export const pendudukWsdl = readFileSync(new URL('../../fixtures/soap/penduduk.wsdl', import.meta.url), 'utf8');

/** rpc/literal, SOAP 1.1, parts as unqualified children of the operation element. */
export const rpcWsdl = `<?xml version="1.0"?>
<wsdl:definitions targetNamespace="urn:kk" xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/"
    xmlns:s="http://schemas.xmlsoap.org/wsdl/soap/" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:k="urn:kk">
  <wsdl:message name="cariKKRequest"><wsdl:part name="nokk" type="xs:string"/><wsdl:part name="kodeWilayah" type="xs:int"/></wsdl:message>
  <wsdl:message name="cariKKResponse"><wsdl:part name="return" type="xs:string"/></wsdl:message>
  <wsdl:portType name="KK"><wsdl:operation name="cariKK"><wsdl:input message="k:cariKKRequest"/><wsdl:output message="k:cariKKResponse"/></wsdl:operation></wsdl:portType>
  <wsdl:binding name="KKBinding" type="k:KK">
    <s:binding style="rpc" transport="http://schemas.xmlsoap.org/soap/http"/>
    <wsdl:operation name="cariKK">
      <s:operation soapAction="cariKK"/>
      <wsdl:input><s:body use="literal" namespace="urn:kk:rpc"/></wsdl:input>
      <wsdl:output><s:body use="literal" namespace="urn:kk:rpc"/></wsdl:output>
    </wsdl:operation>
  </wsdl:binding>
  <wsdl:service name="KKService"><wsdl:port name="KKPort" binding="k:KKBinding"><s:address location="http://kk.example/rpc"/></wsdl:port></wsdl:service>
</wsdl:definitions>`;
