import { randomUUID } from 'node:crypto';
import { z } from '@hono/zod-openapi';
import type { EntityOf, Kind } from '../model/index.ts';
import { Agency } from '../model/agency.ts';
import { Connector, connectorSecrets } from '../model/connector.ts';
import { Consumer } from '../model/consumer.ts';
import { Operation } from '../model/operation.ts';
import { openProxySecrets } from '../security/proxy-secrets.ts';
import { InternalBackendError, isProxyError, prepareProxy } from '../../connectors/proxy/index.ts';
import { compileData } from '../../connectors/sql/index.ts';
import { Service } from '../model/service.ts';
import { operationSlug, slug } from '../model/slug.ts';
import { HistoryEntry, Subscription } from '../model/subscription.ts';
import { announce } from './announce.ts';
import { User } from '../model/user.ts';
import { generateAccessKey, hashPassword } from '../security/password.ts';
import type { Stored } from '../store/types.ts';
import type { AdminContext, AdminUser } from './context.ts';
import { AdminError, invalid } from './errors.ts';
import { newPassword as password } from './password-rules.ts';
import { redactSecrets, sealSecrets } from './secret-fields.ts';
import { assertFileAllowed, assertWriteRole, currentSettings } from './confinement.ts';
import { assertComposite } from './composite-checks.ts';

export type CrudKind = Exclude<Kind, 'settings'>;

export interface WriteInput<K extends Kind> {
  ctx: AdminContext;
  user: AdminUser;
  /** The entity as stored, on update and delete. */
  stored?: Stored<K>;
}

/** One kind as the admin API exposes it; the generic CRUD factory (crud.ts) turns it into five routes. */
export interface Resource<K extends CrudKind> {
  kind: K;
  /** Collection path; items live at `collection/{param}/…`. */
  collection: string;
  /** Path parameters; joined with "/" in this order they are the store id. */
  params: Record<string, z.ZodString | z.ZodType<string>>;
  /** Fields a list can be filtered on with `?field=value`. */
  filters: string[];
  create: z.ZodType;
  update: z.ZodType;
  view: z.ZodType;
  /** Update fields that are accepted (so a client can send back what it read) and ignored. */
  readOnly?: string[];
  /** Request fields → the entity to store, plus what the response shows once (a new key). */
  toEntity?(fields: Record<string, unknown>, w: WriteInput<K>): Promise<{ entity: EntityOf<K>; reveal?: Record<string, unknown> }>;
  toView?(entity: EntityOf<K>): Record<string, unknown>;
  /** Rules beyond the schema and the references; throws AdminError. */
  check?(entity: EntityOf<K>, w: WriteInput<K>): Promise<void>;
  beforeDelete?(stored: Stored<K>, w: WriteInput<K>): Promise<void>;
  /** After a change was stored (not when nothing changed). */
  afterSave?(saved: Stored<K>, w: WriteInput<K>): Promise<void>;
}

const versionField = z.number().int().min(1).openapi({ description: 'The version the client read (optimistic concurrency)' });
/** Sent back from a read: accepted and ignored. */
const updateMeta = { version: versionField, updatedAt: z.string().optional() };
const viewMeta = { version: z.number().int(), updatedAt: z.string() };

const secretFlags = Object.fromEntries(connectorSecrets.map((k) => [`${k}Set`, z.boolean()]));
const withoutSecrets = Object.fromEntries(connectorSecrets.map((k) => [k, true])) as { [K in (typeof connectorSecrets)[number]]: true };
const optionalSecretFlags = Object.fromEntries(connectorSecrets.map((k) => [`${k}Set`, z.boolean().optional()]));

const UserFields = User.omit({ passwordHash: true, totp: true });
/** Written by the workflow, never by a client: accepted back from a read and ignored. */
const subscriptionRecord = ['keyHint', 'history', 'requestedBy', 'expiryWarned'] as const;
const SubscriptionFields = Subscription.omit({ id: true, keyHash: true, keyHint: true, history: true, requestedBy: true, expiryWarned: true });
const ConsumerFields = Consumer.omit({ keyHash: true, keyHint: true });
const subscriptionKey = z.string().min(1).max(128).openapi({
  description: 'An existing (MANTRA) access key to keep; a new one is generated when absent. Shown once, stored only as a hash.',
});

/**
 * A proxy's backend is checked (and a SOAP WSDL read) when the operation is saved, never per call. An internal
 * backend that the settings do not list is refused (403) for everyone: the settings are the administrator's allowance.
 */
async function prepareBackend(ctx: AdminContext, proxy: NonNullable<Operation['proxy']>) {
  const spec = openProxySecrets(proxy, ctx.secrets);
  const settings = await currentSettings(ctx);
  try {
    return (await prepareProxy(spec, {
      allowHosts: settings.backendAllowlist,
      internalBackends: settings.internalBackends,
    })) as Record<string, unknown>;
  } catch (err) {
    if (err instanceof InternalBackendError) throw new AdminError(403, 'internal_backend', { host: err.host, reason: err.reason });
    if (!isProxyError(err)) throw err;
    throw invalid([{ path: 'proxy', message: `${err.code}: ${err.message}` }]);
  }
}

async function countActiveAdmins(ctx: AdminContext, except: string) {
  return (await ctx.store.list('user')).filter(
    (u) => u.id !== except && u.body.role === 'administrator' && u.body.active,
  ).length;
}

const agency: Resource<'agency'> = {
  kind: 'agency', collection: '/agencies', params: { slug }, filters: [],
  create: Agency,
  update: Agency.extend(updateMeta).openapi('AgencyUpdate'),
  view: Agency.extend(viewMeta).openapi('AgencyView'),
};

const connector: Resource<'connector'> = {
  kind: 'connector', collection: '/connectors', params: { agency: slug, slug }, filters: ['agency', 'kind'],
  create: Connector,
  update: Connector.extend({ ...updateMeta, ...optionalSecretFlags }).openapi('ConnectorUpdate', {
    description: 'A secret left out (or empty) keeps the stored one.',
  }),
  view: Connector.omit(withoutSecrets).extend({ ...secretFlags, ...viewMeta }).openapi('ConnectorView'),
  readOnly: Object.keys(optionalSecretFlags),
  toEntity: async (fields, { ctx, stored }) => ({ entity: sealSecrets('connector', fields as Connector, ctx.secrets, stored?.body) }),
  toView: (entity) => redactSecrets('connector', entity),
  check: async (conn, { ctx }) => assertFileAllowed(conn, await currentSettings(ctx), ctx.dataDir),
};

const service: Resource<'service'> = {
  kind: 'service', collection: '/services', params: { agency: slug, slug }, filters: ['agency'],
  create: Service,
  update: Service.extend(updateMeta).openapi('ServiceUpdate'),
  view: Service.extend(viewMeta).openapi('ServiceView'),
};

const operation: Resource<'operation'> = {
  kind: 'operation', collection: '/operations', params: { agency: slug, service: slug, slug: operationSlug },
  filters: ['agency', 'service', 'kind'],
  create: Operation,
  update: Operation.extend(updateMeta).openapi('OperationUpdate', {
    description: 'Backend secrets under proxy.auth sent as "" keep the stored ones.',
  }),
  view: Operation.extend(viewMeta).openapi('OperationView', {
    description: 'Backend secrets under proxy.auth are never shown: `<name>Set: true` stands in their place.',
  }),
  toEntity: async (fields, { ctx, stored }) => {
    const entity = sealSecrets('operation', fields as Operation, ctx.secrets, stored?.body);
    return { entity: { ...entity, prepared: entity.proxy ? await prepareBackend(ctx, entity.proxy) : undefined } };
  },
  toView: ({ prepared: _, ...entity }) => redactSecrets('operation', entity),
  check: async (op, { ctx, user }) => {
    // A composite is planned at save: every problem is refused here, naming its step.
    if (op.composite) await assertComposite(op, ctx.store);
    // A data operation's statement is compiled at save: bad SQL forms and unmarked writes are refused here.
    if (!op.data) return;
    assertWriteRole(op, user, await currentSettings(ctx));
    const conn = await ctx.store.get('connector', `${op.agency}/${op.data.connector}`);
    if (!conn) return; // the reference check reports it
    try {
      compileData(op.data, conn.body.kind);
    } catch (err) {
      throw invalid([{ path: 'data', message: (err as Error).message }]);
    }
  },
};

const consumer: Resource<'consumer'> = {
  kind: 'consumer', collection: '/consumers', params: { agency: slug, slug }, filters: ['agency'],
  create: ConsumerFields.openapi('ConsumerCreate'),
  update: ConsumerFields.extend({ ...updateMeta, keyHint: z.string().optional() }).openapi('ConsumerUpdate', {
    description: 'The application key does not change here: see app-key.',
  }),
  view: Consumer.omit({ keyHash: true }).extend(viewMeta).openapi('ConsumerView'),
  readOnly: ['keyHint'],
  toEntity: async (fields, { stored }) => ({
    entity: { ...(fields as Consumer), keyHash: stored?.body.keyHash, keyHint: stored?.body.keyHint },
  }),
  toView: ({ keyHash: _, ...shown }) => shown,
};

const user: Resource<'user'> = {
  kind: 'user', collection: '/users', params: { username: User.shape.username }, filters: ['agency', 'role'],
  create: UserFields.extend({
    password,
    // A password set by someone else is a one-time password unless said otherwise.
    mustChangePassword: z.boolean().default(true),
  }).openapi('UserCreate'),
  update: UserFields.extend({ password: password.optional(), ...updateMeta, totpEnabled: z.boolean().optional() }).openapi('UserUpdate', {
    description: 'Without `password` the password stays as it is.',
  }),
  view: UserFields.extend({ ...viewMeta, totpEnabled: z.boolean() }).openapi('UserView'),
  readOnly: ['totpEnabled'],
  toEntity: async ({ password, ...fields }, { stored }) => ({
    entity: {
      ...(fields as Omit<User, 'passwordHash'>),
      passwordHash: typeof password === 'string' ? await hashPassword(password) : stored!.body.passwordHash,
      // The second factor is the user's own (totp-routes.ts); an update keeps it.
      totp: stored?.body.totp,
    },
  }),
  toView: ({ passwordHash: _, totp, ...shown }) => ({ ...shown, totpEnabled: totp?.confirmed === true }),
  check: async (u, { ctx, stored }) => {
    if (u.role !== 'administrator' && u.role !== 'supervisor' && !u.agency) {
      throw invalid([{ path: 'agency', key: 'agency_required', vars: { role: u.role } }]);
    }
    const wasAdmin = stored?.body.role === 'administrator' && stored.body.active;
    if (wasAdmin && !(u.role === 'administrator' && u.active) && (await countActiveAdmins(ctx, u.username)) === 0) {
      throw new AdminError(409, 'last_admin');
    }
  },
  // A password set by an administrator ends every session of the user, whoever holds them.
  afterSave: async (saved, { ctx, stored }) => {
    if (stored && stored.body.passwordHash !== saved.body.passwordHash) await ctx.store.sessions.removeUser(saved.id);
  },
  beforeDelete: async (stored, { ctx, user }) => {
    if (stored.id === user.username) throw new AdminError(409, 'delete_self');
    if (stored.body.role === 'administrator' && (await countActiveAdmins(ctx, stored.id)) === 0) {
      throw new AdminError(409, 'last_admin');
    }
  },
};

export const historyEntry = (by: string, action: HistoryEntry['action'], note?: string): HistoryEntry =>
  ({ at: new Date().toISOString(), by, action, ...(note ? { note } : {}) });

/** A new key, stored only as a keyed hash and a four-character hint. */
export function keyFields(key: string, ctx: AdminContext) {
  return { keyHash: ctx.secrets.hashKey(key), keyHint: key.slice(0, 4) };
}

/** Two subscriptions of one operation must not share a key: the gateway could not tell them apart. */
export async function assertKeyFree(s: Subscription, ctx: AdminContext) {
  const clash = (await ctx.store.list('subscription')).some((o) =>
    o.id !== s.id && o.body.keyHash === s.keyHash &&
    o.body.agency === s.agency && o.body.service === s.service && o.body.operation === s.operation,
  );
  if (clash) throw new AdminError(409, 'duplicate_key');
}

const subscription: Resource<'subscription'> = {
  kind: 'subscription', collection: '/subscriptions', params: { id: Subscription.shape.id },
  filters: ['agency', 'service', 'operation', 'consumer', 'status'],
  create: SubscriptionFields.extend({ key: subscriptionKey.optional() }).openapi('SubscriptionCreate'),
  update: SubscriptionFields.extend({
    ...updateMeta,
    id: Subscription.shape.id.optional(),
    keyHint: z.string().optional(),
    history: z.array(HistoryEntry).optional(),
    requestedBy: z.string().optional(),
    expiryWarned: z.string().optional(),
  }).openapi('SubscriptionUpdate', {
    description: 'The key does not change here: see rotate-key. A change of status is added to the history.',
  }),
  view: Subscription.omit({ keyHash: true }).extend({
    ...viewMeta,
    key: z.string().optional().openapi({ description: 'Only in the answer that created the key; never again' }),
  }).openapi('SubscriptionView'),
  readOnly: [...subscriptionRecord],
  toEntity: async ({ key, ...fields }, { ctx, stored, user }) => {
    const next = fields as Subscription;
    if (stored) {
      const { keyHash, keyHint, history, requestedBy, expiryWarned } = stored.body;
      const moved = next.status !== undefined && next.status !== stored.body.status;
      return {
        entity: {
          ...next, id: stored.id, keyHash, keyHint, requestedBy, expiryWarned,
          history: moved ? [...history, historyEntry(user.username, next.status)] : history,
        },
      };
    }
    const shown = typeof key === 'string' ? key : generateAccessKey();
    const history = [historyEntry(user.username, 'created')];
    if (next.status && next.status !== 'requested') history.push(historyEntry(user.username, next.status));
    return { entity: { ...next, id: randomUUID(), ...keyFields(shown, ctx), history }, reveal: { key: shown } };
  },
  toView: ({ keyHash: _, ...shown }) => shown,
  check: (s, { ctx }) => assertKeyFree(s, ctx),
  // Whoever moved it (here or through the workflow routes), the people concerned hear of it.
  afterSave: async (saved, { ctx, stored }) => announce(ctx, saved.body, stored?.body),
};

/** Every kind the admin API manages, in the order they depend on each other. */
export const resources = [agency, user, connector, service, operation, consumer, subscription] as unknown as Resource<CrudKind>[];
export { connector as connectorResource, subscription as subscriptionResource };
