// The admin page: login (with a TOTP code when the user has one), first password change, and the configuration lists,
// in Indonesian or English.
const text = {
  id: {
    logout: 'Keluar', 'login.title': 'Masuk ke Mantra', 'login.username': 'Nama pengguna', 'login.password': 'Kata sandi',
    'login.submit': 'Masuk', 'login.code': 'Kode autentikator (6 angka)', 'change.title': 'Ganti kata sandi sekali pakai', 'change.new': 'Kata sandi baru (minimal 12 karakter)',
    'change.submit': 'Simpan', 'nav.agencies': 'Instansi', 'nav.services': 'Layanan', 'nav.operations': 'Operasi',
    'nav.connectors': 'Konektor', empty: 'Belum ada data', failed: 'Gagal', slug: 'Kode', name: 'Nama', agency: 'Instansi',
    service: 'Layanan', kind: 'Jenis', description: 'Keterangan',
  },
  en: {
    logout: 'Log out', 'login.title': 'Sign in to Mantra', 'login.username': 'Username', 'login.password': 'Password',
    'login.submit': 'Sign in', 'login.code': 'Authenticator code (6 digits)', 'change.title': 'Change the one-time password', 'change.new': 'New password (at least 12 characters)',
    'change.submit': 'Save', 'nav.agencies': 'Agencies', 'nav.services': 'Services', 'nav.operations': 'Operations',
    'nav.connectors': 'Connectors', empty: 'Nothing yet', failed: 'Failed', slug: 'Slug', name: 'Name', agency: 'Agency',
    service: 'Service', kind: 'Kind', description: 'Description',
  },
};
const columns = {
  agencies: ['slug', 'name', 'description'],
  services: ['agency', 'slug', 'name'],
  operations: ['agency', 'service', 'slug', 'kind', 'description'],
  connectors: ['agency', 'slug', 'kind', 'description'],
};
let lang = localStorage.getItem('mantra.lang') || (navigator.language.startsWith('en') ? 'en' : 'id');
let csrf = '';
const $ = (id) => document.getElementById(id);
const t = (key) => text[lang][key] ?? key;

function applyLang() {
  document.documentElement.lang = lang;
  $('lang').value = lang;
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
}

async function api(path, options = {}) {
  const res = await fetch(`api${path}`, {
    ...options,
    headers: { 'content-type': 'application/json', 'accept-language': lang, 'x-csrf-token': csrf, ...(options.headers || {}) },
  });
  const body = res.status === 204 ? null : await res.json().catch(() => null);
  if (!res.ok) throw Object.assign(new Error(body?.message || `${t('failed')} (${res.status})`), { key: body?.error });
  return body;
}

function show(id) {
  for (const s of ['login', 'change', 'home']) $(s).classList.toggle('hidden', s !== id);
  $('logout').classList.toggle('hidden', id === 'login');
}

async function list(name) {
  for (const b of document.querySelectorAll('nav button')) b.classList.toggle('active', b.dataset.list === name);
  const rows = await api(`/${name}`);
  const items = Array.isArray(rows) ? rows : rows.items ?? [];
  $('list').querySelector('thead').innerHTML = '<tr>' + columns[name].map((c) => `<th>${t(c)}</th>`).join('') + '</tr>';
  const tbody = $('list').querySelector('tbody');
  tbody.replaceChildren();
  for (const item of items) {
    const tr = document.createElement('tr');
    for (const c of columns[name]) {
      const td = document.createElement('td');
      td.textContent = item[c] ?? '';
      tr.append(td);
    }
    tbody.append(tr);
  }
  if (items.length === 0) tbody.innerHTML = `<tr><td colspan="${columns[name].length}">${t('empty')}</td></tr>`;
}

$('lang').addEventListener('change', (e) => {
  lang = e.target.value;
  localStorage.setItem('mantra.lang', lang);
  applyLang();
});
$('login').addEventListener('submit', async (e) => {
  e.preventDefault();
  $('login-error').textContent = '';
  try {
    const code = $('code-row').classList.contains('hidden') ? undefined : $('code').value;
    const session = await api('/login', { method: 'POST', body: JSON.stringify({ username: $('username').value, password: $('password').value, code }) });
    csrf = session.csrf;
    if (session.user?.mustChangePassword) return show('change');
    show('home');
    await list('agencies');
  } catch (err) {
    $('login-error').textContent = err.message;
    // The password was right and the user has two-step sign-in: ask for the code.
    if (err.key === 'totp_required') {
      $('code-row').classList.remove('hidden');
      $('code').focus();
    }
  }
});
$('change').addEventListener('submit', async (e) => {
  e.preventDefault();
  $('change-error').textContent = '';
  try {
    await api('/password', { method: 'POST', body: JSON.stringify({ current: $('password').value, new: $('new-password').value }) });
    show('home');
    await list('agencies');
  } catch (err) {
    $('change-error').textContent = err.message;
  }
});
$('logout').addEventListener('click', async () => {
  await api('/logout', { method: 'POST' }).catch(() => {});
  csrf = '';
  show('login');
});
for (const b of document.querySelectorAll('nav button')) b.addEventListener('click', () => list(b.dataset.list).catch((err) => alert(err.message)));
applyLang();
