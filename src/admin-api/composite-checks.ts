import { checkComposite } from '../compose/check.ts';
import type { Operation } from '../model/operation.ts';
import type { Store } from '../store/types.ts';
import { invalid } from './errors.ts';

/** Refuses (400) a composite with any problem checkComposite finds, every one named with its path and step. */
export async function assertComposite(op: Operation, store: Store) {
  const issues = await checkComposite(op, async (id) => (await store.get('operation', id))?.body);
  if (issues.length) throw invalid(issues);
}
