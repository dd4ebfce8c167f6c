import { type Catalogue, type Lang, translate } from '../../i18n/index.ts';
import { StoreError } from '../types.ts';

/** What an administrator reads when the cluster store cannot open or is away; never a host, SQL or a password. */
const messages: Catalogue = {
  url: {
    en: 'the store address must look like postgres://USER@HOST:PORT/DATABASE',
    id: 'alamat penyimpanan harus berbentuk postgres://USER@HOST:PORT/DATABASE',
  },
  unreachable: {
    en: 'PostgreSQL (--store) cannot be reached: {cause}',
    id: 'PostgreSQL (--store) tidak dapat dihubungi: {cause}',
  },
  master_key: {
    en: 'this node\'s master key does not open the cluster store: every node needs the same MANTRA_MASTER_KEY',
    id: 'kunci induk node ini tidak membuka penyimpanan klaster: setiap node memerlukan MANTRA_MASTER_KEY yang sama',
  },
  node_id: {
    en: 'node id "{node}" is not valid: letters, digits, ".", "_" and "-", at most 64',
    id: 'id node "{node}" tidak sah: huruf, angka, ".", "_" dan "-", paling banyak 64',
  },
  node_in_use: {
    en: 'node id {node} is in use by another live node: give each node its own data directory or --node NAME',
    id: 'id node {node} sedang dipakai node lain yang hidup: beri setiap node direktori data sendiri atau --node NAMA',
  },
  unavailable: {
    en: 'the cluster store (PostgreSQL) is unreachable: nothing was saved, try again shortly',
    id: 'penyimpanan klaster (PostgreSQL) tidak dapat dihubungi: tidak ada yang disimpan, coba lagi sebentar lagi',
  },
  busy: {
    en: 'the cluster store (PostgreSQL) did not finish in time (busy or locked): nothing was saved, try again shortly',
    id: 'penyimpanan klaster (PostgreSQL) tidak selesai tepat waktu (sibuk atau terkunci): tidak ada yang disimpan, coba lagi sebentar lagi',
  },
  'cause.refused': { en: 'connection refused', id: 'koneksi ditolak' },
  'cause.timeout': { en: 'no answer in time', id: 'tidak ada jawaban tepat waktu' },
  'cause.host': { en: 'host not found', id: 'host tidak ditemukan' },
  'cause.auth': { en: 'authentication failed', id: 'autentikasi gagal' },
  'cause.database': { en: 'the database does not exist', id: 'basis data tidak ada' },
  'cause.lost': { en: 'connection lost', id: 'koneksi terputus' },
  'cause.busy': { en: 'the server refuses connections now', id: 'server sedang menolak koneksi' },
  'cause.other': { en: 'connection failed', id: 'koneksi gagal' },
};

export type PgProblem = 'url' | 'unreachable' | 'master_key' | 'node_id' | 'node_in_use' | 'unavailable' | 'busy';

/** A cluster-store error that speaks both languages (`text`), like StoreOpenError does for the embedded store. */
export class PgStoreError extends StoreError {
  constructor(readonly problem: PgProblem, readonly vars: Record<string, string | number> = {}) {
    super(problem === 'unavailable' || problem === 'busy' ? 'unavailable' : 'open', translate(messages, problem, 'en', localVars(vars, 'en')));
  }

  text(lang: Lang): string {
    return translate(messages, this.problem, lang, localVars(this.vars, lang));
  }
}

function localVars(vars: Record<string, string | number>, lang: Lang) {
  return vars.cause ? { ...vars, cause: translate(messages, `cause.${vars.cause}`, lang) } : vars;
}

const network: Record<string, string> = {
  ECONNREFUSED: 'refused', ECONNRESET: 'lost', EPIPE: 'lost', ETIMEDOUT: 'timeout', CONNECT_TIMEOUT: 'timeout',
  ENOTFOUND: 'host', EAI_AGAIN: 'host', EHOSTUNREACH: 'refused', ENETUNREACH: 'refused',
  CONNECTION_CLOSED: 'lost', CONNECTION_ENDED: 'lost', CONNECTION_DESTROYED: 'lost',
  '28P01': 'auth', '28000': 'auth', '3D000': 'database', '53300': 'busy', '57P01': 'lost', '57P02': 'lost',
  '57P03': 'busy',
  // The server ended a transaction left idle too long (connection.ts SERVER_TIMEOUTS): the connection is gone.
  '25P03': 'lost',
};

/** A statement the server stopped: statement_timeout, lock_timeout (connection.ts SERVER_TIMEOUTS). */
const timedOut = new Set(['57014', '55P03']);

/** Why a connection failed, as a message key, or undefined when the error is not about the connection. */
export function connectionCause(err: unknown): string | undefined {
  const code = String((err as { code?: unknown })?.code ?? '');
  if (network[code]) return network[code];
  if (code.startsWith('08')) return 'lost';
  // Deno's node:net compatibility names some failures only in the message.
  const text = String((err as Error)?.message ?? '');
  if (/ECONNREFUSED|Connection refused/i.test(text)) return 'refused';
  if (/ECONNRESET|connection reset|broken pipe/i.test(text)) return 'lost';
  return undefined;
}

/** A driver error as the store's: connection trouble becomes 'unavailable', a duplicate key a conflict. */
export function storeErrorOf(err: unknown, what = ''): unknown {
  if (err instanceof StoreError) return err;
  if (connectionCause(err)) return new PgStoreError('unavailable');
  if (timedOut.has(String((err as { code?: string })?.code))) return new PgStoreError('busy');
  if ((err as { code?: string })?.code === '23505') return new StoreError('conflict', `${what} already exists`);
  return err;
}
