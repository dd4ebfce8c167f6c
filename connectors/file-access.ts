/**
 * Which files a file-based connector (SQLite file, DBF folder) may open: only inside the folders an administrator
 * allows (settings `fileRoots`), never the data directory nor anything in it. Paths are resolved as the kernel
 * would open them (symlinks, `..`) before they are compared. Checked when a connector is saved and again when its
 * file is opened, in whichever thread that happens: hence plain data.
 */
import fs from 'node:fs';
import path from 'node:path';

export interface FileAccess {
  /** Folders an administrator allows (settings `fileRoots`). */
  roots: string[];
  /** The server's data directory: never allowed. */
  dataDir: string;
}

/** SQLite's in-memory database reaches no file: always allowed. */
export const IN_MEMORY = ':memory:';

/**
 * The path as it would be opened: each existing component with its symlinks resolved, `..` taken after that (so
 * `link/..` is the link target's parent, as the kernel sees it). A tail that does not exist yet is kept as written.
 */
export function resolvePath(p: string): string {
  const absolute = path.isAbsolute(p) ? p : `${process.cwd()}${path.sep}${p}`;
  const { root } = path.parse(absolute);
  let current = fs.realpathSync(root);
  let missing = false;
  for (const part of absolute.slice(root.length).split(path.sep)) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      current = path.dirname(current);
      continue;
    }
    const next = path.join(current, part);
    if (!missing) {
      try {
        current = fs.realpathSync(next);
        continue;
      } catch {
        missing = true;
      }
    }
    current = next;
  }
  return current;
}

/** `child` is `parent` or lies somewhere below it (both resolved). */
export function within(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}

/** Why a root counts for nothing: it is, holds or lies inside the data directory. */
export function rootRefused(root: string, dataDir: string): boolean {
  const r = resolvePath(root), data = resolvePath(dataDir);
  return within(r, data) || within(data, r);
}

/**
 * The resolved path to open when `p` lies inside an allowed root and outside the data directory; undefined when it
 * may not be opened (no access given means no file at all).
 */
export function allowedPath(p: string | undefined, access: FileAccess | undefined): string | undefined {
  if (!p || !access) return undefined;
  const file = resolvePath(p);
  const data = resolvePath(access.dataDir);
  if (within(file, data)) return undefined;
  const roots = access.roots.map(resolvePath).filter((r) => !within(r, data) && !within(data, r));
  return roots.some((r) => within(file, r)) ? file : undefined;
}

/** Shown to callers and in logs: names no path. */
export const notAllowedMessage = 'the file is outside the folders the administrator allows for connectors';
