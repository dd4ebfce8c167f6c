import type { MiddlewareHandler } from 'hono';
import type { Role } from '../model/user.ts';
import type { AdminEnv, AdminUser } from './context.ts';
import { AdminError } from './errors.ts';
import type { CrudKind } from './resources.ts';

/** Decides whether a user may read or write one entity (a stored body or a request body). */
type Rule = (user: AdminUser, entity: Record<string, unknown>) => boolean;

const anything: Rule = () => true;
const ownAgency: Rule = (u, e) => u.agency !== undefined && e.agency === u.agency;
const theirAgency: Rule = (u, e) => u.agency !== undefined && e.slug === u.agency;
const themselves: Rule = (u, e) => e.username === u.username;
/** A subscription's consumer id is `agency/slug`: requesters see the subscriptions of their own consumers. */
const ownConsumer: Rule = (u, e) => u.agency !== undefined && String(e.consumer).split('/')[0] === u.agency;

type Grant = { read?: Rule; write?: Rule };
const full: Grant = { read: anything, write: anything };
const readAll: Grant = { read: anything };
const withinAgency: Grant = { read: ownAgency, write: ownAgency };

/**
 * Who may do what, per kind and role; a missing grant means 403. Administrators do everything, supervisors read
 * everything; providers and publishers run their own agency; requesters read operations and manage their
 * agency's consumers. Users and agencies are written by administrators only.
 */
const policy: Record<CrudKind, Partial<Record<Role, Grant>>> = {
  agency: {
    administrator: full, supervisor: readAll,
    provider: { read: theirAgency }, publisher: { read: theirAgency }, requester: { read: theirAgency },
  },
  user: {
    administrator: full, supervisor: readAll,
    provider: { read: themselves }, publisher: { read: themselves }, requester: { read: themselves },
  },
  connector: { administrator: full, supervisor: readAll, provider: withinAgency, publisher: withinAgency },
  // Requesters browse services and operations to find what to ask for.
  service: { administrator: full, supervisor: readAll, provider: withinAgency, publisher: withinAgency, requester: readAll },
  operation: { administrator: full, supervisor: readAll, provider: withinAgency, publisher: withinAgency, requester: readAll },
  consumer: {
    administrator: full, supervisor: readAll,
    provider: { read: ownAgency }, publisher: { read: ownAgency }, requester: withinAgency,
  },
  subscription: {
    administrator: full, supervisor: readAll, provider: withinAgency, publisher: withinAgency, requester: { read: ownConsumer },
  },
};

/**
 * The steps of the subscription workflow beyond CRUD, per role, judged on the subscription (or, for `appKey`, the
 * consumer). Requesters ask for their agency's consumers and may renew their keys; only the providers and
 * publishers of the agency that owns the operation decide; administrators do everything. A requester can never
 * decide, not even on its own request, and nobody decides for another agency.
 */
export type Step = 'request' | 'decide' | 'regenerateKey' | 'appKey';
const ownConsumerAgency: Rule = (u, e) => u.agency !== undefined && e.agency === u.agency;
const steps: Record<Step, Partial<Record<Role, Rule>>> = {
  request: { administrator: anything, requester: ownConsumer },
  decide: { administrator: anything, provider: ownAgency, publisher: ownAgency },
  regenerateKey: { administrator: anything, provider: ownAgency, publisher: ownAgency, requester: ownConsumer },
  appKey: { administrator: anything, requester: ownConsumerAgency },
};

/** Throws 403 unless the user may take this workflow step on the entity. */
export function authorizeStep(user: AdminUser, step: Step, entity: object) {
  const rule = steps[step][user.role];
  if (!rule || !rule(user, entity as Record<string, unknown>)) throw new AdminError(403, 'forbidden');
}

/** Route guard for routes only some roles may use at all (settings, user administration). */
export function requireRole(...roles: Role[]): MiddlewareHandler<AdminEnv> {
  const permitted = new Set(roles);
  return async function requireRole(c, next) {
    if (!permitted.has(c.get('user').role)) throw new AdminError(403, 'forbidden');
    await next();
  };
}

export function allowed(user: AdminUser, kind: CrudKind, action: 'read' | 'write', entity: object): boolean {
  const rule = policy[kind][user.role]?.[action];
  return rule !== undefined && rule(user, entity as Record<string, unknown>);
}

/** Throws 403 unless the user may act on every given entity (e.g. both the stored and the new version). */
export function authorize(user: AdminUser, kind: CrudKind, action: 'read' | 'write', ...entities: object[]) {
  if (!entities.every((e) => allowed(user, kind, action, e))) throw new AdminError(403, 'forbidden');
}

/**
 * Route guard: 403 before the body is even validated for roles that may not read (or write) a kind at all.
 * Which entities they may touch is decided later, per entity.
 */
export function requireGrant(kind: CrudKind, action: 'read' | 'write'): MiddlewareHandler<AdminEnv> {
  return async function requireGrant(c, next) {
    if (policy[kind][c.get('user').role]?.[action] === undefined) throw new AdminError(403, 'forbidden');
    await next();
  };
}
