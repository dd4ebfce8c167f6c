/**
 * What an import would do, item by item, decided before anything is written: each MANTRA row becomes a draft
 * (map-*.ts), drafts are checked against each other (duplicate names, dependencies) and against the store
 * (create, update, unchanged, or left alone when the name belongs to something not imported from this MANTRA).
 */
import { type EntityOf, type Kind, kinds } from '../model/index.ts';
import type { Secrets } from '../security/secrets.ts';
import type { Store, Stored } from '../store/types.ts';
import { sameBody } from '../admin-api/same-body.ts';
import { sealImported } from '../admin-api/secret-fields.ts';
import { isBcryptHash } from '../security/bcrypt.ts';
import { openProxySecrets } from '../security/proxy-secrets.ts';
import type { Operation } from '../model/operation.ts';
import { type BackendRules, prepareBackend } from './prepare-backend.ts';
import { type Draft, itemKey, toSlug } from './common.ts';
import type { Ledger } from './ledger.ts';
import { mapInstance } from './map-agency.ts';
import { type Database, mapConnector } from './map-connector.ts';
import { mapConsumer } from './map-consumer.ts';
import { mapMethod, programNote } from './map-operation.ts';
import { mapService } from './map-service.ts';
import { mapOrder } from './map-subscription.ts';
import { mapUser, roleMap } from './map-user.ts';
import type { MantraTables } from './read.ts';
import type { Rewrite } from './rewrite.ts';

export type Action = 'create' | 'update' | 'unchanged' | 'kept' | 'skip';

export interface PlanItem extends Draft {
  key: string;
  action: Action;
  /** The entity to write (validated, secrets sealed); absent when skipped. */
  entity?: EntityOf<Kind>;
  /** The stored version an update replaces. */
  version?: number;
  /** The one item of its name that dependents refer to (false for duplicates and nameless items). */
  primary: boolean;
}

export interface Plan {
  source: string;
  items: PlanItem[];
  /** Remarks about the whole run (not about one item). */
  notes: string[];
}

/** What the plan reads from the store: a dry run on a data directory that does not exist yet reads nothing. */
export type StoreView = Pick<Store, 'get' | 'list'>;

export const kindOrder: Kind[] = ['agency', 'service', 'connector', 'operation', 'user', 'consumer', 'subscription'];

export interface PlanOptions {
  store: StoreView;
  secrets: Secrets;
  ledger: Ledger;
  rewrite: Rewrite;
}

export async function makePlan(t: MantraTables, opts: PlanOptions): Promise<Plan> {
  const drafts: Draft[] = [];
  const seen = new Map<string, Draft>();
  const notes: string[] = [];
  /** Adds a draft; a second one of the same kind and name is a duplicate and is skipped. True when usable. */
  const add = (d: Draft): boolean => {
    // Among drafts of one name the first usable one wins (a broken row does not block a good one).
    if (d.id && d.problems.length === 0) {
      const first = seen.get(itemKey(d.kind, d.id));
      if (first) d.problems.push(`duplicate name: ${first.from} is also ${d.kind} ${d.id}`);
      else seen.set(itemKey(d.kind, d.id), d);
    }
    drafts.push(d);
    return d.problems.length === 0 && d.body !== undefined;
  };

  const agencies = new Map<string, string>();
  for (const row of t.instances) {
    const { draft, slug } = mapInstance(row);
    if (add(draft)) agencies.set(row.id, slug!);
  }
  const agencyOf = (id: string) => agencies.get(id);

  const services = new Map<string, { agency: string; service: string }>();
  for (const row of t.services) {
    const agency = agencyOf(row.instanceid);
    const { draft, slug } = mapService(row, agency);
    if (add(draft)) services.set(row.id, { agency: agency!, service: slug! });
  }

  const connectors = await connectorRegistry(t.source, opts, add);
  const operations = new Map<string, { agency: string; service: string; slug: string }>();
  for (const row of t.methods) {
    const d = mapMethod(row, services.get(row.serviceid), { rewrite: opts.rewrite, connectorFor: connectors });
    if (add(d)) operations.set(row.id, { agency: d.body!.agency as string, service: d.body!.service as string, slug: d.body!.slug as string });
  }

  for (const row of t.users) add(mapUser(row, agencyOf));

  // Consumers: requesters, and anyone else who holds orders.
  const holders = new Set(t.orders.map((o) => o.userlog.trim().toLowerCase()));
  const consumers = new Map<string, string>();
  for (const row of t.users) {
    if (roleMap[row.role.trim().toLowerCase()] !== 'requester' && !holders.has(row.logname.trim().toLowerCase())) continue;
    const d = mapConsumer(row, agencyOf);
    if (add(d)) consumers.set(row.logname.trim().toLowerCase(), d.id);
  }

  // Two orders of one method with the same key cannot both be kept: the gateway could not tell them apart.
  const firstOrder = new Map<string, string>();
  const ranked = [...t.orders].sort((a, b) => Number(b.orderstatus.trim() === 'on') - Number(a.orderstatus.trim() === 'on'));
  for (const o of ranked) {
    const k = `${o.methodid} ${o.accesskey.trim()}`;
    if (!firstOrder.has(k)) firstOrder.set(k, o.id);
  }
  for (const row of t.orders) {
    const d = mapOrder(row, consumers.get(row.userlog.trim().toLowerCase()), operations.get(row.methodid), opts.secrets);
    const kept = firstOrder.get(`${row.methodid} ${row.accesskey.trim()}`);
    if (row.accesskey.trim() && kept !== row.id) {
      d.problems.push(`orders#${kept} has the same AccessKey (${row.accesskey.trim().slice(0, 4)}…) for the same method; that one is kept`);
    }
    add(d);
  }

  // Instance 0 is MANTRA's own: it becomes an agency only when something imported belongs to it. Connectors
  // likewise exist only for methods that are imported.
  const needed = new Set(drafts.filter((x) => x.problems.length === 0).flatMap((x) => x.needs));
  const dropped = new Set(drafts.filter((x) => x.onlyIfNeeded && !needed.has(itemKey(x.kind, x.id))));
  for (const d of dropped) {
    if (d.kind === 'agency') notes.push(`instance 0 (${d.id}) is MANTRA's own placeholder and nothing imported belongs to it: not imported`);
  }
  for (const rule of opts.rewrite.unused()) notes.push(`--rewrite-host ${rule} matched no database or endpoint`);

  const primary = new Set(seen.values());
  const items: PlanItem[] = drafts
    .filter((d) => !dropped.has(d))
    .map((d) => ({ ...d, key: itemKey(d.kind, d.id), action: 'skip' as Action, primary: primary.has(d) }))
    .sort((a, b) => kindOrder.indexOf(a.kind) - kindOrder.indexOf(b.kind));
  const byKey = new Map(items.filter((i) => i.primary).map((i) => [i.key, i]));
  const settings = (await opts.store.get('settings', 'settings'))?.body;
  // The settings' rules for backends, as the admin API applies them when an operation is saved.
  const hosts: BackendRules = { allowHosts: settings?.backendAllowlist ?? [], internalBackends: settings?.internalBackends ?? [] };
  // Items depend only on items of earlier kinds, so one kind is decided at a time, several items at once
  // (proxy operations may wait on a backend's WSDL).
  for (const kind of kindOrder) {
    const queue = items.filter((i) => i.kind === kind);
    const worker = async () => {
      for (let item = queue.shift(); item; item = queue.shift()) await decide(item, byKey, t.source, opts, hosts);
    };
    await Promise.all(Array.from({ length: 8 }, worker));
  }
  return { source: t.source, items, notes };
}

/**
 * Connectors are found while methods are read: one per distinct database of an agency. A database imported
 * before keeps its connector's name (matched by MANTRA's own description of it, so --rewrite-host moves it).
 */
async function connectorRegistry(source: string, opts: PlanOptions, add: (d: Draft) => boolean) {
  const stored = await opts.store.list('connector');
  const found = new Map<string, Draft>();
  const taken = new Set(stored.map((c) => c.id));
  return function connectorFor(db: Database, from: string): string {
    const known = found.get(`${db.agency} ${db.origin}`);
    if (known) {
      if ((known.body!.password ?? '') !== db.password) {
        known.warnings.push(`${from} gives another password for the same database and user: the one of ${known.from} is used`);
      }
      return known.body!.slug as string;
    }
    const again = stored.find((c) => {
      const entry = opts.ledger.get(itemKey('connector', c.id));
      return c.body.agency === db.agency && entry?.source === source && entry.origin === db.origin;
    });
    let slug = again?.body.slug;
    if (!slug) {
      const base = toSlug(db.database).slice(0, 56) || db.kind;
      slug = base;
      for (let n = 2; taken.has(`${db.agency}/${slug}`); n++) slug = `${base}-${n}`;
    }
    taken.add(`${db.agency}/${slug}`);
    const d = mapConnector(db, slug, from);
    found.set(`${db.agency} ${db.origin}`, d);
    add(d);
    return slug;
  };
}

const ok = new Set<Action>(['create', 'update', 'unchanged', 'kept']);
/** Containers: when one of the same name exists already, MANTRA's items are imported into it. */
const containers = new Set<Kind>(['agency', 'service']);

async function decide(item: PlanItem, byKey: Map<string, PlanItem>, source: string, opts: PlanOptions, hosts: BackendRules) {
  for (const need of item.needs) {
    const dep = byKey.get(need);
    if (!dep || !ok.has(dep.action)) item.problems.push(`needs ${need.replace(':', ' ')}, which is not imported`);
  }
  if (item.problems.length || !item.body) return;

  const existing = (await opts.store.get(item.kind, item.id)) as Stored | undefined;
  const owner = opts.ledger.get(item.key);
  if (existing && owner?.source !== source) {
    const whose = owner ? `imported from ${owner.source}` : 'made in Mantra';
    if (containers.has(item.kind)) {
      item.action = 'kept';
      item.warnings.push(`${item.kind} ${item.id} already exists (${whose}): kept as it is; MANTRA's items are imported into it`);
    } else {
      item.problems.push(`duplicate name: ${item.kind} ${item.id} already exists (${whose}); left as it is`);
    }
    return;
  }

  const mapped = { ...item.body };
  if (existing) adjust(item.kind, mapped, existing.body as Record<string, unknown>);
  const merged = existing ? merge(existing.body, mapped) : mapped;
  const parsed = kinds[item.kind].schema.safeParse(merged);
  if (!parsed.success) {
    item.problems.push(`invalid ${item.kind}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(whole)'}: ${i.message}`).join('; ')}`);
    return;
  }
  const entity = parsed.data as Record<string, unknown>;
  if (item.kind === 'operation') await prepare(item, entity as Operation, existing?.body as Operation | undefined, opts.secrets, hosts);
  item.entity = sealImported(item.kind, entity, opts.secrets, existing?.body) as EntityOf<Kind>;
  item.version = existing?.version;
  item.action = !existing ? 'create' : sameBody(existing.body, item.entity) ? 'unchanged' : 'update';
}

/** An enabled proxy operation is stored prepared; a backend not reachable now keeps what an earlier run prepared. */
async function prepare(item: PlanItem, op: Operation, stored: Operation | undefined, secrets: Secrets, hosts: BackendRules) {
  delete op.prepared;
  if (!op.proxy || !op.enabled) return;
  const { prepared, problem } = await prepareBackend(op.proxy, secrets, hosts);
  if (prepared) {
    op.prepared = prepared;
    return;
  }
  if (stored?.prepared && sameBody(openProxySecrets(stored.proxy!, secrets), openProxySecrets(op.proxy, secrets))) {
    op.prepared = stored.prepared;
    item.warnings.push(`backend not prepared now (${problem}); what an earlier import prepared is kept`);
    return;
  }
  item.warnings.push(`backend not prepared (${problem}): callers get the backend's error until the operation is saved again`);
}

/** Re-run rules where the stored entity knows better than MANTRA. */
function adjust(kind: Kind, mapped: Record<string, unknown>, stored: Record<string, unknown>) {
  // A password set or upgraded in Mantra (scrypt after the first login) wins over MANTRA's old bcrypt hash;
  // a different bcrypt hash means the password was changed in MANTRA meanwhile, and is taken.
  if (kind === 'user' && !isBcryptHash(String(stored.passwordHash))) delete mapped.passwordHash;
  // A method that was a program and is now something else: the placeholder's note and disabling go.
  if (kind === 'operation' && String(stored.note ?? '').startsWith(programNote) && mapped.note === undefined) {
    mapped.note = undefined;
    mapped.enabled = true;
  }
}

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * MANTRA's fields over the stored entity: what the import maps is replaced (undefined removes), what only Mantra
 * has (rate limits, timeouts, caches, purposes…) is kept. A spec whose `type` or `form` changed is replaced whole.
 */
export function merge(base: unknown, over: unknown): unknown {
  if (!isObject(base) || !isObject(over)) return over;
  for (const tag of ['type', 'form']) if (tag in over && over[tag] !== base[tag]) return over;
  const out: Obj = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) delete out[k];
    else out[k] = merge(base[k], v);
  }
  return out;
}
