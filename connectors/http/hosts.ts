/**
 * The settings' allowlist of backend hosts. Entries: `host`, `host:port`, or `*.domain` (subdomains only);
 * an empty list allows any host.
 */
export function hostAllowed(url: URL, allow: readonly string[]): boolean {
  if (allow.length === 0) return true;
  const host = bare(url.hostname);
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return allow.some((raw) => {
    const entry = raw.trim().toLowerCase();
    if (!entry) return false;
    if (entry.startsWith('*.')) return host.endsWith(entry.slice(1));
    const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(entry);
    if (!m) return bare(entry) === host;
    return bare(m[1]) === host && (m[2] === undefined || m[2] === port);
  });
}

function bare(host: string): string {
  return host.toLowerCase().replace(/^\[|\]$/g, '');
}
