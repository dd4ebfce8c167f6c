import type { Connector } from '../../src/model/connector.ts';
import { ConnectorError } from '../errors.ts';

const HOST = /^[A-Za-z0-9_.-]+$|^\[[0-9A-Fa-f:.]+\]$/;
const NAME = /^[A-Za-z0-9_.$#-]+$/;

/**
 * The Oracle Net descriptor of a connector. `database` holds the service name, or `SID=NAME` for a SID (the form
 * MANTRA's ADOdb oci8 driver took), or a whole `(DESCRIPTION=…)` used as it is. Host and name are checked so
 * that they cannot add parts to the descriptor.
 */
export function connectString(config: Connector): string {
  const db = (config.database ?? '').trim();
  if (db.startsWith('(')) return db;
  const host = config.host ?? '127.0.0.1';
  const sid = /^SID=/i.test(db);
  const name = sid ? db.slice(4) : db;
  if (!HOST.test(host)) throw new ConnectorError('config', 'the Oracle host name has characters a connect descriptor cannot hold');
  if (!name || !NAME.test(name)) throw new ConnectorError('config', 'give the Oracle service name, or SID=NAME, as the database');
  const target = sid ? `(SID=${name})` : `(SERVICE_NAME=${name})`;
  return `(DESCRIPTION=(ADDRESS=(PROTOCOL=TCP)(HOST=${host.replace(/^\[|\]$/g, '')})(PORT=${config.port ?? 1521}))(CONNECT_DATA=${target}))`;
}
