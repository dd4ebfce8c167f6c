/**
 * csv and ndjson carry one table, so they look for it in a tree the same way:
 * 1. {response: X} (MANTRA's envelope) stands for X;
 * 2. an object whose `data` is a list (REST v1) or an object holding exactly one list (MANTRA: {NAME: rows})
 *    stands for that list (meta, status and the like are dropped);
 * 3. a list is the table, one row per item; any other object is a table of one row; a scalar is one cell.
 * So an error envelope (data "") becomes one row: status, code, message, data.
 */
import { isTree, plain } from './tree.ts';

export function tableOf(value: unknown): unknown[] | unknown {
  let v = plain(value);
  if (isTree(v) && 'response' in v && Object.keys(v).length === 1) v = plain(v.response);
  if (isTree(v) && 'data' in v) {
    const data = plain(v.data);
    if (Array.isArray(data)) return data;
    if (isTree(data)) {
      const keys = Object.keys(data);
      if (keys.length === 1 && Array.isArray(data[keys[0]])) return data[keys[0]];
    }
  }
  return isTree(v) ? [v] : v;
}
