// Operators: the catalog, a form to add a product and one to change it.
import { field, formValues, h, replace, showFieldErrors } from '../dom.js';
import { ApiError } from '../api.js';
import { availabilityLabel, money } from '../format.js';
import { explain } from '../messages.js';
import { adminNav } from './admin-nav.js';
import { badge, inlineProblem, loading, page, requireAdmin } from './common.js';

/** @typedef {import('../app.js').App} App */
/** @typedef {import('../../../src/api-types.ts').Schemas} Schemas */
/** @typedef {Schemas['CatalogItem']} CatalogItem */

/** @param {App} app */
export const adminProductsView = (app) => /** @param {import('../router.js').ViewContext} ctx */ async (ctx) => {
  if (!requireAdmin(app, ctx, 'Products')) return;
  const content = h('div', {}, loading('Loading products…'));
  page(
    ctx,
    'Products',
    adminNav('/admin/products'),
    h('div', { class: 'actions actions-start' }, h('a', { class: 'button button-primary', href: '/admin/products/new' }, 'Add product')),
    content,
  );
  /** @type {CatalogItem[]} */
  const items = [];
  try {
    // The catalog is small; walk its pages (100 a page) to show all of it.
    for (let p = 1; ; p++) {
      const found = await app.api.get('/api/products', { query: { sort: 'name', pageSize: 100, page: p } });
      items.push(...found.items);
      if (items.length >= found.total || found.items.length === 0) break;
    }
  } catch (error) {
    replace(content, inlineProblem(error, 'Listing products'));
    return;
  }
  replace(
    content,
    h(
      'table',
      { class: 'table' },
      h('caption', { class: 'visually-hidden' }, 'All products'),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ...['SKU', 'Name', 'Category', 'Price', 'Availability', ''].map((t) =>
            h('th', { scope: 'col', class: t === 'Price' ? 'num' : null }, t),
          ),
        ),
      ),
      h(
        'tbody',
        {},
        ...items.map((p) => {
          const a = availabilityLabel(p.availability);
          return h(
            'tr',
            {},
            h('td', {}, h('code', {}, p.sku)),
            h('th', { scope: 'row' }, p.name),
            h('td', {}, p.category),
            h('td', { class: 'num' }, money(p.price.amount, p.price.currency)),
            h('td', {}, badge(a.text, a.tone)),
            h('td', {}, h('a', { href: `/admin/products/${encodeURIComponent(p.sku)}`, 'aria-label': `Edit ${p.name}` }, 'Edit')),
          );
        }),
      ),
    ),
  );
};

/**
 * "12.50" → 1250 minor units; null when it is not an amount.
 * @param {string} text
 */
export function parsePrice(text) {
  const match = /^\s*(\d{1,7})(?:[.,](\d{1,2}))?\s*$/.exec(text);
  if (!match) return null;
  return Number(match[1]) * 100 + Number((match[2] ?? '0').padEnd(2, '0'));
}

/** @param {App} app */
export const adminProductFormView = (app) => /** @param {import('../router.js').ViewContext} ctx */ async (ctx) => {
  const sku = ctx.params.sku;
  const title = sku ? 'Edit product' : 'Add product';
  if (!requireAdmin(app, ctx, title)) return;
  /** @type {CatalogItem | undefined} */
  let product;
  /** The version of the product the form shows (its ETag): a save made against an older one is refused (412). */
  let etag = '';
  if (sku) {
    ctx.main.append(loading());
    try {
      const read = await app.api.getTagged('/api/products/{sku}', { path: { sku } });
      product = /** @type {CatalogItem} */ (read.body);
      etag = read.etag ?? '';
    } catch (error) {
      page(
        ctx,
        title,
        adminNav('/admin/products'),
        error instanceof ApiError && error.status === 404
          ? h('p', {}, `There is no product ${sku}.`)
          : inlineProblem(error, 'Loading the product'),
      );
      return;
    }
  }
  const formError = h('div', { class: 'form-error', role: 'alert' });
  const currency = h(
    'select',
    { id: 'currency', name: 'currency' },
    ...['USD', 'EUR', 'GBP'].map((c) => h('option', { value: c, selected: c === (product?.price.currency ?? 'USD') }, c)),
  );
  const description = h('textarea', { id: 'description', name: 'description', rows: 3, maxlength: 2000 });
  description.value = product?.description ?? '';
  const form = h(
    'form',
    { class: 'form', novalidate: true },
    product
      ? h('p', {}, 'SKU ', h('code', {}, product.sku))
      : field({
          label: 'SKU',
          name: 'sku',
          required: true,
          hint: 'Upper-case letters, digits and dashes, e.g. HOM-STONE-VASE.',
          attrs: { pattern: '[A-Z0-9][A-Z0-9-]{2,31}' },
        }),
    field({ label: 'Name', name: 'name', required: true, value: product?.name }),
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'description' }, 'Description'),
      description,
      h('p', { class: 'field-error', 'data-error-for': 'description', hidden: true }),
    ),
    field({ label: 'Category', name: 'category', required: true, value: product?.category, hint: 'A lower-case slug, e.g. kitchen.' }),
    h(
      'div',
      { class: 'field-row' },
      field({
        label: 'Price',
        name: 'amount',
        required: true,
        value: product ? (product.price.amount / 100).toFixed(2) : '',
        hint: 'e.g. 24.90',
        attrs: { inputmode: 'decimal' },
      }),
      h('div', { class: 'field' }, h('label', { for: 'currency' }, 'Currency'), currency),
    ),
    field({ label: 'Image URL (optional)', name: 'imageUrl', type: 'url', value: product?.imageUrl ?? '' }),
    formError,
    h(
      'div',
      { class: 'actions' },
      h('a', { class: 'button button-quiet', href: '/admin/products' }, 'Back to products'),
      h('button', { type: 'submit', class: 'button button-primary' }, product ? 'Save changes' : 'Create product'),
    ),
  );

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const v = formValues(form);
    replace(formError);
    const amount = parsePrice(v.amount ?? '');
    const missing = (product ? ['name', 'category'] : ['sku', 'name', 'category'])
      .filter((k) => !v[k])
      .map((k) => ({ path: k, message: 'Please fill this in.' }));
    const problems = amount === null ? [...missing, { path: 'amount', message: 'Enter a price such as 24.90.' }] : missing;
    showFieldErrors(form, problems);
    if (amount === null || problems.length) {
      /** @type {HTMLElement | null} */ (form.querySelector('[aria-invalid="true"]'))?.focus();
      return;
    }
    // Filled in: checked just above (the currency comes from its select).
    const body = {
      name: /** @type {string} */ (v.name),
      description: v.description ?? '',
      category: /** @type {string} */ (v.category),
      price: { amount, currency: /** @type {Schemas['Currency']} */ (v.currency) },
      imageUrl: v.imageUrl || null,
    };
    try {
      if (product) await app.api.patch('/api/products/{sku}', { path: { sku: product.sku }, body, headers: { 'If-Match': etag } });
      else await app.api.post('/api/products', { body: { sku: /** @type {string} */ (v.sku), ...body } });
      await app.navigate('/admin/products');
      app.notices.show({ tone: 'success', text: product ? `Saved ${body.name}.` : `Added ${body.name}.` });
    } catch (error) {
      const message = explain(error, { doing: 'Saving the product', where: location.pathname });
      // The API names price fields `price.amount`: shown at the Price field.
      const unmatched = showFieldErrors(
        form,
        (message.fields ?? []).map((f) => (f.path === 'price.amount' ? { ...f, path: 'amount' } : f)),
      );
      replace(
        formError,
        h('p', {}, message.fields?.length && unmatched.length === 0 ? 'Please correct the marked fields.' : message.text),
        message.action ? h('a', { class: 'button button-small', href: message.action.href }, message.action.label) : null,
      );
    }
  });

  page(ctx, product ? `Edit ${product.name}` : title, adminNav('/admin/products'), form);
};
