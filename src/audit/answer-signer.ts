import fs from 'node:fs';
import path from 'node:path';
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { CompactSign, exportJWK, importPKCS8, type JWK } from 'jose';
import type { Secrets } from '../security/secrets.ts';
import { keyIdOf } from './keys.ts';

/** Where each agency's answer-signing key lives in the data directory: `agency-keys/<slug>.json`, mode 0600. */
export const AGENCY_KEYS_DIR = 'agency-keys';

interface StoredKey {
  alg: 'Ed25519';
  kid: string;
  /** PKCS#8 PEM, encrypted with the master key. */
  privateKey: string;
  createdAt: string;
}

/** jose's key type, whichever runtime's WebCrypto types are in scope. */
type Key = Awaited<ReturnType<typeof importPKCS8>>;

interface AgencyKey {
  kid: string;
  sign: Key;
  jwk: JWK;
}

/**
 * Non-repudiation of answers: an operation that signs its answers has each whole answer signed with the providing
 * agency's Ed25519 key, as a detached JWS (RFC 7515, appendix F: `header..signature`, the answer's bytes being the
 * payload) in the `X-JWS-Signature` header. The protected header names the key (`kid`), the call (`rid`, its
 * request id) and the time (`iat`). Consumers verify with the public key from /catalogue/jwks.json. A key is
 * made on first use and kept; it is never returned.
 */
export class AnswerSigner {
  #keys = new Map<string, Promise<AgencyKey>>();

  constructor(private dataDir: string, private secrets: Secrets) {}

  #file(agency: string) {
    return path.join(this.dataDir, AGENCY_KEYS_DIR, `${agency}.json`);
  }

  #key(agency: string): Promise<AgencyKey> {
    let key = this.#keys.get(agency);
    if (!key) {
      key = this.#open(agency);
      key.catch(() => this.#keys.delete(agency));
      this.#keys.set(agency, key);
    }
    return key;
  }

  async #open(agency: string): Promise<AgencyKey> {
    if (!/^[a-z0-9][a-z0-9_-]*$/.test(agency)) throw new Error(`not an agency slug: ${agency}`);
    const file = this.#file(agency);
    if (!fs.existsSync(file)) {
      const { privateKey, publicKey } = generateKeyPairSync('ed25519');
      const stored: StoredKey = {
        alg: 'Ed25519', kid: `${agency}-${keyIdOf(publicKey)}`, createdAt: new Date().toISOString(),
        privateKey: this.secrets.encrypt(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()),
      };
      fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
      try {
        fs.writeFileSync(file, JSON.stringify(stored, null, 1) + '\n', { mode: 0o600, flag: 'wx' });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
    }
    const stored = JSON.parse(fs.readFileSync(file, 'utf8')) as StoredKey;
    if (stored.alg !== 'Ed25519') throw new Error(`${file} is not a Mantra agency key`);
    const pem = this.secrets.decrypt(stored.privateKey);
    const jwk = await exportJWK(createPublicKey(pem));
    return { kid: stored.kid, sign: await importPKCS8(pem, 'EdDSA'), jwk: { ...jwk, kid: stored.kid, alg: 'EdDSA', use: 'sig' } };
  }

  /** The detached JWS of an answer's bytes. */
  async sign(agency: string, body: Uint8Array, requestId: string): Promise<string> {
    const key = await this.#key(agency);
    const jws = await new CompactSign(body)
      .setProtectedHeader({ alg: 'EdDSA', kid: key.kid, rid: requestId, iat: Math.floor(Date.now() / 1000) })
      .sign(key.sign);
    const [header, , signature] = jws.split('.');
    return `${header}..${signature}`;
  }

  /** The public keys of these agencies as a JWK set (made now for an agency that has none yet). */
  async jwks(agencies: Iterable<string>): Promise<{ keys: JWK[] }> {
    const keys = await Promise.all([...new Set(agencies)].sort().map((a) => this.#key(a)));
    return { keys: keys.map((k) => k.jwk) };
  }
}
