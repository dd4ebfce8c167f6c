// The page's language: Bahasa Indonesia unless the person chose English here (remembered), whatever the browser says.
import { messages } from './messages.js';

const KEY = 'mantra.lang';
let lang = localStorage.getItem(KEY) === 'en' ? 'en' : 'id';
const listeners = new Set();

export const currentLang = () => lang;

export function setLang(next) {
  lang = next === 'en' ? 'en' : 'id';
  localStorage.setItem(KEY, lang);
  document.documentElement.lang = lang;
  for (const fn of listeners) fn(lang);
}

export const onLangChange = (fn) => listeners.add(fn);

/** The text of a key in the current language, `{name}` placeholders filled from vars. */
export function t(key, vars = {}) {
  const entry = messages[key];
  const text = entry ? entry[lang] : key;
  return text.replace(/\{(\w+)\}/g, (_, name) => (vars[name] ?? `{${name}}`));
}

/** Fills elements marked data-i18n (text) and data-i18n-label (aria-label) in a subtree. */
export function translatePage(root = document) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-label]')) el.setAttribute('aria-label', t(el.dataset.i18nLabel));
}
