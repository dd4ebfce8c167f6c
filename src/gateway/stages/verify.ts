import type { Lang } from '../../i18n/index.ts';
import { GatewayError } from '../errors.ts';
import type { CallContext, InvokeResult, Stage } from '../types.ts';

/** The verdict a person reads, in the caller's language. */
const verdicts: Record<Lang, [string, string]> = { id: ['cocok', 'tidak cocok'], en: ['match', 'no match'] };

/** MANTRA codes that mean "no such record": a data operation's empty result, a SOAP backend's empty answer. */
const noRecord = new Set([10012, 10009]);

const DEPTH = 64;
const empty = (v: unknown) => v === null || v === undefined || v === '' || v === false;

/** Any value in it that is not null, '' or false. */
function holdsValue(v: unknown, depth = 0): boolean {
  if (depth > DEPTH) return true;
  if (Array.isArray(v)) return v.some((x) => holdsValue(x, depth + 1));
  if (typeof v === 'object' && v !== null) return Object.values(v).some((x) => holdsValue(x, depth + 1));
  return !empty(v);
}

/** Lists anywhere in it: whether there are any, and whether one holds a value. */
function lists(v: unknown, depth = 0): { any: boolean; holding: boolean } {
  if (depth > DEPTH || typeof v !== 'object' || v === null) return { any: false, holding: false };
  if (Array.isArray(v)) return { any: true, holding: holdsValue(v, depth) };
  let any = false;
  for (const x of Object.values(v)) {
    const inner = lists(x, depth + 1);
    if (inner.holding) return inner;
    any ||= inner.any;
  }
  return { any, holding: false };
}

/**
 * Whether an answer holds a record. Rows: at least one. A whole value (a proxy's answer, shaped by the
 * operation): a list of records in it that is not empty (`{"penduduk": [], "total": 0}` holds none); a value
 * without lists holds a record when anything in it is not null, '' or false. An operation whose backend says "not
 * found" in other words makes its JSONata expression answer nothing then.
 */
function found(result: InvokeResult): boolean {
  if (result.kind === 'value') {
    if (result.rows) return result.rows.length > 0;
    const inLists = lists(result.data);
    return inLists.any ? inLists.holding : holdsValue(result.data);
  }
  // A stream is made only of rows; what has not been read yet is not needed.
  if (!result.complete) void result.rest.return?.();
  return result.rowCount !== 0;
}

function answer(ctx: CallContext, match: boolean) {
  ctx.rows = match ? 1 : 0;
  ctx.result = { kind: 'value', data: undefined, rows: [{ match, result: verdicts[ctx.req.lang][match ? 0 : 1] }], rowCount: 1 };
}

/**
 * Verification mode, set on the operation or the subscription: the operation runs with the caller's facts as its
 * parameters, for one row, and is shaped as usual (shape, the next stage: its JSONata may tell what "found" means);
 * then the answer becomes one row `{match, result}` ("cocok" / "tidak cocok"; "match" / "no match" in English), in
 * the caller's format and envelope, never the record. Otherwise the invoke stage runs as it is.
 */
export function verifiable(invoke: Stage): Stage {
  return function invokeOrVerify(ctx, next) {
    const { op } = ctx.op!;
    // A subscription cannot turn a write into a question: the model refuses verification on writing operations.
    if (!op.verify && !(ctx.subscription?.verify && !op.data?.write)) return invoke(ctx, next);
    ctx.req.page = { limit: 1 };
    return invoke(ctx, next).then(
      () => answer(ctx, found(ctx.result!)),
      (err) => {
        if (!(err instanceof GatewayError && noRecord.has(err.code))) throw err;
        answer(ctx, false);
      },
    );
  };
}
