// "My orders": the signed-in customer's orders, reloaded whenever one of them changes (pushed: order-stream.js;
// polled every 2 s while any is still moving when the stream cannot be opened).
import { h, replace } from '../dom.js';
import { ORDER_STATUS, dateTime, isFinal, money, shortId } from '../format.js';
import { SessionExpiredError } from '../api.js';
import { followOrders } from '../order-stream.js';
import { badge, inlineProblem, loading, page, poll, requireSignIn } from './common.js';

/** @typedef {import('../app.js').App} App */
/** @typedef {import('../../../src/api-types.ts').Schemas} Schemas */
/** @typedef {Schemas['Order']} Order */

/** @param {Order['status']} status */
export const statusBadge = (status) => badge(ORDER_STATUS[status]?.label ?? status, ORDER_STATUS[status]?.tone ?? 'muted');

/** @param {App} app */
export const ordersView = (app) => /** @param {import('../router.js').ViewContext} ctx */ async (ctx) => {
  if (!requireSignIn(app, ctx, 'My orders', 'to see your orders')) return;
  const content = h('div', {}, loading('Loading your orders…'));
  page(ctx, 'My orders', content);

  const load = async () => {
    /** @type {Schemas['OrderPage']} */
    let found;
    try {
      found = await app.api.get('/api/orders', { query: { pageSize: 50 }, auth: true });
    } catch (error) {
      replace(content, inlineProblem(error, 'Showing your orders'));
      return !(error instanceof SessionExpiredError); // else keep trying: the orders cell may come back
    }
    if (ctx.signal.aborted) return false;
    if (found.items.length === 0) {
      replace(content, h('p', {}, 'You have no orders yet.'), h('a', { class: 'button', href: '/' }, 'Start shopping'));
      return false;
    }
    replace(
      content,
      h(
        'table',
        { class: 'table' },
        h('caption', { class: 'visually-hidden' }, 'Your orders, newest first'),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ...['Order', 'Placed', 'Items', 'Total', 'Status'].map((t) =>
              h('th', { scope: 'col', class: t === 'Total' ? 'num' : null }, t),
            ),
          ),
        ),
        h(
          'tbody',
          {},
          ...found.items.map((order) =>
            h(
              'tr',
              {},
              h(
                'th',
                { scope: 'row' },
                h('a', { href: `/orders/${encodeURIComponent(order.id)}`, 'aria-label': `Order ${order.id}` }, `#${shortId(order.id)}`),
              ),
              h('td', {}, dateTime(order.createdAt)),
              h('td', {}, order.lines.map((l) => `${l.quantity} × ${l.name}`).join(', ')),
              h('td', { class: 'num' }, money(order.total, order.currency)),
              h('td', {}, statusBadge(order.status)),
            ),
          ),
        ),
      ),
      found.total > found.items.length
        ? h('p', { class: 'hint' }, `Showing the newest ${found.items.length} of ${found.total} orders.`)
        : null,
    );
    return found.items.some((o) => !isFinal(o.status));
  };

  await load();
  // One reload at a time; a change pushed during one is seen by the next.
  let reloading = false;
  let again = false;
  const reload = async () => {
    again = true;
    if (reloading) return;
    reloading = true;
    while (again && !ctx.signal.aborted) {
      again = false;
      await load();
    }
    reloading = false;
  };
  void followOrders({
    api: app.api,
    signal: ctx.signal,
    onOrder: () => void reload(),
    onLive: () => void reload(),
    fallback: () => poll(ctx.signal, 2_000, load),
  });
};
