import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { generate } from 'otplib';
import type { Kind } from '../../src/model/index.ts';
import { Operation } from '../../src/model/operation.ts';
import { Subscription } from '../../src/model/subscription.ts';
import { type Role, roles, type User } from '../../src/model/user.ts';
import { newTotpSecret } from '../../src/security/totp.ts';
import { type Harness, harness, PASSWORD, seed, settings } from './support.ts';
import { serveDocument } from '../hub/document-server.ts';

describe('admin api: roles and agency scoping', () => {
  let h: Harness;
  let admin: string, providerA: string, publisherB: string, requesterB: string, supervisor: string;
  before(async () => {
    h = harness();
    admin = await h.user('root', 'administrator');
    await seed(h, admin);
    providerA = await h.user('ani', 'provider', { agency: 'a' });
    publisherB = await h.user('bayu', 'publisher', { agency: 'b' });
    requesterB = await h.user('citra', 'requester', { agency: 'b' });
    supervisor = await h.user('dewi', 'supervisor');
    // Something of agency B to try to touch.
    const r = await h.call('POST', '/services', { token: admin, json: { agency: 'b', slug: 'perizinan' } });
    assert.equal(r.status, 201);
  });
  after(() => h.close());

  const status = async (token: string, method: string, url: string, json?: unknown) => (await h.call(method, url, { token, json })).status;

  test('a provider of agency A manages A and cannot touch agency B (403)', async () => {
    const dbf = path.join(h.files, 'dbf');
    assert.equal(await status(providerA, 'POST', '/connectors', { agency: 'a', slug: 'files', kind: 'dbf', path: dbf }), 201);
    assert.equal(await status(providerA, 'POST', '/connectors', { agency: 'b', slug: 'files', kind: 'dbf', path: dbf }), 403);
    assert.equal(await status(providerA, 'POST', '/services', { agency: 'b', slug: 'x' }), 403);
    assert.equal(await status(providerA, 'GET', '/services/b/perizinan'), 403);
    assert.equal(await status(providerA, 'PUT', '/services/b/perizinan', { agency: 'b', slug: 'perizinan', version: 1 }), 403);
    assert.equal(await status(providerA, 'DELETE', '/services/b/perizinan'), 403);
    const forbidden = await h.call('DELETE', '/services/b/perizinan', { token: providerA, headers: { 'accept-language': 'en' } });
    assert.deepEqual(forbidden.body, { error: 'forbidden', message: 'You are not allowed to do this' });
    const services = (await h.call('GET', '/services', { token: providerA })).body.items.map((s: { agency: string }) => s.agency);
    assert.deepEqual([...new Set(services)], ['a'], 'lists show only their agency');
    assert.equal(await status(providerA, 'POST', '/services', { agency: 'a', slug: 'pajak' }), 201);
    assert.equal(await status(providerA, 'DELETE', '/services/a/pajak'), 204);
  });

  test('a provider subscribes consumers to its own operations only', async () => {
    const own = { consumer: 'b/app', agency: 'a', service: 'kependudukan', operation: 'penduduk_by_nik', purpose: 'verifikasi' };
    const r = await h.call('POST', '/subscriptions', { token: providerA, json: own });
    assert.equal(r.status, 201, r.text);
    assert.equal(await status(publisherB, 'POST', '/subscriptions', own), 403);
    assert.equal(await status(publisherB, 'GET', `/subscriptions/${r.body.id}`), 403);
    assert.equal(await status(publisherB, 'POST', `/subscriptions/${r.body.id}/rotate-key`), 403);
    // The requester agency sees the subscriptions of its consumers, read-only.
    assert.equal(await status(requesterB, 'GET', `/subscriptions/${r.body.id}`), 200);
    assert.equal((await h.call('GET', '/subscriptions', { token: requesterB })).body.items.length, 1);
    assert.equal(await status(requesterB, 'DELETE', `/subscriptions/${r.body.id}`), 403);
  });

  test('a publisher of B cannot write operations of A', async () => {
    const op = { agency: 'a', service: 'kependudukan', slug: 'x', kind: 'data', data: { form: 'sql', connector: 'db', sql: 'select 1' } };
    assert.equal(await status(publisherB, 'POST', '/operations', op), 403);
    assert.equal(await status(publisherB, 'DELETE', '/operations/a/kependudukan/penduduk_by_nik'), 403);
    assert.equal(await status(publisherB, 'POST', '/services', { agency: 'b', slug: 'izin' }), 201);
  });

  test('a requester reads operations and manages its own consumers', async () => {
    assert.equal((await h.call('GET', '/operations', { token: requesterB })).body.items.length, 1);
    assert.equal(await status(requesterB, 'GET', '/operations/a/kependudukan/penduduk_by_nik'), 200);
    assert.equal(await status(requesterB, 'POST', '/operations', { agency: 'b', service: 'perizinan', slug: 'x', kind: 'data' }), 403);
    assert.equal(await status(requesterB, 'GET', '/connectors'), 403);
    assert.equal(await status(requesterB, 'POST', '/consumers', { agency: 'b', slug: 'mobile' }), 201);
    assert.equal(await status(requesterB, 'POST', '/consumers', { agency: 'a', slug: 'mobile' }), 403);
    assert.equal(await status(requesterB, 'DELETE', '/consumers/b/mobile'), 204);
  });

  test('a supervisor reads everything and writes nothing', async () => {
    for (const url of ['/agencies', '/users', '/connectors', '/services', '/operations', '/consumers', '/subscriptions']) {
      assert.equal(await status(supervisor, 'GET', url), 200, url);
    }
    assert.equal(await status(supervisor, 'GET', '/connectors/a/db'), 200);
    assert.equal(await status(supervisor, 'POST', '/agencies', { slug: 'z', name: 'Z' }), 403);
    assert.equal(await status(supervisor, 'DELETE', '/services/b/perizinan'), 403);
    assert.equal(await status(supervisor, 'POST', '/connectors/a/db/test'), 403);
  });

  test('users and agencies are written by administrators only; others read their own', async () => {
    assert.equal(await status(providerA, 'POST', '/agencies', { slug: 'z', name: 'Z' }), 403);
    assert.equal(await status(providerA, 'POST', '/users', { username: 'eko', role: 'provider', agency: 'a', password: 'long enough password' }), 403);
    assert.equal(await status(providerA, 'GET', '/agencies/a'), 200);
    assert.equal(await status(providerA, 'GET', '/agencies/b'), 403);
    assert.equal(await status(providerA, 'GET', '/users/ani'), 200);
    assert.equal(await status(providerA, 'GET', '/users/root'), 403);
    assert.deepEqual((await h.call('GET', '/users', { token: providerA })).body.items.map((u: { username: string }) => u.username), ['ani']);
    const self = (await h.call('GET', '/users/ani', { token: providerA })).body;
    const { updatedAt: _, ...fields } = self;
    assert.equal(await status(providerA, 'PUT', '/users/ani', { ...fields, role: 'administrator' }), 403, 'no promoting oneself');
    assert.equal(await status(admin, 'POST', '/agencies', { slug: 'z', name: 'Z' }), 201);
  });
});

/**
 * The one matrix of roles × admin API endpoints. Every route of the OpenAPI document has a row naming the roles
 * that may use it; a route without a row (a new endpoint) fails. Each row builds a valid request, with a fresh
 * target where the call changes or removes it, so an allowed role must get a 2xx and any other role a 403.
 * Targets: agency a's configuration (the provider and the publisher belong to a) and agency b's application
 * (the requester belongs to b); other agencies are refused as well (the scoping tests above).
 */
describe('admin api: the matrix of roles × endpoints', () => {
  type Req = { method?: string; path: string; json?: unknown; token?: string };
  /** `found`: the status an allowed role gets when the route has nothing to show here (default: any 2xx). */
  type Row = { allow: readonly Role[]; request: (role: Role) => Promise<Req> | Req; found?: number };
  const all = roles;
  const admin = ['administrator'] as const;
  const watchers = ['administrator', 'supervisor'] as const;
  const agencyA = ['administrator', 'provider', 'publisher'] as const;
  const readersA = ['administrator', 'supervisor', 'provider', 'publisher'] as const;
  const agencyB = ['administrator', 'requester'] as const;

  let h: Harness;
  const tokens = {} as Record<Role, string>;
  const agencyOf: Record<Role, string | undefined> = { administrator: undefined, supervisor: undefined, provider: 'a', publisher: 'a', requester: 'b' };
  let n = 0;
  const next = (prefix: string) => `${prefix}${++n}`;
  const adminRead = async (path: string) => {
    const { updatedAt: _, ...fields } = (await h.call('GET', path, { token: tokens.administrator })).body;
    return fields;
  };
  /** A user of the role of its own, for routes that change the caller (password, sessions, TOTP). */
  async function freshUser(role: Role, extra: Partial<User> = {}) {
    const username = next('u');
    return { username, token: await h.user(username, role, { agency: agencyOf[role], ...extra }) };
  }
  const put = <K extends Kind>(kind: K, body: unknown) => h.store.put(kind, body as never, 0);
  const op = { agency: 'a', service: 'kependudukan', operation: 'penduduk_by_nik' };
  async function subscription(status: 'requested' | 'approved') {
    const id = next('sub-');
    await put('subscription', Subscription.parse({ id, consumer: 'b/app', ...op, status, keyHash: h.secrets.hashKey(id) }));
    return id;
  }
  /** A composite of agency a over its data operation. */
  const composite = (slug: string) => ({
    agency: 'a', service: 'kependudukan', slug, kind: 'composite', params: [{ name: 'nik' }],
    composite: { steps: [{ name: 'penduduk', ...op, params: { nik: 'params.nik' } }] },
  });
  async function consumer() {
    const slug = next('app-');
    await put('consumer', { agency: 'b', slug, name: '' });
    return slug;
  }

  const matrix: Record<string, Row> = {
    'POST /login': { allow: all, request: (role) => ({ path: '/login', json: { username: userOf[role], password: PASSWORD }, token: '' }) },
    'POST /logout': { allow: all, request: async (role) => ({ path: '/logout', token: (await freshUser(role)).token }) },
    'GET /session': { allow: all, request: () => ({ path: '/session' }) },
    'POST /password': {
      allow: all,
      request: async (role) => ({ path: '/password', json: { current: PASSWORD, new: 'another long password' }, token: (await freshUser(role)).token }),
    },
    'POST /totp/enrol': { allow: all, request: async (role) => ({ path: '/totp/enrol', json: { password: PASSWORD }, token: (await freshUser(role)).token }) },
    'POST /totp/confirm': {
      allow: all,
      request: async (role) => {
        const secret = newTotpSecret();
        const { token } = await freshUser(role, { totp: { secret: h.secrets.encrypt(secret), confirmed: false } });
        return { path: '/totp/confirm', json: { code: await generate({ secret }) }, token };
      },
    },
    'POST /totp/disable': {
      allow: all,
      request: async (role) => {
        const secret = newTotpSecret();
        const { token } = await freshUser(role, { totp: { secret: h.secrets.encrypt(secret), confirmed: true } });
        return { path: '/totp/disable', json: { code: await generate({ secret }) }, token };
      },
    },
    'GET /security/login-failures': { allow: watchers, request: () => ({ path: '/security/login-failures' }) },
    'GET /settings': { allow: watchers, request: () => ({ path: '/settings' }) },
    'PUT /settings': {
      allow: admin,
      request: async () => {
        const current = await adminRead('/settings');
        return { path: '/settings', json: current };
      },
    },

    'GET /audit/tracks': { allow: watchers, request: () => ({ path: '/audit/tracks' }) },
    'GET /audit/verify': { allow: watchers, request: () => ({ path: '/audit/verify' }) },
    'GET /audit/checkpoints': { allow: watchers, request: () => ({ path: '/audit/checkpoints' }) },
    'POST /audit/subject': { allow: admin, request: () => ({ path: '/audit/subject', json: { value: '3201010101010042' } }) },
    // No track here kept its answer: an administrator gets past the guard to a 404, everyone else is stopped at it.
    'GET /audit/tracks/{seq}/answer': { allow: admin, request: () => ({ path: '/audit/tracks/1/answer' }), found: 404 },
    'GET /stats': { allow: all, request: () => ({ path: '/stats' }) },
    // Public: the sign-in page shows it before anyone signs in.
    'GET /branding': { allow: all, request: () => ({ path: '/branding' }) },
    // No SMTP settings here: an administrator gets past the guard to a 409, everyone else is stopped at it.
    'POST /settings/smtp-test': { allow: admin, request: () => ({ path: '/settings/smtp-test', json: { to: 'uji@example.go.id' } }), found: 409 },

    'GET /agencies': { allow: all, request: () => ({ path: '/agencies' }) },
    'POST /agencies': { allow: admin, request: () => ({ path: '/agencies', json: { slug: next('ag-'), name: 'X' } }) },
    'GET /agencies/{slug}': { allow: readersA, request: () => ({ path: '/agencies/a' }) },
    'PUT /agencies/{slug}': { allow: admin, request: async () => ({ path: '/agencies/a', json: await adminRead('/agencies/a') }) },
    'DELETE /agencies/{slug}': {
      allow: admin,
      request: async () => {
        const slug = next('ag-');
        await put('agency', { slug, name: 'X' });
        return { path: `/agencies/${slug}` };
      },
    },

    'GET /users': { allow: all, request: () => ({ path: '/users' }) },
    'POST /users': { allow: admin, request: () => ({ path: '/users', json: { username: next('new'), role: 'supervisor', password: 'long enough password' } }) },
    'GET /users/{username}': { allow: watchers, request: () => ({ path: '/users/root' }) },
    'PUT /users/{username}': {
      allow: admin,
      request: async () => {
        const { username } = await freshUser('supervisor');
        return { path: `/users/${username}`, json: { ...(await adminRead(`/users/${username}`)), fullName: 'Changed' } };
      },
    },
    'DELETE /users/{username}': { allow: admin, request: async () => ({ path: `/users/${(await freshUser('supervisor')).username}` }) },
    'POST /users/{username}/reset-password': {
      allow: admin, request: async () => ({ path: `/users/${(await freshUser('requester')).username}/reset-password` }),
    },
    'POST /users/{username}/totp/reset': {
      allow: admin,
      request: async () => {
        const { username } = await freshUser('provider', { totp: { secret: h.secrets.encrypt(newTotpSecret()), confirmed: true } });
        return { path: `/users/${username}/totp/reset` };
      },
    },

    'GET /connectors': { allow: readersA, request: () => ({ path: '/connectors' }) },
    'POST /connectors': {
      allow: agencyA, request: () => ({ path: '/connectors', json: { agency: 'a', slug: next('db-'), kind: 'sqlite', path: ':memory:' } }),
    },
    'GET /connectors/{agency}/{slug}': { allow: readersA, request: () => ({ path: '/connectors/a/db' }) },
    'PUT /connectors/{agency}/{slug}': { allow: agencyA, request: async () => ({ path: '/connectors/a/db', json: await adminRead('/connectors/a/db') }) },
    'DELETE /connectors/{agency}/{slug}': {
      allow: agencyA,
      request: async () => {
        const slug = next('db-');
        await put('connector', { agency: 'a', slug, kind: 'sqlite', path: ':memory:' });
        return { path: `/connectors/a/${slug}` };
      },
    },
    'POST /connectors/{agency}/{slug}/test': { allow: agencyA, request: () => ({ path: '/connectors/a/db/test' }) },
    'GET /connectors/{agency}/{slug}/tables': { allow: agencyA, request: () => ({ path: '/connectors/a/db/tables' }) },
    'GET /connectors/{agency}/{slug}/tables/{table}/columns': { allow: agencyA, request: () => ({ path: '/connectors/a/db/tables/penduduk/columns' }) },

    'GET /services': { allow: all, request: () => ({ path: '/services' }) },
    'POST /services': { allow: agencyA, request: () => ({ path: '/services', json: { agency: 'a', slug: next('svc-') } }) },
    'GET /services/{agency}/{slug}': { allow: all, request: () => ({ path: '/services/a/kependudukan' }) },
    'PUT /services/{agency}/{slug}': {
      allow: agencyA, request: async () => ({ path: '/services/a/kependudukan', json: await adminRead('/services/a/kependudukan') }),
    },
    'DELETE /services/{agency}/{slug}': {
      allow: agencyA,
      request: async () => {
        const slug = next('svc-');
        await put('service', { agency: 'a', slug, name: '' });
        return { path: `/services/a/${slug}` };
      },
    },

    'GET /operations': { allow: all, request: () => ({ path: '/operations' }) },
    'POST /operations': {
      allow: agencyA,
      request: () => ({
        path: '/operations',
        json: { agency: 'a', service: 'kependudukan', slug: next('op_'), kind: 'data', data: { form: 'sql', connector: 'db', sql: 'select 1 as one' } },
      }),
    },
    'GET /operations/{agency}/{service}/{slug}': { allow: all, request: () => ({ path: '/operations/a/kependudukan/penduduk_by_nik' }) },
    'PUT /operations/{agency}/{service}/{slug}': {
      allow: agencyA,
      request: async () => {
        const path = '/operations/a/kependudukan/penduduk_by_nik';
        return { path, json: await adminRead(path) };
      },
    },
    'DELETE /operations/{agency}/{service}/{slug}': {
      allow: agencyA,
      request: async () => {
        const slug = next('op_');
        const body = { agency: 'a', service: 'kependudukan', slug, kind: 'data', data: { form: 'sql', connector: 'db', sql: 'select 1' } };
        await put('operation', Operation.parse(body));
        return { path: `/operations/a/kependudukan/${slug}` };
      },
    },
    // Building composites is writing operations: the same roles, within their agency.
    'POST /composites/validate': { allow: agencyA, request: () => ({ path: '/composites/validate', json: composite(next('komposit_')) }) },
    'POST /operations/{agency}/{service}/{slug}/dry-run': {
      allow: agencyA,
      request: async () => {
        const slug = next('komposit_');
        await put('operation', Operation.parse(composite(slug)));
        return { path: `/operations/a/kependudukan/${slug}/dry-run`, json: { params: { nik: '3201000000000042' } } };
      },
    },

    'GET /consumers': { allow: all, request: () => ({ path: '/consumers' }) },
    'POST /consumers': { allow: agencyB, request: () => ({ path: '/consumers', json: { agency: 'b', slug: next('app-') } }) },
    'GET /consumers/{agency}/{slug}': { allow: ['administrator', 'supervisor', 'requester'], request: () => ({ path: '/consumers/b/app' }) },
    'PUT /consumers/{agency}/{slug}': { allow: agencyB, request: async () => ({ path: '/consumers/b/app', json: await adminRead('/consumers/b/app') }) },
    'DELETE /consumers/{agency}/{slug}': { allow: agencyB, request: async () => ({ path: `/consumers/b/${await consumer()}` }) },
    'POST /consumers/{agency}/{slug}/app-key': { allow: agencyB, request: () => ({ path: '/consumers/b/app/app-key' }) },
    'DELETE /consumers/{agency}/{slug}/app-key': { allow: agencyB, request: () => ({ path: '/consumers/b/app/app-key' }) },

    'GET /subscriptions': { allow: all, request: () => ({ path: '/subscriptions' }) },
    'POST /subscriptions': { allow: agencyA, request: () => ({ path: '/subscriptions', json: { consumer: 'b/app', ...op, purpose: 'x' } }) },
    'GET /subscriptions/{id}': { allow: all, request: async () => ({ path: `/subscriptions/${await subscription('approved')}` }) },
    'PUT /subscriptions/{id}': {
      allow: agencyA,
      request: async () => {
        const path = `/subscriptions/${await subscription('approved')}`;
        return { path, json: { ...(await adminRead(path)), quota: 5 } };
      },
    },
    'DELETE /subscriptions/{id}': { allow: agencyA, request: async () => ({ path: `/subscriptions/${await subscription('approved')}` }) },
    'POST /subscription-requests': {
      allow: agencyB,
      request: async () => ({ path: '/subscription-requests', json: { consumer: `b/${await consumer()}`, ...op, purpose: 'p', legalBasis: 'l' } }),
    },
    'POST /subscriptions/{id}/approve': { allow: agencyA, request: async () => ({ path: `/subscriptions/${await subscription('requested')}/approve` }) },
    'POST /subscriptions/{id}/reject': { allow: agencyA, request: async () => ({ path: `/subscriptions/${await subscription('requested')}/reject` }) },
    'POST /subscriptions/{id}/revoke': { allow: agencyA, request: async () => ({ path: `/subscriptions/${await subscription('approved')}/revoke` }) },
    'POST /subscriptions/{id}/rotate-key': {
      allow: [...agencyA, 'requester'], request: async () => ({ path: `/subscriptions/${await subscription('approved')}/rotate-key` }),
    },

    // Proxy operations are the publishers' (README, Roles): the agency's publishers and administrators join nodes.
    'POST /hub/import-node': {
      allow: ['administrator', 'publisher'],
      request: () => ({ path: '/hub/import-node', json: { url: node.url, agency: 'a', key: 'kuncidarinode1', dryRun: true } }),
    },
  };

  const userOf: Record<Role, string> = { administrator: 'root', supervisor: 'sri', provider: 'ani', publisher: 'putu', requester: 'citra' };
  /** A node's catalogue on loopback, for the hub's import (allowed as an internal backend). */
  let node: Awaited<ReturnType<typeof serveDocument>>;
  before(async () => {
    h = harness();
    tokens.administrator = await h.user('root', 'administrator');
    await seed(h, tokens.administrator);
    node = await serveDocument();
    await settings(h, { internalBackends: ['127.0.0.1'] });
    const db = new DatabaseSync(path.join(h.files, 'data.sqlite'));
    db.exec('create table penduduk (nik text, nama text)');
    db.close();
    for (const role of roles.filter((r) => r !== 'administrator')) tokens[role] = await h.user(userOf[role], role, { agency: agencyOf[role] });
  });
  after(async () => {
    await node?.stop();
    h.close();
  });

  test('every endpoint has a row; each allowed role gets a 2xx, every other role a 403', async () => {
    const doc = (await h.call('GET', '/openapi.json')).body;
    const routes = Object.entries(doc.paths as Record<string, Record<string, unknown>>)
      .flatMap(([p, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${p}`));
    assert.deepEqual(routes.filter((r) => !(r in matrix)), [], 'endpoints without a row in the matrix');
    assert.deepEqual(Object.keys(matrix).filter((r) => !routes.includes(r)), [], 'rows for endpoints that do not exist');

    const wrong: string[] = [];
    for (const route of routes) {
      const row = matrix[route];
      for (const role of roles) {
        const req = await row.request(role);
        const method = route.split(' ')[0];
        const token = req.token ?? tokens[role];
        const r = await h.call(method, req.path, { token: token || undefined, json: req.json });
        const allowed = row.allow.includes(role);
        const passed = row.found !== undefined ? r.status === row.found : r.status < 300;
        if (allowed ? !passed : r.status !== 403) wrong.push(`${route} as ${role}: ${r.status} ${r.text.slice(0, 160)}`);
      }
    }
    assert.deepEqual(wrong, []);
  });
});
