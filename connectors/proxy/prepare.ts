/**
 * prepareProxy: what has to be looked up once when a proxy operation is saved. SOAP: the WSDL is read and the
 * operation's description returned, to be stored with the operation and passed to createProxyInvoker as
 * `deps.prepared`. Other styles need nothing; their configuration is still checked so a bad one is refused at save.
 * Rejects with a ProxyError.
 */
import { ProxySpec, type ProxySpecInput } from '../../src/model/operation-proxy.ts';
import { backendUrls, staticProblem } from './config-check.ts';
import { lookupBackends } from './internal-hosts.ts';
import type { PreparedProxy } from './types.ts';
import { type PrepareDeps, prepareSoap } from '../soap/prepare.ts';

export type { PrepareDeps };

export async function prepareProxy(input: ProxySpecInput, deps: PrepareDeps = {}): Promise<PreparedProxy> {
  const spec = ProxySpec.parse(input);
  const internal = deps.internalBackends && {
    allow: deps.internalBackends,
    addresses: await lookupBackends(backendUrls(spec)),
  };
  const problem = staticProblem(spec, deps.allowHosts ?? [], internal);
  if (problem) throw problem;
  if (spec.style === 'soap') return await prepareSoap(spec, { ...deps, internal });
  return { kind: 'http', version: 1 };
}
