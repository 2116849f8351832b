// The shop front: search, filter, sort and page through the catalog, with availability.
import { h, replace } from '../dom.js';
import { availabilityLabel, displayableImage, money } from '../format.js';
import { badge, inlineProblem, loading, page, productTile } from './common.js';

/** @typedef {import('../app.js').App} App */
/** @typedef {import('../../../src/api-types.ts').Schemas} Schemas */
/** @typedef {Schemas['CatalogItem']} CatalogItem */

const PAGE_SIZE = 12;
const SORTS = /** @type {const} */ ([
  ['name', 'Name, A–Z'],
  ['-name', 'Name, Z–A'],
  ['price', 'Price, low to high'],
  ['-price', 'Price, high to low'],
  ['newest', 'Newest first'],
]);

/** @type {Promise<string[]> | undefined} */
let categories;

/**
 * The categories present in the catalog (it has no category endpoint; one page of 100 covers a shop this size).
 * @param {App} app
 */
function loadCategories(app) {
  categories ??= app.api
    .get('/api/products', { query: { pageSize: 100, sort: 'name' } })
    .then((page) => [...new Set(page.items.map((p) => p.category))].sort())
    .catch(() => {
      categories = undefined;
      return [];
    });
  return categories;
}

/**
 * Add one unit to the cart and say so.
 * @param {App} app
 * @param {CatalogItem} product
 * @param {number} [quantity]
 */
export function addToCart(app, product, quantity = 1) {
  app.cart.add(product, quantity);
  app.notices.show({
    tone: 'success',
    text: `Added ${quantity > 1 ? `${quantity} × ` : ''}${product.name} to your cart.`,
    action: { label: 'View cart', href: '/cart' },
  });
}

/**
 * @param {App} app
 * @param {CatalogItem} product
 */
function productCard(app, product) {
  const availability = availabilityLabel(product.availability);
  const headingId = `p-${product.sku}`;
  return h(
    'li',
    {},
    h(
      'article',
      { class: 'card', 'aria-labelledby': headingId },
      h(
        'a',
        { href: `/product/${encodeURIComponent(product.sku)}`, tabindex: -1, 'aria-hidden': 'true' },
        productTile(product, displayableImage(product.imageUrl)),
      ),
      h('h2', { id: headingId, class: 'card-title' }, h('a', { href: `/product/${encodeURIComponent(product.sku)}` }, product.name)),
      h('p', { class: 'card-meta' }, h('span', { class: 'category' }, product.category), badge(availability.text, availability.tone)),
      h(
        'div',
        { class: 'card-foot' },
        h('span', { class: 'price' }, money(product.price.amount, product.price.currency)),
        h(
          'button',
          { type: 'button', class: 'button', disabled: !availability.orderable, onclick: () => addToCart(app, product) },
          availability.orderable ? 'Add to cart' : 'Sold out',
        ),
      ),
    ),
  );
}

/** @param {App} app */
export const catalogView = (app) => /** @param {import('../router.js').ViewContext} ctx */ async (ctx) => {
  const q = ctx.query.get('q')?.trim() ?? '';
  const category = ctx.query.get('category') ?? '';
  const sort = ctx.query.get('sort') ?? 'name';
  const pageNo = Math.max(1, Number(ctx.query.get('page') ?? '1') || 1);

  /** @param {Record<string, string | number>} changes */
  const urlWith = (changes) => {
    const params = new URLSearchParams({
      q,
      category,
      sort,
      page: String(pageNo),
      ...Object.fromEntries(Object.entries(changes).map(([k, v]) => [k, String(v)])),
    });
    for (const [key, value] of [...params])
      if (!value || (key === 'sort' && value === 'name') || (key === 'page' && value === '1')) params.delete(key);
    const search = params.toString();
    return search ? `/?${search}` : '/';
  };

  const searchInput = /** @type {HTMLInputElement | null} */ (document.getElementById('search-q'));
  if (searchInput && document.activeElement !== searchInput) searchInput.value = q;

  const categorySelect = h('select', { id: 'filter-category', name: 'category' }, h('option', { value: '' }, 'All categories'));
  const sortSelect = h(
    'select',
    { id: 'filter-sort', name: 'sort' },
    ...SORTS.map(([value, label]) => h('option', { value, selected: value === sort }, label)),
  );
  categorySelect.addEventListener('change', () => void app.navigate(urlWith({ category: categorySelect.value, page: 1 })));
  sortSelect.addEventListener('change', () => void app.navigate(urlWith({ sort: sortSelect.value, page: 1 })));
  const filters = h(
    'div',
    { class: 'filters', role: 'group', 'aria-label': 'Filter and sort' },
    h('div', { class: 'field field-inline' }, h('label', { for: 'filter-category' }, 'Category'), categorySelect),
    h('div', { class: 'field field-inline' }, h('label', { for: 'filter-sort' }, 'Sort by'), sortSelect),
  );
  const results = h('div', { class: 'results' }, loading('Loading products…'));
  page(ctx, q ? `Results for “${q}”` : category ? `Shop: ${category}` : 'Shop', filters, results);

  void loadCategories(app).then((list) => {
    for (const name of list) categorySelect.append(h('option', { value: name, selected: name === category }, name));
  });

  // The sort as the address gives it: one the API does not know is its to refuse.
  const query = {
    sort: /** @type {(typeof SORTS)[number][0]} */ (sort),
    page: pageNo,
    pageSize: PAGE_SIZE,
    q: q || undefined,
    category: category || undefined,
  };
  /** @type {Schemas['ProductPage']} */
  let found;
  try {
    found = await app.api.get('/api/products', { query });
  } catch (error) {
    replace(results, inlineProblem(error, 'Browsing the catalog'));
    return;
  }
  if (ctx.signal.aborted) return;
  const pages = Math.max(1, Math.ceil(found.total / found.pageSize));
  const summary =
    found.total === 0
      ? q
        ? `No products match “${q}”.`
        : 'No products here yet.'
      : `${found.total} ${found.total === 1 ? 'product' : 'products'}`;
  replace(
    results,
    h('p', { class: 'result-count', role: 'status' }, summary),
    found.items.length ? h('ul', { class: 'grid', 'aria-label': 'Products' }, ...found.items.map((p) => productCard(app, p))) : null,
    pages > 1
      ? h(
          'nav',
          { class: 'pager', 'aria-label': 'Pages' },
          pageNo > 1 ? h('a', { class: 'button button-quiet', href: urlWith({ page: pageNo - 1 }), rel: 'prev' }, '← Previous') : null,
          h('span', {}, `Page ${pageNo} of ${pages}`),
          pageNo < pages ? h('a', { class: 'button button-quiet', href: urlWith({ page: pageNo + 1 }), rel: 'next' }, 'Next →') : null,
        )
      : null,
  );
};
