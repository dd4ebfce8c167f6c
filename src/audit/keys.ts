import fs from 'node:fs';
import path from 'node:path';
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, randomBytes } from 'node:crypto';
import { loadMasterKey } from '../security/master-key.ts';
import { Secrets } from '../security/secrets.ts';

/**
 * The trail's own keys, kept in the data directory and created on first start (mode 0600), the secret ones
 * encrypted with the master key:
 * - `audit.key`: the HMAC key of parameter values (keyed hashes make a data-subject report possible without the
 *   trail storing a NIK; without the key the hashes cannot be tested against guesses);
 * - `audit-signing.key` / `audit-signing.pub`: the Ed25519 pair that signs checkpoints. The public key is all a
 *   third party needs to verify an exported trail.
 */
export const PARAM_KEY_FILE = 'audit.key';
export const SIGNING_KEY_FILE = 'audit-signing.key';
export const PUBLIC_KEY_FILE = 'audit-signing.pub';

export interface SigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  keyId: string;
}

/** SHA-256 of the public key's DER, base64url, 16 characters: names the key in checkpoints. */
export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('base64url').slice(0, 16);
}

function secretsOf(dataDir: string): Secrets {
  return new Secrets(loadMasterKey(dataDir));
}

/** Writes a file once: a concurrent first start keeps whichever was written first. */
function writeOnce(file: string, text: string) {
  try {
    fs.writeFileSync(file, text, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
}

export function loadParamKey(dataDir: string, create = true): Buffer {
  const file = path.join(dataDir, PARAM_KEY_FILE);
  const secrets = secretsOf(dataDir);
  if (create && !fs.existsSync(file)) writeOnce(file, secrets.encrypt(randomBytes(32).toString('base64')) + '\n');
  const key = Buffer.from(secrets.decrypt(fs.readFileSync(file, 'utf8').trim()), 'base64');
  if (key.length !== 32) throw new Error(`${file} must hold 32 bytes`);
  return key;
}

export function loadSigningKey(dataDir: string, create = true): SigningKey {
  const file = path.join(dataDir, SIGNING_KEY_FILE);
  const secrets = secretsOf(dataDir);
  if (create && !fs.existsSync(file)) {
    const pair = generateKeyPairSync('ed25519');
    writeOnce(file, secrets.encrypt(pair.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string) + '\n');
  }
  const privateKey = createPrivateKey(secrets.decrypt(fs.readFileSync(file, 'utf8').trim()));
  const publicKey = createPublicKey(privateKey);
  const pub = path.join(dataDir, PUBLIC_KEY_FILE);
  const pem = publicKey.export({ type: 'spki', format: 'pem' }) as string;
  if (!fs.existsSync(pub) || fs.readFileSync(pub, 'utf8') !== pem) fs.writeFileSync(pub, pem, { mode: 0o644 });
  return { privateKey, publicKey, keyId: keyIdOf(publicKey) };
}

/** A public key file (PEM, SPKI) as a verifier outside the installation holds it. */
export function loadPublicKey(file: string): { publicKey: KeyObject; keyId: string } {
  const publicKey = createPublicKey(fs.readFileSync(file, 'utf8'));
  if (publicKey.asymmetricKeyType !== 'ed25519') throw new Error(`${file} is not an Ed25519 public key`);
  return { publicKey, keyId: keyIdOf(publicKey) };
}

/** Every public key in a file (PEM blocks one after the other: a cluster's nodes' audit-signing.pub files joined). */
export function loadPublicKeys(file: string): { publicKey: KeyObject; keyId: string }[] {
  const text = fs.readFileSync(file, 'utf8');
  const blocks = text.match(/-----BEGIN PUBLIC KEY-----[\s\S]*?-----END PUBLIC KEY-----/g) ?? [];
  if (blocks.length === 0) throw new Error(`${file} holds no public key`);
  return blocks.map((pem) => {
    const publicKey = createPublicKey(pem);
    if (publicKey.asymmetricKeyType !== 'ed25519') throw new Error(`${file} is not an Ed25519 public key`);
    return { publicKey, keyId: keyIdOf(publicKey) };
  });
}
