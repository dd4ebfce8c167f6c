import { z } from '@hono/zod-openapi';

/** Output shaping: select and rename fields, map codes to labels, or a JSONata expression. */
export const Shape = z
  .object({
    /** Keep only these fields, in this order; `as` renames. */
    fields: z.array(z.object({ from: z.string().min(1), as: z.string().min(1).optional() }).strict()).optional(),
    /** Per output field: code → label. */
    labels: z.record(z.string(), z.record(z.string(), z.string())).optional(),
    /** JSONata expression applied to the whole result (not streamed). */
    jsonata: z.string().max(20_000).optional(),
  })
  .strict()
  .openapi('Shape');
export type Shape = z.infer<typeof Shape>;
