// A proxy operation: the backend (MANTRA's REST styles, any HTTP method, or SOAP), where parameters go, the
// credentials, and resilience (timeouts, retries, circuit breaker, health checks, caches and MANTRA's fallback).
import { h } from './dom.js';
import { form, options } from './form.js';
import { t } from './i18n.js';
import { listEditor } from './list-editor.js';

const styles = ['rest', 'restfull', 'restfullpar', 'get', 'post', 'http', 'soap'];
const authTypes = ['none', 'mantra', 'basic', 'bearer', 'apikey', 'oauth2'];
/** The fields of each credential type; secrets are never shown back, "" keeps the stored one. */
const authFields = {
  none: [], mantra: ['accessKey'], basic: ['username', 'password'], bearer: ['token'], apikey: ['header', 'key'],
  oauth2: ['tokenUrl', 'clientId', 'clientSecret', 'scope', 'audience', 'clientAuth'],
};
const secrets = new Set(['accessKey', 'password', 'token', 'key', 'clientSecret']);

export function proxyEditor(spec = {}) {
  const values = { style: 'rest', auth: { type: 'none' }, ...spec };
  const kept = (name) => (values.auth?.[`${name}Set`] ? 'proxy.secretKept' : undefined);
  const backend = form([
    { name: 'style', label: 'proxy.style', type: 'select', options: options(styles, 'pstyle'), onchange: (v) => showFor(v) },
    { name: 'endpoint', label: 'proxy.endpoint', type: 'url', placeholder: 'https://api.example.go.id/v1', wide: true, keepEmpty: true },
    { name: 'method', label: 'proxy.method', hint: 'proxy.methodHint', keepEmpty: true },
    { name: 'httpMethod', label: 'proxy.httpMethod', type: 'select', options: options(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']) },
    { name: 'bodyType', label: 'proxy.bodyType', type: 'select', options: options(['json', 'form', 'xml']) },
    { name: 'xmlRoot', label: 'proxy.xmlRoot' },
    { name: 'wsdl', label: 'proxy.wsdl', type: 'url' },
    { name: 'soapOperation', label: 'proxy.soapOperation' },
    { name: 'soapVersion', label: 'proxy.soapVersion', type: 'select', options: options(['1.1', '1.2']) },
    { name: 'soapIdempotent', label: 'proxy.soapIdempotent', type: 'checkbox' },
    { name: 'replyFormat', label: 'proxy.replyFormat', type: 'select', options: options(['auto', 'json', 'xml', 'serialize', 'text'], 'preply') },
  ], values);
  const auth = form([
    { name: 'auth.type', label: 'proxy.authType', type: 'select', options: options(authTypes, 'pauth'), onchange: (v) => showAuth(v) },
    ...Object.values(authFields).flat().filter((n, i, all) => all.indexOf(n) === i).map((n) => ({
      name: `auth.${n}`, label: `pauthf.${n}`, type: secrets.has(n) ? 'password' : n === 'clientAuth' ? 'select' : 'text',
      options: n === 'clientAuth' ? options(['basic', 'body']) : undefined, keepEmpty: secrets.has(n), hint: secrets.has(n) ? kept(n) : undefined,
      autocomplete: secrets.has(n) ? 'new-password' : 'off',
    })),
    { name: 'tls.ca', label: 'proxy.tlsCa', type: 'textarea', rows: 2 },
  ], values);
  const resilience = form([
    { name: 'connectTimeoutMs', label: 'proxy.connectTimeout', type: 'number', min: 50, default: 10000 },
    { name: 'timeoutMs', label: 'proxy.timeout', type: 'number', min: 50, default: 30000 },
    { name: 'retries', label: 'proxy.retries', type: 'number', min: 0, max: 10, default: 0, hint: 'proxy.retriesHint' },
    { name: 'retryBaseMs', label: 'proxy.retryBase', type: 'number', min: 1, default: 100 },
    { name: 'retryMaxMs', label: 'proxy.retryMax', type: 'number', min: 1, default: 2000 },
    { name: 'breaker.failures', label: 'proxy.breakerFailures', type: 'number', min: 0, default: 5, hint: 'proxy.breakerHint' },
    { name: 'breaker.coolDownMs', label: 'proxy.breakerCool', type: 'number', min: 100, default: 30000 },
    { name: 'health.url', label: 'proxy.healthUrl', type: 'url' },
    { name: 'health.intervalMs', label: 'proxy.healthInterval', type: 'number', min: 0, default: 0 },
    { name: 'cacheTtlSeconds', label: 'proxy.cacheTtl', type: 'number', min: 0, default: 0 },
    { name: 'fallback', label: 'proxy.fallback', type: 'checkbox', hint: 'proxy.fallbackHint' },
    { name: 'fallbackMaxAgeSeconds', label: 'proxy.fallbackAge', type: 'number', min: 0, default: 0 },
  ], values);
  const mappings = listEditor({
    legend: 'proxy.mappings', addLabel: 'proxy.addMapping', values: values.mappings ?? [],
    newItem: () => ({ in: 'query' }),
    fields: () => [
      { name: 'name', label: 'proxy.mapName', required: true },
      { name: 'in', label: 'proxy.mapIn', type: 'select', options: options(['path', 'query', 'header', 'body'], 'pin') },
      { name: 'param', label: 'proxy.mapParam' },
      { name: 'value', label: 'proxy.mapValue' },
    ],
  });
  const el = h('div', { id: 'proxy-editor' },
    h('fieldset', {}, h('legend', {}, t('proxy.backend')), backend.el),
    mappings.el,
    h('fieldset', {}, h('legend', {}, t('proxy.credentials')), auth.el),
    h('fieldset', {}, h('legend', {}, t('proxy.resilience')), resilience.el));

  function show(f, names, visible) {
    for (const n of names) {
      const c = f.control(n);
      if (c) c.closest('div').hidden = !visible;
    }
  }
  function showFor(style) {
    show(backend, ['httpMethod', 'bodyType', 'xmlRoot'], style === 'http');
    show(backend, ['wsdl', 'soapOperation', 'soapVersion', 'soapIdempotent'], style === 'soap');
  }
  function showAuth(type) {
    for (const n of Object.values(authFields).flat()) show(auth, [`auth.${n}`], authFields[type].includes(n));
  }
  showFor(values.style);
  showAuth(values.auth?.type ?? 'none');

  return {
    el,
    read() {
      const b = backend.read();
      const a = auth.read();
      const type = a.auth?.type ?? 'none';
      const credentials = { type };
      for (const n of authFields[type]) credentials[n] = a.auth?.[n] ?? (secrets.has(n) ? '' : undefined);
      const r = resilience.read();
      const spec = { ...b, ...r, mappings: mappings.read(), auth: credentials };
      if (a.tls?.ca) spec.tls = { ca: a.tls.ca };
      if (spec.endpoint === undefined) spec.endpoint = '';
      return spec;
    },
    showIssues: (issues) => mappings.showIssues('proxy.mappings', issues),
  };
}
