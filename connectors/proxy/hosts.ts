/**
 * The settings' allowlist of backend hosts. Entries: `host`, `host:port`, or `*.domain` (subdomains only);
 * an empty list allows any host.
 */
export function hostAllowed(url: URL, allow: readonly string[]): boolean {
  return allow.length === 0 || hostListed(url, allow);
}

/** The URL's host matches one of the entries (same syntax as above); an empty list matches nothing. */
export function hostListed(url: URL, entries: readonly string[]): boolean {
  const host = bare(url.hostname);
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return entries.some((raw) => {
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
