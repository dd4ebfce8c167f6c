import type { FileAccess } from '../../connectors/file-access.ts';
import type { ConnectorRef } from '../../connectors/types.ts';
import type { Connector, ConnectorKind } from '../model/connector.ts';
import type { Settings } from '../model/settings.ts';

/** Kinds that open a file of this server: their ref carries where that file may lie. */
const fileKinds: ReadonlySet<ConnectorKind> = new Set(['sqlite', 'dbf']);

export interface SettingsView {
  /** The settings entity's store version (0 while there is none). */
  version: number;
  body: Settings;
}

export const fileAccess = (settings: Settings, dataDir: string): FileAccess => ({ roots: settings.fileRoots, dataDir });

/**
 * The version workers know the connector by. A file kind's adds the settings' version, so that a worker reopens the
 * file under new roots when either changes (both only grow, so their sum grows whenever one does).
 */
export function refVersion(conn: { version: number; body: Connector }, settings: SettingsView): number {
  return fileKinds.has(conn.body.kind) ? conn.version + settings.version : conn.version;
}

/** A connector as the workers get it: `config` with its secrets decrypted, file kinds with their file access. */
export function connectorRef(
  conn: { id: string; version: number; body: Connector },
  config: Connector,
  settings: SettingsView,
  dataDir: string,
): ConnectorRef {
  const ref: ConnectorRef = { id: conn.id, version: refVersion(conn, settings), config };
  if (fileKinds.has(conn.body.kind)) ref.files = fileAccess(settings.body, dataDir);
  return ref;
}
