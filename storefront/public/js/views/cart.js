// The cart: change quantities, remove lines, see what is short before checking out.
import { h, replace } from '../dom.js';
import { money } from '../format.js';
import { MAX_QUANTITY } from '../cart.js';
import { page } from './common.js';

/** @typedef {import('../app.js').App} App */
/** @typedef {import('../../../src/api-types.ts').Schemas['Availability'] | 'gone'} Known what is known of a SKU: its availability, or that it is no longer sold */

/**
 * Current availability of each SKU in the cart, to warn before ordering (the order is the real test).
 * @param {App} app
 * @param {string[]} skus
 * @returns {Promise<Map<string, Known>>}
 */
async function availabilityOf(app, skus) {
  const answers = await Promise.all(
    skus.map(async (sku) => {
      try {
        const product = await app.api.get('/api/products/{sku}', { path: { sku } });
        return /** @type {const} */ ([sku, product.availability]);
      } catch (error) {
        return /** @type {const} */ ([sku, /** @type {any} */ (error).status === 404 ? 'gone' : null]);
      }
    }),
  );
  return new Map(/** @type {[string, Known][]} */ (answers.filter(([, a]) => a !== null)));
}

/** @param {App} app */
export const cartView = (app) => /** @param {import('../router.js').ViewContext} ctx */ async (ctx) => {
  const content = h('div', {});
  page(ctx, 'Your cart', content);
  /** @type {Map<string, Known>} */
  let availability = new Map();

  const render = () => {
    const lines = app.cart.lines();
    if (lines.length === 0) {
      replace(content, h('p', {}, 'Your cart is empty.'), h('a', { class: 'button', href: '/' }, 'Browse the shop'));
      return;
    }
    const total = app.cart.total();
    const rows = lines.map((line) => {
      const id = `qty-${line.sku}`;
      const input = h('input', { id, type: 'number', min: 1, max: MAX_QUANTITY, value: line.quantity, inputmode: 'numeric', class: 'qty' });
      input.addEventListener('change', () => app.cart.setQuantity(line.sku, Number(input.value)));
      const known = availability.get(line.sku);
      let warning = null;
      if (known === 'gone') warning = h('p', { class: 'line-warning' }, 'No longer sold: remove it to check out.');
      else if (known?.status === 'out_of_stock')
        warning = h('p', { class: 'line-warning' }, 'Out of stock: an order with it will be rejected.');
      else if (typeof known?.available === 'number' && line.quantity > known.available)
        warning = h('p', { class: 'line-warning' }, `Only ${known.available} available: an order for more will be rejected.`);
      return h(
        'tr',
        {},
        h('th', { scope: 'row' }, h('a', { href: `/product/${encodeURIComponent(line.sku)}` }, line.name), warning),
        h('td', { class: 'num' }, money(line.price.amount, line.price.currency)),
        h('td', {}, h('label', { for: id, class: 'visually-hidden' }, `Quantity of ${line.name}`), input),
        h('td', { class: 'num' }, money(line.price.amount * line.quantity, line.price.currency)),
        h(
          'td',
          {},
          h(
            'button',
            { type: 'button', class: 'button button-quiet', 'aria-label': `Remove ${line.name}`, onclick: () => app.cart.remove(line.sku) },
            'Remove',
          ),
        ),
      );
    });
    replace(
      content,
      h(
        'table',
        { class: 'table' },
        h('caption', { class: 'visually-hidden' }, 'Products in your cart'),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', { scope: 'col' }, 'Product'),
            h('th', { scope: 'col', class: 'num' }, 'Price'),
            h('th', { scope: 'col' }, 'Quantity'),
            h('th', { scope: 'col', class: 'num' }, 'Subtotal'),
            h('td', {}),
          ),
        ),
        h('tbody', {}, ...rows),
        total
          ? h(
              'tfoot',
              {},
              h(
                'tr',
                {},
                h('th', { scope: 'row', colspan: 3 }, 'Total'),
                h('td', { class: 'num total' }, money(total.amount, total.currency)),
                h('td', {}),
              ),
            )
          : null,
      ),
      h('p', { class: 'hint' }, 'Prices are confirmed when you place the order.'),
      h(
        'div',
        { class: 'actions' },
        h('a', { class: 'button button-quiet', href: '/' }, 'Continue shopping'),
        h('a', { class: 'button button-primary', href: '/checkout' }, 'Checkout'),
      ),
    );
  };

  render();
  const stop = app.cart.subscribe(render);
  ctx.signal.addEventListener('abort', () => void stop());
  availability = await availabilityOf(
    app,
    app.cart.lines().map((l) => l.sku),
  );
  if (!ctx.signal.aborted) render();
};
