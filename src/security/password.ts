import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { isBcryptHash, verifyBcrypt } from './bcrypt.ts';

/**
 * scrypt N=2^15, r=8, p=3: one of OWASP's equal-strength parameter sets, with 32 MiB per derivation instead of
 * the 128 MiB of N=2^17, p=1, which a server kept resident after its first login (idle RSS ~200 MB on a modest
 * machine). Hashes with other parameters still verify and are redone at the next login (needsRehash).
 */
const N = 2 ** 15, R = 8, P = 3, LEN = 32;
const MAXMEM = 256 * 1024 * 1024;

function derive(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, LEN, { N: n, r, p, maxmem: MAXMEM }, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, N, R, P);
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** Verifies scrypt hashes, and bcrypt ones imported from the original MANTRA (upgraded after login: needsRehash). */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  if (isBcryptHash(stored)) return verifyBcrypt(password, stored);
  const parts = stored.split('$');
  if (parts[0] !== 'scrypt' || parts.length !== 6) return false;
  const [n, r, p] = parts.slice(1, 4).map(Number);
  const expected = Buffer.from(parts[5], 'base64');
  const actual = await derive(password, Buffer.from(parts[4], 'base64'), n, r, p);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** True when a hash is not scrypt with today's parameters (e.g. an imported bcrypt hash): rehash after login. */
export function needsRehash(hash: string): boolean {
  const parts = hash.split('$');
  return parts.length !== 6 || parts[0] !== 'scrypt' || parts[1] !== String(N) || parts[2] !== String(R) || parts[3] !== String(P);
}

/** A readable one-time password: 4 groups of 4 characters without look-alikes. */
export function generatePassword(): string {
  const alphabet = 'abcdefghijkmnpqrstuvwxyzACDEFGHJKLMNPQRSTUVWXYZ23456789';
  const bytes = randomBytes(16);
  const chars = [...bytes].map((b) => alphabet[b % alphabet.length]);
  return [0, 4, 8, 12].map((i) => chars.slice(i, i + 4).join('')).join('-');
}

/** New access keys: 32 characters a–z0–9 (MANTRA's were 10; imported ones keep theirs). */
export function generateAccessKey(length = 32): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const out: string[] = [];
  while (out.length < length) {
    for (const b of randomBytes(length)) if (b < 252 && out.length < length) out.push(alphabet[b % 36]);
  }
  return out.join('');
}
