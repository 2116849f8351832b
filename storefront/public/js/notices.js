// Messages at the top of the page. Errors and warnings are alerts (read out at once); the rest are status.
import { h } from './dom.js';

/** @typedef {import('./messages.js').Message} Message */

/** @param {HTMLElement} container */
export function createNotices(container) {
  return {
    /** @param {Message} message */
    show(message) {
      const urgent = message.tone === 'error' || message.tone === 'warning';
      const notice = h(
        'div',
        { class: `notice notice-${message.tone}`, role: urgent ? 'alert' : 'status' },
        h('p', {}, message.text),
        message.action ? h('a', { class: 'button button-small', href: message.action.href }, message.action.label) : null,
        h('button', { type: 'button', class: 'notice-close', 'aria-label': 'Dismiss message', onclick: () => notice.remove() }, '×'),
      );
      // One notice per text: repeating the same failure (e.g. while polling) does not stack copies.
      for (const old of container.querySelectorAll('.notice')) if (old.firstChild?.textContent === message.text) old.remove();
      container.append(notice);
    },
    clear() {
      container.replaceChildren();
    },
  };
}

/** @typedef {ReturnType<typeof createNotices>} Notices */
