// Sign in with a demo account (OAuth2 password grant against gateway-global's token service).
import { field, formValues, h, replace } from '../dom.js';
import { explain } from '../messages.js';
import { page } from './common.js';

/** @typedef {import('../app.js').App} App */

const DEMO_USERS = [
  ['alice@example.com', 'alice', 'customer'],
  ['bob@example.com', 'bob', 'customer'],
  ['admin@example.com', 'admin', 'operator: products, stock, shipments'],
];

/** Only paths of this shop, so a crafted link cannot send the user elsewhere after signing in. @param {string | null} next */
export const safeNext = (next) => (next && /^\/(?!\/)/.test(next) && !/^\/(signin|register)\b/.test(next) ? next : '/');

/** @param {App} app */
export const signInView = (app) => /** @param {import('../router.js').ViewContext} ctx */ (ctx) => {
  const next = safeNext(ctx.query.get('next'));
  const error = h('div', { class: 'form-error', role: 'alert' });
  const submit = h('button', { type: 'submit', class: 'button button-primary' }, 'Sign in');
  const form = h(
    'form',
    { class: 'form form-narrow' },
    field({ label: 'Email', name: 'email', type: 'email', required: true, autocomplete: 'username' }),
    field({ label: 'Password', name: 'password', type: 'password', required: true, autocomplete: 'current-password' }),
    error,
    h('div', { class: 'actions' }, submit),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const { email = '', password = '' } = formValues(form);
    replace(error);
    submit.disabled = true;
    try {
      await app.api.signIn(email, password);
      await app.navigate(next, { replace: true });
      app.notices.show({ tone: 'success', text: `Signed in as ${email}.` });
    } catch (e) {
      replace(error, h('p', {}, explain(e, { doing: 'Signing in' }).text));
      submit.disabled = false;
    }
  });

  const current = app.session.current();
  page(
    ctx,
    'Sign in',
    app.session.isActive() && current
      ? h('p', { class: 'inline-message inline-info' }, `You are signed in as ${current.email}. Signing in again switches the account.`)
      : null,
    form,
    h(
      'p',
      { class: 'form-switch' },
      'New here? ',
      h('a', { href: next === '/' ? '/register' : `/register?next=${encodeURIComponent(next)}` }, 'Create account'),
    ),
    h(
      'aside',
      { class: 'demo-users', 'aria-labelledby': 'demo-title' },
      h('h2', { id: 'demo-title' }, 'Demo accounts'),
      h(
        'ul',
        {},
        ...DEMO_USERS.map(([email, password, role]) =>
          h('li', {}, h('code', {}, email), ' / ', h('code', {}, password ?? ''), ` — ${role}`),
        ),
      ),
    ),
  );
};
