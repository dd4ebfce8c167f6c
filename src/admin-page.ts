import { Hono } from 'hono';
import html from '../admin/index.html' with { type: 'text' };
import script from '../admin/app.js' with { type: 'text' };

/** The admin page, built into the binary as text. Strict CSP: only its own script, no inline code. */
export function adminPage(): Hono {
  const app = new Hono();
  const headers = {
    'content-security-policy': "default-src 'self'; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  };
  app.get('/admin', (c) => c.redirect('/admin/'));
  app.get('/admin/', (c) => c.body(html, 200, { ...headers, 'content-type': 'text/html; charset=utf-8' }));
  app.get('/admin/app.js', (c) => c.body(script, 200, { ...headers, 'content-type': 'text/javascript; charset=utf-8' }));
  return app;
}
