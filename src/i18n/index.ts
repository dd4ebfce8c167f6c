/** Every message a person reads, in Bahasa Indonesia (default) and English. */
export type Lang = 'id' | 'en';
export type Catalogue = Record<string, { id: string; en: string }>;

/** Picks the language from `?lang=`, then Accept-Language; Indonesian unless English is asked for first. */
export function pickLang(req: Request): Lang {
  // The URL is parsed only when it can hold a lang parameter: this runs on every call.
  if (req.url.includes('lang=')) {
    const q = new URL(req.url).searchParams.get('lang');
    if (q === 'en' || q === 'id') return q;
  }
  const header = req.headers.get('accept-language') ?? '';
  return /^\s*en\b/i.test(header) ? 'en' : 'id';
}

export function translate(catalogue: Catalogue, key: string, lang: Lang, vars: Record<string, string | number> = {}): string {
  const entry = catalogue[key];
  const text = entry ? entry[lang] : key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(vars[name] ?? `{${name}}`));
}
