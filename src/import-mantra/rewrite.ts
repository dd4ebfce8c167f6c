/** --rewrite-host OLD=NEW: databases and backends that moved. OLD and NEW are `host` or `host:port`. */
export interface Rewrite {
  apply(host: string, port?: number): { host: string; port?: number };
  /** Rules that matched nothing, to be reported. */
  unused(): string[];
}

interface Rule { text: string; from: string; fromPort?: number; to: string; toPort?: number; used: boolean }

function hostPort(text: string): { host: string; port?: number } | undefined {
  const m = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(text) ?? /^([^:\s/]+)(?::(\d{1,5}))?$/.exec(text);
  if (!m) return undefined;
  return { host: m[1], port: m[2] ? Number(m[2]) : undefined };
}

export function parseRewrites(specs: string[]): Rewrite {
  const rules: Rule[] = specs.map((text) => {
    const [from, to, ...rest] = text.split('=');
    const a = from !== undefined ? hostPort(from.trim()) : undefined;
    const b = to !== undefined ? hostPort(to.trim()) : undefined;
    if (!a || !b || rest.length) throw new Error(`--rewrite-host "${text}": use OLD=NEW, each a host or host:port`);
    return { text, from: a.host.toLowerCase(), fromPort: a.port, to: b.host, toPort: b.port, used: false };
  });
  return {
    apply(host, port) {
      const rule = rules.find((r) => r.from === host.toLowerCase() && (r.fromPort === undefined || r.fromPort === port));
      if (!rule) return { host, port };
      rule.used = true;
      return { host: rule.to, port: rule.toPort ?? port };
    },
    unused: () => rules.filter((r) => !r.used).map((r) => r.text),
  };
}
