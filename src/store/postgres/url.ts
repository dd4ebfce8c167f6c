/** Whether a --store value names the cluster store (postgres:// or postgresql://). */
export const isPostgresUrl = (text: string) => /^postgres(ql)?:\/\//i.test(text);
