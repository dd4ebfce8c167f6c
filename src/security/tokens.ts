import { createHash, createPublicKey, randomUUID } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, importPKCS8, importSPKI, type JWK, jwtVerify, SignJWT } from 'jose';

/**
 * OAuth2 access tokens of the gateway: short-lived JWTs signed with the data directory's Ed25519 key
 * (signing-key.ts). A token names its consumer and the key it was obtained with, so it dies with that key, the
 * consumer or the subscriptions it reaches: the authenticate stage checks those against the live configuration
 * on every call. Verifying costs about 150 µs, so verified tokens are remembered until they expire.
 */

const ALG = 'Ed25519';
const ISSUER = 'mantra';
const AUDIENCE = 'mantra';
const TYP = 'at+jwt';
const DEFAULT_TTL_SECONDS = 600;
const CACHE_LIMIT = 10_000;

/** What the credential behind a token was: the consumer's application key, or one subscription key. */
export type TokenVia = 'app' | 'subscription';

export interface TokenClaims {
  /** The consumer, `agency/slug`. */
  consumer: string;
  via: TokenVia;
  /** keyPrint() of the hash of the key the token was obtained with. */
  keyPrint: string;
  /** The operations (`agency/service/operation`) it may call; absent: every one its credential reaches when called. */
  operations?: ReadonlySet<string>;
  /** Epoch milliseconds. */
  expiresAt: number;
  id: string;
}

/** Why a token is refused: the authenticate stage (and SOAP) turn it into their own error. */
export class TokenRefusal extends Error {
  constructor(readonly reason: 'invalid' | 'expired') {
    super(`access token ${reason}`);
  }
}

/** Compact JWS shape: only such a credential is verified as a token; anything else is a key. */
export function looksLikeToken(credential: string): boolean {
  if (!credential.startsWith('eyJ')) return false;
  const first = credential.indexOf('.');
  const second = credential.indexOf('.', first + 1);
  return first > 0 && second > first && credential.indexOf('.', second + 1) < 0;
}

/** A short, one-way print of a key's stored hash: binds a token to the key without carrying the hash. */
export function keyPrint(keyHash: string): string {
  return createHash('sha256').update(`mantra token key ${keyHash}`).digest('base64url').slice(0, 22);
}

/** jose's key type, whichever runtime's WebCrypto types are in scope. */
type Key = Awaited<ReturnType<typeof importPKCS8>>;

interface Keys {
  privateKey: Key;
  publicKey: Key;
  kid: string;
  jwk: JWK;
}

async function importKeys(pem: string): Promise<Keys> {
  const spki = createPublicKey(pem).export({ type: 'spki', format: 'pem' }).toString();
  const [privateKey, publicKey, exported] = await Promise.all([
    importPKCS8(pem, ALG),
    importSPKI(spki, ALG),
    importSPKI(spki, ALG, { extractable: true }).then(exportJWK),
  ]);
  const kid = await calculateJwkThumbprint(exported);
  return { privateKey, publicKey, kid, jwk: { ...exported, kid, alg: ALG, use: 'sig' } };
}

export interface Grant {
  consumer: string;
  via: TokenVia;
  /** The stored hash of the key the client authenticated with. */
  keyHash: string;
  /** Restricts the token to these operations. */
  operations?: string[];
}

export class AccessTokens {
  readonly ttlSeconds: number;
  #keys: Promise<Keys>;
  #now: () => number;
  #verified = new Map<string, TokenClaims>();

  constructor(signing: { pem: string }, opts: { ttlSeconds?: number; now?: () => number } = {}) {
    this.ttlSeconds = opts.ttlSeconds ?? DEFAULT_TTL_SECONDS;
    this.#now = opts.now ?? Date.now;
    this.#keys = importKeys(signing.pem);
    this.#keys.catch(() => {}); // reported by the first issue or verify
  }

  async issue(grant: Grant): Promise<{ token: string; expiresIn: number; claims: TokenClaims }> {
    const { privateKey, kid } = await this.#keys;
    const iat = Math.floor(this.#now() / 1000);
    const id = randomUUID();
    const payload: Record<string, unknown> = { client_id: grant.consumer, kt: grant.via, kp: keyPrint(grant.keyHash) };
    if (grant.operations) payload.scope = grant.operations.join(' ');
    const token = await new SignJWT(payload)
      .setProtectedHeader({ alg: ALG, typ: TYP, kid })
      .setIssuer(ISSUER).setAudience(AUDIENCE).setSubject(grant.consumer).setJti(id)
      .setIssuedAt(iat).setExpirationTime(iat + this.ttlSeconds)
      .sign(privateKey);
    const claims: TokenClaims = {
      consumer: grant.consumer, via: grant.via, keyPrint: keyPrint(grant.keyHash), id,
      operations: grant.operations && new Set(grant.operations), expiresAt: (iat + this.ttlSeconds) * 1000,
    };
    return { token, expiresIn: this.ttlSeconds, claims };
  }

  /**
   * The claims of a token verified before, with no cryptography: the per-call path. Undefined when it was not seen
   * yet (then `verify`); throws a TokenRefusal once it has expired.
   */
  known(token: string): TokenClaims | undefined {
    const claims = this.#verified.get(token);
    if (claims && claims.expiresAt <= this.#now()) {
      this.#verified.delete(token);
      throw new TokenRefusal('expired');
    }
    return claims;
  }

  /** Checks signature, algorithm, type, issuer, audience and expiry; rejects with a TokenRefusal. */
  async verify(token: string): Promise<TokenClaims> {
    const known = this.known(token);
    if (known) return known;
    const { publicKey } = await this.#keys;
    let payload: Record<string, unknown>;
    try {
      // Only Ed25519 with this key: `alg: none`, HMAC with the public key as secret and foreign keys all fail here.
      ({ payload } = await jwtVerify(token, publicKey, {
        algorithms: [ALG], issuer: ISSUER, audience: AUDIENCE, typ: TYP,
        requiredClaims: ['sub', 'exp', 'iat', 'jti'], currentDate: new Date(this.#now()),
      }));
    } catch (err) {
      throw new TokenRefusal((err as { code?: string }).code === 'ERR_JWT_EXPIRED' ? 'expired' : 'invalid');
    }
    const claims = claimsOf(payload);
    if (!claims) throw new TokenRefusal('invalid');
    if (this.#verified.size >= CACHE_LIMIT) this.#verified.clear();
    this.#verified.set(token, claims);
    return claims;
  }

  /** The public key as a JSON Web Key Set, for whoever wants to check tokens themselves. */
  async jwks(): Promise<{ keys: JWK[] }> {
    return { keys: [(await this.#keys).jwk] };
  }
}

function claimsOf(p: Record<string, unknown>): TokenClaims | undefined {
  const via = p.kt === 'app' ? 'app' : p.kt === 'subscription' ? 'subscription' : undefined;
  if (!via || typeof p.sub !== 'string' || typeof p.kp !== 'string' || typeof p.exp !== 'number' || typeof p.jti !== 'string') return undefined;
  if (p.scope !== undefined && typeof p.scope !== 'string') return undefined;
  return {
    consumer: p.sub, via, keyPrint: p.kp, id: p.jti, expiresAt: p.exp * 1000,
    operations: typeof p.scope === 'string' ? new Set(p.scope.split(' ').filter(Boolean)) : undefined,
  };
}
