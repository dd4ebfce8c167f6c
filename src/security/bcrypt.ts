import bcrypt from 'bcryptjs';

/** PHP's password_hash() writes `$2y$`; other bcrypt implementations write `$2a$` or `$2b$`: the same algorithm. */
const BCRYPT = /^\$2[aby]\$\d{2}\$[./A-Za-z0-9]{53}$/;

export function isBcryptHash(hash: string): boolean {
  return BCRYPT.test(hash);
}

/**
 * Verifies a password against a bcrypt hash, as PHP's password_verify() did for the original MANTRA's users.
 * The password is used as given (no Unicode normalisation): PHP hashed the raw bytes.
 */
export async function verifyBcrypt(password: string, hash: string): Promise<boolean> {
  if (!isBcryptHash(hash)) return false;
  try {
    return await bcrypt.compare(password, hash);
  } catch {
    return false;
  }
}
