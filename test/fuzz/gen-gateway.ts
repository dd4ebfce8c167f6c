/** Requests to the caller interfaces: the compatible URL grammar and REST v1, with their keys, parameters and bodies. */
import type { Rng } from './prng.ts';
import type { FuzzOperation } from './fixture.ts';
import type { FuzzRequest, Generator, GeneratorContext } from './case.ts';
import { encodeForUrl, fuzzText, fuzzValue, percent, randomChars } from './values.ts';
import { fuzzBody } from './gen-body.ts';

/** What btoa() can take: characters up to U+00FF. */
const latin1Only = (s: string) => Array.from(s).filter((ch) => ch.charCodeAt(0) <= 0xff).join('');

const compatPrefixes = ['json', 'xml', 'api', 'csv', 'php', 'serialize'];
const v1Suffixes = ['.json', '.xml', '.csv', '.php', '.serialize', '.ndjson', '.docx', '.', '.JSON', '.json.xml'];
const reserved = ['format', 'limit', 'offset', 'cursor', 'lang'];
const methods: [number, string][] = [[12, 'GET'], [6, 'POST'], [1, 'PUT'], [1, 'DELETE'], [1, 'PATCH'], [1, 'HEAD'], [1, 'OPTIONS']];

/** The operation a case calls: a fixture one, or a name that is close, unknown or malformed. */
function pickTarget(rng: Rng, ctx: GeneratorContext): { op?: FuzzOperation; agency: string; service: string; slug: string } {
  const op = rng.pick(ctx.operations);
  if (rng.chance(0.85)) return { op, agency: op.agency, service: op.service, slug: op.slug };
  const mangle = (s: string) => rng.weighted<() => string>([
    [3, () => s.toUpperCase()], [3, () => s + rng.pick(['x', '_', '-', '.', '..', '%00', '%2F', '%20'])],
    [2, () => fuzzText(rng)], [1, () => 'constructor'], [1, () => '__proto__'], [1, () => s.slice(1)],
  ])();
  const which = rng.int(0, 2);
  return {
    agency: which === 0 ? mangle(op.agency) : op.agency,
    service: which === 1 ? mangle(op.service) : op.service,
    slug: which === 2 ? mangle(op.slug) : op.slug,
  };
}

/** A path segment: as is when it is plain, else encoded (or not) the way a careless client might. */
function segment(rng: Rng, s: string): string {
  if (/^[A-Za-z0-9_.-]+$/.test(s) && !rng.chance(0.05)) return s;
  return rng.chance(0.8) ? percent(s) : encodeForUrl(rng, s);
}

/** Parameter pairs: the operation's own names with fitting or hostile values, plus unknown and reserved names. */
export function fuzzPairs(rng: Rng, op: FuzzOperation | undefined, reservedNames: string[] = []): [string, string][] {
  const pairs: [string, string][] = [];
  for (const p of op?.params ?? []) if (rng.chance(0.85)) pairs.push([p.name, fuzzValue(rng, p.type)]);
  const extra = rng.weighted([[12, 0], [3, 1], [1, rng.int(2, 40)]]);
  for (let i = 0; i < extra; i++) {
    const name = rng.weighted<() => string>([
      [3, () => (op?.params.length ? rng.pick(op.params).name : 'nik')],
      [2, () => (reservedNames.length ? rng.pick(reservedNames) : 'q')],
      [2, () => fuzzText(rng)],
      [1, () => rng.pick(['nik[]', 'nik[a]', 'NIK', 'nik ', ' nik', 'a.b', '__proto__', 'constructor', '', '='])],
    ])();
    pairs.push([name, fuzzText(rng)]);
  }
  return pairs;
}

/** `k=v&k2=v2`, each part encoded its own way; sometimes with stray separators. */
export function pairsText(rng: Rng, pairs: [string, string][]): string {
  const parts = pairs.map(([k, v]) => encodeForUrl(rng, k) + (rng.chance(0.03) ? '' : '=') + encodeForUrl(rng, v));
  if (rng.chance(0.1)) parts.splice(rng.int(0, parts.length), 0, rng.pick(['', '&', '=', '==', '&&', ';']));
  return parts.join('&');
}

/** The access key a caller presents: right, wrong, empty, limited, another operation's, or hostile. */
function fuzzKey(rng: Rng, ctx: GeneratorContext, op: FuzzOperation | undefined): string | undefined {
  return rng.weighted<() => string | undefined>([
    [14, () => op?.key ?? rng.pick(ctx.operations).key],
    [2, () => rng.pick(ctx.operations).key],
    [2, () => rng.pick(ctx.limitedKeys)],
    [2, () => undefined],
    [1, () => ''],
    [1, () => 'wrongkey00'],
    [1, () => ` ${op?.key ?? 'x'} `],
    [1, () => fuzzText(rng)],
    [1, () => 'k'.repeat(rng.pick([129, 8192, 70_000]))],
  ])();
}

function commonHeaders(rng: Rng): [string, string][] {
  const h: [string, string][] = [];
  if (rng.chance(0.3)) h.push(['User-Agent', rng.pick(['MANTRA', 'mantra', 'curl/8', '', fuzzText(rng)])]);
  if (rng.chance(0.1)) h.push(['X-Forwarded-For', rng.pick(['10.9.8.7', '::1', 'a, b, c', fuzzText(rng)])]);
  if (rng.chance(0.1)) h.push(['Accept-Language', rng.pick(['en', 'id', 'en-US,en;q=0.5', '*', fuzzText(rng)])]);
  if (rng.chance(0.05)) h.push(['X-Request-Id', rng.pick(['abc', 'a'.repeat(65), fuzzText(rng)])]);
  if (rng.chance(0.05)) h.push([rng.pick(['X-' + randomChars(rng, 4), 'Cookie', 'Origin', 'Expect']), fuzzText(rng)]);
  return h;
}

/** Adds a body (POST-like methods only: a GET with a body is left to the raw-socket sender). */
function withBody(rng: Rng, req: FuzzRequest, pairs: [string, string][]): void {
  if (req.method === 'GET' || req.method === 'HEAD') return;
  const body = fuzzBody(rng, pairs);
  if (!body) return;
  req.body = body.body;
  if (body.contentType !== undefined) req.headers.push(['Content-Type', body.contentType]);
  if (rng.chance(0.1)) req.headers.push(['Content-Length', rng.pick(['0', '-1', 'abc', '99999999999', '1e3', String(body.length + 1)])]);
}

export const compatRequest: Generator = (rng, ctx) => {
  const t = pickTarget(rng, ctx);
  const prefix = rng.chance(0.93) ? rng.pick(compatPrefixes) : rng.pick(['JSON', 'Json', 'jsonp', 'v2', 'apis', 'xml%20', '']);
  const method = rng.weighted(methods);
  const segs = [prefix, segment(rng, t.agency), segment(rng, t.service), segment(rng, t.slug)];
  const pairs = fuzzPairs(rng, t.op);
  const where = rng.weighted([[6, 'path'], [2, 'query'], [3, 'body'], [1, 'split']]);
  const inPath = where === 'path' ? pairs : where === 'split' ? pairs.slice(0, pairs.length >> 1) : [];
  const rest = where === 'path' ? [] : where === 'split' ? pairs.slice(pairs.length >> 1) : pairs;
  if (inPath.length || rng.chance(0.05)) segs.push(pairsText(rng, inPath));
  if (rng.chance(0.04)) segs.push(rng.pick(['', 'lebih', '..', fuzzText(rng)]));
  let target = '/' + segs.join('/');
  if (rng.chance(0.03)) target = target.replace(/\//g, () => (rng.chance(0.2) ? '//' : '/'));
  if (where === 'query' || (where === 'split' && method === 'GET') || rng.chance(0.05)) {
    target += '?' + pairsText(rng, where === 'body' ? fuzzPairs(rng, t.op) : rest);
  }
  const req: FuzzRequest = { method, target, headers: [...commonHeaders(rng)] };
  const key = fuzzKey(rng, ctx, t.op);
  if (key !== undefined) req.headers.push([rng.weighted([[8, 'AccessKey'], [2, 'accesskey'], [1, 'ACCESSKEY'], [1, 'Access-Key']]), key]);
  if (rng.chance(0.05) && key !== undefined) req.headers.push(['AccessKey', fuzzText(rng)]);
  withBody(rng, req, rest);
  return { surface: 'compat', request: req, operation: t.op };
};

export const v1Request: Generator = (rng, ctx) => {
  const t = pickTarget(rng, ctx);
  const method = rng.weighted(methods);
  let slug = segment(rng, t.slug);
  if (rng.chance(0.3)) slug += rng.pick(v1Suffixes);
  const segs = ['v1', segment(rng, t.agency), segment(rng, t.service), slug];
  if (rng.chance(0.03)) segs.push(rng.pick(['', 'x', fuzzText(rng)]));
  const pairs = fuzzPairs(rng, t.op, reserved);
  if (rng.chance(0.15)) pairs.push([rng.pick(['limit', 'offset']), rng.pick(['0', '1', '10', '999999999', '1000000000', '-1', '1e3', ' 5', fuzzText(rng)])]);
  if (rng.chance(0.1)) pairs.push(['cursor', rng.pick(['zzz', '', 'eyJvIjoxMH0', btoa('{"o":1e300}'), btoa('{"o":-1}'), btoa('{"o":99999999999999999999}'), btoa(latin1Only(fuzzText(rng))), fuzzText(rng)])]);
  if (rng.chance(0.1)) pairs.push(['format', rng.pick(['json', 'xml', 'csv', 'php', 'serialize', 'ndjson', 'docx', '', fuzzText(rng)])]);
  const inBody = method !== 'GET' && method !== 'HEAD' && rng.chance(0.6);
  let target = '/' + segs.join('/');
  const query = inBody ? pairs.filter(([k]) => reserved.includes(k)) : pairs;
  if (query.length || rng.chance(0.05)) target += '?' + pairsText(rng, query);
  const req: FuzzRequest = { method, target, headers: [...commonHeaders(rng)] };
  const key = fuzzKey(rng, ctx, t.op);
  if (key !== undefined) {
    const how = rng.weighted([[4, 'bearer'], [3, 'x-api-key'], [2, 'accesskey'], [1, 'odd']]);
    if (how === 'bearer') req.headers.push(['Authorization', `${rng.pick(['Bearer', 'bearer', 'BEARER'])}${rng.pick([' ', '  ', '\t'])}${key}`]);
    else if (how === 'x-api-key') req.headers.push(['X-API-Key', key]);
    else if (how === 'accesskey') req.headers.push(['AccessKey', key]);
    else req.headers.push(['Authorization', rng.pick(['Bearer', 'Basic ' + btoa('a:b'), 'Bearer ' + fuzzText(rng), `Token ${key}`])]);
  }
  if (rng.chance(0.35)) {
    req.headers.push(['Accept', rng.pick(['application/json', 'application/xml', 'text/xml', 'text/csv', 'application/x-ndjson',
      'application/vnd.php.serialized', 'text/x-php', '*/*', 'text/html', 'application/json;q=0, text/csv', '', fuzzText(rng)])]);
  }
  withBody(rng, req, inBody ? pairs.filter(([k]) => !reserved.includes(k)) : []);
  return { surface: 'v1', request: req, operation: t.op };
};

/** Either interface, aimed at hub's proxy operations (the case's backend reply is set by gen-reply.ts). */
export function proxyTargeted(gen: Generator): Generator {
  return (rng, ctx) => gen(rng, { ...ctx, operations: ctx.operations.filter((o) => o.kind === 'proxy') });
}

