// One screen for one kind of entry: its list, and a form to add or change an entry, with the API's messages shown
// where they belong. The roles decide which buttons appear; the API decides what is allowed.
import { api, list } from './api.js';
import { action, errorBox, fill, h, table, toast } from './dom.js';
import { form } from './form.js';
import { t } from './i18n.js';

/**
 * spec: { title, intro?, collection, itemPath(entry), columns(ctx), fields(entry|null, ctx), canCreate(), canEdit(entry),
 * canDelete(entry), prepare?() → ctx, toBody?(values, stored, ctx), rowActions?(entry, reload, ctx), afterSave?(saved, created, panel),
 * filter?(items) }
 */
export function crudScreen(spec) {
  return async function render(main) {
    const ctx = (await spec.prepare?.()) ?? {};
    const editor = h('div', { id: 'editor' });
    const listBox = h('div', { id: 'list' });
    const addButton = spec.canCreate() ? h('button', { type: 'button', onclick: () => edit(null) }, t(spec.addLabel ?? 'common.add')) : null;
    fill(main, h('div', { class: 'spread' }, h('h1', {}, t(spec.title)), addButton),
      spec.intro ? h('p', { class: 'muted' }, t(spec.intro)) : null, editor, listBox);

    async function reload() {
      try {
        const items = await list(spec.collection, spec.query);
        const shown = spec.filter ? spec.filter(items, ctx) : items;
        const columns = [...spec.columns(ctx), {
          label: t('common.actions'),
          value: (e) => h('div', { class: 'row' },
            spec.canEdit(e) ? h('button', { type: 'button', class: 'small secondary', onclick: () => edit(e), 'aria-label': `${t('common.edit')} ${spec.name(e)}` }, t('common.edit')) : null,
            spec.canDelete(e) ? action(t('common.delete'), () => remove(e), { class: 'small danger', 'aria-label': `${t('common.delete')} ${spec.name(e)}` }) : null,
            spec.rowActions?.(e, reload, ctx, editor)),
        }];
        fill(listBox, table(columns, shown, { label: t(spec.title), rowData: (e) => ({ id: spec.name(e) }) }));
      } catch (err) {
        fill(listBox, errorBox(err));
      }
    }

    async function remove(entry) {
      if (!confirm(t('common.confirmDelete', { name: spec.name(entry) }))) return;
      try {
        await api(spec.itemPath(entry), { method: 'DELETE' });
        toast(t('common.deleted'));
        await reload();
      } catch (err) {
        fill(editor, errorBox(err));
      }
    }

    function edit(entry) {
      const fields = spec.fields(entry, ctx).filter(Boolean);
      const f = form(fields, entry ?? spec.defaults?.(ctx) ?? {});
      const problems = h('div');
      const save = action(t('common.save'), async () => {
        const values = f.read();
        const body = spec.toBody ? spec.toBody(values, entry, ctx) : values;
        try {
          const saved = entry
            ? await api(spec.itemPath(entry), { method: 'PUT', body: { ...strip(entry, fields), ...body, version: entry.version } })
            : await api(spec.collection, { method: 'POST', body });
          toast(t('common.saved'));
          fill(editor);
          await spec.afterSave?.(saved, !entry, editor);
          await reload();
        } catch (err) {
          const rest = f.showIssues(err.issues);
          fill(problems, errorBox({ message: err.message, issues: rest }));
        }
      });
      const heading = h('h2', { tabindex: '-1' }, entry ? `${t('common.edit')}: ${spec.name(entry)}` : t(spec.addLabel ?? 'common.add'));
      fill(editor, h('form', { class: 'card', onsubmit: (e) => { e.preventDefault(); save.click(); } }, heading, f.el, problems,
        h('div', { class: 'actions' }, save, h('button', { type: 'button', class: 'secondary', onclick: () => fill(editor) }, t('common.cancel')))));
      heading.focus();
    }

    await reload();
  };
}

/** The entry as read, less what the API adds and less the form's fields (an emptied field is left out, not kept). */
function strip(entry, fields) {
  const { updatedAt: _, ...rest } = entry;
  for (const f of fields) if (!f.readonly && !f.name.includes('.')) delete rest[f.name];
  return rest;
}

/** Options for a select of agencies. */
export const agencyOptions = (agencies) => agencies.map((a) => ({ value: a.slug, label: `${a.name} (${a.slug})` }));
