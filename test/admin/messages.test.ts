/** The page's one message catalogue: every key the page uses is there, in Bahasa Indonesia and in English. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

const dir = path.join(path.dirname(new URL(import.meta.url).pathname), '../../admin');
const { messages } = await import(path.join(dir, 'messages.js'));

/** Prefixes of the keys written out literally in the page's modules. */
const prefixes = ['app', 'nav', 'common', 'field', 'hint', 'error', 'login', 'profile', 'role', 'agencies', 'users', 'connectors',
  'services', 'operations', 'params', 'data', 'proxy', 'composite', 'shape', 'audit', 'console', 'catalogue', 'consumers', 'subs',
  'tracks', 'dash', 'settings', 'failures'];
/** Families whose keys the modules build from a value (`status.${s}`): every value they can take. */
const families: Record<string, string[]> = {
  role: ['administrator', 'provider', 'publisher', 'requester', 'supervisor'],
  nav: ['dashboard', 'agencies', 'users', 'connectors', 'services', 'console', 'catalogue', 'consumers', 'subscriptions', 'tracks', 'settings', 'profile'],
  opkind: ['data', 'proxy', 'composite', 'unknown'],
  ptype: ['string', 'integer', 'number', 'boolean', 'date', 'datetime'],
  connkind: ['postgres', 'mysql', 'mssql', 'oracle', 'sqlite', 'dbf', 'http', 'soap'],
  status: ['requested', 'approved', 'rejected', 'revoked', 'expired'],
  histaction: ['requested', 'approved', 'rejected', 'revoked', 'expired', 'created', 'key_regenerated'],
  stepstatus: ['ok', 'default', 'omitted', 'failed', 'cancelled', 'skipped'],
  snippet: ['curl', 'php', 'javascript', 'python', 'java', 'adapter'],
  'error.http': ['400', '401', '403', '404', '405', '408', '409', '413', '415', '429', '500', '501', '502', '503', '504'],
  'subs.done': ['approve', 'reject', 'revoke'],
  'operations.part': ['data', 'proxy', 'composite'],
  ssl: ['disable', 'prefer', 'require', 'verify-full'], dform: ['table', 'sql'], daction: ['select', 'insert', 'update', 'delete', 'upsert'],
  dsource: ['param', 'value'], ddir: ['ASC', 'DESC'], pstyle: ['rest', 'restfull', 'restfullpar', 'get', 'post', 'http', 'soap'],
  pauth: ['none', 'mantra', 'basic', 'bearer', 'apikey', 'oauth2'], preply: ['auto', 'json', 'xml', 'serialize', 'text'],
  pin: ['path', 'query', 'header', 'body'], iface: ['compat', 'v1'], cfail: ['fail', 'omit', 'default'],
  tiface: ['compat', 'v1', 'soap', 'admin', 'oauth'], smtptls: ['starttls', 'implicit', 'none'],
  pauthf: ['accessKey', 'username', 'password', 'token', 'header', 'key', 'tokenUrl', 'clientId', 'clientSecret', 'scope', 'audience', 'clientAuth'],
};

test('every key the page uses is in the catalogue, in both languages', () => {
  const used = new Set<string>();
  const literal = new RegExp(`['"]((?:${prefixes.join('|')})\\.[A-Za-z][\\w.-]*)['"]`, 'g');
  for (const file of fs.readdirSync(dir).filter((f) => /\.(js|html)$/.test(f) && f !== 'messages.js')) {
    const text = fs.readFileSync(path.join(dir, file), 'utf8');
    for (const m of text.matchAll(literal)) if (!/\.js$/.test(m[1])) used.add(m[1]);
  }
  for (const [family, values] of Object.entries(families)) for (const v of values) used.add(`${family}.${v}`);
  const missing = [...used].filter((k) => !messages[k]);
  assert.deepEqual(missing, []);
  assert.ok(used.size > 400, `keys found: ${used.size}`);
});

test('each entry has an Indonesian and an English text, with the same placeholders', () => {
  for (const [key, { id, en }] of Object.entries(messages as Record<string, { id: string; en: string }>)) {
    assert.ok(id && en, key);
    const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    assert.deepEqual(names(id), names(en), key);
  }
});
