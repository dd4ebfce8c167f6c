/** PHP's own SoapServer (php-soap) as the SOAP backend, over SOAP 1.1 and 1.2. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createProxyInvoker, prepareProxy } from '../../../connectors/proxy/index.ts';
import type { ProxySpecInput } from '../../../src/model/operation-proxy.ts';
import { phpSoapSkip, startPhpSoapServer } from './php-server.ts';

const skip = phpSoapSkip();

test('PHP SoapServer: one row, several rows, an empty answer and a SoapFault, over SOAP 1.1 and 1.2', { skip }, async () => {
  const php = await startPhpSoapServer();
  try {
    for (const soapVersion of ['1.1', '1.2'] as const) {
      const spec: ProxySpecInput = { style: 'soap', endpoint: `${php.url}/soap`, method: 'getPenduduk', soapVersion, timeoutMs: 5000 };
      const inv = createProxyInvoker(spec, { prepared: await prepareProxy(spec) });
      const one = await inv.invoke({ nik: '3201000000000042' });
      assert.deepEqual(one.data, {
        getPenduduk: { nik: '3201000000000042', nama: 'Penduduk 3201000000000042', alamat: 'Jl. Merdeka No. 43, RT 13/RW 07 & "Gang" <2>' },
      }, `SOAP ${soapVersion}`);
      const two = await inv.invoke({ nik: '2' });
      assert.deepEqual(two.data, {
        getPenduduk: { penduduk: [
          { nik: '2', nama: 'Penduduk 2', alamat: 'Jl. Merdeka No. 43, RT 13/RW 07 & "Gang" <2>' },
          { nik: '3', nama: 'Penduduk 3', alamat: 'Jl. Sudirman' },
        ] },
      });
      await assert.rejects(inv.invoke({ nik: '9' }), { code: 10009, kind: 'remote' });
      const fault = await inv.invoke({ nik: '0' }).then(() => undefined, (e) => e);
      assert.deepEqual([fault.code, fault.kind], [10007, 'remote']);
      assert.match(fault.message, /^SOAP Fault \((Client|Sender)\): NIK tidak valid$/);
      inv.dispose();
    }
  } finally {
    await php.stop();
  }
});
