/**
 * The general `http` style: any method; each mapping puts a caller or fixed value into a `{name}` path placeholder
 * (endpoint or method), the query, a header, or the body (JSON, form or XML; "a.b" names nest). Without mappings,
 * caller parameters fill placeholders of their name, the rest go to the query (GET, HEAD, DELETE) or the body.
 * Body mappings of GET and HEAD go to the query. Only the path below the configured origin is built from values.
 */
import { XMLBuilder } from 'fast-xml-parser';
import type { ProxyMapping, ProxySpec } from '../../src/model/operation-proxy.ts';
import { badParam, originalMessages } from './errors.ts';
import { ACCEPT } from './request-mantra.ts';
import {
  headerValue, joinPath, mappedValue, nest, type Scalar, segmentValue, text, xmlName, xmlValue,
} from './request-values.ts';
import type { BackendRequest } from './types.ts';

const placeholder = /\{([^{}/]+)\}/g;

const xmlBuilder = new XMLBuilder({ ignoreAttributes: false, format: false, suppressEmptyNode: false });

export function httpRequestBuilder(spec: ProxySpec): (params: Record<string, string>) => BackendRequest {
  const endpoint = new URL(spec.endpoint);
  const [methodPath, methodQuery = ''] = spec.method.split('?', 2);
  // WHATWG URLs keep "{" "}" of a path percent-encoded; placeholders are matched on the decoded form.
  const template = joinPath(endpoint.pathname, methodPath).replace(/%7B/gi, '{').replace(/%7D/gi, '}');
  const fixedQuery = new URLSearchParams(endpoint.search);
  for (const [k, v] of new URLSearchParams(methodQuery)) fixedQuery.append(k, v);
  const fixedQs = fixedQuery.toString();
  const names = new Set([...template.matchAll(placeholder)].map((m) => m[1]));
  // URL's origin is a getter that builds its string on every read.
  const origin = endpoint.origin;

  const byPlace = (place: ProxyMapping['in']) => spec.mappings.filter((m) => m.in === place);
  const pathMaps = new Map(byPlace('path').map((m) => [m.name, m]));
  const queryMaps = byPlace('query');
  const headerMaps = byPlace('header');
  const bodyMaps = byPlace('body');
  const method = spec.httpMethod;
  const bodyless = method === 'GET' || method === 'HEAD';
  const paramsInQuery = bodyless || method === 'DELETE';
  const everyParam = spec.mappings.length === 0;
  const idempotent = method === 'GET' || method === 'HEAD' || method === 'PUT' || method === 'DELETE';

  return function buildHttpRequest(params) {
    const path = names.size === 0 ? template : template.replace(placeholder, (_, name: string) => {
      const m = pathMaps.get(name);
      const v = m ? mappedValue(m, params) : params[name];
      if (v === undefined || v === null || v === '') throw badParam(originalMessages[10005]);
      return encodeURIComponent(segmentValue(text(v)));
    });
    // Copied from the fixed query only when a value is added (most calls of a GET by path add none).
    let added: URLSearchParams | undefined;
    const append = (k: string, v: string) => (added ??= new URLSearchParams(fixedQuery)).append(k, v);
    const headers: Record<string, string> = { Accept: ACCEPT };
    const body: [string, Scalar][] = [];

    if (everyParam) {
      for (const k in params) {
        const v = params[k];
        if (names.has(k)) continue;
        if (paramsInQuery) append(k, v);
        else body.push([k, v]);
      }
    } else {
      for (const m of queryMaps) add(m, (v) => append(m.name, text(v)));
      for (const m of headerMaps) add(m, (v) => (headers[m.name] = headerValue(text(v))));
      for (const m of bodyMaps) add(m, (v) => (bodyless ? append(m.name, text(v)) : body.push([m.name, v])));
    }

    function add(m: ProxyMapping, put: (v: Scalar) => void): void {
      const v = mappedValue(m, params);
      if (v !== undefined) put(v);
    }

    const qs = added ? added.toString() : fixedQs;
    const req: BackendRequest = {
      method,
      url: origin + path + (qs ? `?${qs}` : ''),
      headers,
      idempotent,
    };
    if (!bodyless && body.length > 0) {
      if (spec.bodyType === 'json') {
        headers['Content-Type'] = 'application/json';
        req.body = JSON.stringify(nest(body));
      } else if (spec.bodyType === 'form') {
        headers['Content-Type'] = 'application/x-www-form-urlencoded';
        req.body = new URLSearchParams(body.map(([k, v]) => [k, text(v)])).toString();
      } else {
        for (const [k] of body) {
          if (!k.split('.').every((part) => xmlName.test(part))) throw badParam(`"${k}" cannot be an XML element name`);
        }
        headers['Content-Type'] = 'application/xml; charset=utf-8';
        req.body = '<?xml version="1.0" encoding="utf-8"?>' +
          xmlBuilder.build({ [spec.xmlRoot]: nest(body.map(([k, v]) => [k, xmlValue(v)])) });
      }
    }
    return req;
  };
}
