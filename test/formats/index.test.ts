import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formats, getFormat } from '../../src/formats/index.ts';
import { formatNames } from '../../src/formats/types.ts';

test('the registry holds every format under its own name (soap: the content of a SOAP answer, for that interface only)', () => {
  assert.deepEqual(Object.keys(formats).sort(), [...formatNames, 'soap'].sort());
  for (const name of [...formatNames, 'soap'] as const) {
    assert.equal(formats[name].name, name);
    assert.equal(getFormat(name), formats[name]);
    assert.match(formats[name].mediaType, /^[a-z]+\/[a-z0-9.+-]+/);
  }
});

test('getFormat answers undefined for unknown names, inherited ones included', () => {
  for (const name of ['yaml', '', 'JSON', 'constructor', 'toString', '__proto__']) assert.equal(getFormat(name), undefined);
});
