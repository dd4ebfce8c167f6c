/**
 * Proxy operations: the backend-calling layer. The gateway's contract:
 *   prepareProxy(spec, {allowHosts, internalBackends}) when an operation is saved → PreparedProxy (store it);
 *   createProxyInvoker(spec, {allowHosts, internal, prepared}) once per configuration → invoker;
 *   invoker.invoke(params, {signal}) per call → ProxyResult, or a ProxyError;
 *   invoker.dispose() when the configuration changes.
 */
export { createProxyInvoker } from './invoker.ts';
export { prepareProxy, type PrepareDeps } from './prepare.ts';
export { isProxyError, originalMessages, ProxyError, proxyCodes, type ProxyErrorKind } from './errors.ts';
export { BreakerRegistry } from './breaker.ts';
export { backendUrls } from './config-check.ts';
export { InternalBackendError, type InternalCheck, lookupBackends } from './internal-hosts.ts';
export type {
  BackendHealth, InvokeOptions, PreparedProxy, ProxyDeps, ProxyInvoker, ProxyResult,
} from './types.ts';
export { loadWsdl, parseWsdl, type SoapOperation, type WsdlDescription } from '../soap/wsdl.ts';
