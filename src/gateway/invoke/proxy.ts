import { isProxyError, type ProxyInvoker } from '../../../connectors/proxy/index.ts';
import { log } from '../../observability/log.ts';
import { GatewayError, keyOfCode } from '../errors.ts';
import type { Invoker } from '../operation.ts';
import { whenCallerGone } from '../caller-gone.ts';
import { Cancel } from '../../../connectors/cancel.ts';

/** Proxy operations call their backend through the connector's invoker, built once per configuration. */
export function proxyInvoker(id: string, proxy: ProxyInvoker): Invoker {
  return async function invokeProxy(values, { signal, deadline, requestId }) {
    const params: Record<string, string> = {};
    for (const name in values) if (values[name] !== null) params[name] = String(values[name]);
    const gone = new Cancel();
    const stopWatching = whenCallerGone(signal, () => gone.abort());
    try {
      const result = await proxy.invoke(params, { signal: gone, deadline });
      const meta: { source: string; age?: number } = { source: result.source };
      if (result.age !== undefined) meta.age = result.age;
      return { kind: 'value', data: result.data, meta, headers: result.headers };
    } catch (err) {
      if (!isProxyError(err)) throw err;
      // Only the caller's leaving cancels a backend call: normal, and tracked as such rather than as a timeout.
      if (err.kind === 'cancelled') {
        log('debug', 'backend call cancelled', { requestId, operation: id });
        throw new GatewayError('client_gone');
      }
      log('warn', 'backend error', { requestId, operation: id, code: err.code, kind: err.kind });
      // The backend's own error (a MANTRA envelope with status 0, a SOAP fault) reaches the caller unchanged.
      throw new GatewayError(keyOfCode.get(err.code) ?? 'unavailable', {}, {
        code: err.code,
        message: err.passthrough ? err.message : undefined,
        status: err.httpStatus,
      });
    } finally {
      stopWatching();
    }
  };
}
