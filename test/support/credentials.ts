/** A requester's consumer with an application key and subscriptions to dukcapil's operations, for key and token tests. */
import type { testApp } from './app.ts';

type App = Awaited<ReturnType<typeof testApp>>;

export const CLIENT = 'bank/mobile';
export const APP_KEY = 'appkey-0123456789abcdefghijklmnopq';
/** The subscription key of the bank's by-NIK subscription (its list subscription has another). */
export const SUB_KEY = 'subkey-bynik-0123456789abcdefghij';
export const LIST_KEY = 'subkey-list-0123456789abcdefghijk';
export const BY_NIK_OP = 'dukcapil/kependudukan/penduduk_by_nik';
export const LIST_OP = 'dukcapil/kependudukan/penduduk_list';

/** Needs setupDukcapil first. */
export async function setupBank(t: App) {
  await t.put('agency', { slug: 'bank', name: 'Bank' });
  await t.put('consumer', { agency: 'bank', slug: 'mobile', name: 'Mobile', keyHash: t.secrets.hashKey(APP_KEY), keyHint: APP_KEY.slice(0, 4) });
  await t.put('subscription', {
    id: 'bank-by-nik', consumer: CLIENT, agency: 'dukcapil', service: 'kependudukan', operation: 'penduduk_by_nik',
    status: 'approved', keyHash: t.secrets.hashKey(SUB_KEY), purpose: 'Verifikasi nasabah', legalBasis: 'POJK 12/2017',
  });
  await t.put('subscription', {
    id: 'bank-list', consumer: CLIENT, agency: 'dukcapil', service: 'kependudukan', operation: 'penduduk_list',
    status: 'approved', keyHash: t.secrets.hashKey(LIST_KEY),
  });
}

/** Changes a stored subscription's fields. */
export async function patchSubscription(t: App, id: string, fields: Record<string, unknown>) {
  const stored = (await t.store.get('subscription', id))!;
  await t.store.put('subscription', { ...stored.body, ...fields } as never, stored.version);
}
