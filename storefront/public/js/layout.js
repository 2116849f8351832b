// The header's navigation: it follows the cart and the session as they change.
import { h, replace } from './dom.js';

/** @typedef {import('./app.js').App} App */

/**
 * @param {App} app
 * @param {HTMLElement} nav the `<ul>` inside the main navigation
 */
export function mountNavigation(app, nav) {
  const render = () => {
    const session = app.session.current();
    const active = app.session.isActive();
    const count = app.cart.count();
    const here = location.pathname;
    /** @param {string} href @param {string} text @param {Record<string, string>} [attrs] */
    const link = (href, text, attrs = {}) =>
      h(
        'li',
        {},
        h('a', { href, 'aria-current': here === href || (href !== '/' && here.startsWith(`${href}/`)) ? 'page' : null, ...attrs }, text),
      );
    const signOut = h('button', { type: 'button', class: 'link-button' }, 'Sign out');
    signOut.addEventListener('click', () => {
      app.session.end();
      app.notices.show({ tone: 'info', text: 'You are signed out. Your cart is kept on this device.' });
      void app.navigate('/');
    });
    replace(
      nav,
      link('/', 'Shop'),
      link('/cart', count ? `Cart (${count})` : 'Cart', {
        'aria-label': count ? `Cart, ${count} ${count === 1 ? 'item' : 'items'}` : 'Cart, empty',
      }),
      active ? link('/orders', 'My orders') : null,
      active && app.session.isAdmin() ? link('/admin/products', 'Admin') : null,
      active && session
        ? h('li', { class: 'account' }, h('span', { class: 'who' }, session.email), signOut)
        : link(`/signin?next=${encodeURIComponent(location.pathname + location.search)}`, 'Sign in'),
    );
  };
  render();
  app.cart.subscribe(render);
  app.session.subscribe(render);
  return { render };
}
