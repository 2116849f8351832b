// How amounts, times, statuses and availability read on screen.

/**
 * Prices travel as integer minor units (cents); shown in the shop's locale.
 * @param {number} amount
 * @param {string} currency
 */
export function money(amount, currency) {
  return new Intl.NumberFormat('en-US', { style: 'currency', currency }).format(amount / 100);
}

/** @param {string} iso */
export function dateTime(iso) {
  return new Date(iso).toLocaleString('en-US', { dateStyle: 'medium', timeStyle: 'medium' });
}

/** Order ids are long; lists show the start, detail pages the whole. @param {string} id */
export const shortId = (id) => (id.length > 10 ? id.slice(0, 8) : id);

/** @typedef {import('../../src/api-types.ts').Schemas['OrderStatus']} OrderStatus */

/** @type {Record<OrderStatus, { label: string, explain: string, tone: string }>} */
export const ORDER_STATUS = {
  PENDING: { label: 'Pending', explain: 'Received; reserving stock.', tone: 'wait' },
  CONFIRMED: { label: 'Confirmed', explain: 'Stock reserved; waiting to be dispatched.', tone: 'ok' },
  SHIPPED: { label: 'Shipped', explain: 'Handed to the carrier.', tone: 'ok' },
  DELIVERED: { label: 'Delivered', explain: 'Delivered to the shipping address.', tone: 'done' },
  REJECTED: { label: 'Rejected', explain: 'Not enough stock for this order; nothing was charged.', tone: 'bad' },
  CANCELLED: { label: 'Cancelled', explain: 'Cancelled; the reserved stock was released.', tone: 'muted' },
};

/** The usual path of an order, for the progress steps. */
export const ORDER_STEPS = /** @type {const} */ (['PENDING', 'CONFIRMED', 'SHIPPED', 'DELIVERED']);

/** Statuses after which an order never changes again. @param {string} status */
export const isFinal = (status) => status === 'DELIVERED' || status === 'REJECTED' || status === 'CANCELLED';

/** Customers may cancel until the parcel is dispatched. @param {string} status */
export const isCancellable = (status) => status === 'PENDING' || status === 'CONFIRMED';

/**
 * @param {import('../../src/api-types.ts').Schemas['Availability']} availability
 * @returns {{ text: string, tone: string, orderable: boolean }}
 */
export function availabilityLabel(availability) {
  switch (availability.status) {
    case 'in_stock':
      return { text: 'In stock', tone: 'ok', orderable: true };
    case 'low_stock':
      return { text: `Only ${availability.available ?? 'a few'} left`, tone: 'warn', orderable: true };
    case 'out_of_stock':
      return { text: 'Out of stock', tone: 'bad', orderable: false };
    default:
      return { text: 'Availability unknown', tone: 'muted', orderable: true };
  }
}

/**
 * Reserved example domains (RFC 2606) never resolve, so their images are not fetched at all.
 * @param {string | null} url
 */
export function displayableImage(url) {
  if (!url) return null;
  try {
    const host = new URL(url).hostname;
    return /(^|\.)(example\.(com|net|org)|test|invalid|localhost)$/.test(host) ? null : url;
  } catch {
    return null;
  }
}
