import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { callerOf, FORGET_AFTER_MS, LIMITS, LoginThrottle } from '../../src/admin-api/throttle.ts';
import { ALARM, type AlarmSummary } from '../../src/admin-api/login-alarm.ts';

const T0 = 1_000_000_000_000;

describe('login throttle', () => {
  test('a failing (user, address) pair waits, and each further failure doubles the wait', () => {
    const t = new LoginThrottle(() => {});
    for (let i = 0; i < LIMITS.pair.free - 1; i++) t.fail('admin', '198.51.100.1', T0);
    assert.equal(t.check('admin', '198.51.100.1', T0).retryAfter, 0, 'free failures cost nothing');
    t.fail('admin', '198.51.100.1', T0);
    assert.equal(t.check('admin', '198.51.100.1', T0).retryAfter, 1);
    let now = T0;
    const waits = [];
    for (let i = 0; i < 4; i++) {
      now += 16 * 60_000; // past any wait, not yet forgotten
      t.fail('admin', '198.51.100.1', now);
      waits.push(t.check('admin', '198.51.100.1', now).retryAfter);
    }
    assert.deepEqual(waits, [2, 4, 8, 16]);
  });

  test('another address is not refused because one address failed, and the username is matched without case', () => {
    const t = new LoginThrottle(() => {});
    for (let i = 0; i < 20; i++) t.fail('admin', '198.51.100.1', T0);
    assert.ok(t.check('ADMIN', '198.51.100.1', T0).retryAfter > 0);
    assert.deepEqual(t.check('admin', '203.0.113.5', T0), { retryAfter: 0, delayMs: LIMITS.user.maxMs }, 'slowed, not refused');
    assert.equal(t.check('budi', '198.51.100.1', T0).retryAfter, 0, 'the address keeps room for other accounts');
  });

  test('an account guessed from many addresses is only slowed, up to a small bound, never refused', () => {
    const t = new LoginThrottle(() => {});
    for (let i = 0; i < 200; i++) t.fail('admin', `203.0.113.${i % 250}`, T0);
    const fresh = t.check('admin', '192.0.2.200', T0);
    assert.equal(fresh.retryAfter, 0);
    assert.equal(fresh.delayMs, LIMITS.user.maxMs);
    assert.ok(LIMITS.user.maxMs <= 2_000);
    assert.equal(t.check('budi', '192.0.2.200', T0).delayMs, 0, 'other accounts are not slowed');
  });

  test('one address spraying many accounts is refused after its larger budget', () => {
    const t = new LoginThrottle(() => {});
    for (let i = 0; i < LIMITS.address.free; i++) t.fail(`user${i}`, '198.51.100.7', T0);
    const next = t.check('someone-new', '198.51.100.7', T0);
    assert.ok(next.retryAfter >= 1);
    assert.equal(t.check('someone-new', '198.51.100.8', T0).retryAfter, 0);
  });

  test('a right password clears its pair only; an hour without failures forgets everything', () => {
    const t = new LoginThrottle(() => {});
    for (let i = 0; i < LIMITS.pair.free; i++) t.fail('admin', '198.51.100.1', T0);
    t.succeed('admin', '198.51.100.1');
    assert.equal(t.check('admin', '198.51.100.1', T0).retryAfter, 0);
    for (let i = 0; i < LIMITS.pair.free; i++) t.fail('ani', '198.51.100.2', T0);
    assert.ok(t.check('ani', '198.51.100.2', T0 + 500).retryAfter > 0);
    assert.equal(t.throttled(T0 + FORGET_AFTER_MS + 1).addresses.length, 0);
    assert.deepEqual(t.check('ani', '198.51.100.2', T0 + FORGET_AFTER_MS + 1), { retryAfter: 0, delayMs: 0 });
  });

  test('IPv6 callers count per /64; IPv4-mapped addresses are their IPv4 address', () => {
    assert.equal(callerOf('2001:db8:1:2:aaaa::1'), '2001:db8:1:2::/64');
    assert.equal(callerOf('2001:0db8:0001:0002:ffff:ffff:ffff:ffff'), '2001:db8:1:2::/64');
    assert.equal(callerOf('2001:db8::1'), '2001:db8:0:0::/64');
    assert.equal(callerOf('::1'), '0:0:0:0::/64');
    assert.equal(callerOf('fe80::1%eth0'), 'fe80:0:0:0::/64');
    assert.equal(callerOf('::ffff:192.0.2.1'), '192.0.2.1');
    assert.equal(callerOf('192.0.2.1'), '192.0.2.1');
    const t = new LoginThrottle(() => {});
    for (let i = 0; i < LIMITS.pair.free; i++) t.fail('admin', `2001:db8:1:2::${i + 1}`, T0);
    assert.ok(t.check('admin', '2001:db8:1:2::99', T0).retryAfter > 0, 'rotating within a /64 does not help');
    assert.equal(t.check('admin', '2001:db8:1:3::1', T0).retryAfter, 0);
  });

  test('the listing shows what is held back now, with counts and until when', () => {
    const t = new LoginThrottle(() => {});
    for (let i = 0; i < LIMITS.pair.free; i++) t.fail('admin', '198.51.100.1', T0);
    for (let i = LIMITS.pair.free; i < LIMITS.user.free; i++) t.fail('admin', `203.0.113.${i}`, T0 + 10);
    t.fail('budi', '192.0.2.9', T0);
    const now = t.throttled(T0 + 100);
    assert.deepEqual(now.pairs, [{ username: 'admin', address: '198.51.100.1', failures: 5, lastFailureAt: T0, until: T0 + 1_000 }]);
    assert.deepEqual(now.addresses, [], 'no address passed its budget');
    assert.deepEqual(now.users, [{
      username: 'admin', delayMs: LIMITS.user.baseMs, failures: LIMITS.user.free, lastFailureAt: T0 + 10,
      until: T0 + 10 + FORGET_AFTER_MS,
    }]);
    assert.deepEqual(now.window, { since: T0, attempts: LIMITS.user.free + 1 });
    assert.deepEqual(t.throttled(T0 + 2_000).pairs, [], 'the wait is over');
  });

  test('a sustained attack raises the alarm once per window, naming the busiest addresses and accounts', () => {
    const alarms: AlarmSummary[] = [];
    const t = new LoginThrottle((s) => alarms.push(s));
    for (let i = 0; i < ALARM.attempts * 2; i++) t.fail(`user${i % 3}`, `198.51.100.${i % 2}`, T0 + i);
    assert.equal(alarms.length, 1);
    assert.equal(alarms[0].attempts, ALARM.attempts);
    assert.equal(alarms[0].windowSeconds, ALARM.windowMs / 1000);
    assert.deepEqual(alarms[0].addresses.map((a) => a.address).sort(), ['198.51.100.0', '198.51.100.1']);
    assert.equal(alarms[0].users.length, 3);
    // Refused tries count too; a new window may raise it again.
    const later = T0 + ALARM.windowMs + 1_000;
    for (let i = 0; i < ALARM.attempts; i++) t.check('user0', '198.51.100.0', later);
    assert.equal(alarms.length, 2);
  });
});
