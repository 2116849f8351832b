// Wires the shop together: storage-backed cart and session, the API client, the pages and the router.
import { createApi } from './api.js';
import { createCart } from './cart.js';
import { createSession } from './session.js';
import { createNotices } from './notices.js';
import { createRouter } from './router.js';
import { mountNavigation } from './layout.js';
import { h } from './dom.js';
import { page } from './views/common.js';
import { catalogView } from './views/catalog.js';
import { productView } from './views/product.js';
import { cartView } from './views/cart.js';
import { checkoutView } from './views/checkout.js';
import { ordersView } from './views/orders.js';
import { orderView } from './views/order.js';
import { signInView } from './views/signin.js';
import { registerView } from './views/register.js';
import { adminProductFormView, adminProductsView } from './views/admin-products.js';
import { adminStockView } from './views/admin-stock.js';
import { adminShipmentsView } from './views/admin-shipments.js';

/** @param {string} id */
const byId = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

// A storefront hosted elsewhere names the gateway in <meta name="retail-gateway" content="https://…">.
const base = document.querySelector('meta[name="retail-gateway"]')?.getAttribute('content') ?? '';
const session = createSession(localStorage);
const cart = createCart(localStorage);
const notices = createNotices(byId('notices'));
const api = createApi({ base, session });

/** @type {import('./app.js').App} */
const app = {
  api,
  cart,
  session,
  notices,
  navigate: (url, options) => router.navigate(url, options),
};

const nav = mountNavigation(app, byId('nav'));
const router = createRouter({
  main: byId('main'),
  beforeRender: () => {
    notices.clear();
    nav.render();
  },
  routes: [
    { pattern: '/', view: catalogView(app) },
    { pattern: '/product/:sku', view: productView(app) },
    { pattern: '/cart', view: cartView(app) },
    { pattern: '/checkout', view: checkoutView(app) },
    { pattern: '/orders', view: ordersView(app) },
    { pattern: '/orders/:id', view: orderView(app) },
    { pattern: '/signin', view: signInView(app) },
    { pattern: '/register', view: registerView(app) },
    { pattern: '/admin', view: () => router.navigate('/admin/products', { replace: true }) },
    { pattern: '/admin/products', view: adminProductsView(app) },
    { pattern: '/admin/products/new', view: adminProductFormView(app) },
    { pattern: '/admin/products/:sku', view: adminProductFormView(app) },
    { pattern: '/admin/stock', view: adminStockView(app) },
    { pattern: '/admin/shipments', view: adminShipmentsView(app) },
  ],
  notFound: (ctx) =>
    page(ctx, 'Page not found', h('p', {}, 'There is no such page in the shop.'), h('a', { href: '/' }, 'Back to the shop')),
});

// The search box in the header searches the shop, wherever one is.
byId('search').addEventListener('submit', (event) => {
  event.preventDefault();
  const q = /** @type {HTMLInputElement} */ (byId('search-q')).value.trim();
  void router.navigate(q ? `/?q=${encodeURIComponent(q)}` : '/');
});

// Another tab signed in or out, or changed the cart.
window.addEventListener('storage', (event) => {
  if (event.key === 'retail.cart') cart.changedElsewhere();
  if (event.key === 'retail.session') session.changedElsewhere();
});

void router.render();
