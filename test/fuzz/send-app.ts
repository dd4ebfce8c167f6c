/**
 * Sends a case to an app in-process (mantra.fetch, what the server runs). A header value the Fetch API cannot
 * carry (NUL, CR, LF, above U+00FF) is dropped of those characters here; the raw-socket sender sends them as they are.
 */
import type { FuzzCase } from './case.ts';
import type { Answer } from './oracle.ts';

export type AppFetch = (req: Request, env: { remoteAddress: string; requestId: string }) => Response | Promise<Response>;

/** Longest a case may take before it counts as hung (the slowest legitimate one is a 400 ms backend timeout). */
export const CASE_TIMEOUT_MS = 10_000;

function headersOf(pairs: [string, string][]): Headers {
  const h = new Headers();
  for (const [k, v] of pairs) {
    try {
      h.append(k, v);
    } catch {
      // deno-lint-ignore no-control-regex -- what the Fetch API refuses in a header value
      const value = v.replace(/[\0\r\n]|[^\x00-\xff]/g, '');
      try {
        h.append(k, value);
      } catch {
        // a name the Fetch API refuses: the raw-socket sender covers it
      }
    }
  }
  return h;
}

export function toRequest(c: FuzzCase, origin = 'http://mantra.test'): Request {
  const { method, target, body } = c.request;
  const init: RequestInit = { method, headers: headersOf(c.request.headers) };
  if (body !== undefined && method !== 'GET' && method !== 'HEAD') init.body = body as BodyInit;
  return new Request(origin + target, init);
}

/** The answer, or undefined when the Fetch API itself refuses to build the request. */
export async function sendToApp(fetch: AppFetch, c: FuzzCase, remoteAddress = '192.0.2.10'): Promise<Answer | undefined> {
  let req: Request;
  try {
    req = toRequest(c);
  } catch {
    return undefined;
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hung = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${CASE_TIMEOUT_MS} ms`)), CASE_TIMEOUT_MS);
  });
  try {
    const res = await Promise.race([fetch(req, { remoteAddress, requestId: `fuzz-${c.seed}-${c.index}` }), hung]);
    const body = new Uint8Array(await Promise.race([res.arrayBuffer(), hung]));
    return { status: res.status, headers: res.headers, body };
  } finally {
    clearTimeout(timer);
  }
}
