// The installation's name, logo and time zone (public, from the settings), applied to the page's header and clock.
import { api } from './api.js';
import { t } from './i18n.js';
import { setTimeZone } from './time.js';

export async function loadBranding() {
  try {
    const b = await api('/branding');
    setTimeZone(b.timeZone);
    document.getElementById('brand-name').textContent = b.name || 'Mantra';
    const logo = document.getElementById('brand-logo');
    logo.hidden = !b.logo;
    if (b.logo) {
      logo.src = b.logo;
      logo.alt = t('app.logo', { name: b.name || 'Mantra' });
    }
  } catch {
    // The defaults stay: Mantra, Asia/Jakarta.
  }
}
