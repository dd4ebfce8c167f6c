// Calls to the gateway itself (not the admin API), as a caller would make them: MANTRA's compatible paths or REST v1,
// with the key in the AccessKey header. Used by the test console and the catalogue's snippets.

/** Where the gateway is: the page's origin plus any path prefix a reverse proxy put before /admin/. */
export const gatewayBase = () => location.origin + location.pathname.replace(/\/admin(\/.*)?$/, '');

export const formats = ['json', 'xml', 'php', 'serialize'];

/** The address of an operation on an interface, without parameters. */
export function operationUrl(iface, op, format = 'json', base = gatewayBase()) {
  const addr = `${op.agency}/${op.service}/${op.slug ?? op.operation}`;
  return iface === 'v1' ? `${base}/v1/${addr}` : `${base}/${format}/${addr}`;
}

/** One call; resolves with status, time, headers and the body as text whatever the outcome. */
export async function callGateway({ iface, op, format, params, key }) {
  const started = performance.now();
  const headers = key ? { AccessKey: key } : {};
  let res;
  if (iface === 'v1') {
    const qs = new URLSearchParams({ ...params, format });
    res = await fetch(`${operationUrl('v1', op)}?${qs}`, { headers: { ...headers, accept: 'application/json' } });
  } else {
    res = await fetch(operationUrl('compat', op, format), {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(params),
    });
  }
  const text = await res.text();
  return { status: res.status, ms: Math.round(performance.now() - started), text, contentType: res.headers.get('content-type') ?? '' };
}

/** Rows and the outcome from a JSON answer of either interface. */
export function readJsonAnswer(iface, op, text) {
  let body;
  try { body = JSON.parse(text); } catch { return { ok: false, message: text.slice(0, 300), rows: [] }; }
  if (iface === 'v1') {
    if (Array.isArray(body?.data)) return { ok: true, rows: body.data, meta: body.meta };
    return { ok: false, code: body?.code, message: body?.detail ?? body?.title ?? '', rows: [] };
  }
  const r = body?.response ?? {};
  if (Number(r.status) !== 1) return { ok: false, code: r.code, message: r.message ?? '', rows: [] };
  const data = r.data?.[op.slug] ?? r.data;
  const rows = data && typeof data === 'object' ? Object.values(data) : [];
  return { ok: true, code: r.code, message: r.message, rows: rows.every((x) => x && typeof x === 'object') ? rows : [{ value: data }] };
}
