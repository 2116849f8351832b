// The cart lives in the browser (localStorage), so it survives a reload, a sign-out and an expired session.

/**
 * @typedef {{ amount: number, currency: string }} Money
 * @typedef {{ sku: string, name: string, price: Money, quantity: number }} CartLine
 */

/** The API takes 1–100 units per line. */
export const MAX_QUANTITY = 100;

/** @param {number} n */
const clampQuantity = (n) => Math.min(MAX_QUANTITY, Math.max(1, Math.floor(Number.isFinite(n) ? n : 1)));

/**
 * @param {unknown} value
 * @returns {value is CartLine}
 */
function isLine(value) {
  if (!value || typeof value !== 'object') return false;
  const v = /** @type {Record<string, any>} */ (value);
  return (
    typeof v.sku === 'string' &&
    typeof v.name === 'string' &&
    typeof v.quantity === 'number' &&
    typeof v.price?.amount === 'number' &&
    typeof v.price?.currency === 'string'
  );
}

/**
 * @param {Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>} storage
 * @param {string} [key]
 */
export function createCart(storage, key = 'retail.cart') {
  /** @type {Set<() => void>} */
  const listeners = new Set();

  /** @returns {CartLine[]} */
  const read = () => {
    try {
      const parsed = JSON.parse(storage.getItem(key) ?? '[]');
      return Array.isArray(parsed) ? parsed.filter(isLine) : [];
    } catch {
      return []; // a damaged cart is an empty cart, not a broken shop
    }
  };

  /** @param {CartLine[]} lines */
  const write = (lines) => {
    if (lines.length === 0) storage.removeItem(key);
    else storage.setItem(key, JSON.stringify(lines));
    for (const listener of listeners) listener();
  };

  return {
    lines: read,
    /** Units over all lines. */
    count: () => read().reduce((n, line) => n + line.quantity, 0),
    /**
     * Add units of a product; adding one already in the cart raises its quantity.
     * @param {{ sku: string, name: string, price: Money }} product
     * @param {number} [quantity]
     */
    add(product, quantity = 1) {
      const lines = read();
      const existing = lines.find((l) => l.sku === product.sku);
      if (existing) existing.quantity = clampQuantity(existing.quantity + quantity);
      else lines.push({ sku: product.sku, name: product.name, price: product.price, quantity: clampQuantity(quantity) });
      write(lines);
    },
    /** @param {string} sku @param {number} quantity */
    setQuantity(sku, quantity) {
      write(read().map((l) => (l.sku === sku ? { ...l, quantity: clampQuantity(quantity) } : l)));
    },
    /** @param {string} sku */
    remove(sku) {
      write(read().filter((l) => l.sku !== sku));
    },
    clear: () => write([]),
    /**
     * The sum as shown before checkout (checkout prices it again, authoritatively); null for an empty
     * cart or mixed currencies.
     * @returns {Money | null}
     */
    total() {
      const lines = read();
      const currency = lines[0]?.price.currency;
      if (!currency || lines.some((l) => l.price.currency !== currency)) return null;
      return { amount: lines.reduce((sum, l) => sum + l.price.amount * l.quantity, 0), currency };
    },
    /** @param {() => void} listener */
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    /** Another tab changed the cart. */
    changedElsewhere() {
      for (const listener of listeners) listener();
    },
  };
}

/** @typedef {ReturnType<typeof createCart>} Cart */
