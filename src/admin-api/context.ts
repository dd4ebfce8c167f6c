import type { ConnectorRef } from '../../connectors/types.ts';
import type { Role } from '../model/user.ts';
import type { Secrets } from '../security/secrets.ts';
import type { Session, Store } from '../store/types.ts';
import type { Tracker } from '../observability/tracker.ts';
import type { Notifier } from '../notifications/notifier.ts';
import type { CompositeRunner } from '../compose/dry-run.ts';

/** Reaches the connectors (through the worker pool in the server) to help an administrator build operations. */
export interface ConnectorProbe {
  /** Resolves when the data source answers; rejects otherwise. */
  test(ref: ConnectorRef): Promise<void>;
  tables(ref: ConnectorRef): Promise<string[]>;
  columns(ref: ConnectorRef, table: string): Promise<{ name: string; type: string }[]>;
}

/** What the admin API needs from the rest of the server. */
export interface AdminContext {
  store: Store;
  secrets: Secrets;
  /** The server's data directory: no connector may point into it. */
  dataDir: string;
  /** Where every unsafe admin request is tracked (audit.ts). */
  tracker: Tracker;
  connectors?: ConnectorProbe;
  /** Mails about subscriptions; one over the store's SMTP settings when absent (announce.ts). */
  notifier?: Notifier;
  /** Runs composites once with sample parameters (the gateway's registry), to help build them. */
  composites?: CompositeRunner;
}

/** The signed-in user as the admin API sees it (never the password hash). */
export interface AdminUser {
  username: string;
  role: Role;
  agency?: string;
  mustChangePassword: boolean;
}

/**
 * Hono environment of the admin API. `Bindings.remoteAddress` is the second argument of
 * `app.fetch(req, { remoteAddress })`: the caller's address as the server's entry (app-env.ts) names it, behind a
 * trusted proxy from X-Forwarded-For; it keys the login throttle.
 */
export type AdminEnv = {
  Bindings: { remoteAddress?: string };
  Variables: {
    user: AdminUser;
    session: Session;
    /** How the request authenticated: cookie requests need the CSRF header on unsafe methods. */
    via: 'cookie' | 'bearer';
  };
};
