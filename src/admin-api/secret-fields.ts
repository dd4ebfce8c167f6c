import { connectorSecrets } from '../model/connector.ts';
import { proxySecrets } from '../model/operation-proxy.ts';
import type { Kind } from '../model/index.ts';
import { Secrets } from '../security/secrets.ts';

/**
 * Fields holding secrets, as dotted paths: encrypted at rest, never returned (a `<name>Set` flag instead), and
 * kept as stored when an update leaves them out or empty. Backend credentials of proxy operations are secrets
 * too; the gateway decrypts them with Secrets.decrypt, which passes plain values through.
 */
export const secretPaths: Partial<Record<Kind, readonly string[]>> = {
  connector: connectorSecrets,
  operation: proxySecrets.map((path) => `proxy.${path}`),
  settings: ['smtp.password'],
  user: ['totp.secret'],
};

type Obj = Record<string, unknown>;

/** The object holding the field at `path` and the field's name; no holder when a step is missing. */
function locate(root: Obj, path: string): [Obj | undefined, string] {
  const steps = path.split('.');
  const name = steps.pop()!;
  let holder: unknown = root;
  for (const step of steps) holder = holder && typeof holder === 'object' ? (holder as Obj)[step] : undefined;
  return [holder && typeof holder === 'object' ? (holder as Obj) : undefined, name];
}

const given = (v: unknown): v is string => typeof v === 'string' && v !== '';

/** Encrypts the secrets of a body about to be stored; absent or empty ones keep the stored value. */
export function sealSecrets<T extends object>(kind: Kind, body: T, secrets: Secrets, stored?: object): T {
  const copy = structuredClone(body) as Obj;
  for (const path of secretPaths[kind] ?? []) {
    const [holder, name] = locate(copy, path);
    if (!holder) continue;
    if (given(holder[name])) holder[name] = secrets.encrypt(holder[name]);
    else if (stored) {
      const [old] = locate(stored as Obj, path);
      if (old && given(old[name])) holder[name] = old[name];
    }
  }
  return copy as T;
}

/** A body fit to be shown: each secret replaced by `<name>Set` (always present for top-level secrets). */
export function redactSecrets<T extends object>(kind: Kind, body: T): Obj {
  const copy = structuredClone(body) as Obj;
  for (const path of secretPaths[kind] ?? []) {
    const [holder, name] = locate(copy, path);
    if (!holder || (!(name in holder) && path.includes('.'))) continue;
    holder[`${name}Set`] = given(holder[name]);
    delete holder[name];
  }
  return copy;
}

/** The body with its secrets decrypted, for the connectors only. */
export function revealSecrets<T extends object>(kind: Kind, body: T, secrets: Secrets): T {
  const copy = structuredClone(body) as Obj;
  for (const path of secretPaths[kind] ?? []) {
    const [holder, name] = locate(copy, path);
    if (holder && given(holder[name])) holder[name] = secrets.decrypt(holder[name]);
  }
  return copy as T;
}

/** Paths of secrets given in plain text (not yet encrypted). */
export function plainSecrets(kind: Kind, body: object): string[] {
  return (secretPaths[kind] ?? []).filter((path) => {
    const [holder, name] = locate(body as Obj, path);
    return holder !== undefined && given(holder[name]) && !Secrets.isEncrypted(holder[name]);
  });
}

/** Paths of encrypted secrets, e.g. to check that they open with this installation's master key. */
export function sealedSecrets(kind: Kind, body: object): { path: string; value: string }[] {
  return (secretPaths[kind] ?? []).flatMap((path) => {
    const [holder, name] = locate(body as Obj, path);
    const value = holder?.[name];
    return given(value) && Secrets.isEncrypted(value) ? [{ path, value }] : [];
  });
}

/**
 * Encrypts the plain secrets of an imported body. A plain value equal to the stored secret keeps the stored
 * ciphertext, so that importing the same document twice changes nothing.
 */
export function sealImported<T extends object>(kind: Kind, body: T, secrets: Secrets, stored?: object): T {
  const copy = structuredClone(body) as Obj;
  for (const path of plainSecrets(kind, copy)) {
    const [holder, name] = locate(copy, path);
    const [old] = stored ? locate(stored as Obj, path) : [undefined];
    const kept = old?.[name];
    holder![name] = given(kept) && opens(secrets, kept) === holder![name] ? kept : secrets.encrypt(holder![name] as string);
  }
  return copy as T;
}

/** The plain text of a stored secret, or undefined when this master key cannot open it. */
export function opens(secrets: Secrets, value: string): string | undefined {
  try {
    return secrets.decrypt(value);
  } catch {
    return undefined;
  }
}
