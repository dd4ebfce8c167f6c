import type { Secrets } from '../security/index.ts';
import type { Operation } from '../model/operation.ts';
import type { Connector } from '../model/connector.ts';
import type { ConnectorPool } from '../../connectors/pool.ts';
import { compileShape } from '../../connectors/job/shape.ts';
import { compileData } from '../../connectors/sql/index.ts';
import jsonata from 'jsonata';
import { compileParams } from './params.ts';
import { createProxyInvoker, type PreparedProxy } from '../../connectors/proxy/index.ts';
import { openProxySecrets } from '../security/proxy-secrets.ts';
import { connectorRef, refVersion, type SettingsView } from './connector-ref.ts';
import { log } from '../observability/log.ts';
import { GatewayError } from './errors.ts';
import type { CompiledOperation, Invoker } from './operation.ts';
import { dataInvoker } from './invoke/data.ts';
import { proxyInvoker } from './invoke/proxy.ts';
import { compositeInvoker } from '../compose/invoker.ts';
import { compilePlan } from '../compose/plan.ts';
import type { StepDeps } from '../compose/types.ts';

type Stored<T> = { id: string; version: number; body: T };

export interface CompileDeps {
  secrets: Secrets;
  pool: ConnectorPool;
  /** The server's data directory, which file connectors may never open. */
  dataDir: string;
  settings: SettingsView;
  /** Every address each proxy backend host resolved to, looked up once for this configuration. */
  addresses: ReadonlyMap<string, readonly string[]>;
  /** For composites: the operations their steps call, resolved when called (so never stale), and their tracks. */
  steps: StepDeps;
}

/** What a compiled operation depends on besides itself: it is rebuilt when this changes. */
export function builtFrom(stored: Stored<Operation>, conn: Stored<Connector> | undefined, settings: SettingsView): string {
  const { backendAllowlist, internalBackends } = settings.body;
  return `${stored.version} ${conn ? refVersion(conn, settings) : '-'} ${backendAllowlist.join(',')} ${internalBackends.join(',')}`;
}

/** A misconfigured operation answers a clean error; its problem goes to the log, never to the caller. */
function failing(id: string, problem: string): Invoker {
  return async function misconfigured() {
    log('error', 'operation misconfigured', { operation: id, problem });
    throw new GatewayError('query_failed');
  };
}

const notSupported: Invoker = async () => {
  throw new GatewayError('not_supported');
};

/** Compiles one operation of any kind to the operation contract (operation.ts). */
export function compileOperation(stored: Stored<Operation>, conn: Stored<Connector> | undefined, deps: CompileDeps): CompiledOperation {
  const { id, version, body: op } = stored;
  const shape = op.shape && (op.shape.fields || op.shape.labels) ? { fields: op.shape.fields, labels: op.shape.labels } : undefined;
  const compiled: CompiledOperation = {
    id, version, op, validate: compileParams(op.params), invoke: notSupported, builtFrom: builtFrom(stored, conn, deps.settings),
    shape, shapeRow: compileShape(shape), dispose: () => {},
  };
  try {
    if (op.shape?.jsonata) compiled.jsonata = jsonata(op.shape.jsonata, { timeout: 1000, stack: 200 } as jsonata.JsonataOptions);
    if (op.kind === 'data' && op.data) {
      if (!conn) throw new Error(`connector ${op.data.connector} not found`);
      const config = { ...conn.body, password: conn.body.password && deps.secrets.decrypt(conn.body.password) };
      const plan = compileData(op.data, conn.body.kind);
      compiled.invoke = dataInvoker({
        id,
        slug: op.slug,
        connector: connectorRef(conn, config, deps.settings, deps.dataDir),
        plan,
        timeoutMs: op.data.timeoutMs,
        rowCap: op.data.rowCap,
        truncate: op.data.truncate,
        limit: op.data.form === 'table' ? op.data.limit : undefined,
        shape,
        whole: plan.write || compiled.jsonata !== undefined,
      }, deps.pool);
    }
    if (op.kind === 'proxy' && op.proxy) {
      const proxy = createProxyInvoker(openProxySecrets(op.proxy, deps.secrets), {
        allowHosts: deps.settings.body.backendAllowlist,
        internal: { allow: deps.settings.body.internalBackends, addresses: deps.addresses },
        prepared: op.prepared as PreparedProxy | undefined,
      });
      compiled.invoke = proxyInvoker(id, proxy);
      compiled.dispose = () => proxy.dispose();
    }
    if (op.kind === 'composite' && op.composite) compiled.invoke = compositeInvoker(compilePlan(op), deps.steps);
  } catch (err) {
    compiled.invoke = failing(id, (err as Error).message);
  }
  return compiled;
}
