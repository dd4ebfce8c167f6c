// The admin page: session, navigation and the screens, one module each. Everything it shows comes from the admin
// API (and, for the public catalogue, the gateway's catalogue); every text from messages.js.
import { api, setCsrf, whenSignedOut } from './api.js';
import { fill, h, toast } from './dom.js';
import { currentLang, onLangChange, setLang, t, translatePage } from './i18n.js';
import { can, setUser, user } from './roles.js';
import { loadBranding } from './branding.js';
import { renderLogin } from './screen-login.js';
import { renderDashboard } from './screen-dashboard.js';
import { renderAgencies } from './screen-agencies.js';
import { renderUsers } from './screen-users.js';
import { renderConnectors } from './screen-connectors.js';
import { renderServices } from './screen-services.js';
import { renderOperation } from './screen-operation.js';
import { renderConsole } from './screen-console.js';
import { renderCatalogue } from './screen-catalogue.js';
import { renderConsumers } from './screen-consumers.js';
import { renderSubscriptions } from './screen-subscriptions.js';
import { renderTracks } from './screen-tracks.js';
import { renderSettings } from './screen-settings.js';
import { renderProfile } from './screen-profile.js';

/** Screens in navigation order: hash, message key, renderer; `public` ones need no sign-in. */
const screens = [
  { id: 'dashboard', render: renderDashboard },
  { id: 'agencies', render: renderAgencies },
  { id: 'users', render: renderUsers },
  { id: 'connectors', render: renderConnectors },
  { id: 'services', render: renderServices },
  { id: 'console', render: renderConsole },
  { id: 'catalogue', render: renderCatalogue, public: true },
  { id: 'consumers', render: renderConsumers },
  { id: 'subscriptions', render: renderSubscriptions },
  { id: 'tracks', render: renderTracks },
  { id: 'settings', render: renderSettings },
  { id: 'profile', render: renderProfile },
];
const hidden = [{ id: 'operation', render: renderOperation, nav: 'services' }];

const main = document.getElementById('main');
const nav = document.getElementById('nav');
let session = null;
let moved = false;

function route() {
  const [id = '', ...rest] = location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  return { id, rest };
}

function renderNav(active) {
  nav.hidden = !session;
  if (!session) return;
  fill(nav, screens.filter((s) => s.public || can.see[s.id]?.()).map((s) =>
    h('a', { href: `#/${s.id}`, 'aria-current': s.id === active ? 'page' : undefined }, t(`nav.${s.id}`))));
}

async function show() {
  const { id, rest } = route();
  const screen = [...screens, ...hidden].find((s) => s.id === id);
  if (screen?.public && !session) {
    renderNav(id);
    return run(screen, rest);
  }
  if (!session) {
    renderNav('');
    return renderLogin(main, signedIn);
  }
  if (session.mustChangePassword || session.totpEnrolmentRequired) {
    // Nothing else works until then (the API refuses it): no menu.
    nav.hidden = true;
    return renderProfile(main, [], { forced: true, session, done: refreshSession });
  }
  const allowed = screen && (screen.public || can.see[screen.nav ?? screen.id]?.());
  if (!allowed) {
    location.replace('#/dashboard');
    return;
  }
  renderNav(screen.nav ?? screen.id);
  return run(screen, rest);
}

async function run(screen, rest) {
  // Each visit renders into a box of its own: a screen still loading when the person moved on writes into a box
  // that is no longer in the page, never over the next screen.
  const view = h('div', {}, h('p', { class: 'muted' }, t('common.loading')));
  fill(main, view);
  try {
    await screen.render(view, rest, { session });
  } catch (err) {
    fill(view, h('div', { class: 'error-box', role: 'alert' }, err.message));
  }
  document.title = `${t(`nav.${screen.nav ?? screen.id}`)} — ${document.getElementById('brand-name').textContent}`;
  // After a move (a link, signing in) the new screen takes the focus; on a fresh load the skip link stays first.
  if (moved) main.focus({ preventScroll: true });
  moved = true;
}

function showWho() {
  const u = user();
  document.getElementById('who').textContent = u ? `${u.fullName ? `${u.fullName} (${u.username})` : u.username} · ${t(`role.${u.role}`)}${u.agency ? ` · ${u.agency}` : ''}` : '';
  document.getElementById('logout').hidden = !u;
}

function signedIn(info) {
  session = info;
  moved = true;
  setCsrf(info.csrf);
  setUser(info.user);
  showWho();
  if (!route().id || route().id === 'login') location.hash = '#/dashboard';
  else show();
}

async function refreshSession() {
  try {
    signedIn(await api('/session'));
    show();
  } catch {
    session = null;
    show();
  }
}

whenSignedOut(() => {
  if (!session) return;
  session = null;
  setUser(null);
  showWho();
  toast(t('app.sessionEnded'), 'bad');
  show();
});

document.getElementById('lang').addEventListener('change', (e) => setLang(e.target.value));
onLangChange(() => {
  translatePage();
  showWho();
  show();
});
document.getElementById('logout').addEventListener('click', async () => {
  await api('/logout', { method: 'POST' }).catch(() => {});
  session = null;
  setUser(null);
  setCsrf('');
  showWho();
  location.hash = '#/';
  show();
});
window.addEventListener('hashchange', show);
// The skip link moves the focus only: the hash belongs to the screens.
document.querySelector('.skip').addEventListener('click', (e) => {
  e.preventDefault();
  main.focus();
});

document.documentElement.lang = currentLang();
document.getElementById('lang').value = currentLang();
translatePage();
await loadBranding();
try {
  const info = await api('/session');
  session = info;
  setCsrf(info.csrf);
  setUser(info.user);
} catch {
  session = null;
}
showWho();
show();
