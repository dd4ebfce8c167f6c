import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

/**
 * The master key encrypts secrets at rest and keys the hashes of access keys. It comes from
 * MANTRA_MASTER_KEY (base64, 32 bytes) or from `master.key` in the data directory, created on first start.
 */
export function loadMasterKey(dataDir: string, fromEnv = process.env.MANTRA_MASTER_KEY): Buffer {
  if (fromEnv) return decode(fromEnv, 'MANTRA_MASTER_KEY');
  const file = path.join(dataDir, 'master.key');
  if (!fs.existsSync(file)) {
    fs.writeFileSync(file, randomBytes(32).toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  }
  return decode(fs.readFileSync(file, 'utf8').trim(), file);
}

function decode(text: string, where: string): Buffer {
  const key = Buffer.from(text, 'base64');
  if (key.length !== 32) throw new Error(`${where} must hold 32 bytes in base64`);
  return key;
}
