// What every view is given: the API client, the cart, the session, the notices and navigation.

/**
 * @typedef {{
 *   api: import('./api.js').Api,
 *   cart: import('./cart.js').Cart,
 *   session: import('./session.js').Session,
 *   notices: import('./notices.js').Notices,
 *   navigate: (url: string, options?: { replace?: boolean }) => Promise<void>,
 * }} App
 */

export {};
