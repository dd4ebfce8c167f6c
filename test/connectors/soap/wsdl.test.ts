/** WSDL 1.1 reading. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadWsdl, parseWsdl, WsdlError } from '../../../connectors/soap/index.ts';
import { pendudukWsdl, rpcWsdl } from './wsdls.ts';

const fixture = pendudukWsdl;

test('document/literal with SOAP 1.1 and 1.2 bindings', async () => {
  const d = await loadWsdl(fixture);
  assert.equal(d.targetNamespace, 'urn:mantra:penduduk');
  assert.deepEqual(d.operations.map((o) => [o.name, o.version, o.style]), [
    ['getPenduduk', '1.1', 'document'],
    ['getPenduduk', '1.2', 'document'],
  ]);
  const op = d.operations[0];
  assert.equal(op.soapAction, 'urn:mantra:penduduk#getPenduduk');
  assert.equal(op.address, 'http://localhost/soap');
  assert.deepEqual(op.input, { name: 'getPenduduk', ns: 'urn:mantra:penduduk' });
  assert.deepEqual(op.inputChildren, [{ name: 'nik', ns: 'urn:mantra:penduduk' }, { name: 'detail', ns: 'urn:mantra:penduduk' }]);
  assert.equal(op.inputChildrenKnown, true);
  assert.deepEqual(op.output, { name: 'getPendudukResponse', ns: 'urn:mantra:penduduk' });
});

test('rpc/literal: the operation in the body namespace, its parts unqualified', () => {
  const [op] = parseWsdl(rpcWsdl).operations;
  assert.equal(op.style, 'rpc');
  assert.deepEqual(op.input, { name: 'cariKK', ns: 'urn:kk:rpc' });
  assert.deepEqual(op.inputChildren, [{ name: 'nokk', ns: '' }, { name: 'kodeWilayah', ns: '' }]);
  assert.deepEqual(op.output, { name: 'cariKKResponse', ns: 'urn:kk:rpc' });
  assert.equal(op.address, 'http://kk.example/rpc');
});

test('schema: named types, extension, refs, unqualified children, and a schema import left unknown', () => {
  const wsdl = `<definitions xmlns="http://schemas.xmlsoap.org/wsdl/" xmlns:soap12="http://schemas.xmlsoap.org/wsdl/soap12/"
      xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:t="urn:t" targetNamespace="urn:t">
    <types>
      <xsd:schema targetNamespace="urn:t">
        <xsd:element name="kode" type="xsd:string"/>
        <xsd:complexType name="Dasar"><xsd:sequence><xsd:element name="id" type="xsd:string"/></xsd:sequence></xsd:complexType>
        <xsd:complexType name="Cari"><xsd:complexContent><xsd:extension base="t:Dasar">
          <xsd:sequence><xsd:element ref="t:kode"/><xsd:element name="nama" form="qualified" type="xsd:string"/>
            <xsd:choice><xsd:element name="a" type="xsd:string"/><xsd:element name="b" type="xsd:string"/></xsd:choice>
          </xsd:sequence></xsd:extension></xsd:complexContent></xsd:complexType>
        <xsd:element name="cari" type="t:Cari"/>
        <xsd:element name="impor" type="x:Luar" xmlns:x="urn:luar"/>
      </xsd:schema>
    </types>
    <message name="in"><part name="p" element="t:cari"/></message>
    <message name="in2"><part name="p" element="t:impor"/></message>
    <portType name="P"><operation name="cari"><input message="t:in"/></operation><operation name="impor"><input message="t:in2"/></operation></portType>
    <binding name="B" type="t:P"><soap12:binding/>
      <operation name="cari"><soap12:operation soapAction=""/><input><soap12:body use="literal"/></input></operation>
      <operation name="impor"><input><soap12:body use="literal"/></input></operation>
    </binding>
  </definitions>`;
  const [cari, impor] = parseWsdl(wsdl).operations;
  assert.equal(cari.version, '1.2');
  assert.deepEqual(cari.inputChildren, [
    { name: 'id', ns: '' },
    { name: 'kode', ns: 'urn:t' },
    { name: 'nama', ns: 'urn:t' },
    { name: 'a', ns: '' },
    { name: 'b', ns: '' },
  ]);
  assert.equal(cari.inputChildrenKnown, true);
  assert.equal(impor.inputChildrenKnown, false);
});

test('WSDL imports are refused with a clear error; so are WSDL 2.0, non-WSDL XML and document types', () => {
  const withImport = fixture.replace('<types>', '<import namespace="urn:x" location="http://example.org/other.wsdl"/><types>');
  assert.throws(() => parseWsdl(withImport), (e: unknown) => e instanceof WsdlError && /imports are not supported/.test(e.message));
  assert.throws(() => parseWsdl('<description xmlns="http://www.w3.org/ns/wsdl"/>'), /WSDL 2\.0/);
  assert.throws(() => parseWsdl('<html/>'), /not a WSDL 1\.1/);
  assert.throws(() => parseWsdl('<?xml version="1.0"?><!DOCTYPE d [<!ENTITY e "x">]><definitions/>'), /document type/);
  assert.throws(() => parseWsdl(fixture.replace(/<binding[\s\S]*<\/binding>/, '')), /no SOAP 1\.1 or 1\.2 binding/);
});
