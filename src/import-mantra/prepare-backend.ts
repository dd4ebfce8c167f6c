/**
 * Proxy operations are prepared once when saved, as the admin API does: the configuration is checked and a SOAP
 * backend's WSDL read. A backend that cannot be reached now does not stop the import: the operation is imported
 * with a warning and answers the backend's error per call, like the original, until it is saved again.
 */
import { isProxyError, prepareProxy } from '../../connectors/proxy/index.ts';
import type { ProxySpec } from '../model/operation-proxy.ts';
import type { Secrets } from '../security/secrets.ts';
import { openProxySecrets } from '../security/proxy-secrets.ts';

/** A WSDL that does not answer in this time is reported, not waited for. */
const PREPARE_TIMEOUT_MS = 15_000;

/** The settings' backendAllowlist and internalBackends. */
export interface BackendRules {
  allowHosts: readonly string[];
  internalBackends: readonly string[];
}

/**
 * An internal backend the settings do not allow is not prepared (a warning): the registry then refuses its calls,
 * as it does for an operation saved in the admin API.
 */
export async function prepareBackend(
  spec: ProxySpec,
  secrets: Secrets,
  rules: BackendRules,
): Promise<{ prepared?: Record<string, unknown>; problem?: string }> {
  try {
    const prepared = await prepareProxy(openProxySecrets(spec, secrets), { ...rules, signal: AbortSignal.timeout(PREPARE_TIMEOUT_MS) });
    return { prepared: prepared as unknown as Record<string, unknown> };
  } catch (err) {
    if (!isProxyError(err) && (err as Error)?.name !== 'TimeoutError') throw err;
    return { problem: (err as Error).message };
  }
}
