// Checkout: the shipping address, then the order is placed with an Idempotency-Key, so a double click
// or a retry after a timeout never orders twice.
import { field, formValues, h, replace, showFieldErrors } from '../dom.js';
import { money } from '../format.js';
import { explain } from '../messages.js';
import { page, requireSignIn } from './common.js';

/** @typedef {import('../app.js').App} App */

const ADDRESS_KEY = 'retail.address';
const COUNTRIES = [
  ['US', 'United States'],
  ['CA', 'Canada'],
  ['GB', 'United Kingdom'],
  ['IE', 'Ireland'],
  ['DE', 'Germany'],
  ['FR', 'France'],
  ['NL', 'Netherlands'],
  ['ES', 'Spain'],
  ['IT', 'Italy'],
  ['SE', 'Sweden'],
  ['AU', 'Australia'],
];

/** @returns {Record<string, string>} */
function lastAddress() {
  try {
    return JSON.parse(localStorage.getItem(ADDRESS_KEY) ?? '{}') ?? {};
  } catch {
    return {};
  }
}

/** @param {App} app */
export const checkoutView = (app) => /** @param {import('../router.js').ViewContext} ctx */ (ctx) => {
  if (!requireSignIn(app, ctx, 'Checkout', 'to check out')) return;
  const lines = app.cart.lines();
  if (lines.length === 0) {
    page(ctx, 'Checkout', h('p', {}, 'Your cart is empty.'), h('a', { class: 'button', href: '/' }, 'Browse the shop'));
    return;
  }
  const saved = lastAddress();
  const total = app.cart.total();
  // One key per visit of this page: resubmitting the same form is the same order.
  const idempotencyKey = crypto.randomUUID();
  const formError = h('div', { class: 'form-error', role: 'alert' });
  const submit = h('button', { type: 'submit', class: 'button button-primary' }, 'Place order');
  const country = h(
    'select',
    { id: 'country', name: 'country', required: true, autocomplete: 'country' },
    ...COUNTRIES.map(([code, name]) => h('option', { value: code, selected: code === (saved.country ?? 'US') }, name)),
  );
  const form = h(
    'form',
    { class: 'form', novalidate: true },
    h(
      'fieldset',
      {},
      h('legend', {}, 'Shipping address'),
      field({ label: 'Full name', name: 'name', required: true, value: saved.name, autocomplete: 'name' }),
      field({ label: 'Address line 1', name: 'line1', required: true, value: saved.line1, autocomplete: 'address-line1' }),
      field({ label: 'Address line 2 (optional)', name: 'line2', value: saved.line2, autocomplete: 'address-line2' }),
      h(
        'div',
        { class: 'field-row' },
        field({ label: 'City', name: 'city', required: true, value: saved.city, autocomplete: 'address-level2' }),
        field({ label: 'Postal code', name: 'postalCode', required: true, value: saved.postalCode, autocomplete: 'postal-code' }),
      ),
      h(
        'div',
        { class: 'field' },
        h('label', { for: 'country' }, 'Country'),
        country,
        h('p', { class: 'field-error', 'data-error-for': 'country', hidden: true }),
      ),
    ),
    formError,
    h('div', { class: 'actions' }, h('a', { class: 'button button-quiet', href: '/cart' }, 'Back to cart'), submit),
  );

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const values = formValues(form);
    const address = {
      name: values.name ?? '',
      line1: values.line1 ?? '',
      city: values.city ?? '',
      postalCode: values.postalCode ?? '',
      country: values.country ?? '',
      ...(values.line2 ? { line2: values.line2 } : {}),
    };
    const missing = ['name', 'line1', 'city', 'postalCode']
      .filter((k) => !(/** @type {Record<string, string>} */ (address)[k]))
      .map((k) => ({ path: k, message: 'Please fill this in.' }));
    replace(formError);
    if (missing.length) {
      showFieldErrors(form, missing);
      /** @type {HTMLElement | null} */ (form.querySelector('[aria-invalid="true"]'))?.focus();
      return;
    }
    showFieldErrors(form, []);
    submit.disabled = true;
    submit.textContent = 'Placing order…';
    try {
      const order = await app.api.post('/api/orders', {
        body: { lines: app.cart.lines().map((l) => ({ sku: l.sku, quantity: l.quantity })), shippingAddress: address },
        headers: { 'Idempotency-Key': idempotencyKey },
      });
      localStorage.setItem(ADDRESS_KEY, JSON.stringify(address));
      app.cart.clear();
      await app.navigate(`/orders/${encodeURIComponent(order.id)}`);
      app.notices.show({ tone: 'success', text: 'Thank you! Your order was placed.' });
    } catch (error) {
      const message = explain(error, { doing: 'Ordering', where: '/checkout' });
      const unmatched = showFieldErrors(form, message.fields ?? []);
      replace(
        formError,
        h('p', {}, message.fields?.length && unmatched.length === 0 ? 'Please correct the marked fields.' : message.text),
        message.action ? h('a', { class: 'button button-small', href: message.action.href }, message.action.label) : null,
      );
      submit.disabled = false;
      submit.textContent = 'Place order';
    }
  });

  page(
    ctx,
    'Checkout',
    h(
      'div',
      { class: 'checkout' },
      form,
      h(
        'aside',
        { class: 'summary', 'aria-labelledby': 'summary-title' },
        h('h2', { id: 'summary-title' }, 'Order summary'),
        h(
          'ul',
          { class: 'summary-lines' },
          ...lines.map((l) =>
            h('li', {}, h('span', {}, `${l.quantity} × ${l.name}`), h('span', {}, money(l.price.amount * l.quantity, l.price.currency))),
          ),
        ),
        total ? h('p', { class: 'summary-total' }, h('span', {}, 'Total'), h('span', {}, money(total.amount, total.currency))) : null,
        h('p', { class: 'hint' }, `Signed in as ${app.session.current()?.email ?? ''}.`),
      ),
    ),
  );
};
