import type { Store } from '../store/index.ts';
import type { Secrets } from '../security/index.ts';
import type { Subscription } from '../model/subscription.ts';
import type { Settings } from '../model/settings.ts';
import { Settings as SettingsSchema } from '../model/settings.ts';
import type { ConnectorPool } from '../../connectors/pool.ts';
import { backendUrls, lookupBackends } from '../../connectors/proxy/index.ts';
import type { SettingsView } from './connector-ref.ts';
import { builtFrom, compileOperation } from './compile.ts';
import type { CompiledOperation } from './operation.ts';
import { Credentials } from './credentials.ts';
import type { StepDeps } from '../compose/types.ts';

export type { CompiledOperation } from './operation.ts';

/**
 * The in-memory view of the configuration that the hot path reads: it only caches and reloads. Marked stale on
 * every store change and reloaded before the next call; an operation is compiled again (compile.ts) only when what
 * it was built from changed.
 */
export class Registry {
  #stale = true;
  #loading?: Promise<void>;
  #ops = new Map<string, CompiledOperation>();
  #subs = new Map<string, Subscription>();
  #credentials = Credentials.empty;
  #settings: Settings = SettingsSchema.parse({});
  #settingsVersion = 0;

  /** What composite steps use: operations as they are when called, and where their tracks go. */
  readonly steps: StepDeps;

  /**
   * `dataDir`: the server's data directory, which file connectors may never open. `tracks`: where the tracks of
   * composite steps go (the pipeline's own).
   */
  constructor(
    private store: Store, private secrets: Secrets, private dataDir: string, private pool: ConnectorPool,
    tracks: Omit<StepDeps, 'resolve' | 'tracksOn'>,
  ) {
    store.onChange(() => (this.#stale = true));
    this.steps = { ...tracks, resolve: (id) => this.#ops.get(id), tracksOn: () => this.#settings.tracks };
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

  /** Application keys, subscriptions per consumer and per key: for application keys and OAuth2 tokens. */
  get credentials(): Credentials {
    return this.#credentials;
  }

  operations(): CompiledOperation[] {
    return [...this.#ops.values()];
  }

  async #reload() {
    this.#stale = false;
    const [ops, connectors, subs, settings, consumers] = await Promise.all([
      this.store.list('operation'),
      this.store.list('connector'),
      this.store.list('subscription'),
      this.store.get('settings', 'settings'),
      this.store.list('consumer'),
    ]);
    const conns = new Map(connectors.map((c) => [c.id, c]));
    this.#settings = settings?.body ?? SettingsSchema.parse({});
    this.#settingsVersion = settings?.version ?? 0;
    const view = this.#view();
    const next = new Map<string, CompiledOperation>();
    const changed: { stored: (typeof ops)[number]; conn?: (typeof connectors)[number] }[] = [];
    for (const stored of ops) {
      const conn = (stored.body.data && conns.get(`${stored.body.agency}/${stored.body.data.connector}`)) || undefined;
      const prev = this.#ops.get(stored.id);
      if (prev && prev.builtFrom === builtFrom(stored, conn, view)) next.set(stored.id, prev);
      else changed.push({ stored, conn });
    }
    // Proxy backends are looked up again here, once per configuration: a name may have come to mean an internal address.
    const addresses = await lookupBackends(changed.flatMap(({ stored }) => (stored.body.proxy ? backendUrls(stored.body.proxy) : [])));
    const deps = { secrets: this.secrets, pool: this.pool, dataDir: this.dataDir, settings: view, addresses, steps: this.steps };
    for (const { stored, conn } of changed) next.set(stored.id, compileOperation(stored, conn, deps));
    // Replaced and removed ones alike, once nothing new is awaited any more.
    for (const [id, old] of this.#ops) if (next.get(id) !== old) old.dispose();
    this.#ops = next;
    this.#subs = new Map(subs.map((s) => [`${s.body.keyHash} ${s.body.agency}/${s.body.service}/${s.body.operation}`, s.body]));
    this.#credentials = new Credentials(consumers, subs);
  }

  #view(): SettingsView {
    return { version: this.#settingsVersion, body: this.#settings };
  }
}
