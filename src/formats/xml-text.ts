/** Text and element names for XML 1.0. */

// deno-lint-ignore no-control-regex -- control characters are what these patterns look for
const NEEDS_ESCAPE = /[&<>\r\u0000-\u0008\u000b\u000c\u000e-\u001f\ud800-\udfff\ufffe\uffff]/;

/**
 * Element text: escapes &, <, > and CR (as `&#13;`, which parsers keep, unlike a raw CR); characters XML 1.0
 * cannot carry at all (most control characters, lone surrogates, U+FFFE/U+FFFF) become U+FFFD.
 */
export function xmlText(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return s;
  let out = '';
  let last = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let escaped: string;
    if (c === 0x26) escaped = '&amp;';
    else if (c === 0x3c) escaped = '&lt;';
    else if (c === 0x3e) escaped = '&gt;';
    else if (c === 0x0d) escaped = '&#13;';
    else if (c < 0x20) {
      if (c === 0x09 || c === 0x0a) continue;
      escaped = '\ufffd';
    } else if (c >= 0xd800 && c <= 0xdbff && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      i++; // a valid surrogate pair stays as it is
      continue;
    } else if ((c >= 0xd800 && c <= 0xdfff) || c >= 0xfffe) escaped = '\ufffd';
    else continue;
    out += s.slice(last, i) + escaped;
    last = i + 1;
  }
  return out + s.slice(last);
}

// XML 1.0 NameStartChar / NameChar within the BMP, without ':' (it would declare a namespace prefix), and without
// U+1680 and U+FEFF: valid in names, but parsers that take them for white space (fast-xml-parser, so a Mantra
// reading another's reply) refuse the document.
const START = 'A-Z_a-z\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u02FF\\u0370-\\u037D\\u037F-\\u167F\\u1681-\\u1FFF\\u200C\\u200D' +
  '\\u2070-\\u218F\\u2C00-\\u2FEF\\u3001-\\uD7FF\\uF900-\\uFDCF\\uFDF0-\\uFEFE\\uFF00-\\uFFFD';
const REST = START + '\\-.0-9\\u00B7\\u0300-\\u036F\\u203F\\u2040';
const NAME = new RegExp(`^[${START}][${REST}]*$`);
const NOT_NAME_CHAR = new RegExp(`[^${REST}]`, 'g');
const NAME_START = new RegExp(`^[${START}]`);

/** An element name for a key: the key itself when it is a valid name, else `_` for each bad character, `_` in front of a leading digit. */
export function xmlName(key: string): string {
  if (NAME.test(key)) return key;
  const name = key.replace(NOT_NAME_CHAR, '_');
  return NAME_START.test(name) ? name : '_' + name;
}
