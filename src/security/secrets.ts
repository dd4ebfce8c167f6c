import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

const PREFIX = 'enc:v1:';

/** AES-256-GCM with a key derived from the master key; the output is tagged so it is never encrypted twice. */
export class Secrets {
  #key: Buffer;
  #hashKey: Buffer;

  constructor(masterKey: Buffer) {
    this.#key = createHmac('sha256', masterKey).update('mantra secrets v1').digest();
    this.#hashKey = createHmac('sha256', masterKey).update('mantra access keys v1').digest();
  }

  static isEncrypted(value: string): boolean {
    return value.startsWith(PREFIX);
  }

  encrypt(plain: string): string {
    if (Secrets.isEncrypted(plain)) return plain;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
  }

  decrypt(value: string): string {
    if (!Secrets.isEncrypted(value)) return value;
    const raw = Buffer.from(value.slice(PREFIX.length), 'base64');
    const decipher = createDecipheriv('aes-256-gcm', this.#key, raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    try {
      return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
    } catch {
      throw new Error('a stored secret cannot be decrypted: wrong master key?');
    }
  }

  #recent = new Map<string, string>();

  /**
   * Access keys are stored only as this keyed hash; lookups hash the presented key the same way. Recent keys are
   * remembered (bounded) since every call presents one.
   */
  hashKey(key: string): string {
    let hash = this.#recent.get(key);
    if (hash === undefined) {
      hash = createHmac('sha256', this.#hashKey).update(key).digest('hex');
      if (this.#recent.size >= 10_000) this.#recent.clear();
      this.#recent.set(key, hash);
    }
    return hash;
  }
}
