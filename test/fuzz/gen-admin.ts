/**
 * Requests to the admin API: login bodies (valid, broken, wrong types, oversized) and JSON bodies of every
 * entity, made by mutating a valid one. Runs against an app of its own, so what it changes cannot disturb
 * the gateway cases. The token of a signed-in administrator comes from the context.
 */
import type { Rng } from './prng.ts';
import type { FuzzRequest, Generator } from './case.ts';
import { fuzzText, percent, randomChars } from './values.ts';
import { ADMIN_PASSWORD } from './fixture.ts';

export interface AdminContext {
  token: string;
  /** An endpoint the fuzzed proxy operations may name (the fuzz backend; nothing else is ever called). */
  backendUrl: string;
  /** Only login and authentication cases: nothing that could change the configuration. */
  loginOnly?: boolean;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function templates(ctx: AdminContext): [string, string, () => Record<string, Json>][] {
  return [
    ['/agencies', 'slug', () => ({ slug: 'a', name: 'Agency A' })],
    ['/connectors', 'agency/slug', () => ({ agency: 'a', slug: 'pg2', kind: 'postgres', host: '127.0.0.1', port: 1, database: 'x', user: 'u', password: 'FUZZSECRET-admin-conn-pass' })],
    ['/services', 'agency/slug', () => ({ agency: 'a', slug: 'svc', name: 'Service' })],
    ['/operations', 'agency/service/slug', () => ({
      agency: 'a', service: 'svc', slug: 'op', kind: 'data', params: [{ name: 'nik', type: 'string', pattern: '[0-9]+' }],
      data: { form: 'sql', connector: 'db', sql: 'select nik from penduduk where nik = :nik' },
    })],
    ['/operations', 'agency/service/slug', () => ({
      agency: 'a', service: 'svc', slug: 'px', kind: 'proxy', params: [{ name: 'q', required: false }],
      proxy: { style: 'rest', endpoint: ctx.backendUrl, method: 'm', auth: { type: 'bearer', token: 'FUZZSECRET-admin-proxy-token' }, timeoutMs: 300 },
    })],
    ['/consumers', 'agency/slug', () => ({ agency: 'a', slug: 'app', name: 'App' })],
    ['/subscriptions', 'id', () => ({ consumer: 'a/app', agency: 'a', service: 'svc', operation: 'op', status: 'approved', ipAllowlist: ['10.0.0.1'], rateLimit: 5 })],
    ['/users', 'username', () => ({ username: 'ani', role: 'provider', agency: 'a', fullName: 'Ani', password: 'password-panjang-1', active: true })],
  ];
}

function fuzzJson(rng: Rng, depth = 0): Json {
  return rng.weighted<() => Json>([
    [4, () => fuzzText(rng)],
    [2, () => rng.pick([0, -1, 1.5, 1e308, 2 ** 53 + 1, -0, 65536, 1e21])],
    [1, () => rng.pick([true, false, null])],
    [1, () => (depth > 3 ? [] : Array.from({ length: rng.int(0, 3) }, () => fuzzJson(rng, depth + 1)))],
    [1, () => (depth > 3 ? {} : Object.fromEntries(Array.from({ length: rng.int(0, 3) }, () => [fuzzText(rng).slice(0, 40), fuzzJson(rng, depth + 1)])))],
  ])();
}

/** A field path of a JSON value, for mutation (objects only). */
function paths(v: Json, prefix: string[] = []): string[][] {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return [prefix];
  return [prefix, ...Object.keys(v).flatMap((k) => paths(v[k], [...prefix, k]))];
}

function mutate(rng: Rng, body: Record<string, Json>): Record<string, Json> {
  for (let n = rng.int(1, 3); n > 0; n--) {
    const all = paths(body).filter((p) => p.length > 0);
    const path = all.length ? rng.pick(all) : ['extra'];
    let parent = body;
    for (const k of path.slice(0, -1)) parent = parent[k] as Record<string, Json>;
    const last = path[path.length - 1];
    rng.weighted<() => void>([
      [4, () => (parent[last] = fuzzJson(rng))],
      [2, () => delete parent[last]],
      [2, () => (parent[fuzzText(rng).slice(0, 30) || 'extra'] = fuzzJson(rng))],
      [1, () => (parent[last] = 'x'.repeat(rng.pick([65, 4097, 100_001])))],
      [1, () => (parent[last] = rng.pick(['__proto__', 'constructor', '../../../etc/passwd', '/proc/self/environ', 'file:///etc/passwd', 'http://169.254.169.254/']))],
    ])();
  }
  return body;
}

function jsonRequest(method: string, target: string, token: string | undefined, body: string, rng: Rng): FuzzRequest {
  const headers: [string, string][] = [['Content-Type', rng.chance(0.9) ? 'application/json' : rng.pick(['text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=latin1', ''])]];
  if (token !== undefined) headers.push(['Authorization', `Bearer ${token}`]);
  return { method, target, headers, body };
}

export function adminRequest(ctx: AdminContext): Generator {
  const all = templates(ctx);
  return (rng) => {
    const kind = ctx.loginOnly ? rng.weighted([[4, 'login'], [1, 'auth']]) : rng.weighted([[3, 'login'], [6, 'write'], [1, 'read'], [1, 'auth']]);
    if (kind === 'login') {
      const username = rng.pick(['admin', 'Admin', 'nobody', '', 'a'.repeat(65), fuzzText(rng)]);
      const password = rng.weighted([[1, ADMIN_PASSWORD], [6, 'wrong-password'], [3, fuzzText(rng)], [1, 'p'.repeat(1025)]]);
      const body = rng.weighted<() => string>([
        [5, () => JSON.stringify({ username, password })],
        [2, () => JSON.stringify(mutate(rng, { username, password }))],
        [2, () => rng.pick(['', '{', 'null', '[]', '"admin"', '{"username":1,"password":2}', '{"username":"admin"}', '\ufeff{}', `username=admin&password=${ADMIN_PASSWORD}`, randomChars(rng, 50)])],
        [0.2, () => JSON.stringify({ username, password: 'x'.repeat(1024 * 1024 + 10) })],
      ])();
      return { surface: 'admin', request: jsonRequest('POST', '/admin/api/login', undefined, body, rng) };
    }
    if (kind === 'auth') {
      const headers: [string, string][] = [rng.pick<[string, string]>([
        ['Authorization', `Bearer ${fuzzText(rng)}`], ['Authorization', 'Bearer'], ['Cookie', `mantra_session=${fuzzText(rng)}`],
        ['Authorization', `Basic ${btoa('admin:' + 'x')}`], ['X-CSRF-Token', fuzzText(rng)],
      ])];
      return { surface: 'admin', request: { method: rng.pick(['GET', 'POST', 'DELETE']), target: rng.pick(['/admin/api/session', '/admin/api/users', '/admin/api/agencies']), headers } };
    }
    const [collection, idShape, make] = rng.pick(all);
    const body = make();
    const id = idShape.split('/').map((k) => (rng.chance(0.9) ? String(body[k] ?? 'x') : percent(fuzzText(rng)) || '%00')).join('/');
    if (kind === 'read') {
      const target = rng.chance(0.5) ? `/admin/api${collection}/${id}` : `/admin/api${collection}?${rng.pick(['agency', 'kind', 'role', 'status', 'x'])}=${percent(fuzzText(rng))}`;
      return { surface: 'admin', request: { method: 'GET', target, headers: [['Authorization', `Bearer ${ctx.token}`]] } };
    }
    const method = rng.weighted([[5, 'POST'], [3, 'PUT'], [1, 'DELETE'], [0.3, 'PATCH']]);
    const target = `/admin/api${collection}${method === 'POST' ? '' : `/${id}`}`;
    const text = rng.chance(0.85) ? JSON.stringify(mutate(rng, body)) : JSON.stringify(body).slice(0, rng.int(0, 40));
    return { surface: 'admin', request: jsonRequest(method, target, ctx.token, text, rng) };
  };
}
