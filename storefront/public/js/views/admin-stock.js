// Operators: stock levels and adjustments (goods received, write-offs), each with a reason.
import { field, formValues, h, replace, showFieldErrors } from '../dom.js';
import { explain } from '../messages.js';
import { adminNav } from './admin-nav.js';
import { inlineProblem, loading, page, requireAdmin } from './common.js';

/** @typedef {import('../app.js').App} App */
/** @typedef {import('../../../src/api-types.ts').Schemas['StockLevel']} StockLevel */

/** @param {App} app */
export const adminStockView = (app) => /** @param {import('../router.js').ViewContext} ctx */ async (ctx) => {
  if (!requireAdmin(app, ctx, 'Stock')) return;
  const table = h('div', {}, loading('Loading stock…'));
  const formError = h('div', { class: 'form-error', role: 'alert' });
  const done = h('p', { class: 'form-done', role: 'status' });
  const skuList = h('datalist', { id: 'sku-options' });
  const form = h(
    'form',
    { class: 'form form-inline', 'aria-labelledby': 'adjust-title', novalidate: true },
    h('h2', { id: 'adjust-title' }, 'Adjust stock'),
    h(
      'div',
      { class: 'field-row' },
      field({
        label: 'SKU',
        name: 'sku',
        required: true,
        value: ctx.query.get('sku') ?? '',
        attrs: { list: 'sku-options', autocomplete: 'off' },
      }),
      field({ label: 'Change', name: 'delta', type: 'number', required: true, hint: '+ received, − written off', attrs: { step: 1 } }),
      field({ label: 'Reason', name: 'reason', required: true, value: '' }),
    ),
    skuList,
    formError,
    done,
    h('div', { class: 'actions actions-start' }, h('button', { type: 'submit', class: 'button button-primary' }, 'Apply adjustment')),
  );
  page(ctx, 'Stock', adminNav('/admin/stock'), form, table);

  const load = async () => {
    /** @type {StockLevel[]} */
    const levels = [];
    try {
      for (let p = 1; ; p++) {
        const found = await app.api.get('/api/inventory', { query: { pageSize: 100, page: p } });
        levels.push(...found.items);
        if (levels.length >= found.total || found.items.length === 0) break;
      }
    } catch (error) {
      replace(table, inlineProblem(error, 'Listing stock'));
      return;
    }
    replace(skuList, ...levels.map((l) => h('option', { value: l.sku })));
    replace(
      table,
      h(
        'table',
        { class: 'table' },
        h('caption', { class: 'visually-hidden' }, 'Stock levels'),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', { scope: 'col' }, 'SKU'),
            ...['On hand', 'Reserved', 'Available'].map((t) => h('th', { scope: 'col', class: 'num' }, t)),
            h('td', {}),
          ),
        ),
        h(
          'tbody',
          {},
          ...levels.map((l) =>
            h(
              'tr',
              { class: l.available <= 0 ? 'row-warn' : null },
              h('th', { scope: 'row' }, h('code', {}, l.sku)),
              h('td', { class: 'num' }, l.onHand),
              h('td', { class: 'num' }, l.reserved),
              h('td', { class: 'num' }, l.available),
              h('td', {}, h('a', { href: `/admin/stock?sku=${encodeURIComponent(l.sku)}`, 'aria-label': `Adjust ${l.sku}` }, 'Adjust')),
            ),
          ),
        ),
      ),
    );
  };

  /**
   * One Idempotency-Key per adjustment: submitted again unchanged after a failure (or a double click), it is
   * the same key, so the stock changes once; a new one once it has been applied, or the form says otherwise.
   */
  let pending = { what: '', key: '' };

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const v = formValues(form);
    replace(formError);
    done.textContent = '';
    const delta = Number(v.delta);
    /** @type {{ path: string, message: string }[]} */
    const problems = [];
    if (!v.sku) problems.push({ path: 'sku', message: 'Which SKU?' });
    if (!Number.isInteger(delta) || delta === 0) problems.push({ path: 'delta', message: 'A whole number other than 0, e.g. 10 or -2.' });
    if (!v.reason) problems.push({ path: 'reason', message: 'Say why, e.g. "delivery" or "damaged".' });
    showFieldErrors(form, problems);
    if (problems.length) return;
    const what = JSON.stringify([v.sku, delta, v.reason]);
    if (pending.what !== what) pending = { what, key: crypto.randomUUID() };
    try {
      const level = await app.api.post('/api/inventory/{sku}/adjustments', {
        path: { sku: v.sku ?? '' },
        body: { delta, reason: /** @type {string} */ (v.reason) },
        headers: { 'Idempotency-Key': pending.key },
      });
      pending = { what: '', key: '' };
      done.textContent = `${level.sku}: ${level.onHand} on hand, ${level.available} available.`;
      form.reset();
      await load();
    } catch (error) {
      const message = explain(error, { doing: 'Adjusting stock', where: location.pathname });
      showFieldErrors(form, message.fields ?? []);
      replace(formError, h('p', {}, message.text));
    }
  });
  await load();
};
