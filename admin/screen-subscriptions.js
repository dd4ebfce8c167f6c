// Subscriptions: requesters ask for an operation for one of their applications (the key is shown once); the owning
// agency's providers and publishers approve with terms, reject, revoke, set field rules, or grant directly; keys are
// renewed and shown once. Every step lands in the subscription's history.
import { api, list, path } from './api.js';
import { action, errorBox, fill, h, table, toast } from './dom.js';
import { form, options } from './form.js';
import { t } from './i18n.js';
import { can, user } from './roles.js';
import { dateTime } from './time.js';
import { showSecret } from './screen-consumers.js';

const statuses = ['requested', 'approved', 'rejected', 'revoked', 'expired'];
const termFields = [
  { name: 'rateLimit', label: 'subs.rateLimit', type: 'number', min: 0, hint: 'subs.zeroUnlimited' },
  { name: 'quota', label: 'subs.quota', type: 'number', min: 0, hint: 'subs.zeroUnlimited' },
  { name: 'monthlyQuota', label: 'subs.monthlyQuota', type: 'number', min: 0, hint: 'subs.zeroUnlimited' },
  { name: 'expiresAt', label: 'subs.expiresAt', type: 'datetime', hint: 'subs.expiresHint' },
  { name: 'ipAllowlist', label: 'subs.ipAllowlist', type: 'lines', hint: 'subs.ipHint' },
];
const ruleFields = [
  { name: 'hideFields', label: 'subs.hideFields', type: 'lines', hint: 'subs.hideHint' },
  { name: 'maskFields', label: 'subs.maskFields', type: 'lines', hint: 'subs.maskHint' },
  { name: 'verify', label: 'subs.verify', type: 'checkbox', hint: 'subs.verifyHint' },
];
const opId = (s) => `${s.agency}/${s.service}/${s.operation}`;

export async function renderSubscriptions(main) {
  const [consumers, operations] = await Promise.all([list('/consumers'), list('/operations')]);
  const panel = h('div', { id: 'sub-panel' });
  const listBox = h('div', { id: 'sub-list' });
  const status = h('select', { id: 'sub-status', onchange: () => reload() },
    h('option', { value: '' }, t('subs.allStatuses')), statuses.map((s) => h('option', { value: s }, t(`status.${s}`))));
  const mine = consumers.filter((c) => can.writeConsumers(c.agency));
  const opChoices = operations.map((o) => ({ value: `${o.agency}/${o.service}/${o.slug}`, label: `${o.agency}/${o.service}/${o.slug}` }));

  fill(main, h('h1', {}, t('subs.title')), h('p', { class: 'muted' }, t('subs.intro')),
    h('div', { class: 'row' },
      can.request() ? h('button', { type: 'button', id: 'sub-request', onclick: requestForm }, t('subs.request')) : null,
      can.decide() ? h('button', { type: 'button', class: 'secondary', id: 'sub-grant', onclick: grantForm }, t('subs.grant')) : null),
    panel,
    h('div', { class: 'row' }, h('label', { for: 'sub-status' }, t('subs.filter')), status),
    listBox);

  function card(title, f, submitLabel, submit) {
    const problem = h('div');
    const go = action(t(submitLabel), async () => {
      try {
        await submit(f.read());
      } catch (err) {
        fill(problem, errorBox({ message: err.message, issues: f.showIssues(err.issues) }));
      }
    }, { id: 'sub-submit' });
    const heading = h('h2', { tabindex: '-1' }, title);
    fill(panel, h('form', { class: 'card', onsubmit: (e) => { e.preventDefault(); go.click(); } }, heading, f.el, problem,
      h('div', { class: 'actions' }, go, h('button', { type: 'button', class: 'secondary', onclick: () => fill(panel) }, t('common.cancel')))));
    heading.focus();
  }

  function requestForm() {
    const f = form([
      { name: 'consumer', label: 'subs.consumer', type: 'select', required: true, options: mine.map((c) => ({ value: `${c.agency}/${c.slug}`, label: `${c.agency}/${c.slug}${c.name ? ` — ${c.name}` : ''}` })), hint: mine.length ? undefined : 'subs.noConsumer' },
      { name: 'operation', label: 'subs.operation', type: 'select', required: true, options: opChoices },
      { name: 'purpose', label: 'subs.purpose', type: 'textarea', rows: 2, required: true, hint: 'subs.purposeHint' },
      { name: 'legalBasis', label: 'subs.legalBasis', type: 'textarea', rows: 2, required: true, hint: 'subs.legalBasisHint' },
      { name: 'expiresAt', label: 'subs.expiresAt', type: 'datetime' },
      user()?.role === 'administrator' ? { name: 'requestedBy', label: 'subs.requestedBy', hint: 'subs.requestedByHint' } : null,
    ]);
    card(t('subs.request'), f, 'subs.send', async (v) => {
      const [agency, service, operation] = String(v.operation).split('/');
      const r = await api('/subscription-requests', { method: 'POST', body: { ...v, agency, service, operation } });
      showSecret(panel, t('subs.requestedKey'), r.key);
      await reload();
    });
  }

  function grantForm() {
    const f = form([
      { name: 'consumer', label: 'subs.consumer', type: 'select', required: true, options: consumers.map((c) => ({ value: `${c.agency}/${c.slug}`, label: `${c.agency}/${c.slug}` })) },
      { name: 'operation', label: 'subs.operation', type: 'select', required: true, options: opChoices.filter((o) => can.decide(o.value.split('/')[0])) },
      { name: 'purpose', label: 'subs.purpose', type: 'textarea', rows: 2, keepEmpty: true },
      { name: 'legalBasis', label: 'subs.legalBasis', type: 'textarea', rows: 2, keepEmpty: true },
      ...termFields, ...ruleFields,
    ]);
    card(t('subs.grant'), f, 'subs.grantNow', async (v) => {
      const [agency, service, operation] = String(v.operation).split('/');
      const { operation: _, ...rest } = v;
      const r = await api('/subscriptions', { method: 'POST', body: { ...rest, agency, service, operation, status: 'approved' } });
      showSecret(panel, t('subs.grantedKey'), r.key);
      await reload();
    });
  }

  function decide(s, step) {
    const f = form([
      { name: 'note', label: 'subs.note', type: 'textarea', rows: 2 },
      ...(step === 'approve' ? termFields : []),
    ], s);
    card(`${t(`subs.${step}`)}: ${s.consumer} → ${opId(s)}`, f, `subs.${step}`, async (v) => {
      await api(`${path('subscriptions', s.id)}/${step}`, { method: 'POST', body: v });
      toast(t(`subs.done.${step}`));
      fill(panel);
      await reload();
    });
  }

  function editRules(s) {
    const f = form([...termFields, ...ruleFields], s);
    card(`${t('subs.rules')}: ${s.consumer} → ${opId(s)}`, f, 'common.save', async (v) => {
      const { updatedAt: _, ...stored } = s;
      for (const k of ['expiresAt']) delete stored[k];
      await api(path('subscriptions', s.id), { method: 'PUT', body: { ...stored, ...v } });
      toast(t('common.saved'));
      fill(panel);
      await reload();
    });
  }

  function history(s) {
    fill(panel, h('section', { class: 'card', 'aria-labelledby': 'hist-h' }, h('h2', { id: 'hist-h', tabindex: '-1' }, `${t('subs.history')}: ${s.consumer} → ${opId(s)}`),
      h('p', {}, `${t('subs.purpose')}: ${s.purpose || '—'} · ${t('subs.legalBasis')}: ${s.legalBasis || '—'}`),
      table([
        { label: t('subs.when'), value: (e) => dateTime(e.at) },
        { label: t('subs.by'), value: (e) => e.by },
        { label: t('subs.action'), value: (e) => t(`histaction.${e.action}`) },
        { label: t('subs.note'), value: (e) => e.note ?? '' },
      ], s.history ?? [], { label: t('subs.history') }),
      h('button', { type: 'button', class: 'secondary', onclick: () => fill(panel) }, t('common.close'))));
    panel.querySelector('h2').focus();
  }

  async function reload() {
    try {
      const subs = await list('/subscriptions', { status: status.value || undefined });
      fill(listBox, table([
        { label: t('subs.consumer'), value: (s) => s.consumer },
        { label: t('subs.operation'), value: (s) => opId(s) },
        { label: t('subs.status'), value: (s) => h('span', { class: `badge ${s.status}` }, t(`status.${s.status}`)) },
        { label: t('subs.purpose'), value: (s) => s.purpose },
        { label: t('subs.terms'), value: (s) => terms(s) },
        { label: t('subs.expiresAt'), value: (s) => (s.expiresAt ? dateTime(s.expiresAt) : t('subs.noEnd')) },
        { label: t('subs.key'), value: (s) => (s.keyHint ? `${s.keyHint}…` : '') },
        { label: t('common.actions'), value: (s) => h('div', { class: 'row' }, rowActions(s)) },
      ], subs, { label: t('subs.title'), rowData: (s) => ({ id: s.id, status: s.status, consumer: s.consumer, operation: opId(s) }) }));
    } catch (err) {
      fill(listBox, errorBox(err));
    }
  }

  function rowActions(s) {
    const who = `${s.consumer} → ${opId(s)}`;
    const b = (key, fn, cls = 'small secondary') => h('button', { type: 'button', class: cls, 'aria-label': `${t(key)}: ${who}`, dataset: { act: key }, onclick: fn }, t(key));
    const decider = can.decide(s.agency);
    return [
      decider && s.status === 'requested' ? b('subs.approve', () => decide(s, 'approve'), 'small') : null,
      decider && s.status === 'requested' ? b('subs.reject', () => decide(s, 'reject'), 'small danger') : null,
      decider && s.status === 'approved' ? b('subs.revoke', () => decide(s, 'revoke'), 'small danger') : null,
      decider ? b('subs.rules', () => editRules(s)) : null,
      can.rotateKey(s) && ['requested', 'approved'].includes(s.status) ? action(t('subs.rotate'), async () => {
        if (!confirm(t('subs.confirmRotate'))) return;
        const r = await api(`${path('subscriptions', s.id)}/rotate-key`, { method: 'POST' });
        showSecret(panel, t('subs.rotatedKey'), r.key);
        await reload();
      }, { class: 'small secondary', 'aria-label': `${t('subs.rotate')}: ${who}`, dataset: { act: 'subs.rotate' } }) : null,
      b('subs.history', () => history(s)),
    ];
  }

  await reload();
}

function terms(s) {
  const parts = [];
  if (s.rateLimit) parts.push(t('subs.perMinute', { n: s.rateLimit }));
  if (s.quota) parts.push(t('subs.perDay', { n: s.quota }));
  if (s.monthlyQuota) parts.push(t('subs.perMonth', { n: s.monthlyQuota }));
  if (s.ipAllowlist?.length) parts.push(t('subs.ips', { n: s.ipAllowlist.length }));
  if (s.hideFields?.length || s.maskFields?.length) parts.push(t('subs.fieldRules'));
  if (s.verify) parts.push(t('subs.verifyOnly'));
  return parts.join(' · ') || '—';
}
