/** PHP's urlencode(): bytes of UTF-8, [A-Za-z0-9_.-] kept, space as "+", the rest as %XX (upper case). */
export function phpUrlencode(text: string): string {
  let out = '';
  for (const byte of encoder.encode(text)) {
    if (
      (byte >= 0x30 && byte <= 0x39) ||
      (byte >= 0x41 && byte <= 0x5a) ||
      (byte >= 0x61 && byte <= 0x7a) ||
      byte === 0x2d || byte === 0x2e || byte === 0x5f
    ) out += String.fromCharCode(byte);
    else if (byte === 0x20) out += '+';
    else out += '%' + byte.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

/** PHP's http_build_query() over name/value pairs. */
export function httpBuildQuery(pairs: readonly (readonly [string, string])[]): string {
  return pairs.map(([k, v]) => `${phpUrlencode(k)}=${phpUrlencode(v)}`).join('&');
}

const encoder = new TextEncoder();
