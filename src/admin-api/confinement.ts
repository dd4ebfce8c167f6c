/**
 * Agency configuration must not reach the server itself: a file connector's path must lie inside the folders an
 * administrator allows (never the data directory), and only the roles the settings name may save data operations
 * that write. Internal proxy backends are judged where the backend is prepared (resources.ts); a configuration
 * document is judged here as a whole.
 */
import { allowedPath, IN_MEMORY, rootRefused } from '../../connectors/file-access.ts';
import { backendUrls } from '../../connectors/proxy/config-check.ts';
import { firstInternal, lookupBackends } from '../../connectors/proxy/internal-hosts.ts';
import type { Connector } from '../model/connector.ts';
import type { Operation } from '../model/operation.ts';
import { Settings } from '../model/settings.ts';
import { fileAccess } from '../gateway/connector-ref.ts';
import type { AdminContext, AdminUser } from './context.ts';
import { AdminError } from './errors.ts';

export async function currentSettings(ctx: AdminContext): Promise<Settings> {
  return (await ctx.store.get('settings', 'settings'))?.body ?? Settings.parse({});
}

/** Kinds whose `path` is a file or folder of this server. */
const fileKinds: ReadonlySet<Connector['kind']> = new Set(['sqlite', 'dbf']);

/** 403 unless a file connector's path (resolved: symlinks, `..`) lies inside an allowed root, outside the data directory. */
export function assertFileAllowed(conn: Connector, settings: Settings, dataDir: string) {
  if (!fileKinds.has(conn.kind) || conn.path === undefined) return;
  if (conn.kind === 'sqlite' && conn.path === IN_MEMORY) return;
  if (!allowedPath(conn.path, fileAccess(settings, dataDir))) throw new AdminError(403, 'path_not_allowed');
}

/** 403 when the user's role may not save a data operation that writes. */
export function assertWriteRole(op: Operation, user: AdminUser, settings: Settings) {
  if (op.data?.write && !settings.writeRoles.includes(user.role)) throw new AdminError(403, 'write_role', { role: user.role });
}

/**
 * The same rules for a configuration document (`mantra config import`), judged against the settings it leaves in
 * place: file connectors inside allowed roots, roots apart from the data directory, no internal proxy backend the
 * settings do not list. Host names are looked up, as when an operation is saved.
 */
export async function documentIssues(
  doc: { connector: Connector[]; operation: Operation[] },
  settings: Settings,
  dataDir: string,
): Promise<{ path: string; message: string }[]> {
  const issues: { path: string; message: string }[] = [];
  settings.fileRoots.forEach((root, i) => {
    if (rootRefused(root, dataDir)) issues.push({ path: `entities.settings.0.fileRoots.${i}`, message: 'is, holds or lies inside the data directory' });
  });
  doc.connector.forEach((conn, i) => {
    try {
      assertFileAllowed(conn, settings, dataDir);
    } catch {
      issues.push({ path: `entities.connector.${i}.path`, message: 'outside the folders of the settings fileRoots, or in the data directory' });
    }
  });
  for (const [i, op] of doc.operation.entries()) {
    if (!op.proxy) continue;
    const urls = backendUrls(op.proxy);
    const found = firstInternal(urls, { allow: settings.internalBackends, addresses: await lookupBackends(urls) });
    if (found) issues.push({ path: `entities.operation.${i}.proxy`, message: `backend ${found.host} is internal (${found.reason}) and not in the settings internalBackends` });
  }
  return issues;
}
