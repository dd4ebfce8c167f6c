/** What the outer middleware puts on every Hono context. */
export type Env = { Variables: { requestId: string; remote: string } };
