import { checkComposite } from '../compose/check.ts';
import { compositeMessages } from '../compose/messages.ts';
import { translate } from '../i18n/index.ts';
import type { Operation } from '../model/operation.ts';
import type { Store } from '../store/types.ts';
import { invalid } from './errors.ts';

/** Refuses (400) a composite with any problem checkComposite finds, every one named with its path and step. */
export async function assertComposite(op: Operation, store: Store) {
  const issues = await checkComposite(op, async (id) => (await store.get('operation', id))?.body);
  if (issues.length) throw invalid(issues);
}

/**
 * The same checks for the composites of a configuration document, over the operations as the import would leave
 * them (`lookup`), in English as the import's other issues.
 */
export async function compositeImportIssues(ops: Operation[], lookup: (id: string) => Operation | undefined) {
  const issues: { path: string; message: string }[] = [];
  for (const [i, op] of ops.entries()) {
    if (!op.composite) continue;
    for (const issue of await checkComposite(op, async (id) => lookup(id))) {
      issues.push({ path: `entities.operation.${i}.${issue.path}`, message: translate(compositeMessages, issue.key, 'en', issue.vars) });
    }
  }
  return issues;
}
