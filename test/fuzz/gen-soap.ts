/**
 * SOAP 1.1 and 1.2 requests to `/soap/{agency}/{service}`: document/literal wrapped calls of the fixture's
 * operations with hostile parameter values, keys in a WS-Security UsernameToken or the AccessKey header, and the
 * ways an envelope goes wrong (version and media type apart, no Body, two operations, foreign namespaces, nested
 * parameters, mustUnderstand headers, DOCTYPE, depth, broken UTF-8); and `GET ?wsdl`.
 */
import type { Rng } from './prng.ts';
import type { FuzzRequest, Generator } from './case.ts';
import { fuzzText, fuzzValue, percent } from './values.ts';

const ENV = { '1.1': 'http://schemas.xmlsoap.org/soap/envelope/', '1.2': 'http://www.w3.org/2003/05/soap-envelope' };
const WSSE = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd';
const TOKEN_PROFILE = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Without what XML 1.0 cannot carry (control characters, lone surrogates): what a client library sends. */
const xmlSafe = (s: string) => Array.from(s).filter((ch) => {
  const c = ch.codePointAt(0)!;
  return c === 0x09 || c === 0x0a || c === 0x0d || (c >= 0x20 && c < 0xd800) || (c > 0xdfff && c !== 0xfffe && c !== 0xffff);
}).join('');

/** A parameter's text as a client may write it: escaped, in CDATA, with character references, or nil. */
function paramText(rng: Rng, v: string): string {
  return rng.weighted<() => string>([
    [8, () => esc(v)],
    [1, () => `<![CDATA[${v.replace(/]]>/g, '')}]]>`],
    [1, () => esc(v).replace(/[a-z]/g, (ch) => `&#${ch.charCodeAt(0)};`)],
    [1, () => rng.pick(['&amp;lt;', '&#0;', '&#xD800;', '&bogus;', '<!-- c -->1', '<?pi x?>2'])],
  ])();
}

function header(rng: Rng, version: '1.1' | '1.2', key: string | undefined): string {
  const blocks: string[] = [];
  if (key !== undefined) {
    const type = rng.weighted([[8, 'PasswordText'], [1, 'PasswordDigest'], [1, '']]);
    blocks.push(`<wsse:Security xmlns:wsse="${WSSE}"><wsse:UsernameToken><wsse:Username>${esc(rng.chance(0.8) ? 'app' : xmlSafe(fuzzText(rng)).slice(0, 20))}</wsse:Username>` +
      `<wsse:Password${type ? ` Type="${TOKEN_PROFILE}#${type}"` : ''}>${esc(key)}</wsse:Password></wsse:UsernameToken></wsse:Security>`);
  }
  if (rng.chance(0.1)) {
    const role = version === '1.1' ? 'actor' : 'role';
    blocks.push(`<h:Trace xmlns:h="urn:x" s:mustUnderstand="${rng.pick(['1', 'true', '0', 'x'])}"${rng.chance(0.3) ? ` s:${role}="urn:elsewhere"` : ''}>1</h:Trace>`);
  }
  return blocks.length || rng.chance(0.1) ? `<s:Header>${blocks.join('')}</s:Header>` : '';
}

export const soapRequest: Generator = (rng, ctx) => {
  const op = rng.pick(ctx.operations);
  const ns = `urn:mantra:${op.agency}:${op.service}`;
  const version = rng.chance(0.6) ? '1.1' : '1.2';
  const agency = rng.chance(0.95) ? op.agency : fuzzText(rng);
  const service = rng.chance(0.95) ? op.service : op.service.toUpperCase();
  let target = `/soap/${percent(agency)}/${percent(service)}`;
  if (rng.chance(0.08)) {
    target += rng.pick(['?wsdl', '?WSDL', '?wsdl=1', '?x=1&wsdl', '?wsd']);
    return { surface: 'soap', request: { method: rng.chance(0.9) ? 'GET' : 'HEAD', target, headers: [] }, operation: op };
  }
  const key = rng.weighted<() => string | undefined>([[8, () => op.key], [1, () => rng.pick(ctx.limitedKeys)], [1, () => 'wrongkey00'], [1, () => undefined], [1, () => fuzzText(rng)]])();
  const name = rng.weighted([[40, op.slug], [1, op.slug.toUpperCase()], [1, 'tidak_ada'], [1, `${op.slug}Response`]]);
  let fields = '';
  for (const p of op.params) {
    if (!rng.chance(0.85)) continue;
    const given = fuzzValue(rng, p.type);
    const v = rng.chance(0.9) ? xmlSafe(given) : given;
    fields += rng.weighted<() => string>([
      [10, () => `<${p.name}>${paramText(rng, v)}</${p.name}>`],
      [1, () => `<m:${p.name}>${esc(v)}</m:${p.name}>`],
      [1, () => `<${p.name} xsi:nil="true" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/>`],
      [1, () => `<${p.name}><x>${esc(v)}</x></${p.name}>`],
      [1, () => `<${p.name}>${esc(v)}</${p.name}><${p.name}>2</${p.name}>`],
      [1, () => `<${p.name} xmlns="urn:other">${esc(v)}</${p.name}>`],
    ])();
  }
  if (rng.chance(0.1)) fields += `<${rng.pick(['x', 'nik', '_1', 'a-b'])}>${esc(fuzzText(rng))}</${rng.pick(['x', 'nik', '_1', 'a-b'])}>`;
  const call = `<m:${name} xmlns:m="${rng.chance(0.92) ? ns : rng.pick(['urn:other', '', `${ns}x`])}">${fields}</m:${name}>`;
  const envNs = rng.chance(0.97) ? ENV[version] : rng.pick([ENV[version === '1.1' ? '1.2' : '1.1'], 'urn:not-soap']);
  const bodyInner = rng.weighted([[40, call], [1, ''], [1, call + call], [1, `text${call}`]]);
  // The key travels in a UsernameToken, the AccessKey header, both, or not at all.
  const place = rng.weighted([[6, 'token'], [3, 'header'], [1, 'both']]);
  let xml = `<?xml version="1.0" encoding="UTF-8"?><s:Envelope xmlns:s="${envNs}">${header(rng, version, place === 'header' ? undefined : key)}` +
    (rng.chance(0.97) ? `<s:Body>${bodyInner}</s:Body>` : '') + '</s:Envelope>';
  xml = rng.weighted<() => string>([
    [50, () => xml],
    [1, () => xml.slice(0, rng.int(0, xml.length))],
    [1, () => `<?xml version="1.0"?><!DOCTYPE s [<!ENTITY x "y">]>${xml.replace(/^<\?xml[^>]*\?>/, '')}`],
    [1, () => xml.replace('<s:Body>', '<s:Body>' + '<a>'.repeat(40)).replace('</s:Body>', '</a>'.repeat(40) + '</s:Body>')],
    [1, () => '\ufeff' + xml],
    [1, () => xml.replace('<?xml version="1.0" encoding="UTF-8"?>', rng.pick(['', '<?xml version="1.1"?>', '<?xml version="1.0" encoding="ISO-8859-1"?>']))],
    [1, () => rng.pick(['', 'not xml', '{"a":1}', '<a/>', '<s:Envelope/>'])],
    [0.2, () => xml.replace('</s:Envelope>', `<!--${'x'.repeat(1024 * 1024 + 10)}--></s:Envelope>`)],
  ])();
  const type = rng.weighted<() => string | undefined>([
    [40, () => (version === '1.1' ? 'text/xml; charset=utf-8' : `application/soap+xml; charset=utf-8${rng.chance(0.3) ? `; action="${ns}#${op.slug}"` : ''}`)],
    [1, () => (version === '1.1' ? 'application/soap+xml; charset=utf-8' : 'text/xml; charset=utf-8')],
    [1, () => rng.pick(['text/xml', 'TEXT/XML; CHARSET="UTF-8"', 'text/xml; charset=iso-8859-1', 'application/xml', 'text/plain', ''])],
    [1, () => undefined],
  ])();
  const headers: [string, string][] = [];
  if (type !== undefined) headers.push(['Content-Type', type]);
  if (version === '1.1' && rng.chance(0.5)) headers.push(['SOAPAction', rng.pick([`"${ns}#${op.slug}"`, '""', fuzzText(rng)])]);
  if (place !== 'token' && key !== undefined) headers.push(['AccessKey', key]);
  const body: string | Uint8Array = rng.chance(0.03)
    ? Uint8Array.from([...new TextEncoder().encode(xml.slice(0, 60)), 0xff, 0xfe, 0xc3, 0x28, ...new TextEncoder().encode(xml.slice(60))])
    : xml;
  const request: FuzzRequest = { method: rng.weighted([[40, 'POST'], [1, 'GET'], [1, 'PUT']]), target, headers, body };
  return { surface: 'soap', request, operation: op };
};
