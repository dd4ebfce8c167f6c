/**
 * Configuration problems found once, when an invoker is built: the invoker then answers every call with the
 * error, as MANTRA answered 10003/10004 per call. Checked: URL and method present (the original's order),
 * no credentials inside URLs, every host on the settings' allowlist, no internal backend unless allowed (see
 * internal-hosts.ts), header names and values sendable, SOAP prepared for this very configuration.
 */
import type { ProxySpec } from '../../src/model/operation-proxy.ts';
import { badHeaderValue } from './auth.ts';
import { originalMessages, ProxyError, proxyCodes } from './errors.ts';
import { hostAllowed } from './hosts.ts';
import { type InternalCheck, internalProblem } from './internal-hosts.ts';
import type { PreparedProxy } from './types.ts';
import { soapMethodParts } from '../soap/reply.ts';

const token = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

const config = (code: number, message: string) => new ProxyError(code, 'config', message);

export const notAllowed = () =>
  config(proxyCodes.noUrl, "The backend's host is not in the backend allowlist of the settings");

/** The SOAP operation a configuration names: `soapOperation`, else the first part of MANTRA's `method`. */
export function soapOperationName(spec: ProxySpec): string {
  return (spec.soapOperation ?? '').trim() || soapMethodParts(spec.method).operation;
}

/** Every URL the operation reaches: endpoint, token endpoint, health check, WSDL. */
export function backendUrls(spec: ProxySpec): string[] {
  const urls = spec.endpoint ? [spec.endpoint] : [];
  if (spec.auth.type === 'oauth2') urls.push(spec.auth.tokenUrl);
  if (spec.health.url) urls.push(spec.health.url);
  if (spec.style === 'soap' && spec.wsdl) urls.push(spec.wsdl);
  return urls;
}

/**
 * Checks shared by createProxyInvoker and prepareProxy. `internal`: the settings' internalBackends and what the
 * backends' names resolved to; without it internal addresses are not judged (the gateway always passes it).
 */
export function staticProblem(spec: ProxySpec, allowHosts: readonly string[], internal?: InternalCheck): ProxyError | undefined {
  const method = spec.style === 'soap' ? soapOperationName(spec) : spec.method;
  if (!spec.endpoint) {
    return method ? config(proxyCodes.noUrl, originalMessages[10003]) : config(proxyCodes.noMethod, originalMessages[10004]);
  }
  if (spec.style === 'soap' && !method) return config(proxyCodes.noMethod, originalMessages[10004]);
  const urls = backendUrls(spec);
  for (const u of urls) {
    const url = new URL(u);
    if (url.username || url.password) return config(proxyCodes.noUrl, 'Credentials inside a backend URL are not used; configure them as auth');
    if (!hostAllowed(url, allowHosts)) return notAllowed();
  }
  const inside = internalProblem(urls, internal);
  if (inside) return inside;
  if (badHeaderValue(spec.auth) || (spec.auth.type === 'apikey' && !token.test(spec.auth.header))) {
    return config(proxyCodes.noUrl, 'The backend credentials cannot be sent as HTTP headers');
  }
  for (const m of spec.mappings) {
    if (m.in === 'header' && !token.test(m.name)) return config(proxyCodes.noUrl, `"${m.name}" is not a valid HTTP header name`);
  }
  return undefined;
}

export function soapProblem(spec: ProxySpec, prepared: PreparedProxy | undefined): ProxyError | undefined {
  const name = soapOperationName(spec);
  if (prepared?.kind !== 'soap' || prepared.operation.name !== name || prepared.operation.version !== spec.soapVersion) {
    return config(proxyCodes.wsdl, 'SOAP Constructor Error: the WSDL was not read for this configuration (prepare the operation again)');
  }
  return undefined;
}
