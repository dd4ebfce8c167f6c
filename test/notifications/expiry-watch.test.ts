import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createNotifier } from '../../src/notifications/notifier.ts';
import { type ExpiryWatch, startExpiryWatch } from '../../src/notifications/expiry-watch.ts';
import { Subscription } from '../../src/model/subscription.ts';
import { type Harness, harness, settings } from '../admin-api/support.ts';
import { needSmtpSink, type SmtpSink, startSmtpSink } from '../support/smtp.ts';

const skip = needSmtpSink();
const DAY = 86_400_000;
const at = (ms: number) => new Date(ms).toISOString();

describe('expiry watch: expired subscriptions and the 7-day warning, each mailed once', { skip }, () => {
  let h: Harness;
  let sink: SmtpSink;
  let watch: ExpiryWatch;
  const now = Date.now();
  const sub = (id: string, status: Subscription['status'], expiresAt?: string) => h.store.put('subscription', Subscription.parse({
    id, consumer: 'b/app', agency: 'a', service: 'kependudukan', operation: 'penduduk_by_nik', status, keyHash: id,
    requestedBy: 'citra', expiresAt,
  }), 0);

  before(async () => {
    h = harness();
    sink = await startSmtpSink();
    await settings(h, {
      smtp: { host: '127.0.0.1', port: sink.port, tls: 'none', from: 'mantra@hub.go.id' },
      mailTemplates: { expiring: { en: { subject: 'Ends {expiresAt}: {operation}', text: 'Dear {name}, {consumerName} loses {operation} on {expiresAt}.' } } },
    });
    await h.user('citra', 'requester', { agency: 'b', email: 'citra@b.go.id', fullName: 'Citra', language: 'en' });
    await h.store.put('consumer', { agency: 'b', slug: 'app', name: 'App of B' }, 0);
    await sub('soon', 'approved', at(now + 3 * DAY));
    await sub('later', 'approved', at(now + 10 * DAY));
    await sub('past', 'approved', at(now - 3_600_000));
    await sub('revoked-past', 'revoked', at(now - DAY));
    await sub('forever', 'approved');
    watch = startExpiryWatch({ store: h.store, notifier: createNotifier(h), everyMs: 3_600_000 });
  });
  after(async () => {
    await watch?.stop();
    await sink?.close();
    h?.close();
  });

  test('one pass: the past one expires (history by system), the one within 7 days is warned, in the user\'s language and the edited template', async () => {
    const result = await watch.runOnce(now);
    assert.deepEqual(result, { expired: ['past'], warned: ['soon'] });
    const mails = await sink.waitFor(2);
    const expired = mails.find((m) => m.subject.startsWith('Access expired'))!;
    assert.deepEqual(expired.rcpt, ['citra@b.go.id']);
    assert.equal(expired.subject, 'Access expired: a/kependudukan/penduduk_by_nik');
    assert.match(expired.text, /The access of the application App of B \(b\/app\) to the operation a\/kependudukan\/penduduk_by_nik expired on \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
    const warning = mails.find((m) => m.subject.startsWith('Ends'))!;
    assert.ok(warning, JSON.stringify(mails.map((m) => m.subject)));
    assert.equal(warning.subject, `Ends ${at(now + 3 * DAY).slice(0, 10)} ${at(now + 3 * DAY).slice(11, 16)} UTC: a/kependudukan/penduduk_by_nik`);
    assert.match(warning.text, /^Dear Citra, App of B loses a\/kependudukan\/penduduk_by_nik on /);
    const past = (await h.store.get('subscription', 'past'))!.body;
    assert.equal(past.status, 'expired');
    assert.deepEqual(past.history.map((e) => [e.by, e.action]), [['system', 'expired']]);
    assert.equal((await h.store.get('subscription', 'soon'))!.body.expiryWarned, at(now + 3 * DAY));
  });

  test('the next passes send nothing again; a new expiry date is warned about again', async () => {
    assert.deepEqual(await watch.runOnce(now + 60_000), { expired: [], warned: [] });
    assert.deepEqual(await watch.runOnce(now + 2 * DAY), { expired: [], warned: [] });
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(sink.mails.length, 2);
    const soon = (await h.store.get('subscription', 'soon'))!;
    await h.store.put('subscription', { ...soon.body, expiresAt: at(now + 6 * DAY) }, soon.version);
    assert.deepEqual(await watch.runOnce(now + 60_000), { expired: [], warned: ['soon'] });
    await sink.waitFor(3);
    // Eight days on: the extended one has expired, and the one of ten days is now within its warning.
    assert.deepEqual(await watch.runOnce(now + 8 * DAY), { expired: ['soon'], warned: ['later'] });
    const ends = at(now + 10 * DAY);
    assert.deepEqual((await sink.waitFor(5)).slice(3).map((m) => m.subject).sort(), [
      'Access expired: a/kependudukan/penduduk_by_nik', `Ends ${ends.slice(0, 10)} ${ends.slice(11, 16)} UTC: a/kependudukan/penduduk_by_nik`,
    ]);
    assert.equal((await h.store.get('subscription', 'later'))!.body.status, 'approved');
    assert.equal((await h.store.get('subscription', 'forever'))!.body.status, 'approved');
    assert.equal((await h.store.get('subscription', 'revoked-past'))!.body.status, 'revoked');
  });
});
