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

test('hashes made with the earlier parameters (N=2^17, r=8, p=1) still verify and are due for today\'s', async () => {
  const { scryptSync } = await import('node:crypto');
  const salt = Buffer.from('garam-0123456789');
  const key = scryptSync('kata sandi', salt, 32, { N: 2 ** 17, r: 8, p: 1, maxmem: 256 * 1024 * 1024 });
  const earlier = `scrypt$131072$8$1$${salt.toString('base64')}$${key.toString('base64')}`;
  assert.equal(await verifyPassword('kata sandi', earlier), true);
  assert.equal(await verifyPassword('kata sandi lain', earlier), false);
  assert.equal(needsRehash(earlier), true);
  assert.match(await hashPassword('x'), /^scrypt\$32768\$8\$3\$/);
});
