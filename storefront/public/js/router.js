// History-API routing: each page of the shop has its own URL, and gateway-global answers any such URL
// with index.html, so reloads and bookmarks work.

/**
 * @typedef {{ params: Record<string, string>, query: URLSearchParams, main: HTMLElement, signal: AbortSignal, path: string }} ViewContext
 * @typedef {(ctx: ViewContext) => Promise<void> | void} View
 * @typedef {{ pattern: string, view: View }} Route
 */

/**
 * `/orders/:id` → a matcher returning `{ id }`.
 * @param {string} pattern
 */
function compile(pattern) {
  /** @type {string[]} */
  const names = [];
  const source = pattern.replace(/:([a-z]+)/g, (_, name) => {
    names.push(name);
    return '([^/]+)';
  });
  const regex = new RegExp(`^${source}/?$`);
  /** @param {string} path */
  return (path) => {
    const match = regex.exec(path);
    if (!match) return null;
    return Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(match[i + 1] ?? '')]));
  };
}

/**
 * @param {{ routes: Route[], notFound: View, main: HTMLElement, beforeRender: () => void }} options
 */
export function createRouter(options) {
  const table = options.routes.map((r) => ({ match: compile(r.pattern), view: r.view }));
  /** @type {AbortController | undefined} */
  let current;
  let first = true;

  const render = async () => {
    current?.abort(); // stops the previous page's polling and keeps its late answers off the new page
    const controller = new AbortController();
    current = controller;
    const { pathname, search } = window.location;
    options.beforeRender();
    let view = options.notFound;
    /** @type {Record<string, string>} */
    let params = {};
    for (const route of table) {
      const found = route.match(pathname);
      if (found) {
        view = route.view;
        params = found;
        break;
      }
    }
    const main = options.main;
    main.replaceChildren();
    main.setAttribute('aria-busy', 'true');
    try {
      await view({ params, query: new URLSearchParams(search), main, signal: controller.signal, path: pathname + search });
    } finally {
      if (controller === current) main.removeAttribute('aria-busy');
    }
    // After a navigation, move focus to the new page's heading, as a full page load would; unless a
    // later navigation owns the page now.
    if (!first && controller === current) {
      const heading = /** @type {HTMLElement | null} */ (main.querySelector('h1'));
      heading?.setAttribute('tabindex', '-1');
      heading?.focus();
    }
    first = false;
  };

  /**
   * @param {string} url
   * @param {{ replace?: boolean }} [opts]
   */
  const navigate = (url, opts = {}) => {
    if (opts.replace) history.replaceState(null, '', url);
    else history.pushState(null, '', url);
    window.scrollTo(0, 0);
    return render();
  };

  document.addEventListener('click', (event) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const link = /** @type {Element | null} */ (event.target instanceof Element ? event.target : null)?.closest('a[href]');
    if (!(link instanceof HTMLAnchorElement) || link.target || link.hasAttribute('download')) return;
    const url = new URL(link.href);
    // The console and the API are not pages of this app.
    if (url.origin !== location.origin || /^\/(console|api|auth)(\/|$)/.test(url.pathname)) return;
    event.preventDefault();
    void navigate(url.pathname + url.search);
  });
  window.addEventListener('popstate', () => void render());

  return { render, navigate, /** Re-render the current page (e.g. after signing in or out). */ refresh: () => render() };
}
