import fs from 'node:fs';
import path from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import type { Secrets } from './secrets.ts';

/** The file in the data directory that holds the token signing key, its private half encrypted with the master key. */
export const SIGNING_KEY_FILE = 'oauth-signing-key.json';

export interface StoredSigningKey {
  alg: 'Ed25519';
  /** PKCS#8 PEM of the private key, encrypted (Secrets). */
  privateKey: string;
  createdAt: string;
}

/**
 * The Ed25519 key that signs OAuth2 access tokens: read from the data directory, or made there on first start
 * (mode 0600). Synchronous so that the app can be composed without waiting; a malformed file stops the start.
 */
export function openSigningKey(dataDir: string, secrets: Secrets): { alg: 'Ed25519'; pem: string } {
  const file = path.join(dataDir, SIGNING_KEY_FILE);
  if (!fs.existsSync(file)) {
    const { privateKey } = generateKeyPairSync('ed25519');
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const stored: StoredSigningKey = { alg: 'Ed25519', privateKey: secrets.encrypt(pem), createdAt: new Date().toISOString() };
    try {
      fs.writeFileSync(file, JSON.stringify(stored, null, 1) + '\n', { mode: 0o600, flag: 'wx' });
    } catch (err) {
      // Another process of the same data directory made it first: use theirs.
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  const stored = JSON.parse(fs.readFileSync(file, 'utf8')) as StoredSigningKey;
  if (stored.alg !== 'Ed25519' || typeof stored.privateKey !== 'string') throw new Error(`${file} is not a Mantra signing key`);
  return { alg: stored.alg, pem: secrets.decrypt(stored.privateKey) };
}
