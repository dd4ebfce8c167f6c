import { Hono } from 'hono';
import html from '../admin/index.html' with { type: 'text' };
import style from '../admin/style.css' with { type: 'text' };
import app from '../admin/app.js' with { type: 'text' };
import api from '../admin/api.js' with { type: 'text' };
import dom from '../admin/dom.js' with { type: 'text' };
import form from '../admin/form.js' with { type: 'text' };
import i18n from '../admin/i18n.js' with { type: 'text' };
import messages from '../admin/messages.js' with { type: 'text' };
import roles from '../admin/roles.js' with { type: 'text' };
import time from '../admin/time.js' with { type: 'text' };
import branding from '../admin/branding.js' with { type: 'text' };
import loginFailures from '../admin/login-failures.js' with { type: 'text' };
import crud from '../admin/crud.js' with { type: 'text' };
import listEditor from '../admin/list-editor.js' with { type: 'text' };
import gateway from '../admin/gateway.js' with { type: 'text' };
import charts from '../admin/charts.js' with { type: 'text' };
import snippets from '../admin/snippets.js' with { type: 'text' };
import editorParams from '../admin/editor-params.js' with { type: 'text' };
import editorData from '../admin/editor-data.js' with { type: 'text' };
import editorProxy from '../admin/editor-proxy.js' with { type: 'text' };
import editorComposite from '../admin/editor-composite.js' with { type: 'text' };
import editorShape from '../admin/editor-shape.js' with { type: 'text' };
import compositeDryRun from '../admin/composite-dry-run.js' with { type: 'text' };
import screenLogin from '../admin/screen-login.js' with { type: 'text' };
import screenProfile from '../admin/screen-profile.js' with { type: 'text' };
import screenDashboard from '../admin/screen-dashboard.js' with { type: 'text' };
import screenAgencies from '../admin/screen-agencies.js' with { type: 'text' };
import screenUsers from '../admin/screen-users.js' with { type: 'text' };
import screenConnectors from '../admin/screen-connectors.js' with { type: 'text' };
import screenServices from '../admin/screen-services.js' with { type: 'text' };
import screenOperation from '../admin/screen-operation.js' with { type: 'text' };
import screenConsole from '../admin/screen-console.js' with { type: 'text' };
import screenCatalogue from '../admin/screen-catalogue.js' with { type: 'text' };
import screenConsumers from '../admin/screen-consumers.js' with { type: 'text' };
import screenSubscriptions from '../admin/screen-subscriptions.js' with { type: 'text' };
import screenTracks from '../admin/screen-tracks.js' with { type: 'text' };
import screenSettings from '../admin/screen-settings.js' with { type: 'text' };
// Chart.js's own UMD build (pinned in package.json), served from the binary like the page's files: no CDN.
import chartJs from '../node_modules/chart.js/dist/chart.umd.min.js' with { type: 'text' };

const js = 'text/javascript; charset=utf-8';
/** Every file of the page by its name under /admin/; imported as text so that `bun build --compile` embeds them. */
const files: Record<string, { body: string; type: string }> = {
  'style.css': { body: style, type: 'text/css; charset=utf-8' },
  // The source map it points to is not shipped.
  'vendor/chart.js': { body: chartJs.replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n'), type: js },
  ...Object.fromEntries(Object.entries({
    'app.js': app, 'api.js': api, 'dom.js': dom, 'form.js': form, 'i18n.js': i18n, 'messages.js': messages, 'roles.js': roles,
    'time.js': time, 'branding.js': branding, 'login-failures.js': loginFailures, 'crud.js': crud, 'list-editor.js': listEditor, 'gateway.js': gateway, 'charts.js': charts, 'snippets.js': snippets,
    'editor-params.js': editorParams, 'editor-data.js': editorData, 'editor-proxy.js': editorProxy, 'editor-composite.js': editorComposite,
    'editor-shape.js': editorShape, 'composite-dry-run.js': compositeDryRun, 'screen-login.js': screenLogin, 'screen-profile.js': screenProfile,
    'screen-dashboard.js': screenDashboard, 'screen-agencies.js': screenAgencies, 'screen-users.js': screenUsers,
    'screen-connectors.js': screenConnectors, 'screen-services.js': screenServices, 'screen-operation.js': screenOperation,
    'screen-console.js': screenConsole, 'screen-catalogue.js': screenCatalogue, 'screen-consumers.js': screenConsumers,
    'screen-subscriptions.js': screenSubscriptions, 'screen-tracks.js': screenTracks, 'screen-settings.js': screenSettings,
  }).map(([name, body]) => [name, { body, type: js }])),
};

/** The admin page, built into the binary as text. Strict CSP: only its own scripts, no inline code, images also from data: URLs (the logo). */
export function adminPage(): Hono {
  const app = new Hono();
  const headers = {
    'content-security-policy': "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  };
  app.get('/admin', (c) => c.redirect('/admin/'));
  app.get('/admin/', (c) => c.body(html, 200, { ...headers, 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' }));
  app.get('/admin/*', (c) => {
    const file = files[c.req.path.slice('/admin/'.length)];
    if (!file) return c.json({ error: 'not_found', message: 'Alamat tidak ditemukan' }, 404);
    return c.body(file.body, 200, { ...headers, 'content-type': file.type, 'cache-control': 'no-cache' });
  });
  return app;
}
