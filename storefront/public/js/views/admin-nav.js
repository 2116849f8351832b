import { h } from '../dom.js';

const SECTIONS = [
  ['/admin/products', 'Products'],
  ['/admin/stock', 'Stock'],
  ['/admin/shipments', 'Shipments'],
];

/** The operators' sections. @param {string} current */
export function adminNav(current) {
  return h(
    'nav',
    { class: 'subnav', 'aria-label': 'Admin' },
    h('ul', {}, ...SECTIONS.map(([href, label]) => h('li', {}, h('a', { href, 'aria-current': href === current ? 'page' : null }, label)))),
  );
}
