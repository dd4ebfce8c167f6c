/** Values that stress the encoders; all of them survive JSON, so PHP can receive them through json_decode. */

/** Deterministic random doubles from random bit patterns (all magnitudes, subnormals included). */
function randomDoubles(count: number): number[] {
  let seed = 0x2545f4914f6cdd1dn;
  const view = new DataView(new ArrayBuffer(8));
  const out: number[] = [];
  while (out.length < count) {
    seed ^= seed << 13n; seed &= 0xffffffffffffffffn;
    seed ^= seed >> 7n;
    seed ^= seed << 17n; seed &= 0xffffffffffffffffn;
    view.setBigUint64(0, seed);
    const d = view.getFloat64(0);
    if (Number.isFinite(d)) out.push(d);
  }
  return out;
}

export const trickyValues: Record<string, unknown> = {
  penduduk: { nik: '3201000000000042', nama: 'Penduduk 42', alamat: 'Jl. Merdeka No. 43, RT 13/RW 07', kode_wilayah: 3201042 },
  nested: { list: [1, [2, [3, []]], { deep: { deeper: ['x', null] } }], emptyList: [], emptyObject: {} },
  emptyList: [],
  emptyObject: {},
  indonesian: 'Désa Ngadirejo, Kabupatèn Malang — “kutipan” ‘tunggal’ · Rp 1.500.000,00',
  unicode: 'emoji 😀🇮🇩👨‍👩‍👧 中文 العربية ẞ ﻿BOM \u2028\u2029 \u00a0nbsp \uffff',
  quotes: `double " single ' both "'" backtick \` and </tag> & <![CDATA[x]]>`,
  backslashes: 'C:\\Windows\\System32 \\\\server\\share \\n not a newline \\u0041 \\" \\\'',
  newlines: 'line1\nline2\r\nline3\rline4\ttab',
  controls: 'nul\u0000 soh\u0001 bs\u0008 vt\u000b ff\u000c esc\u001b us\u001f del\u007f c1\u0085',
  slashes: 'http://example.go.id/a/b?c=d&e=f',
  empty: '',
  space: ' ',
  ints: [0, 1, -1, 42, -42, 2147483647, -2147483648, 9007199254740991, -9007199254740991, 2 ** 62, 1e17, -(2 ** 63)],
  floats: [0.1, -0.5, 1.5, 0.30000000000000004, 1e20, -1e20, 1e21, 1e-7, 1e-5, 1e-4, 0.00012, 123456.789,
    2 ** 63, 1.7976931348623157e308, 5e-324, 2.2250738585072014e-308, -1.5e-300, 1 / 3, Math.PI, 99999999999999.99],
  randomDoubles: randomDoubles(300),
  bigIntsAsStrings: ['12345678901234567890', '3201000000000042', '-9223372036854775809', '007', '-0', '1e3', '0x1F'],
  booleans: [true, false],
  nulls: [null, { a: null }],
  intLikeKeys: { '5': 'five', '-3': 'minus three', '007': 'zero padded', '-0': 'minus zero',
    '9223372036854775807': 'max', '-9223372036854775808': 'min', '9223372036854775808': 'beyond', '1.5': 'float' },
  oddKeys: { 'key with space': 1, 'ключ': 2, '': 3, 'a/b': 4, "it's": 5, 'back\\slash': 6, 'line\nbreak': 7, '😀': 8 },
  topString: 'just a string',
  topInt: 7,
  topFloat: 2.5,
  topTrue: true,
  topNull: null,
};
