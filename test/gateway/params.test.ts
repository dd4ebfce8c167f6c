import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { compileParams } from '../../src/gateway/params.ts';
import { GatewayError } from '../../src/gateway/errors.ts';
import { Parameter } from '../../src/model/parameter.ts';
import { decodeCursor, encodeCursor } from '../../src/gateway/cursor.ts';
import { ipAllowed, parseIpEntry } from '../../src/security/ip-allowlist.ts';

const validate = compileParams([
  Parameter.parse({ name: 'nik', pattern: '\\d{16}' }),
  Parameter.parse({ name: 'umur', type: 'integer', required: false, min: 0, max: 150 }),
  Parameter.parse({ name: 'aktif', type: 'boolean', default: true }),
  Parameter.parse({ name: 'lahir', type: 'date', required: false }),
]);

const fails = (raw: Record<string, string>, key: string, name: string) =>
  assert.throws(() => validate(raw), (e: GatewayError) => e.key === key && e.vars.name === name && e.code === 10005);

describe('caller parameters', () => {
  test('typed values, defaults and nulls', () => {
    assert.deepEqual(validate({ nik: '3201000000000042', umur: '42' }), { nik: '3201000000000042', umur: 42, aktif: true, lahir: null });
    assert.deepEqual(validate({ nik: '3201000000000042', aktif: '0', lahir: '1954-04-04' }).aktif, false);
  });
  test('missing, unknown and invalid parameters name the parameter', () => {
    fails({}, 'missing_param', 'nik');
    fails({ nik: '3201000000000042', nama: 'x' }, 'unknown_param', 'nama');
    fails({ nik: '123' }, 'bad_param', 'nik');
    fails({ nik: '3201000000000042', umur: '4x' }, 'bad_param', 'umur');
    fails({ nik: '3201000000000042', umur: '151' }, 'bad_param', 'umur');
    fails({ nik: '3201000000000042', lahir: '2024-13-45' }, 'bad_param', 'lahir');
    fails({ nik: '3201000000000042', aktif: 'maybe' }, 'bad_param', 'aktif');
  });
  test('oversize values are refused before any other check', () => {
    const v = compileParams([Parameter.parse({ name: 'q', maxLength: 10 })]);
    assert.throws(() => v({ q: 'x'.repeat(11) }), (e: GatewayError) => e.key === 'bad_param');
  });
  test('a NUL byte is refused in every parameter, whatever its type or connector', () => {
    const v = compileParams([Parameter.parse({ name: 'q' }), Parameter.parse({ name: 'n', type: 'integer', required: false })]);
    for (const raw of [{ q: '\0' }, { q: 'Siti\0' }, { q: 'x', n: '4\0' }] as Record<string, string>[]) {
      assert.throws(() => v(raw), (e: GatewayError) => e.key === 'bad_param' && e.code === 10005 && e.status === 400);
    }
    assert.deepEqual(v({ q: 'Siti\tAyu' }), { q: 'Siti\tAyu', n: null }, 'other control characters are left to the operation');
  });
  test('messages in both languages', () => {
    const err = new GatewayError('missing_param', { name: 'nik' });
    assert.equal(err.text('id'), 'Parameter "nik" wajib diisi');
    assert.equal(err.text('en'), 'Parameter "nik" is required');
  });
});

describe('cursor', () => {
  test('round trip, and garbage is refused', () => {
    assert.equal(decodeCursor(encodeCursor(300)), 300);
    assert.equal(decodeCursor('not-a-cursor'), undefined);
    assert.equal(decodeCursor(btoa('{"o":-1}')), undefined);
    for (const o of [1e20, Number.MAX_SAFE_INTEGER + 2, 1_000_000_000]) assert.equal(decodeCursor(encodeCursor(o)), undefined, String(o));
    assert.equal(decodeCursor(encodeCursor(999_999_999)), 999_999_999);
  });
});

describe('IP allowlist', () => {
  test('addresses and ranges, v4 and v6', () => {
    assert.equal(ipAllowed('10.1.2.3', ['10.0.0.0/8']), true);
    assert.equal(ipAllowed('::ffff:10.1.2.3', ['10.0.0.0/8']), true);
    assert.equal(ipAllowed('11.1.2.3', ['10.0.0.0/8', '127.0.0.1']), false);
    assert.equal(ipAllowed('2001:db8::1', ['2001:db8::/32']), true);
    assert.equal(ipAllowed('', ['10.0.0.0/8']), false);
  });
  test('the entry parser: addresses and CIDR ranges of both families, nothing else', () => {
    assert.deepEqual(parseIpEntry('10.0.0.0/8'), { address: '10.0.0.0', family: 'ipv4', prefix: 8 });
    assert.deepEqual(parseIpEntry('2001:db8::1'), { address: '2001:db8::1', family: 'ipv6' });
    assert.deepEqual(parseIpEntry('::/0'), { address: '::', family: 'ipv6', prefix: 0 });
    for (const bad of ['not-an-ip', '', '10.0.0.0/33', '10.0.0.0/', '10.0.0.0/8/8', '10.0.0.0/x', '2001:db8::/129', '256.1.1.1', 'fe80::1%eth0', ' 10.0.0.1']) {
      assert.equal(parseIpEntry(bad), undefined, bad);
    }
    assert.equal(ipAllowed('10.1.2.3', ['10.0.0.0/40', '10.0.0.0/8']), true, 'an unreadable entry never throws');
  });
});
