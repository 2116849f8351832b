// Operators: shipments waiting for the carrier, and the dispatch and delivery steps.
import { h, replace } from '../dom.js';
import { dateTime } from '../format.js';
import { SessionExpiredError } from '../api.js';
import { adminNav } from './admin-nav.js';
import { badge, fail, inlineProblem, loading, page, poll, requireAdmin } from './common.js';

/** @typedef {import('../app.js').App} App */
/** @typedef {import('../../../src/api-types.ts').Schemas} Schemas */
/** @typedef {Schemas['Shipment']} Shipment */

const TONES = { PENDING: 'wait', DISPATCHED: 'ok', DELIVERED: 'done', CANCELLED: 'muted' };
const FILTERS = [
  ['', 'All'],
  ['PENDING', 'Waiting for dispatch'],
  ['DISPATCHED', 'Dispatched'],
  ['DELIVERED', 'Delivered'],
  ['CANCELLED', 'Cancelled'],
];

/** @param {string} s */
const label = (s) => s.charAt(0) + s.slice(1).toLowerCase();

/** @param {App} app */
export const adminShipmentsView = (app) => /** @param {import('../router.js').ViewContext} ctx */ async (ctx) => {
  if (!requireAdmin(app, ctx, 'Shipments')) return;
  const status = ctx.query.get('status') ?? '';
  const filter = h(
    'select',
    { id: 'shipment-filter' },
    ...FILTERS.map(([value, text]) => h('option', { value, selected: value === status }, text)),
  );
  filter.addEventListener('change', () => void app.navigate(filter.value ? `/admin/shipments?status=${filter.value}` : '/admin/shipments'));
  const content = h('div', {}, loading('Loading shipments…'));
  page(
    ctx,
    'Shipments',
    adminNav('/admin/shipments'),
    h(
      'div',
      { class: 'filters' },
      h('div', { class: 'field field-inline' }, h('label', { for: 'shipment-filter' }, 'Show'), filter),
      h('p', { class: 'hint' }, 'New shipments appear by themselves.'),
    ),
    content,
  );

  /**
   * @param {Shipment} shipment
   * @param {'dispatch' | 'deliver'} step
   * @param {HTMLButtonElement} button
   */
  const act = async (shipment, step, button) => {
    button.disabled = true;
    try {
      await app.api.post(`/api/shipments/{id}/${step}`, { path: { id: shipment.id } });
      app.notices.show({
        tone: 'success',
        text: `${step === 'dispatch' ? 'Dispatched' : 'Delivered'} the shipment of order ${shipment.orderId}.`,
      });
    } catch (error) {
      fail(app, error, step === 'dispatch' ? 'Dispatching' : 'Delivering');
    }
    await load();
  };

  /** @param {Shipment} s */
  const actions = (s) => {
    if (s.status !== 'PENDING' && s.status !== 'DISPATCHED') return null;
    const step = s.status === 'PENDING' ? 'dispatch' : 'deliver';
    const button = h(
      'button',
      {
        type: 'button',
        class: 'button button-small',
        'aria-label': `${step === 'dispatch' ? 'Dispatch' : 'Deliver'} shipment of order ${s.orderId}`,
      },
      step === 'dispatch' ? 'Dispatch' : 'Deliver',
    );
    button.addEventListener('click', () => void act(s, step, button));
    return button;
  };

  const load = async () => {
    /** @type {Schemas['ShipmentPage']} */
    let found;
    try {
      const query = { pageSize: 100, status: /** @type {Schemas['ShipmentStatus'] | undefined} */ (status || undefined) };
      found = await app.api.get('/api/shipments', { query, auth: true });
    } catch (error) {
      replace(content, inlineProblem(error, 'Listing shipments'));
      return !(error instanceof SessionExpiredError);
    }
    if (ctx.signal.aborted) return false;
    // Keep focus where it was: a refresh must not pull the keyboard away from a row's button.
    const focused = document.activeElement?.getAttribute('aria-label');
    replace(
      content,
      found.items.length === 0
        ? h('p', {}, 'No shipments here.')
        : h(
            'table',
            { class: 'table' },
            h('caption', { class: 'visually-hidden' }, 'Shipments, newest first'),
            h(
              'thead',
              {},
              h('tr', {}, ...['Order', 'Items', 'Status', 'Carrier', 'Tracking', 'Created', ''].map((t) => h('th', { scope: 'col' }, t))),
            ),
            h(
              'tbody',
              {},
              ...found.items.map((s) =>
                h(
                  'tr',
                  {},
                  h('th', { scope: 'row' }, h('code', {}, s.orderId)),
                  h('td', {}, s.lines.map((l) => `${l.quantity} × ${l.sku}`).join(', ')),
                  h('td', {}, badge(label(s.status), TONES[s.status] ?? 'muted')),
                  h('td', {}, s.carrier),
                  h('td', {}, h('code', {}, s.trackingNumber)),
                  h('td', {}, dateTime(s.createdAt)),
                  h('td', {}, actions(s)),
                ),
              ),
            ),
          ),
    );
    if (focused) /** @type {HTMLElement | null} */ (content.querySelector(`[aria-label="${CSS.escape(focused)}"]`))?.focus();
    return true;
  };

  await load();
  poll(ctx.signal, 2_000, load);
};
