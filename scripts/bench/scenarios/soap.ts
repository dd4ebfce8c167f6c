/**
 * The by-key call over SOAP 1.1 (the envelope PHP's SoapClient writes, key in the AccessKey header) against the
 * compatible xml call of the same operation, in the same Mantra instance and run. Target: at least 0.8×. The
 * compatible call as a POST form shows what a request body costs by itself.
 */
import { pendudukPg } from '../databases.ts';
import { AGENCY, compatHeaders, compatUrl, SERVICE } from '../mantra.ts';
import { expectations, SAMPLE_NIK } from '../measure.ts';
import type { Scenario } from '../types.ts';
import { errorRow, withMantra } from './common.ts';

const name = 'soap';
const op = 'penduduk_by_nik';
const ns = `urn:mantra:${AGENCY}:${SERVICE}`;

/** As PHP's SoapClient writes it from the WSDL. */
const envelope = '<?xml version="1.0" encoding="UTF-8"?>\n' +
  `<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ns1="${ns}"><SOAP-ENV:Body>` +
  `<ns1:${op}><nik>{nik}</nik></ns1:${op}></SOAP-ENV:Body></SOAP-ENV:Envelope>\n`;

export const soap: Scenario = {
  name,
  describe: 'by-key call over SOAP 1.1 vs the compatible xml call (ref) of the same server, PostgreSQL',
  async run(ctx) {
    const refVariant = 'Mantra compat xml';
    let url: string;
    try {
      url = await pendudukPg();
    } catch (err) {
      return [errorRow(name, refVariant, `loading penduduk failed: ${(err as Error).message}`)];
    }
    const variant = 'Mantra SOAP 1.1';
    return withMantra(ctx, { pgUrl: url }, (m) => [
      { scenario: name, op, variant: refVariant, reference: true, load: { url: compatUrl(m, 'xml', op, '/nik={nik}'), headers: compatHeaders(m) },
        expect: expectations.contains('<status>1</status>', `<nik>${SAMPLE_NIK}</nik>`) },
      // The same call as a POST form: what any request with a body costs more than a GET, SOAP or not.
      { scenario: name, op, variant: 'Mantra compat xml, POST form',
        load: { url: compatUrl(m, 'xml', op), method: 'POST', headers: { ...compatHeaders(m), 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'nik={nik}' },
        expect: expectations.contains('<status>1</status>', `<nik>${SAMPLE_NIK}</nik>`) },
      {
        scenario: name, op, variant,
        load: {
          url: `${m.base}/soap/${AGENCY}/${SERVICE}`,
          method: 'POST',
          headers: { AccessKey: m.key, 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: `"${ns}#${op}"` },
          body: envelope,
        },
        expect: expectations.contains(`<m:${op}Response`, `<nik>${SAMPLE_NIK}</nik>`),
      },
    ], [refVariant, 'Mantra compat xml, POST form', variant].map((v) => ({ scenario: name, variant: v })));
  },
};
