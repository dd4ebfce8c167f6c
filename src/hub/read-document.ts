/**
 * Reads a node's public catalogue under the rules every proxy backend follows: the settings' backendAllowlist,
 * no internal address unless internalBackends lists it, no redirect (it could lead anywhere), a time limit for
 * the whole read and a size limit counted as the bytes arrive. The name is looked up once, every address it gives
 * is judged by the proxy's own guard, and the connection goes to a judged address (pinned-get.ts): a second
 * lookup could answer otherwise (DNS rebinding). A name that does not resolve in time is refused, not waved
 * through. Nothing is sent but GET and Accept: the catalogue is public, the node's key never goes with it.
 */
import { isProxyError, proxyCodes } from '../../connectors/proxy/errors.ts';
import { hostAllowed } from '../../connectors/proxy/hosts.ts';
import { firstInternal, hostKey, lookupBackends } from '../../connectors/proxy/internal-hosts.ts';
import { ipBytes } from '../../connectors/proxy/ip-address.ts';
import { HubError } from './messages.ts';
import { PinnedError, pinnedGet } from './pinned-get.ts';

export interface NodeRules {
  /** The settings' backendAllowlist and internalBackends. */
  allowHosts: readonly string[];
  internalBackends: readonly string[];
}

export interface ReadLimits {
  timeoutMs?: number;
  maxBytes?: number;
  /** Extra trusted CA (PEM) for an https node; absent: the runtime's roots. */
  ca?: string;
  /** The name lookup (connectors/proxy lookupBackends: every address, bounded in time, none when it fails). */
  lookup?: Lookup;
}

export type Lookup = (urls: readonly string[]) => Promise<ReadonlyMap<string, readonly string[]>>;

export const READ_TIMEOUT_MS = 10_000;
export const MAX_DOCUMENT_BYTES = 8 * 1024 * 1024;

/**
 * The addresses the hub may connect to for this node: 403 unless the settings let the hub call it (the same
 * judgement as a proxy operation's at save), 502 when its name resolves to no address.
 */
export async function nodeAddresses(address: string, rules: NodeRules, lookup: Lookup = lookupBackends): Promise<readonly string[]> {
  const url = new URL(address);
  if (!hostAllowed(url, rules.allowHosts)) throw new HubError(403, 'hub_node_not_allowed', { host: url.host });
  const host = hostKey(url);
  const addresses = ipBytes(host) ? [host] : (await lookup([address])).get(host) ?? [];
  const found = firstInternal([address], { allow: rules.internalBackends, addresses: new Map([[host, addresses]]) });
  if (found) throw new HubError(403, 'hub_node_internal', { host: found.host, reason: found.reason });
  if (addresses.length === 0) throw new HubError(502, 'hub_node_unresolved', { host: url.hostname });
  return addresses;
}

/** A short, safe name for a network failure (never the message: it may name addresses). */
function reasonOf(err: unknown): string {
  const e = err as { code?: unknown; cause?: { code?: unknown } } | undefined;
  const code = e?.code ?? e?.cause?.code;
  return typeof code === 'string' && /^[A-Za-z_]{2,40}$/.test(code) ? code : 'network';
}

/** What went wrong reading the answer, as the hub's error. */
function failure(err: PinnedError, url: string, aborted: boolean, late: () => HubError, maxBytes: number): HubError {
  const cause = err.cause;
  if (aborted) return late();
  if (isProxyError(cause)) {
    const status = cause.extra.backendStatus;
    if (status !== undefined && status !== 200) return new HubError(502, 'hub_node_status', { status, url });
    if (cause.code === proxyCodes.tooLarge) return new HubError(502, 'hub_node_too_large', { max: maxBytes });
    return new HubError(502, 'hub_node_unreachable', { reason: 'bad_http' });
  }
  return new HubError(502, 'hub_node_unreachable', { reason: reasonOf(cause) });
}

/** The document as parsed JSON, or a HubError saying what went wrong. */
export async function readNodeDocument(address: string, rules: NodeRules, limits: ReadLimits = {}): Promise<unknown> {
  const addresses = await nodeAddresses(address, rules, limits.lookup);
  const timeoutMs = limits.timeoutMs ?? READ_TIMEOUT_MS;
  const maxBytes = limits.maxBytes ?? MAX_DOCUMENT_BYTES;
  const late = () => new HubError(504, 'hub_node_timeout', { seconds: Math.round(timeoutMs / 100) / 10 });
  const signal = AbortSignal.timeout(timeoutMs);
  let answer;
  try {
    answer = await pinnedGet({ url: new URL(address), addresses, headers: { accept: 'application/json' }, signal, maxBytes, ca: limits.ca });
  } catch (err) {
    if (!(err instanceof PinnedError)) throw err;
    throw failure(err, address, signal.aborted, late, maxBytes);
  }
  if (answer.status !== 200) throw new HubError(502, 'hub_node_status', { status: answer.status, url: address });
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(answer.body));
  } catch {
    throw new HubError(502, 'hub_node_not_json');
  }
}
