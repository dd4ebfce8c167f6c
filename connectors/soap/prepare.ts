/**
 * Reads the WSDL of a SOAP proxy when the operation is saved (never per call) and keeps what calls need.
 * Errors: WSDL unreachable or unreadable → 10006; operation not in the WSDL → 10008 (nusoap's "operation … not
 * present"); both with messages that name no host.
 */
import type { ProxySpec } from '../../src/model/operation-proxy.ts';
import { createCredentials } from '../proxy/auth.ts';
import { notAllowed, soapOperationName } from '../proxy/config-check.ts';
import { decodeText } from '../proxy/decode.ts';
import { isProxyError, ProxyError, proxyCodes } from '../proxy/errors.ts';
import { hostAllowed } from '../proxy/hosts.ts';
import { type InternalCheck, internalProblem } from '../proxy/internal-hosts.ts';
import { createTransport } from '../proxy/transport.ts';
import type { PreparedProxy } from '../proxy/types.ts';
import { loadWsdl, WsdlError } from './wsdl.ts';

const WSDL_MAX_BYTES = 8 * 1024 * 1024;

const wsdlError = (detail: string) => new ProxyError(proxyCodes.wsdl, 'config', `SOAP Constructor Error: ${detail}`);

export interface PrepareDeps {
  allowHosts?: readonly string[];
  /**
   * Settings' internalBackends: prepareProxy looks the backends' names up and refuses internal ones not listed.
   * Absent: internal addresses are not judged (the gateway always passes it).
   */
  internalBackends?: readonly string[];
  /** That list with the addresses found, as prepareProxy hands it on. */
  internal?: InternalCheck;
  signal?: AbortSignal;
  now?: () => number;
}

export async function prepareSoap(spec: ProxySpec, deps: PrepareDeps): Promise<PreparedProxy> {
  const name = soapOperationName(spec);
  const location = spec.wsdl ?? `${spec.endpoint}?wsdl`;
  if (!hostAllowed(new URL(location), deps.allowHosts ?? [])) throw notAllowed();
  const inside = internalProblem([location], deps.internal);
  if (inside) throw inside;
  const transport = createTransport(spec.tls);
  const credentials = createCredentials(spec.auth, transport, deps.now ?? Date.now);
  let description;
  try {
    description = await loadWsdl(location, {
      async read(url) {
        const headers = { Accept: 'text/xml, application/xml, application/wsdl+xml', ...(await credentials.headers(deps.signal)) };
        const res = await transport.send(
          { method: 'GET', url, headers, idempotent: true },
          {
            signal: deps.signal,
            deadline: Date.now() + spec.timeoutMs,
            headersTimeoutMs: spec.connectTimeoutMs,
            maxBytes: Math.min(spec.maxResponseBytes, WSDL_MAX_BYTES),
          },
        );
        if (res.status !== 200) throw new WsdlError(`the WSDL could not be read (HTTP ${res.status})`);
        return decodeText(res.body);
      },
    });
  } catch (e) {
    if (e instanceof WsdlError) throw wsdlError(e.message);
    if (isProxyError(e)) throw wsdlError(`the WSDL could not be read (${e.message})`);
    throw e;
  } finally {
    transport.close();
  }
  const candidates = description.operations.filter((op) => op.name === name);
  const operation = candidates.find((op) => op.version === spec.soapVersion);
  if (!operation) {
    if (candidates.length > 0) throw wsdlError(`the WSDL has no SOAP ${spec.soapVersion} binding for operation "${name}"`);
    throw new ProxyError(proxyCodes.soapError, 'config', `operation ${name} not present in WSDL`);
  }
  return { kind: 'soap', version: 1, operation };
}
