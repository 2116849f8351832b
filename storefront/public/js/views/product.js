// One product: description, price, availability, and how many to add.
import { h } from '../dom.js';
import { ApiError } from '../api.js';
import { availabilityLabel, displayableImage, money } from '../format.js';
import { addToCart } from './catalog.js';
import { badge, inlineProblem, loading, page, productTile } from './common.js';

/** @typedef {import('../app.js').App} App */

/** @param {App} app */
export const productView = (app) => /** @param {import('../router.js').ViewContext} ctx */ async (ctx) => {
  ctx.main.append(loading());
  /** @type {import('./catalog.js').CatalogItem} */
  let product;
  try {
    product = await app.api.get('/api/products/{sku}', { path: { sku: ctx.params.sku ?? '' } });
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      page(
        ctx,
        'Product not found',
        h('p', {}, 'This product is not in the catalog (any more).'),
        h('a', { href: '/' }, 'Back to the shop'),
      );
    } else {
      page(ctx, 'Product', inlineProblem(error, 'Showing this product'));
    }
    return;
  }
  const availability = availabilityLabel(product.availability);
  const quantity = h('input', { id: 'quantity', name: 'quantity', type: 'number', min: 1, max: 100, value: 1, inputmode: 'numeric' });
  const form = h(
    'form',
    { class: 'buy' },
    h('div', { class: 'field field-inline' }, h('label', { for: 'quantity' }, 'Quantity'), quantity),
    h(
      'button',
      { type: 'submit', class: 'button button-primary', disabled: !availability.orderable },
      availability.orderable ? 'Add to cart' : 'Out of stock',
    ),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const n = Math.max(1, Math.min(100, Math.floor(Number(quantity.value) || 1)));
    addToCart(app, product, n);
  });
  const shortNote =
    product.availability.status === 'low_stock' || product.availability.status === 'out_of_stock'
      ? h(
          'p',
          { class: 'hint' },
          availability.orderable
            ? 'Few left: an order for more than are available is rejected.'
            : 'Out of stock: check back after the next delivery.',
        )
      : null;
  page(
    ctx,
    product.name,
    h(
      'div',
      { class: 'product' },
      productTile(product, displayableImage(product.imageUrl)),
      h(
        'div',
        { class: 'product-info' },
        h('p', { class: 'price price-large' }, money(product.price.amount, product.price.currency)),
        h('p', {}, badge(availability.text, availability.tone)),
        h('p', { class: 'description' }, product.description || 'No description yet.'),
        h(
          'dl',
          { class: 'facts' },
          h('dt', {}, 'SKU'),
          h('dd', {}, product.sku),
          h('dt', {}, 'Category'),
          h('dd', {}, h('a', { href: `/?category=${encodeURIComponent(product.category)}` }, product.category)),
        ),
        form,
        shortNote,
      ),
    ),
    h('p', {}, h('a', { href: '/' }, '← Back to the shop')),
  );
};
