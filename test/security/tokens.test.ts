/** The token signing key in the data directory, and AccessTokens: issue, verify, the cache of verified tokens, refusals. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Secrets } from '../../src/security/index.ts';
import { openSigningKey, SIGNING_KEY_FILE } from '../../src/security/signing-key.ts';
import { AccessTokens, keyPrint, looksLikeToken, TokenRefusal } from '../../src/security/tokens.ts';

const secrets = new Secrets(Buffer.alloc(32, 3));
const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'mantra-tokens-'));

const refusal = (reason: string) => (err: unknown) => err instanceof TokenRefusal && err.reason === reason;

describe('token signing key', () => {
  test('made on first open with mode 0600, the private key encrypted; the same key on the next open', () => {
    const dir = tempDir();
    try {
      const first = openSigningKey(dir, secrets);
      const file = path.join(dir, SIGNING_KEY_FILE);
      assert.equal(fs.statSync(file).mode & 0o777, 0o600);
      const text = fs.readFileSync(file, 'utf8');
      assert.ok(!text.includes('PRIVATE KEY'), 'never the key in plain text');
      assert.match(first.pem, /^-----BEGIN PRIVATE KEY-----/);
      assert.equal(openSigningKey(dir, secrets).pem, first.pem);
      assert.throws(() => openSigningKey(dir, new Secrets(Buffer.alloc(32, 4))), /wrong master key/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('AccessTokens', () => {
  const dir = tempDir();
  const signing = openSigningKey(dir, secrets);
  fs.rmSync(dir, { recursive: true, force: true });
  const hash = secrets.hashKey('the-application-key');

  test('issue then verify: the claims come back; a second verify and known() need no cryptography', async () => {
    const tokens = new AccessTokens(signing);
    const { token, expiresIn } = await tokens.issue({ consumer: 'bank/app', via: 'app', keyHash: hash });
    assert.equal(expiresIn, 600);
    assert.equal(tokens.known(token), undefined, 'not verified yet');
    const claims = await tokens.verify(token);
    assert.deepEqual([claims.consumer, claims.via, claims.keyPrint, claims.operations], ['bank/app', 'app', keyPrint(hash), undefined]);
    assert.ok(Math.abs(claims.expiresAt - (Date.now() + 600_000)) < 2000);
    assert.equal(tokens.known(token), claims);
    assert.equal(await tokens.verify(token), claims);
    assert.ok(!token.includes(hash), 'the key hash itself is not in the token');
  });

  test('a scope travels as operation ids', async () => {
    const tokens = new AccessTokens(signing);
    const { token } = await tokens.issue({ consumer: 'bank/app', via: 'subscription', keyHash: hash, operations: ['a/s/o', 'a/s/p'] });
    assert.deepEqual([...(await tokens.verify(token)).operations!], ['a/s/o', 'a/s/p']);
  });

  test('expiry: refused by verify, and by known() once a cached token runs out', async () => {
    let now = Date.now();
    const tokens = new AccessTokens(signing, { ttlSeconds: 60, now: () => now });
    const { token } = await tokens.issue({ consumer: 'bank/app', via: 'app', keyHash: hash });
    await tokens.verify(token);
    now += 61_000;
    assert.throws(() => tokens.known(token), refusal('expired'));
    assert.equal(tokens.known(token), undefined, 'dropped from the cache');
    await assert.rejects(tokens.verify(token), refusal('expired'));
  });

  test('a token of another signing key, or altered, is invalid', async () => {
    const dir2 = tempDir();
    const other = new AccessTokens(openSigningKey(dir2, secrets));
    fs.rmSync(dir2, { recursive: true, force: true });
    const tokens = new AccessTokens(signing);
    const { token } = await other.issue({ consumer: 'bank/app', via: 'app', keyHash: hash });
    await assert.rejects(tokens.verify(token), refusal('invalid'));
    const mine = (await tokens.issue({ consumer: 'bank/app', via: 'app', keyHash: hash })).token;
    await assert.rejects(tokens.verify(mine.slice(0, -2) + (mine.endsWith('AA') ? 'BA' : 'AA')), refusal('invalid'));
    await assert.rejects(tokens.verify('eyJ.eyJ.'), refusal('invalid'));
  });

  test('looksLikeToken: only the compact JWS shape', () => {
    assert.equal(looksLikeToken('eyJhbGciOi.eyJzdWIi.c2ln'), true);
    assert.equal(looksLikeToken('eyJhbGciOi.eyJzdWIi.'), true);
    assert.equal(looksLikeToken('tog89mzxyu'), false);
    assert.equal(looksLikeToken('eyJonly.one'), false);
    assert.equal(looksLikeToken('eyJa.b.c.d'), false);
    assert.equal(looksLikeToken('abc.def.ghi'), false);
  });
});
