/**
 * Joining a node to the hub in one step: the node's public catalogue becomes the hub's proxy operations for it,
 * under one hub agency, keeping the node's services, operation names (MANTRA's `method`) and parameters. Each
 * calls the node's compatible path (`rest` style, the key as `AccessKey` with `User-Agent: MANTRA`), so a caller
 * of the hub gets the node's answer with the hub's key, envelope and tracks. A re-import updates what the node
 * changed, keeps what the hub set on its own (timeouts, caches, shapes, audit, restriction), and reports what the
 * node no longer publishes without deleting it. Nothing is written unless every operation passes the checks a
 * save in the admin API makes, and then all at once.
 */
import { isProxyError, prepareProxy } from '../../connectors/proxy/index.ts';
import { InternalBackendError } from '../../connectors/proxy/internal-hosts.ts';
import type { Lang } from '../i18n/index.ts';
import { Operation } from '../model/operation.ts';
import type { ProxySpec } from '../model/operation-proxy.ts';
import type { Settings } from '../model/settings.ts';
import { openProxySecrets } from '../security/proxy-secrets.ts';
import { Secrets } from '../security/secrets.ts';
import type { Store, Stored } from '../store/types.ts';
import { HubError } from './messages.ts';
import { type NodeOperation, nodeOperations } from './node-document.ts';
import { fromNode, nodeAddress, serviceEndpoint } from './node-url.ts';
import { type ReadLimits, readNodeDocument } from './read-document.ts';

export const importStatuses = ['created', 'updated', 'unchanged', 'gone', 'conflict'] as const;
export type ImportStatus = (typeof importStatuses)[number];

export interface ImportedOperation {
  /** The hub's service and operation (the node's names). */
  service: string;
  operation: string;
  status: ImportStatus;
  /** On `updated`: what changed (description, params, endpoint, key). */
  changed?: string[];
}

export interface ImportReport {
  /** The node's base address and the document read. */
  node: string;
  document: string;
  agency: string;
  dryRun: boolean;
  /** Hub services made for the node's services that did not exist yet. */
  servicesCreated: string[];
  operations: ImportedOperation[];
  counts: Record<ImportStatus, number>;
}

export interface ImportNodeInput {
  /** The node's base address, or its catalogue's. */
  url: string;
  /** The hub agency whose operations front the node. */
  agency: string;
  /** What the node issued to the hub (application key or subscription key); absent = the stored one stays. */
  key?: string;
  dryRun?: boolean;
  lang?: Lang;
}

export interface ImportNodeDeps {
  store: Store;
  secrets: Secrets;
  settings: Settings;
  limits?: ReadLimits;
}

/** What a re-import owns of an operation; everything else is the hub's to set. */
const owned = ['description', 'params'] as const;

const KEY = /^[\x21-\x7e]{1,512}$/;

const idOf = (agency: string, service: string, slug: string) => `${agency}/${service}/${slug}`;
const canonical = (v: unknown) =>
  JSON.stringify(v, (_, x) => (x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.keys(x).sort().map((k) => [k, x[k]])) : x));

/** The plain text of a sealed secret, or undefined when this master key cannot open it. */
function opened(secrets: Secrets, value: string): string | undefined {
  try {
    return secrets.decrypt(value);
  } catch {
    return undefined;
  }
}

/** The stored ciphertext when it holds this very key (a re-import changes nothing), else a new one. */
function sealKey(secrets: Secrets, key: string, stored: ProxySpec | undefined): string {
  const old = stored?.auth.type === 'mantra' ? stored.auth.accessKey : undefined;
  return old && opened(secrets, old) === key ? old : secrets.encrypt(key);
}

/** The operation as this import wants it: the stored one with the node's part replaced, or a new one. */
function wanted(node: NodeOperation, agency: string, base: string, accessKey: string | undefined, stored?: Operation): Operation {
  const endpoint = serviceEndpoint(base, node.agency, node.service);
  const kept = stored?.proxy;
  const auth = accessKey ? { type: 'mantra' as const, accessKey } : kept!.auth;
  const proxy = { ...(kept ?? {}), style: 'rest', endpoint, method: node.slug, auth };
  const body = {
    ...(stored ?? { agency, service: node.service, slug: node.slug, kind: 'proxy' }),
    description: node.description,
    params: node.params,
    proxy,
    prepared: undefined,
  };
  const parsed = Operation.safeParse(body);
  if (!parsed.success) {
    throw new HubError(502, 'hub_node_document', {}, parsed.error.issues.map((i) => ({ path: `${node.where}.${i.path.join('.')}`, message: i.message })));
  }
  return parsed.data;
}

function changesOf(before: Operation, after: Operation): string[] {
  const changed: string[] = owned.filter((f) => canonical(before[f]) !== canonical(after[f]));
  if (before.proxy?.endpoint !== after.proxy?.endpoint || before.proxy?.method !== after.proxy?.method || before.proxy?.style !== after.proxy?.style) {
    changed.push('endpoint');
  }
  if (canonical(before.proxy?.auth) !== canonical(after.proxy?.auth)) changed.push('key');
  return changed;
}

/** The checks a save makes (allowlist, internal backends, headers), with the result stored as `prepared`. */
async function prepared(op: Operation, deps: ImportNodeDeps): Promise<Record<string, unknown>> {
  try {
    return (await prepareProxy(openProxySecrets(op.proxy!, deps.secrets), {
      allowHosts: deps.settings.backendAllowlist,
      internalBackends: deps.settings.internalBackends,
    })) as unknown as Record<string, unknown>;
  } catch (err) {
    if (err instanceof InternalBackendError) throw new HubError(403, 'hub_node_internal', { host: err.host, reason: err.reason });
    if (!isProxyError(err)) throw err;
    throw new HubError(400, 'hub_backend_refused', { operation: idOf(op.agency, op.service, op.slug), reason: err.message });
  }
}

export async function importNode(input: ImportNodeInput, deps: ImportNodeDeps): Promise<ImportReport> {
  const { store, secrets } = deps;
  const lang = input.lang ?? 'id';
  const agency = input.agency;
  const { base, document } = nodeAddress(input.url);
  if (input.key !== undefined && (!KEY.test(input.key) || Secrets.isEncrypted(input.key))) throw new HubError(400, 'hub_key_invalid');
  if (!(await store.get('agency', agency))) throw new HubError(404, 'hub_agency_missing', { agency });

  const doc = await readNodeDocument(document, {
    allowHosts: deps.settings.backendAllowlist, internalBackends: deps.settings.internalBackends,
  }, deps.limits);
  const offered = nodeOperations(doc, lang);

  const mine = (await store.list('operation')).filter((s) => s.body.agency === agency);
  const stored = new Map(mine.map((s) => [s.id, s]));
  const ours = (s: Stored<'operation'>) => s.body.kind === 'proxy' && s.body.proxy?.style === 'rest' && fromNode(base, s.body.proxy.endpoint);
  // New operations without a key given take the one already stored for this node (sealed with this master key).
  const storedKey = mine.filter(ours).map((s) => s.body.proxy!.auth).find((a) => a.type === 'mantra' && opened(secrets, a.accessKey) !== undefined);
  const newKey = input.key ?? (storedKey?.type === 'mantra' ? opened(secrets, storedKey.accessKey) : undefined);

  const report: ImportedOperation[] = [];
  const writes: { op: Operation; version: number }[] = [];
  const seen = new Set<string>();
  for (const node of offered) {
    const id = idOf(agency, node.service, node.slug);
    const line = { service: node.service, operation: node.slug };
    const existing = stored.get(id);
    // Another node agency with the same service and operation, or a hub operation that is not this node's.
    if (seen.has(id) || (existing && !ours(existing))) {
      report.push({ ...line, status: 'conflict' });
      continue;
    }
    seen.add(id);
    if (!existing) {
      if (!newKey) throw new HubError(400, 'hub_key_required');
      const op = wanted(node, agency, base, secrets.encrypt(newKey), undefined);
      writes.push({ op: { ...op, prepared: await prepared(op, deps) }, version: 0 });
      report.push({ ...line, status: 'created' });
      continue;
    }
    const key = input.key === undefined ? undefined : sealKey(secrets, input.key, existing.body.proxy);
    const op = wanted(node, agency, base, key, existing.body);
    const next = { ...op, prepared: await prepared(op, deps) };
    if (canonical(next) === canonical(existing.body)) {
      report.push({ ...line, status: 'unchanged' });
      continue;
    }
    writes.push({ op: next, version: existing.version });
    report.push({ ...line, status: 'updated', changed: changesOf(existing.body, next) });
  }
  for (const s of mine) {
    if (ours(s) && !seen.has(s.id)) {
      report.push({ service: s.body.service, operation: s.body.slug, status: 'gone' });
    }
  }

  const services = [...new Set(writes.map((w) => w.op.service))];
  const servicesCreated: string[] = [];
  for (const service of services) if (!(await store.get('service', `${agency}/${service}`))) servicesCreated.push(service);
  if (!input.dryRun && writes.length) {
    await store.transaction(async () => {
      for (const service of servicesCreated) await store.put('service', { agency, slug: service, name: '', description: '' }, 0);
      for (const w of writes) await store.put('operation', w.op, w.version);
    });
  }
  report.sort((a, b) => `${a.service}/${a.operation}`.localeCompare(`${b.service}/${b.operation}`));
  const counts = Object.fromEntries(importStatuses.map((s) => [s, report.filter((r) => r.status === s).length])) as Record<ImportStatus, number>;
  return { node: base, document, agency, dryRun: input.dryRun === true, servicesCreated, operations: report, counts };
}
