import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { type Harness, harness, rawEntities, seed } from './support.ts';
import { needSmtpSink, type SmtpSink, startSmtpSink } from '../support/smtp.ts';

const skip = needSmtpSink();
const inDays = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString();
const ask = {
  consumer: 'b/app', agency: 'a', service: 'kependudukan', operation: 'penduduk_by_nik',
  purpose: 'Verifikasi NIK pemohon izin usaha', legalBasis: 'PP 71/2019 pasal 58',
};
const SMTP_PASSWORD = 'smtp-secret-never-shown';

describe('admin api: the subscription workflow, with mail through a real SMTP server', { skip }, () => {
  let h: Harness;
  let sink: SmtpSink;
  let admin: string, ani: string, putu: string, bayu: string, citra: string;
  before(async () => {
    h = harness();
    sink = await startSmtpSink({ user: 'mantra', password: SMTP_PASSWORD });
    admin = await h.user('root', 'administrator', { email: 'root@hub.go.id' });
    await seed(h, admin);
    await h.call('POST', '/consumers', { token: admin, json: { agency: 'b', slug: 'portal', name: 'Portal B' } });
    ani = await h.user('ani', 'provider', { agency: 'a', email: 'ani@a.go.id', fullName: 'Ani Provider' });
    putu = await h.user('putu', 'publisher', { agency: 'a', email: 'putu@a.go.id', fullName: 'Putu Publisher', language: 'en' });
    bayu = await h.user('bayu', 'provider', { agency: 'b', email: 'bayu@b.go.id' });
    citra = await h.user('citra', 'requester', { agency: 'b', email: 'citra@b.go.id', fullName: 'Citra Requester' });
    await h.user('dodi', 'requester', { agency: 'b', email: 'dodi@b.go.id' });
    const current = (await h.call('GET', '/settings', { token: admin })).body;
    const { version, updatedAt: _, ...fields } = current;
    const put = await h.call('PUT', '/settings', {
      token: admin,
      json: { ...fields, version, smtp: { host: '127.0.0.1', port: sink.port, tls: 'none', user: 'mantra', password: SMTP_PASSWORD, from: 'mantra@hub.go.id' } },
    });
    assert.equal(put.status, 200, put.text);
  });
  after(async () => {
    await sink?.close();
    h?.close();
  });

  const mailsSince = async (seen: number, count: number) => (await sink.waitFor(seen + count)).slice(seen);
  const byRecipient = <M extends { rcpt: string[] }>(mails: M[]) => [...mails].sort((x, y) => x.rcpt[0].localeCompare(y.rcpt[0]));

  test('the SMTP password is sealed at rest and never shown', async () => {
    const read = await h.call('GET', '/settings', { token: admin });
    assert.equal(read.body.smtp.passwordSet, true);
    assert.equal('password' in read.body.smtp, false);
    assert.equal(read.text.includes(SMTP_PASSWORD), false);
    assert.equal(rawEntities(h.dir).includes(SMTP_PASSWORD), false);
  });

  let id = '';
  test('a requester asks: the key is shown once, the history says who and when, the owning agency gets mail in each one\'s language', async () => {
    const seen = sink.mails.length;
    const r = await h.call('POST', '/subscription-requests', { token: citra, json: { ...ask, expiresAt: inDays(30) } });
    assert.equal(r.status, 201, r.text);
    id = r.body.id;
    assert.equal(r.body.status, 'requested');
    assert.equal(r.body.requestedBy, 'citra');
    assert.equal(r.body.legalBasis, ask.legalBasis);
    assert.match(r.body.key, /^[a-z0-9]{32}$/);
    assert.deepEqual(r.body.history.map((e: { by: string; action: string }) => [e.by, e.action]), [['citra', 'requested']]);
    assert.ok(Math.abs(Date.parse(r.body.history[0].at) - Date.now()) < 5000);
    assert.equal((await h.call('GET', `/subscriptions/${id}`, { token: citra })).text.includes(r.body.key), false);

    const [toAni, toPutu] = byRecipient(await mailsSince(seen, 2));
    assert.deepEqual([toAni.rcpt, toPutu.rcpt], [['ani@a.go.id'], ['putu@a.go.id']], 'the providers and publishers of agency a, nobody of b');
    assert.equal(toAni.from, 'mantra@hub.go.id');
    assert.equal(toAni.login, 'mantra', 'signed in to the SMTP server with the decrypted password');
    assert.equal(toAni.subject, 'Permohonan akses baru: a/kependudukan/penduduk_by_nik');
    assert.match(toAni.text, /^Yth\. Ani Provider,/);
    assert.match(toAni.text, /citra memohon akses untuk aplikasi App of B \(b\/app\) ke operasi a\/kependudukan\/penduduk_by_nik/);
    assert.match(toAni.text, /Tujuan: Verifikasi NIK pemohon izin usaha\nDasar hukum: PP 71\/2019 pasal 58/);
    assert.equal(toPutu.subject, 'New access request: a/kependudukan/penduduk_by_nik');
    assert.match(toPutu.text, /^Dear Putu Publisher,/);
    assert.match(toPutu.text, /Purpose: Verifikasi NIK pemohon izin usaha\nLegal basis: PP 71\/2019 pasal 58/);
    assert.equal(toPutu.text.includes(r.body.key), false, 'no key in any mail');
  });

  test('nobody decides but the owning agency: the requester itself, a provider of another agency, a supervisor get 403', async () => {
    const supervisor = await h.user('sri', 'supervisor');
    for (const token of [citra, bayu, supervisor]) {
      for (const step of ['approve', 'reject', 'revoke']) {
        const r = await h.call('POST', `/subscriptions/${id}/${step}`, { token, json: {} });
        assert.equal(r.status, 403, `${step}: ${r.text}`);
      }
    }
    const stored = (await h.store.get('subscription', id))!.body;
    assert.equal(stored.status, 'requested');
    assert.equal(stored.history.length, 1);
    // Nor through the generic routes: requesters read their subscriptions, they do not write them.
    const { updatedAt: _, ...fields } = (await h.call('GET', `/subscriptions/${id}`, { token: citra })).body;
    assert.equal((await h.call('PUT', `/subscriptions/${id}`, { token: citra, json: { ...fields, status: 'approved' } })).status, 403);
    assert.equal((await h.call('PUT', `/subscriptions/${id}`, { token: bayu, json: { ...fields, status: 'approved' } })).status, 403);
  });

  test('the provider approves with terms and a note; the requester hears of it; approving twice is 409', async () => {
    const seen = sink.mails.length;
    const r = await h.call('POST', `/subscriptions/${id}/approve`, { token: ani, json: { note: 'Disetujui untuk 2027', rateLimit: 60, quota: 1000 } });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.status, 'approved');
    assert.equal(r.body.rateLimit, 60);
    assert.equal(r.body.quota, 1000);
    assert.deepEqual(r.body.history.map((e: { by: string; action: string; note?: string }) => [e.by, e.action, e.note ?? null]),
      [['citra', 'requested', null], ['ani', 'approved', 'Disetujui untuk 2027']]);
    const [mail] = await mailsSince(seen, 1);
    assert.deepEqual(mail.rcpt, ['citra@b.go.id']);
    assert.equal(mail.subject, 'Permohonan akses disetujui: a/kependudukan/penduduk_by_nik');
    assert.match(mail.text, /^Yth\. Citra Requester,/);
    assert.match(mail.text, /telah disetujui oleh ani\./);
    assert.match(mail.text, /Catatan: Disetujui untuk 2027/);
    const again = await h.call('POST', `/subscriptions/${id}/approve`, { token: ani, headers: { 'accept-language': 'en' } });
    assert.equal(r.body.ipAllowlist.length, 0);
    assert.equal(again.status, 409);
    assert.equal(again.body.message, 'The subscription is approved; this is only for requested');
  });

  test('the requester renews the key (shown once, the old one no longer matches); a chosen key is for administrators only', async () => {
    const before = (await h.store.get('subscription', id))!.body.keyHash;
    const r = await h.call('POST', `/subscriptions/${id}/rotate-key`, { token: citra });
    assert.equal(r.status, 200, r.text);
    assert.match(r.body.key, /^[a-z0-9]{32}$/);
    const stored = (await h.store.get('subscription', id))!.body;
    assert.notEqual(stored.keyHash, before);
    assert.equal(stored.keyHash, h.secrets.hashKey(r.body.key));
    assert.equal(stored.history.at(-1)!.action, 'key_regenerated');
    assert.equal(stored.history.at(-1)!.by, 'citra');
    assert.equal((await h.call('POST', `/subscriptions/${id}/rotate-key`, { token: citra, json: { key: 'weak' } })).status, 403);
    assert.equal((await h.call('POST', `/subscriptions/${id}/rotate-key`, { token: bayu })).status, 403);
  });

  test('the provider revokes; the requester is told; a request for an operation already held is 409 until then', async () => {
    assert.equal((await h.call('POST', '/subscription-requests', { token: citra, json: ask })).status, 409);
    const seen = sink.mails.length;
    const r = await h.call('POST', `/subscriptions/${id}/revoke`, { token: putu, json: { note: 'Perjanjian berakhir' } });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.status, 'revoked');
    assert.equal(r.body.history.at(-1).by, 'putu');
    const [mail] = await mailsSince(seen, 1);
    assert.deepEqual(mail.rcpt, ['citra@b.go.id']);
    assert.equal(mail.subject, 'Akses dicabut: a/kependudukan/penduduk_by_nik');
    assert.match(mail.text, /telah dicabut oleh putu\.\nCatatan: Perjanjian berakhir/);
    const terms = await h.call('POST', `/subscriptions/${id}/revoke`, { token: putu, json: { rateLimit: 1 } });
    assert.equal(terms.status, 400, 'terms belong to an approval');
  });

  test('approval terms are checked: a bad allowlist entry or a past expiry is 400 and nothing changes', async () => {
    const seen = sink.mails.length;
    const asked = await h.call('POST', '/subscription-requests', { token: admin, json: { ...ask, consumer: 'b/portal', requestedBy: 'citra' } });
    assert.equal(asked.status, 201, asked.text);
    await sink.waitFor(seen + 2);
    const bad = await h.call('POST', `/subscriptions/${asked.body.id}/approve`, { token: ani, json: { ipAllowlist: ['10.0.0.0/8', 'nowhere'] } });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body.issues.map((i: { path: string }) => i.path), ['ipAllowlist.1']);
    const past = await h.call('POST', `/subscriptions/${asked.body.id}/approve`, { token: ani, json: { expiresAt: inDays(-1) } });
    assert.equal(past.status, 400);
    const stored = (await h.store.get('subscription', asked.body.id))!;
    // A request whose expiry passed while it waited cannot be approved as it is.
    await h.store.put('subscription', { ...stored.body, expiresAt: inDays(-1) }, stored.version);
    assert.equal((await h.call('POST', `/subscriptions/${asked.body.id}/approve`, { token: ani })).status, 400);
    const ok = await h.call('POST', `/subscriptions/${asked.body.id}/approve`, { token: ani, json: { expiresAt: inDays(90), monthlyQuota: 5000, ipAllowlist: ['192.0.2.0/24'] } });
    assert.equal(ok.status, 200, ok.text);
    assert.deepEqual([ok.body.monthlyQuota, ok.body.ipAllowlist], [5000, ['192.0.2.0/24']]);
    await sink.waitFor(seen + 3);
    assert.equal((await h.call('POST', `/subscriptions/${asked.body.id}/revoke`, { token: ani })).status, 200);
    await sink.waitFor(seen + 4);
  });

  test('a rejection goes back to the requester with the note', async () => {
    const before = sink.mails.length;
    const asked = await h.call('POST', '/subscription-requests', { token: citra, json: { ...ask, consumer: 'b/portal' } });
    assert.equal(asked.status, 201, asked.text);
    const seen = (await sink.waitFor(before + 2)).length; // to ani and putu
    const r = await h.call('POST', `/subscriptions/${asked.body.id}/reject`, { token: ani, json: { note: 'Dasar hukum tidak sesuai' } });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.status, 'rejected');
    const [mail] = await mailsSince(seen, 1);
    assert.deepEqual(mail.rcpt, ['citra@b.go.id']);
    assert.equal(mail.subject, 'Permohonan akses ditolak: a/kependudukan/penduduk_by_nik');
    assert.match(mail.text, /ditolak oleh ani\.\nCatatan: Dasar hukum tidak sesuai/);
    assert.equal((await h.call('POST', `/subscriptions/${asked.body.id}/approve`, { token: ani })).status, 409, 'rejected stays rejected');
  });

  test('an administrator asks on behalf of a requester of the consumer\'s agency, nobody else', async () => {
    const seen = sink.mails.length;
    const r = await h.call('POST', '/subscription-requests', { token: admin, json: { ...ask, requestedBy: 'dodi' } });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.body.requestedBy, 'dodi');
    assert.deepEqual(r.body.history.map((e: { by: string; note?: string }) => [e.by, e.note]), [['root', 'for dodi']]);
    await mailsSince(seen, 2);
    const approved = await h.call('POST', `/subscriptions/${r.body.id}/approve`, { token: admin });
    assert.equal(approved.status, 200);
    const [mail] = await mailsSince(seen + 2, 1);
    assert.deepEqual(mail.rcpt, ['dodi@b.go.id']);
    for (const requestedBy of ['ani', 'ghost']) {
      const bad = await h.call('POST', '/subscription-requests', { token: admin, json: { ...ask, consumer: 'b/portal', requestedBy } });
      assert.equal(bad.status, 400, requestedBy);
      assert.deepEqual(bad.body.issues.map((i: { path: string }) => i.path), ['requestedBy']);
    }
    assert.equal((await h.call('POST', '/subscription-requests', { token: citra, json: { ...ask, consumer: 'b/portal', requestedBy: 'dodi' } })).status, 403);
  });

  test('requests need a purpose and a legal basis, an own consumer, an existing operation and a future expiry', async () => {
    const cases: [string, Record<string, unknown>, number, string[]][] = [
      [citra, { ...ask, purpose: ' ' }, 400, ['purpose']],
      [citra, { ...ask, legalBasis: undefined }, 400, ['legalBasis']],
      [citra, { ...ask, expiresAt: inDays(-1) }, 400, ['expiresAt']],
      [citra, { ...ask, operation: 'ghost' }, 400, ['operation']],
      [citra, { ...ask, consumer: 'a/whatever' }, 403, []],
      [ani, ask, 403, []],
      [bayu, ask, 403, []],
    ];
    for (const [token, json, status, paths] of cases) {
      const r = await h.call('POST', '/subscription-requests', { token, json });
      assert.equal(r.status, status, `${JSON.stringify(json)}: ${r.text}`);
      if (paths.length) assert.deepEqual(r.body.issues.map((i: { path: string }) => i.path), paths);
    }
  });

  test('a status changed through the generic route is in the history and mailed as well (no requester named: the agency\'s requesters)', async () => {
    const before = sink.mails.length;
    const created = await h.call('POST', '/subscriptions', { token: ani, json: { ...ask, consumer: 'b/portal', status: 'requested' } });
    assert.equal(created.status, 201, created.text);
    const seen = (await sink.waitFor(before + 2)).length;
    const { updatedAt: _, ...fields } = (await h.call('GET', `/subscriptions/${created.body.id}`, { token: ani })).body;
    const r = await h.call('PUT', `/subscriptions/${created.body.id}`, { token: ani, json: { ...fields, status: 'approved', history: [] } });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body.history.map((e: { by: string; action: string }) => [e.by, e.action]), [['ani', 'created'], ['ani', 'approved']]);
    const mails = byRecipient(await mailsSince(seen, 2));
    assert.deepEqual(mails.map((m) => m.rcpt[0]), ['citra@b.go.id', 'dodi@b.go.id']);
    assert.equal(mails[0].subject, 'Permohonan akses disetujui: a/kependudukan/penduduk_by_nik');
  });

  test('every step is in the audit trail with its user, refusals included', async () => {
    await h.tracker.flush();
    const tracks = (await h.store.tracks({ limit: 10_000 })).filter((t) => t.interface === 'admin' && t.operation.startsWith('POST /subscription'));
    const brief = (path: RegExp) => tracks.filter((t) => path.test(t.operation)).map((t) => `${t.consumer} ${t.status}`);
    assert.ok(brief(new RegExp(`^POST /subscriptions/${id}/approve$`)).includes('ani 200'));
    assert.ok(brief(new RegExp(`^POST /subscriptions/${id}/approve$`)).includes('citra 403'));
    assert.ok(brief(new RegExp(`^POST /subscriptions/${id}/approve$`)).includes('bayu 403'));
    assert.ok(brief(/^POST \/subscription-requests$/).includes('citra 201'));
    assert.ok(brief(new RegExp(`^POST /subscriptions/${id}/revoke$`)).includes('putu 200'));
    const all = JSON.stringify(tracks);
    assert.equal(all.includes(SMTP_PASSWORD), false);
  });
});
