import type { Store } from '../store/index.ts';
import type { Secrets } from '../security/index.ts';
import type { Operation } from '../model/operation.ts';
import type { Connector } from '../model/connector.ts';
import type { Subscription } from '../model/subscription.ts';
import type { Settings } from '../model/settings.ts';
import { Settings as SettingsSchema } from '../model/settings.ts';
import type { ConnectorRef, Plan, Row, RowShape } from '../../connectors/types.ts';
import { compileShape } from '../../connectors/job/shape.ts';
import { compileData } from '../../connectors/sql/index.ts';
import jsonata from 'jsonata';
import { compileParams } from './params.ts';
import {
  backendUrls, createProxyInvoker, lookupBackends, type PreparedProxy, type ProxyInvoker,
} from '../../connectors/http/index.ts';
import { openProxySecrets } from '../security/proxy-secrets.ts';
import { connectorRef, refVersion, type SettingsView } from './connector-ref.ts';
import type { ParamValues } from './types.ts';

/** An operation made ready to run: everything derived from its configuration is resolved here, once. */
export interface CompiledOperation {
  id: string;
  version: number;
  op: Operation;
  validate: ReturnType<typeof compileParams>;
  /** The backend allowlist it was built with: rebuilt when it changes. */
  allowHosts: string;
  data?: {
    connector: ConnectorRef;
    plan: (values: ParamValues, page?: { limit?: number; offset?: number }) => Plan;
    timeoutMs: number;
    rowCap: number;
    truncate: boolean;
    limit?: number;
    write: boolean;
  };
  /** The operation's fields and labels: for jobs (as data), and compiled once for whole values. */
  shape?: RowShape;
  shapeRow?: (row: Row) => Row;
  proxy?: ProxyInvoker;
  /** The operation's JSONata expression, compiled once; results it needs are read whole. */
  jsonata?: jsonata.Expression;
  /** Set when the operation cannot be compiled (bad configuration): calls answer a clean error. */
  problem?: string;
  /** The internal backends allowed when it was built: rebuilt when they change. */
  internalBackends: string;
}

/**
 * The in-memory view of the configuration that the hot path reads. Marked stale on every store change and
 * reloaded before the next call; compiled operations are reused while neither they nor their connector changed.
 */
export class Registry {
  #stale = true;
  #loading?: Promise<void>;
  #ops = new Map<string, CompiledOperation>();
  #subs = new Map<string, Subscription>();
  #settings: Settings = SettingsSchema.parse({});
  #settingsVersion = 0;

  /** `dataDir`: the server's data directory, which file connectors may never open. */
  constructor(private store: Store, private secrets: Secrets, private dataDir: string) {
    store.onChange(() => (this.#stale = true));
  }

  get settings(): Settings {
    return this.#settings;
  }

  /** Resolves once the view reflects the store. Cheap when nothing changed. */
  ready(): Promise<void> | undefined {
    // A call arriving while a reload runs waits for it: the view is not stale then, but not yet current either.
    if (this.#loading) return this.#loading;
    if (!this.#stale) return undefined;
    return (this.#loading ??= this.#reload().finally(() => (this.#loading = undefined)));
  }

  operation(agency: string, service: string, slug: string): CompiledOperation | undefined {
    return this.#ops.get(`${agency}/${service}/${slug}`);
  }

  subscription(keyHash: string, opId: string): Subscription | undefined {
    return this.#subs.get(`${keyHash} ${opId}`);
  }

  operations(): CompiledOperation[] {
    return [...this.#ops.values()];
  }

  async #reload() {
    this.#stale = false;
    const [ops, connectors, subs, settings] = await Promise.all([
      this.store.list('operation'),
      this.store.list('connector'),
      this.store.list('subscription'),
      this.store.get('settings', 'settings'),
    ]);
    const conns = new Map(connectors.map((c) => [c.id, c]));
    this.#settings = settings?.body ?? SettingsSchema.parse({});
    this.#settingsVersion = settings?.version ?? 0;
    const view = this.#view();
    const next = new Map<string, CompiledOperation>();
    const changed: { stored: (typeof ops)[number]; conn?: (typeof connectors)[number] }[] = [];
    for (const stored of ops) {
      const conn = stored.body.data && conns.get(`${stored.body.agency}/${stored.body.data.connector}`);
      const prev = this.#ops.get(stored.id);
      if (
        prev && prev.version === stored.version && prev.data?.connector.version === (conn && refVersion(conn, view)) &&
        prev.allowHosts === this.#settings.backendAllowlist.join(',') && prev.internalBackends === this.#settings.internalBackends.join(',')
      ) {
        next.set(stored.id, prev);
        continue;
      }
      changed.push({ stored, conn: conn || undefined });
    }
    // Proxy backends are looked up again here, once per configuration: a name may have come to mean an internal address.
    const addresses = await lookupBackends(changed.flatMap(({ stored }) => (stored.body.proxy ? backendUrls(stored.body.proxy) : [])));
    for (const { stored, conn } of changed) {
      next.set(stored.id, this.#compile(stored.id, stored.version, stored.body, conn && { id: conn.id, version: conn.version, body: conn.body }, addresses));
    }
    // Replaced and removed ones alike, once nothing new is awaited any more.
    for (const [id, old] of this.#ops) if (next.get(id) !== old) old.proxy?.dispose();
    this.#ops = next;
    this.#subs = new Map(subs.map((s) => [`${s.body.keyHash} ${s.body.agency}/${s.body.service}/${s.body.operation}`, s.body]));
  }

  #view(): SettingsView {
    return { version: this.#settingsVersion, body: this.#settings };
  }

  #compile(
    id: string, version: number, op: Operation, conn: { id: string; version: number; body: Connector } | undefined,
    addresses: ReadonlyMap<string, readonly string[]>,
  ): CompiledOperation {
    const shape = op.shape && (op.shape.fields || op.shape.labels) ? { fields: op.shape.fields, labels: op.shape.labels } : undefined;
    const compiled: CompiledOperation = {
      id, version, op, allowHosts: this.#settings.backendAllowlist.join(','), validate: compileParams(op.params),
      shape, shapeRow: compileShape(shape), internalBackends: this.#settings.internalBackends.join(','),
    };
    try {
      if (op.kind === 'data' && op.data) {
        if (!conn) throw new Error(`connector ${op.data.connector} not found`);
        const config = { ...conn.body, password: conn.body.password && this.secrets.decrypt(conn.body.password) };
        compiled.data = {
          connector: connectorRef(conn, config, this.#view(), this.dataDir),
          plan: compileData(op.data, conn.body.kind),
          timeoutMs: op.data.timeoutMs,
          rowCap: op.data.rowCap,
          truncate: op.data.truncate,
          limit: op.data.form === 'table' ? op.data.limit : undefined,
          write: op.data.write,
        };
      }
      if (op.shape?.jsonata) compiled.jsonata = jsonata(op.shape.jsonata, { timeout: 1000, stack: 200 } as jsonata.JsonataOptions);
      if (op.kind === 'proxy' && op.proxy) {
        compiled.proxy = createProxyInvoker(openProxySecrets(op.proxy, this.secrets), {
          allowHosts: this.#settings.backendAllowlist,
          internal: { allow: this.#settings.internalBackends, addresses },
          prepared: op.prepared as PreparedProxy | undefined,
        });
      }
    } catch (err) {
      compiled.problem = (err as Error).message;
    }
    return compiled;
  }
}
