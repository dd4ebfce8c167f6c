/**
 * Reads a node's public catalogue under the rules every proxy backend follows: the settings' backendAllowlist,
 * no internal address unless internalBackends lists it, no redirect (it could lead anywhere), a time limit for
 * the whole read and a size limit counted as the bytes arrive. Nothing is sent but GET and Accept: the catalogue
 * is public, the node's key never goes with it.
 */
import { hostAllowed } from '../../connectors/proxy/hosts.ts';
import { firstInternal, lookupBackends } from '../../connectors/proxy/internal-hosts.ts';
import { HubError } from './messages.ts';

export interface NodeRules {
  /** The settings' backendAllowlist and internalBackends. */
  allowHosts: readonly string[];
  internalBackends: readonly string[];
}

export interface ReadLimits {
  timeoutMs?: number;
  maxBytes?: number;
}

export const READ_TIMEOUT_MS = 10_000;
export const MAX_DOCUMENT_BYTES = 8 * 1024 * 1024;

/** 403 unless the settings let the hub call this address (the same judgement as a proxy operation's at save). */
export async function assertNodeAllowed(address: string, rules: NodeRules) {
  const url = new URL(address);
  if (!hostAllowed(url, rules.allowHosts)) throw new HubError(403, 'hub_node_not_allowed', { host: url.host });
  const found = firstInternal([address], { allow: rules.internalBackends, addresses: await lookupBackends([address]) });
  if (found) throw new HubError(403, 'hub_node_internal', { host: found.host, reason: found.reason });
}

/** A short, safe name for a network failure (never the message: it may name addresses). */
function reasonOf(err: unknown): string {
  const e = err as { code?: unknown; cause?: { code?: unknown } } | undefined;
  const code = e?.code ?? e?.cause?.code;
  return typeof code === 'string' && /^[A-Za-z_]{2,40}$/.test(code) ? code : 'network';
}

const timedOut = (err: unknown) => ['TimeoutError', 'AbortError'].includes((err as Error)?.name);

/** The document as parsed JSON, or a HubError saying what went wrong. */
export async function readNodeDocument(address: string, rules: NodeRules, limits: ReadLimits = {}): Promise<unknown> {
  await assertNodeAllowed(address, rules);
  const timeoutMs = limits.timeoutMs ?? READ_TIMEOUT_MS;
  const maxBytes = limits.maxBytes ?? MAX_DOCUMENT_BYTES;
  const late = () => new HubError(504, 'hub_node_timeout', { seconds: Math.round(timeoutMs / 100) / 10 });
  const signal = AbortSignal.timeout(timeoutMs);
  let res: Response;
  try {
    res = await fetch(address, { signal, redirect: 'manual', headers: { accept: 'application/json' } });
  } catch (err) {
    if (timedOut(err)) throw late();
    throw new HubError(502, 'hub_node_unreachable', { reason: reasonOf(err) });
  }
  if (res.status !== 200) {
    await res.body?.cancel().catch(() => {});
    throw new HubError(502, 'hub_node_status', { status: res.status, url: address });
  }
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (declared > maxBytes) {
    await res.body?.cancel().catch(() => {});
    throw new HubError(502, 'hub_node_too_large', { max: maxBytes });
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    const reader = res.body!.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel().catch(() => {});
        throw new HubError(502, 'hub_node_too_large', { max: maxBytes });
      }
      chunks.push(value);
    }
  } catch (err) {
    if (err instanceof HubError) throw err;
    if (timedOut(err) || signal.aborted) throw late();
    throw new HubError(502, 'hub_node_unreachable', { reason: reasonOf(err) });
  }
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks)));
  } catch {
    throw new HubError(502, 'hub_node_not_json');
  }
}
