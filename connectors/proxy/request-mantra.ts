/**
 * Requests in MANTRA's own styles, byte for byte as the original's callAPI() built them (PHP urlencode):
 * - rest:        GET  endpoint/method/k=v&k2=v2   (values urlencoded twice: the receiving MANTRA decodes twice)
 * - restfull:    GET  endpoint/method/v1/v2
 * - restfullpar: GET  endpoint/method/k1/v1/k2/v2
 * - get:         GET  endpoint/method?k=v&k2=v2
 * - post:        POST endpoint/method, form body k=v&k2=v2
 * A trailing "/" is dropped. `User-Agent: MANTRA` always (credentials add `AccessKey`). Header mappings become
 * headers; the other mappings, or all caller parameters when there are none, are the style's parameters.
 */
import type { ProxySpec } from '../../src/model/operation-proxy.ts';
import { httpBuildQuery, phpUrlencode } from './php-url.ts';
import { headerValue, joinPath, mappedValue, pairsOf, segmentValue, text } from './request-values.ts';
import type { BackendRequest } from './types.ts';

export const ACCEPT = 'application/json, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5';

export function mantraRequestBuilder(spec: ProxySpec): (params: Record<string, string>) => BackendRequest {
  const headerMaps = spec.mappings.filter((m) => m.in === 'header');
  const paramMaps = spec.mappings.filter((m) => m.in !== 'header');
  const base = joinPath(spec.endpoint, spec.method);
  const style = spec.style;

  return function buildMantraRequest(params) {
    const pairs = pairsOf(paramMaps, params);
    const headers: Record<string, string> = { 'User-Agent': 'MANTRA', Accept: ACCEPT };
    for (const m of headerMaps) {
      const v = mappedValue(m, params);
      if (v !== undefined) headers[m.name] = headerValue(text(v));
    }
    let uri = base;
    let body: string | undefined;
    if (pairs.length > 0) {
      switch (style) {
        case 'rest':
          uri = joinPath(uri, pairs.map(([k, v]) => `${phpUrlencode(k)}=${phpUrlencode(phpUrlencode(v))}`).join('&'));
          break;
        case 'restfull':
          uri = joinPath(uri, pairs.map(([, v]) => phpUrlencode(segmentValue(v))).join('/'));
          break;
        case 'restfullpar':
          uri = joinPath(uri, pairs.map(([k, v]) => `${phpUrlencode(segmentValue(k))}/${phpUrlencode(segmentValue(v))}`).join('/'));
          break;
        case 'get':
          uri = stripSlash(uri);
          uri += (uri.includes('?') ? '&' : '?') + httpBuildQuery(pairs);
          break;
        case 'post':
          body = httpBuildQuery(pairs);
          break;
      }
    }
    if (style === 'post') {
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
      body ??= '';
    }
    return { method: style === 'post' ? 'POST' : 'GET', url: stripSlash(uri), headers, body, idempotent: style !== 'post' };
  };
}

function stripSlash(uri: string): string {
  return uri.endsWith('/') ? uri.slice(0, -1) : uri;
}
