import type { ConnectorKind } from '../src/model/connector.ts';
import type { Driver } from './driver.ts';
import { ConnectorError } from './errors.ts';

/** Drivers by connector kind, loaded on first use so a thread only loads what it runs. */
const loaders: Partial<Record<ConnectorKind, () => Promise<Driver>>> = {
  postgres: () => import('./postgres/index.ts').then((m) => m.driver),
  mysql: () => import('./mysql/index.ts').then((m) => m.driver),
  mssql: () => import('./mssql/index.ts').then((m) => m.driver),
  oracle: () => import('./oracle/index.ts').then((m) => m.driver),
  sqlite: () => import('./sqlite/index.ts').then((m) => m.driver),
  dbf: () => import('./dbf/index.ts').then((m) => m.driver),
};

const loaded = new Map<string, Promise<Driver>>();

export function loadDriver(kind: ConnectorKind): Promise<Driver> {
  let driver = loaded.get(kind);
  if (!driver) {
    const load = loaders[kind];
    if (!load) return Promise.reject(new ConnectorError('config', `no database driver for connector kind "${kind}"`));
    driver = load();
    loaded.set(kind, driver);
  }
  return driver;
}
