import { type KeyObject, sign, verify } from 'node:crypto';
import type { Checkpoint } from '../store/trail-types.ts';

/** The exact bytes a checkpoint's signature covers; a verifier outside Mantra rebuilds them from the fields. */
export function checkpointMessage(c: Omit<Checkpoint, 'signature'>): string {
  return `mantra-checkpoint/1\n${c.kind}\n${c.seq}\n${c.hash}\n${c.at}\n${c.keyId}`;
}

export function signCheckpoint(key: { privateKey: KeyObject; keyId: string }, c: Omit<Checkpoint, 'signature' | 'keyId'>): Checkpoint {
  const unsigned = { ...c, keyId: key.keyId };
  return { ...unsigned, signature: sign(null, Buffer.from(checkpointMessage(unsigned)), key.privateKey).toString('base64url') };
}

export function checkpointValid(publicKey: KeyObject, c: Checkpoint): boolean {
  try {
    return verify(null, Buffer.from(checkpointMessage(c)), publicKey, Buffer.from(c.signature, 'base64url'));
  } catch {
    return false;
  }
}
