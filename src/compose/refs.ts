import type jsonata from 'jsonata';

/** What an expression reads of its input `{params, steps}`: caller parameters, and steps with the fields read of them. */
export interface ExpressionRefs {
  params: Set<string>;
  /** Step name → the fields read right under it (`steps.a.nik` → a: {nik}); empty when it is read some other way. */
  steps: Map<string, Set<string>>;
}

type Node = { type?: string; value?: unknown; steps?: Node[]; [k: string]: unknown };

const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);
const nameOf = (n: Node | undefined) => (n?.type === 'name' && typeof n.value === 'string' ? n.value : undefined);

/**
 * Reads the expression's syntax tree for paths that start at its input (`params.x`, `steps.a.f`, `$.steps.a`,
 * `$$.params.x` anywhere). Best effort, for save-time messages only: inside a filter or a group a name is relative
 * to the items there, so only `$$` paths count in them; what it cannot tell it leaves alone.
 */
export function refsOf(expression: jsonata.Expression): ExpressionRefs {
  const refs: ExpressionRefs = { params: new Set(), steps: new Map() };

  function fromPath(path: Node[], rooted: boolean) {
    let at = 0;
    const head = path[0];
    if (head?.type === 'variable' && head.value === '$') at = 1; // $$: the input, wherever it stands
    else if (!rooted) return;
    else if (head?.type === 'variable' && head.value === '') at = 1; // $: the input at the top level
    const root = nameOf(path[at]);
    const next = nameOf(path[at + 1]);
    if (root === 'params' && next !== undefined) refs.params.add(next);
    if (root === 'steps' && next !== undefined) {
      const fields = refs.steps.get(next) ?? new Set<string>();
      const field = nameOf(path[at + 2]);
      if (field !== undefined) fields.add(field);
      refs.steps.set(next, fields);
    }
  }

  function walk(v: unknown, rooted: boolean) {
    if (Array.isArray(v)) return v.forEach((x) => walk(x, rooted));
    if (!isNode(v)) return;
    if (v.type === 'path' && Array.isArray(v.steps)) {
      fromPath(v.steps, rooted);
      v.steps.forEach((step, i) => {
        for (const [k, child] of Object.entries(step)) {
          // A path's first step, when it is an expression of its own, sees the same input as the path.
          if (k !== 'value' && k !== 'type' && k !== 'position') walk(child, rooted && i === 0 && nameOf(step) === undefined && k !== 'stages');
        }
      });
      if (v.group) walk(v.group, false);
      return;
    }
    for (const [k, child] of Object.entries(v)) if (k !== 'value' || typeof child === 'object') walk(child, rooted && k !== 'stages' && k !== 'group');
  }

  walk(expression.ast(), true);
  return refs;
}
