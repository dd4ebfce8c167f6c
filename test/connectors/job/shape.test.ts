import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { compileShape, mask } from '../../../connectors/job/shape.ts';

describe('row shape', () => {
  test('nothing to do is no function at all (no per-row cost)', () => {
    assert.equal(compileShape(undefined), undefined);
    assert.equal(compileShape({}), undefined);
    assert.equal(compileShape({ fields: [], hide: [] }), undefined);
  });

  test('select and rename, in the given order; a missing field is null', () => {
    const shape = compileShape({ fields: [{ from: 'nama', as: 'name' }, { from: 'nik' }, { from: 'nope' }] })!;
    assert.deepEqual(shape({ nik: '1', nama: 'A', alamat: 'x' }), { name: 'A', nik: '1', nope: null });
    assert.deepEqual(Object.keys(shape({ nik: '1', nama: 'A' })), ['name', 'nik', 'nope']);
  });

  test('labels map codes of output fields; unknown codes and NULL stay', () => {
    const shape = compileShape({ fields: [{ from: 'jk', as: 'jenis_kelamin' }], labels: { jenis_kelamin: { L: 'Laki-laki', P: 'Perempuan', '1': 'Satu' } } })!;
    assert.deepEqual(shape({ jk: 'L' }), { jenis_kelamin: 'Laki-laki' });
    assert.deepEqual(shape({ jk: 'X' }), { jenis_kelamin: 'X' });
    assert.deepEqual(shape({ jk: null }), { jenis_kelamin: null });
    assert.deepEqual(compileShape({ labels: { k: { '1': 'Satu' } } })!({ k: 1 }), { k: 'Satu' });
  });

  test('hide and mask, with or without a field list', () => {
    const shape = compileShape({ hide: ['alamat'], mask: ['nik', 'telp'] })!;
    assert.deepEqual(shape({ nik: '3201000000000042', nama: 'A', alamat: 'Jl. X', telp: '0812' }), {
      nik: '3201********0042', nama: 'A', telp: '****',
    });
    const listed = compileShape({ fields: [{ from: 'nik', as: 'id' }, { from: 'alamat' }], hide: ['alamat'], mask: ['id'] })!;
    assert.deepEqual(listed({ nik: '3201000000000042', alamat: 'x' }), { id: '3201********0042' });
  });

  test('mask: a quarter at each end, at most 4, nothing under 8 characters; counts characters not bytes', () => {
    assert.equal(mask('1234567'), '*******');
    assert.equal(mask('12345678'), '12****78');
    assert.equal(mask('081234567890'), '081******890');
    assert.equal(mask('Müller Ñoño'), 'Mü*******ño');
    assert.equal(mask(3201000000000042), '3201********0042');
    assert.equal(mask('32010000000000420001'), '3201************0001');
    assert.equal(mask(null), null);
  });

  test('the input row is never changed', () => {
    const row = { a: 'L', b: '12345678' };
    compileShape({ labels: { a: { L: 'x' } }, mask: ['b'] })!(row);
    assert.deepEqual(row, { a: 'L', b: '12345678' });
  });
});
