/**
 * `mantra hub import-node URL --agency SLUG [--key KEY] [--dry-run]`: the admin API's import-node on the data
 * directory, like `config import` and `import-mantra` (the lock refuses it beside a running server; a dry run
 * only reads, so it runs beside one). A running hub takes the same import through POST /admin/api/hub/import-node.
 */
import fs from 'node:fs';
import path from 'node:path';
import { importNode, type ImportReport } from '../hub/import-node.ts';
import { HubError, hubText } from '../hub/messages.ts';
import { Settings } from '../model/settings.ts';
import type { Secrets } from '../security/secrets.ts';
import type { Store } from '../store/types.ts';
import { cliLang, t } from './messages.ts';

/** Exit status when some operation was left alone because a hub operation of its name is not the node's. */
export const CONFLICTS = 2;

export interface HubArgs {
  url: string;
  agency: string;
  key?: string;
  dryRun: boolean;
}

/** The command's arguments, checked before any store is opened. */
export function hubArgs(
  sub: string | undefined,
  given: { dataDir: string; url?: string; agency?: string; key?: string; dryRun?: boolean; store?: string },
): HubArgs {
  if (sub !== 'import-node' || !given.url || !given.agency) throw new Error(t('hub_usage'));
  // The hub's configuration is in the data directory's mantra.db, or in the cluster store (--store).
  if (!given.store && !fs.existsSync(path.join(given.dataDir, 'mantra.db'))) throw new Error(t('no_store', { dir: given.dataDir }));
  return { url: given.url, agency: given.agency, key: given.key || undefined, dryRun: given.dryRun === true };
}

/** The report as lines a person reads, in the CLI's language. */
export function reportLines(report: ImportReport): string[] {
  const lines = report.operations.map((o) =>
    `  ${report.agency}/${o.service}/${o.operation}: ${hubText(cliLang, `hub_status.${o.status}`)}${o.changed?.length ? ` (${o.changed.join(', ')})` : ''}`);
  if (report.servicesCreated.length) lines.push(hubText(cliLang, 'hub_services_created', { services: report.servicesCreated.join(', ') }));
  lines.push(hubText(cliLang, 'hub_report', {
    node: report.node, agency: report.agency, ...report.counts, dry: report.dryRun ? hubText(cliLang, 'hub_dry_run') : '',
  }));
  return lines;
}

/** Runs the import on an open store; the exit status. */
export async function hubImport(store: Store, secrets: Secrets, args: HubArgs): Promise<number> {
  const settings = (await store.get('settings', 'settings'))?.body ?? Settings.parse({});
  try {
    const report = await importNode({ ...args, lang: cliLang }, { store, secrets, settings });
    console.log(reportLines(report).join('\n'));
    return report.counts.conflict > 0 ? CONFLICTS : 0;
  } catch (err) {
    if (!(err instanceof HubError)) throw err;
    const issues = (err.issues ?? []).map((i) => `\n  ${i.path}: ${i.message}`).join('');
    throw new Error(err.text(cliLang) + issues);
  }
}
