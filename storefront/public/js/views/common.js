// Building blocks shared by the pages.
import { h, replace } from '../dom.js';
import { explain } from '../messages.js';
import { SessionExpiredError } from '../api.js';

/** @typedef {import('../app.js').App} App */
/** @typedef {import('../router.js').ViewContext} ViewContext */

/**
 * Start a page: its title (tab and heading) and content.
 * @param {ViewContext} ctx
 * @param {string} title
 * @param {...(Node | string | null | false | undefined)} children
 */
export function page(ctx, title, ...children) {
  // A page whose data arrived after the person moved on must not overwrite the page they are on now.
  if (ctx.signal.aborted) return;
  document.title = `${title} · Cellular Retail`;
  replace(ctx.main, h('h1', {}, title), ...children);
}

/**
 * Tell the user why something failed, at the top of the page.
 * @param {App} app
 * @param {unknown} error
 * @param {string} doing
 */
export function fail(app, error, doing) {
  app.notices.show(explain(error, { doing, where: location.pathname + location.search }));
}

/**
 * A short inline message in place of content that could not be shown.
 * @param {unknown} error
 * @param {string} doing
 */
export function inlineProblem(error, doing) {
  const message = explain(error, { doing, where: location.pathname + location.search });
  return h(
    'div',
    { class: `inline-message inline-${message.tone}`, role: 'alert' },
    h('p', {}, message.text),
    message.action ? h('a', { class: 'button button-small', href: message.action.href }, message.action.label) : null,
  );
}

/**
 * Pages for signed-in customers: without a session, say so and offer sign-in instead.
 * @param {App} app
 * @param {ViewContext} ctx
 * @param {string} title
 * @param {string} why e.g. "to see your orders"
 */
export function requireSignIn(app, ctx, title, why) {
  if (app.session.isActive()) return true;
  const expired = app.session.isExpired();
  if (expired) app.session.end();
  const next = encodeURIComponent(ctx.path);
  page(
    ctx,
    title,
    h(
      'div',
      { class: 'inline-message inline-warning', role: expired ? 'alert' : null },
      h('p', {}, expired ? `Your session has expired. Please sign in again ${why} — your cart is kept.` : `Please sign in ${why}.`),
      h('a', { class: 'button', href: `/signin?next=${next}` }, 'Sign in'),
    ),
  );
  return false;
}

/**
 * Operator pages: need the admin scopes.
 * @param {App} app
 * @param {ViewContext} ctx
 * @param {string} title
 */
export function requireAdmin(app, ctx, title) {
  if (!requireSignIn(app, ctx, title, 'as an operator')) return false;
  if (app.session.isAdmin()) return true;
  page(
    ctx,
    title,
    h(
      'div',
      { class: 'inline-message inline-warning' },
      h('p', {}, 'This page is for operators. Sign out and sign in as admin@example.com to use it.'),
    ),
  );
  return false;
}

/**
 * @param {string} text
 * @param {string} tone
 * @param {Record<string, string>} [attrs]
 */
export const badge = (text, tone, attrs = {}) => h('span', { class: `badge badge-${tone}`, ...attrs }, text);

/**
 * Call `tick` every `everyMs` until the page is left (signal) or `tick` returns false. Paused while
 * the tab is hidden, so a forgotten tab does not keep asking.
 * @param {AbortSignal} signal
 * @param {number} everyMs
 * @param {() => Promise<boolean | void>} tick
 */
export function poll(signal, everyMs, tick) {
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  const schedule = () => {
    if (!signal.aborted) timer = setTimeout(run, everyMs);
  };
  const run = async () => {
    if (signal.aborted) return;
    if (document.visibilityState === 'hidden') return schedule();
    let goOn = true;
    try {
      goOn = (await tick()) !== false;
    } catch (error) {
      if (error instanceof SessionExpiredError) goOn = false;
    }
    if (goOn) schedule();
  };
  signal.addEventListener('abort', () => clearTimeout(timer));
  schedule();
}

/** @param {string} text */
export const loading = (text = 'Loading…') => h('p', { class: 'loading', role: 'status' }, text);

/**
 * The coloured tile that stands for a product picture (or holds the picture when it can be shown).
 * @param {{ name: string, category: string, imageUrl: string | null }} product
 * @param {string | null} image
 */
export function productTile(product, image) {
  const initials = product.name
    .split(/\s+/)
    .filter((w) => /^[A-Za-z]/.test(w))
    .slice(0, 2)
    .map((w) => w[0]?.toUpperCase())
    .join('');
  const tile = h('div', { class: `tile tile-${product.category}`, 'aria-hidden': 'true' }, h('span', {}, initials || '•'));
  if (image) {
    const img = h('img', { src: image, alt: '', loading: 'lazy' });
    img.addEventListener('error', () => img.remove());
    tile.append(img);
  }
  return tile;
}
