import fs from 'node:fs';
import path from 'node:path';
import { loadParamKey, PARAM_KEY_FILE } from '../../audit/keys.ts';
import { AGENCY_KEYS_DIR, AnswerSigner } from '../../audit/answer-signer.ts';
import { openSigningKey, SIGNING_KEY_FILE as TOKEN_KEY_FILE } from '../../security/signing-key.ts';
import type { Secrets } from '../../security/secrets.ts';
import { log } from '../../observability/log.ts';
import type { Sql } from './connection.ts';

/**
 * Keys every node must hold the same, shared through `shared_keys` as the files the key modules write (their
 * secret parts already encrypted with the master key): the trail's parameter HMAC key, the OAuth2 token signing
 * key and each agency's answer-signing key. Each node keeps a copy in its data directory, where the key modules
 * read them. The first node to store a key wins; a different local file is kept aside, never deleted. Each node's
 * audit signing key is not shared: it signs that node's own chain.
 */
export const agencyKeyName = (slug: string) => `${AGENCY_KEYS_DIR}/${slug}.json`;

/** The shared key files of a data directory that exist (for `store migrate`). */
export function localKeyNames(dataDir: string): string[] {
  const names = [PARAM_KEY_FILE, TOKEN_KEY_FILE].filter((n) => fs.existsSync(path.join(dataDir, n)));
  const agencies = path.join(dataDir, AGENCY_KEYS_DIR);
  if (fs.existsSync(agencies)) {
    for (const f of fs.readdirSync(agencies).sort()) if (f.endsWith('.json')) names.push(`${AGENCY_KEYS_DIR}/${f}`);
  }
  return names;
}

export class SharedKeys {
  constructor(private sql: Sql, private dataDir: string, private secrets: Secrets) {}

  /** The parameter key and the token key, made by the first node that needs them. */
  async syncFixed(): Promise<void> {
    await this.#sync(PARAM_KEY_FILE, () => void loadParamKey(this.dataDir));
    await this.#sync(TOKEN_KEY_FILE, () => void openSigningKey(this.dataDir, this.secrets));
  }

  /** An agency's answer-signing key, before anything on this node can sign with it. */
  async syncAgency(slug: string): Promise<void> {
    if (!/^[a-z0-9][a-z0-9_-]*$/.test(slug)) return; // the signer refuses such a slug anyway
    if (this.#synced.has(slug)) return;
    await this.#sync(agencyKeyName(slug), () => new AnswerSigner(this.dataDir, this.secrets).jwks([slug]));
    this.#synced.add(slug);
  }

  #synced = new Set<string>();

  /** One sync per key at a time in this process (a notification and this node's own write may ask together). */
  #running = new Map<string, Promise<void>>();

  #sync(name: string, make: () => unknown): Promise<void> {
    const running = this.#running.get(name);
    if (running) return running;
    const run = this.#syncNow(name, make).finally(() => this.#running.delete(name));
    this.#running.set(name, run);
    return run;
  }

  async #syncNow(name: string, make: () => unknown): Promise<void> {
    let [row] = await this.sql<{ body: string }[]>`select body from shared_keys where name = ${name}`;
    if (!row) {
      const file = path.join(this.dataDir, name);
      if (!fs.existsSync(file)) await make();
      await this.sql`insert into shared_keys (name, body) values (${name}, ${fs.readFileSync(file, 'utf8')})
        on conflict (name) do nothing`;
      [row] = await this.sql<{ body: string }[]>`select body from shared_keys where name = ${name}`;
    }
    writeKeyFile(this.dataDir, name, row.body);
  }
}

/** Puts a key file in place (atomically, mode 0600); a different file already there is renamed, not lost. */
export function writeKeyFile(dataDir: string, name: string, body: string): void {
  const file = path.join(dataDir, name);
  if (fs.existsSync(file)) {
    if (fs.readFileSync(file, 'utf8') === body) return;
    const aside = `${file}.replaced-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    fs.renameSync(file, aside);
    log('warn', 'a local key differed from the cluster store\'s: the store\'s is used, the local one kept aside', { key: name, keptAs: path.basename(aside) });
  }
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, body, { mode: 0o600 });
  fs.renameSync(tmp, file);
}
