/**
 * Which entities this importer wrote, and from which MANTRA: a re-run updates only those, and leaves alone any
 * entity of the same name that was made in Mantra by hand (or imported from another MANTRA). Kept as
 * `import-mantra.json` beside the store. Entries are recorded before the writes they announce, so a crash can
 * leave an entry without its entity (harmless), never an imported entity without its entry.
 */
import fs from 'node:fs';
import path from 'node:path';

export interface LedgerEntry {
  source: string;
  /** Connectors: the database as MANTRA named it (before --rewrite-host). */
  origin?: string;
}

export interface Ledger {
  get(key: string): LedgerEntry | undefined;
  set(key: string, entry: LedgerEntry): void;
  delete(key: string): void;
  entries(): [string, LedgerEntry][];
  save(): void;
}

export function openLedger(dir: string | undefined): Ledger {
  const file = dir && path.join(dir, 'import-mantra.json');
  let map = new Map<string, LedgerEntry>();
  if (file && fs.existsSync(file)) {
    try {
      const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
      map = new Map(Object.entries(doc.entries ?? {}) as [string, LedgerEntry][]);
    } catch (err) {
      throw new Error(`${file} is not readable (${(err as Error).message}); move it away to import anew`);
    }
  }
  return {
    get: (key) => map.get(key),
    set: (key, entry) => void map.set(key, entry),
    delete: (key) => void map.delete(key),
    entries: () => [...map.entries()],
    save() {
      if (!file) return;
      const doc = { mantra: 'import-mantra ledger', version: 1, entries: Object.fromEntries([...map.entries()].sort()) };
      const tmp = `${file}.tmp`;
      fs.writeFileSync(tmp, JSON.stringify(doc, null, 1) + '\n', { mode: 0o600 });
      fs.renameSync(tmp, file);
    },
  };
}
