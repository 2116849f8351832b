// One order, live: its changes are pushed (order-stream.js) while the order can still change, so it moves
// PENDING → CONFIRMED → SHIPPED → DELIVERED on screen without a reload; polled every second when the
// stream cannot be opened.
import { h, replace } from '../dom.js';
import { ApiError, SessionExpiredError } from '../api.js';
import { ORDER_STATUS, ORDER_STEPS, dateTime, isCancellable, isFinal, money } from '../format.js';
import { followOrders } from '../order-stream.js';
import { fail, inlineProblem, loading, page, poll, requireSignIn } from './common.js';
import { statusBadge } from './orders.js';

/** @typedef {import('../app.js').App} App */
/** @typedef {import('./orders.js').Order} Order */

/**
 * @param {Order} order
 */
function progress(order) {
  const failed = order.status === 'REJECTED' || order.status === 'CANCELLED';
  const reached = new Set(order.history.map((e) => e.status));
  return h(
    'ol',
    { class: `steps${failed ? ' steps-stopped' : ''}`, 'aria-label': 'Progress' },
    ...ORDER_STEPS.map((step) =>
      h('li', { class: reached.has(step) ? 'done' : '', 'aria-current': step === order.status ? 'step' : null }, ORDER_STATUS[step].label),
    ),
  );
}

/**
 * @param {App} app
 * @param {string} orderId
 * @returns {Promise<Node>}
 */
async function shipmentInfo(app, orderId) {
  try {
    const found = await app.api.get('/api/shipments', { query: { orderId }, auth: true });
    const shipment = found.items[0];
    if (!shipment) return h('p', { class: 'hint' }, 'A shipment is created once the order is confirmed.');
    return h(
      'dl',
      { class: 'facts' },
      h('dt', {}, 'Carrier'),
      h('dd', {}, shipment.carrier),
      h('dt', {}, 'Tracking number'),
      h('dd', {}, shipment.trackingNumber),
      h('dt', {}, 'Shipment'),
      h('dd', {}, shipment.status.charAt(0) + shipment.status.slice(1).toLowerCase()),
    );
  } catch (error) {
    if (error instanceof SessionExpiredError) throw error;
    // The shipping cell may be down while the rest of the shop works: say so here, keep the page.
    return inlineProblem(error, 'Tracking the shipment');
  }
}

/** @param {App} app */
export const orderView = (app) => /** @param {import('../router.js').ViewContext} ctx */ async (ctx) => {
  const id = ctx.params.id ?? '';
  if (!requireSignIn(app, ctx, 'Order', 'to see this order')) return;
  ctx.main.append(loading('Loading the order…'));

  /** @type {Order} */
  let order;
  try {
    order = await app.api.get('/api/orders/{id}', { path: { id }, auth: true });
  } catch (error) {
    // Another customer's order is a 404 too: the API does not tell whether it exists.
    if (error instanceof ApiError && error.status === 404)
      page(ctx, 'Order not found', h('p', {}, 'There is no such order in your account.'), h('a', { href: '/orders' }, 'See your orders'));
    else page(ctx, 'Order', inlineProblem(error, 'Showing this order'));
    return;
  }

  const statusLine = h('p', { class: 'status-line', role: 'status', 'aria-label': 'Order status' });
  const steps = h('div', {});
  const history = h('ol', { class: 'history', 'aria-label': 'Status history' });
  const liveNote = h('p', { class: 'hint live-note' });
  const cancelArea = h('div', { class: 'cancel-area' });
  const shipping = h('div', {}, loading('Loading shipping details…'));
  let shippingFor = '';

  const renderCancel = () => {
    if (!isCancellable(order.status)) return replace(cancelArea);
    // A change that leaves the order cancellable leaves an open "Cancel this order?" alone.
    if (cancelArea.querySelector('.confirm')) return;
    const ask = h('button', { type: 'button', class: 'button button-danger' }, 'Cancel order');
    ask.addEventListener('click', () => {
      const yes = h('button', { type: 'button', class: 'button button-danger' }, 'Yes, cancel order');
      const no = h('button', { type: 'button', class: 'button button-quiet' }, 'Keep order');
      no.addEventListener('click', () => {
        replace(cancelArea);
        renderCancel();
        ask.focus();
      });
      yes.addEventListener('click', async () => {
        yes.disabled = true;
        try {
          order = await app.api.post('/api/orders/{id}/cancel', { path: { id: order.id } });
          app.notices.show({ tone: 'info', text: 'Your order was cancelled.' });
          render();
        } catch (error) {
          fail(app, error, 'Cancelling the order');
          replace(cancelArea);
          await refresh().catch(() => {});
        }
      });
      replace(
        cancelArea,
        h(
          'div',
          { class: 'confirm', role: 'group', 'aria-label': 'Confirm cancellation' },
          h('p', {}, 'Cancel this order? Reserved stock is released.'),
          yes,
          no,
        ),
      );
      yes.focus();
    });
    replace(cancelArea, ask);
  };

  const render = () => {
    const info = ORDER_STATUS[order.status];
    replace(statusLine, statusBadge(order.status), ' ', h('span', {}, info?.explain ?? ''));
    replace(steps, progress(order));
    replace(
      history,
      ...order.history.map((entry) =>
        h(
          'li',
          {},
          h('strong', {}, ORDER_STATUS[entry.status]?.label ?? entry.status),
          ' · ',
          h('time', { datetime: entry.at }, dateTime(entry.at)),
          entry.reason ? ` — ${entry.reason}` : '',
        ),
      ),
    );
    liveNote.textContent = isFinal(order.status) ? '' : 'This page updates by itself as the order moves on.';
    renderCancel();
    renderShipping();
  };

  const renderShipping = () => {
    if (shippingFor !== order.status && order.status !== 'PENDING' && order.status !== 'REJECTED') {
      shippingFor = order.status;
      void shipmentInfo(app, order.id)
        .then((node) => {
          // Same news again: leave the page (and screen readers) alone.
          if (!ctx.signal.aborted && node.textContent !== shipping.textContent) replace(shipping, node);
        })
        .catch(() => {});
    } else if (order.status === 'PENDING' || order.status === 'REJECTED') {
      replace(
        shipping,
        h(
          'p',
          { class: 'hint' },
          order.status === 'REJECTED' ? 'Nothing will be shipped.' : 'A shipment is created once the order is confirmed.',
        ),
      );
    }
  };

  const refresh = async () => {
    try {
      order = await app.api.get('/api/orders/{id}', { path: { id: order.id }, auth: true });
      liveNote.classList.remove('stale');
    } catch (error) {
      if (error instanceof SessionExpiredError) {
        fail(app, error, 'Following the order');
        throw error;
      }
      liveNote.textContent = 'Live updates are paused: the orders cell does not answer right now. Retrying…';
      liveNote.classList.add('stale');
      return true;
    }
    if (ctx.signal.aborted) return false;
    render();
    return !isFinal(order.status);
  };

  page(
    ctx,
    `Order ${order.id}`,
    h(
      'section',
      { class: 'panel', 'aria-labelledby': 'status-title' },
      h('h2', { id: 'status-title' }, 'Status'),
      statusLine,
      steps,
      liveNote,
      cancelArea,
    ),
    h(
      'div',
      { class: 'columns' },
      h(
        'section',
        { class: 'panel', 'aria-labelledby': 'items-title' },
        h('h2', { id: 'items-title' }, 'Items'),
        h(
          'table',
          { class: 'table' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              h('th', { scope: 'col' }, 'Product'),
              h('th', { scope: 'col', class: 'num' }, 'Quantity'),
              h('th', { scope: 'col', class: 'num' }, 'Price'),
              h('th', { scope: 'col', class: 'num' }, 'Subtotal'),
            ),
          ),
          h(
            'tbody',
            {},
            ...order.lines.map((l) =>
              h(
                'tr',
                {},
                h('th', { scope: 'row' }, l.name),
                h('td', { class: 'num' }, l.quantity),
                h('td', { class: 'num' }, money(l.unitPrice, order.currency)),
                h('td', { class: 'num' }, money(l.lineTotal, order.currency)),
              ),
            ),
          ),
          h(
            'tfoot',
            {},
            h(
              'tr',
              {},
              h('th', { scope: 'row', colspan: 3 }, 'Total'),
              h('td', { class: 'num total' }, money(order.total, order.currency)),
            ),
          ),
        ),
      ),
      h(
        'section',
        { class: 'panel', 'aria-labelledby': 'ship-title' },
        h('h2', { id: 'ship-title' }, 'Shipping'),
        h(
          'address',
          {},
          ...[
            order.shippingAddress.name,
            order.shippingAddress.line1,
            order.shippingAddress.line2,
            `${order.shippingAddress.postalCode} ${order.shippingAddress.city}`,
            order.shippingAddress.country,
          ]
            .filter(Boolean)
            .flatMap((l) => [l, h('br')]),
        ),
        shipping,
        h('h3', {}, 'History'),
        history,
      ),
    ),
    h('p', {}, h('a', { href: '/orders' }, '← All my orders')),
  );
  render();
  if (isFinal(order.status)) return;
  void followOrders({
    api: app.api,
    signal: ctx.signal,
    onOrder: (changed) => {
      // The stream starts with where the order stands: no news when the page has that already.
      if (changed.id !== order.id || changed.updatedAt === order.updatedAt || ctx.signal.aborted) return;
      order = changed;
      render();
    },
    onLive: () => void refresh().catch(() => {}),
    fallback: () => poll(ctx.signal, 1_000, refresh),
  });
  // Shipping details come from another cell, not with the order's changes: looked at again every few seconds.
  poll(ctx.signal, 5_000, async () => {
    shippingFor = '';
    renderShipping();
    return !isFinal(order.status);
  });
};
