import { generateSecret, generateURI, verify } from 'otplib';

/**
 * TOTP (RFC 6238) with otplib's defaults, the ones every authenticator app reads: SHA-1, 6 digits, 30 s steps.
 * A code is accepted one step either side of now (clocks drift), and never for a step at or before the last one
 * accepted: a code that was seen cannot be used again.
 */
const TOLERANCE_S = 30;

export function newTotpSecret(): string {
  return generateSecret({ length: 20 });
}

export function totpUri(secret: string, account: string, issuer = 'Mantra'): string {
  return generateURI({ issuer, label: account, secret });
}

/** The time step the code belongs to when it is good, else undefined. */
export async function checkTotp(secret: string, code: string, lastStep?: number): Promise<number | undefined> {
  if (!/^\d{6}$/.test(code)) return undefined;
  try {
    const result = await verify({
      secret, token: code, epochTolerance: TOLERANCE_S,
      ...(lastStep !== undefined ? { afterTimeStep: lastStep } : {}),
    });
    // TOTP results carry their time step (HOTP ones, of the same union type, do not).
    return result.valid && 'timeStep' in result ? result.timeStep : undefined;
  } catch {
    return undefined;
  }
}
