/** Imported MANTRA users log in with their bcrypt hashes; the hash is then due for Mantra's own. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import bcrypt from 'bcryptjs';
import { isBcryptHash, verifyBcrypt } from '../../src/security/bcrypt.ts';
import { hashPassword, needsRehash, verifyPassword } from '../../src/security/password.ts';

test('bcrypt hashes of PHP ($2y$) and other libraries ($2a$, $2b$) verify', async () => {
  const b = bcrypt.hashSync('kata sandi lama', 4);
  for (const prefix of ['$2y$', '$2a$', '$2b$']) {
    const h = prefix + b.slice(4);
    assert.ok(isBcryptHash(h));
    assert.equal(await verifyBcrypt('kata sandi lama', h), true, prefix);
    assert.equal(await verifyPassword('kata sandi lama', h), true, prefix);
    assert.equal(await verifyPassword('kata sandi baru', h), false, prefix);
  }
  assert.equal(await verifyBcrypt('x', '$1$md5$hash'), false);
  assert.equal(await verifyPassword('x', '!imported-without-usable-hash'), false);
});

test('needsRehash: bcrypt and old scrypt parameters yes, today\'s scrypt no', async () => {
  assert.equal(needsRehash(bcrypt.hashSync('x', 4).replace(/^\$2b\$/, '$2y$')), true);
  assert.equal(needsRehash(await hashPassword('x')), false);
  assert.equal(needsRehash('scrypt$16384$8$1$c2FsdA==$a2V5'), true);
  assert.equal(needsRehash('!imported-without-usable-hash'), true);
});
