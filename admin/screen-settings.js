// Settings: branding (name, logo, time zone), the public address, the mail server with a test mail, mail texts,
// and security. Administrators change them (the whole document, with the version read); supervisors read them.
import { api } from './api.js';
import { action, errorBox, fill, h, toast } from './dom.js';
import { form, options } from './form.js';
import { t } from './i18n.js';
import { can } from './roles.js';
import { loadBranding } from './branding.js';
import { loginFailuresCard } from './login-failures.js';

const zones = ['Asia/Jakarta', 'Asia/Pontianak', 'Asia/Makassar', 'Asia/Jayapura', 'UTC'];
const events = ['requested', 'approved', 'rejected', 'revoked', 'expired', 'expiring'];
const LOGO_MAX = 256 * 1024;

export async function renderSettings(main) {
  const s = await api('/settings');
  const writable = can.writeSettings();
  let logo = s.branding?.logo;

  const brand = form([
    { name: 'branding.name', label: 'settings.brandName', placeholder: 'Mantra' },
    { name: 'branding.timeZone', label: 'settings.timeZone', type: 'select', options: options(zones), default: 'Asia/Jakarta', hint: 'settings.timeZoneHint' },
    { name: 'publicBaseUrl', label: 'settings.publicBaseUrl', type: 'url', hint: 'settings.publicBaseUrlHint', wide: true },
  ], s);
  const logoPreview = h('img', { id: 'logo-preview', alt: t('settings.logoPreview'), hidden: !logo, src: logo, class: 'logo-preview' });
  const logoProblem = h('p', { class: 'field-error', id: 'logo-err' });
  const logoInput = h('input', { id: 'logo-file', type: 'file', class: 'file-input', accept: 'image/png,image/jpeg,image/gif,image/webp,image/svg+xml', 'aria-describedby': 'logo-hint logo-err',
    onchange: () => {
      const file = logoInput.files?.[0];
      logoProblem.textContent = '';
      if (!file) return;
      if (file.size > LOGO_MAX) { logoProblem.textContent = t('settings.logoTooBig', { kb: LOGO_MAX / 1024 }); return; }
      const reader = new FileReader();
      reader.onload = () => { logo = String(reader.result); logoPreview.src = logo; logoPreview.hidden = false; };
      reader.readAsDataURL(file);
    } });
  // The browser's own file button speaks the browser's language: a labelled button of the page's stands in for it.
  const logoBox = h('div', {}, h('p', { class: 'label' }, t('settings.logo')),
    h('label', { for: 'logo-file', class: 'button secondary file-pick' }, t('settings.logoPick'), logoInput),
    h('p', { class: 'hint', id: 'logo-hint' }, t('settings.logoHint')), logoProblem, logoPreview,
    h('button', { type: 'button', class: 'small secondary', onclick: () => { logo = undefined; logoPreview.hidden = true; logoInput.value = ''; } }, t('settings.logoRemove')));

  const smtp = form([
    { name: 'smtp.host', label: 'settings.smtpHost', hint: 'settings.smtpHostHint' },
    { name: 'smtp.port', label: 'settings.smtpPort', type: 'number', min: 1, max: 65535, default: 587 },
    { name: 'smtp.tls', label: 'settings.smtpTls', type: 'select', options: options(['starttls', 'implicit', 'none'], 'smtptls') },
    { name: 'smtp.user', label: 'settings.smtpUser' },
    { name: 'smtp.password', label: 'settings.smtpPassword', type: 'password', autocomplete: 'new-password', hint: s.smtp?.passwordSet ? 'settings.passwordKept' : undefined },
    { name: 'smtp.from', label: 'settings.smtpFrom', type: 'email' },
  ], s);
  const testTo = form([{ name: 'to', label: 'settings.testTo', type: 'email', required: true }], {}, { single: true });
  const testResult = h('div', { 'aria-live': 'polite' });

  const templates = form(events.flatMap((e) => ['id', 'en'].flatMap((l) => [
    { name: `mailTemplates.${e}.${l}.subject`, label: `mail.${e}.${l}.subject`, wide: true },
    { name: `mailTemplates.${e}.${l}.text`, label: `mail.${e}.${l}.text`, type: 'textarea', rows: 3 },
  ])), s);

  const security = form([
    { name: 'totpRequiredForAdmins', label: 'settings.totpRequired', type: 'checkbox', hint: 'settings.totpRequiredHint', wide: true },
    { name: 'strictCompat', label: 'settings.strictCompat', type: 'checkbox', hint: 'settings.strictCompatHint', wide: true },
    { name: 'tracks', label: 'settings.tracks', type: 'checkbox', default: true, hint: 'settings.tracksHint', wide: true },
    { name: 'trustedProxies', label: 'settings.trustedProxies', type: 'lines', hint: 'settings.trustedProxiesHint' },
    { name: 'backendAllowlist', label: 'settings.backendAllowlist', type: 'lines', hint: 'settings.backendAllowlistHint' },
    { name: 'internalBackends', label: 'settings.internalBackends', type: 'lines', hint: 'settings.internalBackendsHint' },
    { name: 'fileRoots', label: 'settings.fileRoots', type: 'lines', hint: 'settings.fileRootsHint' },
    { name: 'writeRoles', label: 'settings.writeRoles', type: 'checks', options: options(['administrator', 'provider', 'publisher'], 'role') },
    { name: 'maxBodyBytes', label: 'settings.maxBodyBytes', type: 'number', min: 1024 },
    { name: 'retention.days', label: 'settings.retentionDays', type: 'number', min: 0, hint: 'settings.zeroNoLimit' },
    { name: 'retention.megabytes', label: 'settings.retentionMb', type: 'number', min: 0, hint: 'settings.zeroNoLimit' },
    { name: 'language', label: 'settings.language', type: 'select', options: [{ value: 'id', label: 'Bahasa Indonesia' }, { value: 'en', label: 'English' }] },
    { name: 'workers', label: 'settings.workers', type: 'number', min: 0, max: 64, hint: 'settings.workersHint' },
  ], s);

  const problem = h('div', { id: 'settings-problem' });
  const save = action(t('common.save'), async () => {
    fill(problem);
    const b = brand.read();
    const mail = smtp.read().smtp ?? {};
    const tpl = templates.read().mailTemplates ?? {};
    const sec = security.read();
    const { updatedAt: _, smtp: __, branding: ___, mailTemplates: ____, publicBaseUrl: _____, ...rest } = s;
    const branding = { ...b.branding, ...(logo ? { logo } : {}) };
    const body = {
      ...rest, ...sec,
      workers: sec.workers ?? null,
      ...(b.publicBaseUrl ? { publicBaseUrl: b.publicBaseUrl } : {}),
      ...(Object.keys(branding).length ? { branding } : {}),
      ...(mail.host ? { smtp: { ...mail, password: mail.password ?? '' } } : {}),
      mailTemplates: tpl,
    };
    try {
      await api('/settings', { method: 'PUT', body });
      toast(t('common.saved'));
      await loadBranding();
      await renderSettings(main);
    } catch (err) {
      let left = brand.showIssues(err.issues);
      left = smtp.showIssues(left);
      left = templates.showIssues(left);
      left = security.showIssues(left);
      fill(problem, errorBox({ message: err.message, issues: left }));
    }
  }, { id: 'settings-save' });

  const section = (id, title, ...content) => h('section', { class: 'card', 'aria-labelledby': id }, h('h2', { id }, t(title)), ...content);
  fill(main, h('h1', {}, t('settings.title')),
    writable ? null : h('p', { class: 'muted' }, t('settings.readOnly')),
    h('form', { id: 'settings-form', onsubmit: (e) => { e.preventDefault(); save.click(); } },
      h('fieldset', { class: 'plain', disabled: !writable }, h('legend', { class: 'sr-only' }, t('settings.title')),
        section('set-brand', 'settings.branding', brand.el, logoBox),
        section('set-smtp', 'settings.smtp', h('p', { class: 'muted' }, t('settings.smtpIntro')), smtp.el),
        section('set-mail', 'settings.templates', h('p', { class: 'muted' }, t('settings.templatesIntro')), h('details', {}, h('summary', {}, t('settings.templatesOpen')), templates.el)),
        section('set-security', 'settings.security', security.el)),
      problem, writable ? h('div', { class: 'actions' }, save) : null),
    writable ? section('set-test', 'settings.testMail', h('p', { class: 'muted' }, t('settings.testIntro')), testTo.el,
      h('div', { class: 'actions' }, action(t('settings.sendTest'), async () => {
        try {
          await api('/settings/smtp-test', { method: 'POST', body: testTo.read() });
          fill(testResult, h('p', { class: 'badge ok' }, t('settings.testSent')));
        } catch (err) {
          fill(testResult, errorBox({ message: err.body?.reason ? `${err.message} (${err.body.reason})` : err.message, issues: testTo.showIssues(err.issues) }));
        }
      }, { id: 'smtp-test' })), testResult) : null,
    await loginFailuresCard());
}
