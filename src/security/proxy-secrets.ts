import { proxySecrets, type ProxySpec } from '../model/operation-proxy.ts';
import type { Secrets } from './secrets.ts';

/** A copy of a proxy spec with its backend secrets decrypted, for the backend client only. */
export function openProxySecrets(spec: ProxySpec, secrets: Secrets): ProxySpec {
  const copy = structuredClone(spec) as Record<string, any>;
  for (const path of proxySecrets) {
    const [holder, name] = path.split('.');
    if (typeof copy[holder]?.[name] === 'string') copy[holder][name] = secrets.decrypt(copy[holder][name]);
  }
  return copy as ProxySpec;
}
