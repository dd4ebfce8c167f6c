import { z } from '@hono/zod-openapi';
import { identifier, scalar, slug } from './slug.ts';

export const conditionOps = ['=', '<>', '<', '<=', '>', '>=', 'LIKE'] as const;

/** One WHERE clause of the table form: compares a column with a caller parameter or a fixed value. */
export const Condition = z
  .object({
    column: identifier,
    op: z.enum(conditionOps).default('='),
    /** Name of the caller parameter bound here (declared in `params`). */
    param: identifier.optional(),
    /** A fixed value, when no caller parameter is used. */
    value: scalar.optional(),
    /** How this clause joins the previous one. */
    join: z.enum(['AND', 'OR']).default('AND'),
  })
  .strict()
  .refine((c) => (c.param === undefined) !== (c.value === undefined), 'give exactly one of param or value');
export type Condition = z.infer<typeof Condition>;

export const actions = ['select', 'insert', 'update', 'delete', 'upsert'] as const;

const common = {
  connector: slug,
  /** Statement timeout. */
  timeoutMs: z.number().int().min(10).max(600_000).default(30_000),
  /** At most this many rows are read; more is an error unless `truncate` is set. */
  rowCap: z.number().int().min(1).max(100_000_000).default(10_000),
  truncate: z.boolean().default(false),
  /** INSERT/UPDATE/DELETE/upsert are refused unless the operation says it writes. */
  write: z.boolean().default(false),
};

/** MANTRA's model: table, columns, conditions, order, limit, offset. */
export const DataTable = z
  .object({
    form: z.literal('table'),
    ...common,
    table: identifier,
    action: z.enum(actions).default('select'),
    /** select: output columns (empty = all); insert/update/upsert: columns set from parameters of the same name. */
    columns: z.array(identifier).default([]),
    conditions: z.array(Condition).default([]),
    order: z.array(z.object({ column: identifier, dir: z.enum(['ASC', 'DESC']).default('ASC') }).strict()).default([]),
    /** upsert: the conflict key columns. */
    keys: z.array(identifier).default([]),
    limit: z.number().int().min(1).optional(),
    offset: z.number().int().min(0).optional(),
  })
  .strict();

/** A parameterized statement with named parameters (`:nik`); caller input is only ever bound. */
export const DataSql = z
  .object({
    form: z.literal('sql'),
    ...common,
    sql: z.string().min(1).max(100_000),
  })
  .strict();

export const DataSpec = z.discriminatedUnion('form', [DataTable, DataSql]).openapi('DataSpec');
export type DataSpec = z.infer<typeof DataSpec>;
export type DataTable = z.infer<typeof DataTable>;
export type DataSql = z.infer<typeof DataSql>;
