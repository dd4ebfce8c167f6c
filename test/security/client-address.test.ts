import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { clientAddress } from '../../src/security/client-address.ts';
import { Settings } from '../../src/model/settings.ts';

const proxies = ['10.0.0.0/8', '2001:db8:ffff::1'];

describe('client address', () => {
  test('X-Forwarded-For is ignored unless the peer is a trusted proxy, and always when none is configured', () => {
    assert.equal(clientAddress('198.51.100.1', '203.0.113.9', proxies), '198.51.100.1');
    assert.equal(clientAddress('10.0.0.1', '203.0.113.9', []), '10.0.0.1');
    assert.equal(clientAddress('10.0.0.1', null, proxies), '10.0.0.1');
  });

  test('behind trusted proxies: the right-most address that is not a trusted proxy', () => {
    assert.equal(clientAddress('10.0.0.1', '203.0.113.9', proxies), '203.0.113.9');
    // The client wrote the left part itself: it is not believed.
    assert.equal(clientAddress('10.0.0.1', '1.2.3.4, 203.0.113.9', proxies), '203.0.113.9');
    assert.equal(clientAddress('10.0.0.1', '1.2.3.4, 203.0.113.9, 10.1.2.3', proxies), '203.0.113.9');
    assert.equal(clientAddress('::ffff:10.0.0.1', '203.0.113.9', proxies), '203.0.113.9', 'an IPv4-mapped peer');
    assert.equal(clientAddress('2001:db8:ffff::1', '2001:db8:1::5', proxies), '2001:db8:1::5');
    assert.equal(clientAddress('10.0.0.1', '203.0.113.9:4711', proxies), '203.0.113.9', 'with a port');
    assert.equal(clientAddress('10.0.0.1', '[2001:db8:1::5]:443', proxies), '2001:db8:1::5');
    assert.equal(clientAddress('10.0.0.1', '10.0.0.2, 10.0.0.3', proxies), '10.0.0.2', 'only proxies: the farthest');
  });

  test('an entry that is not an address ends the walk at the last trusted hop', () => {
    assert.equal(clientAddress('10.0.0.1', 'not-an-ip', proxies), '10.0.0.1');
    assert.equal(clientAddress('10.0.0.1', '203.0.113.9, unknown, 10.0.0.7', proxies), '10.0.0.7');
    assert.equal(clientAddress('10.0.0.1', '', proxies), '10.0.0.1');
  });

  test('the trusted-proxy setting holds addresses and CIDR ranges only, and is empty by default', () => {
    const valid = (trustedProxies: string[]) => Settings.safeParse({ trustedProxies }).success;
    assert.equal(valid(['10.0.0.1', '10.0.0.0/8', '2001:db8::/32', '::1']), true);
    for (const bad of ['not-an-ip', '10.0.0.0/33', '2001:db8::/129', '10.0.0.0/8/1', '10.0.0.0/', 'example.org']) {
      assert.equal(valid([bad]), false, bad);
    }
    assert.deepEqual(Settings.parse({}).trustedProxies, []);
  });
});
