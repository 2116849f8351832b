// Create a customer account (gateway-global's /auth/register), then sign in with it as the sign-in page does.
import { ApiError } from '../api.js';
import { field, formValues, h, replace, showFieldErrors } from '../dom.js';
import { explain } from '../messages.js';
import { page } from './common.js';
import { safeNext } from './signin.js';

/** @typedef {import('../app.js').App} App */

/** @param {App} app */
export const registerView = (app) => /** @param {import('../router.js').ViewContext} ctx */ (ctx) => {
  const next = safeNext(ctx.query.get('next'));
  const error = h('div', { class: 'form-error', role: 'alert' });
  const submit = h('button', { type: 'submit', class: 'button button-primary' }, 'Create account');
  const form = h(
    'form',
    { class: 'form form-narrow', 'aria-label': 'Create account' },
    field({ label: 'Name', name: 'name', required: true, autocomplete: 'name', attrs: { maxlength: 100 } }),
    field({ label: 'Email', name: 'email', type: 'email', required: true, autocomplete: 'email' }),
    field({
      label: 'Password',
      name: 'password',
      type: 'password',
      required: true,
      autocomplete: 'new-password',
      hint: 'At least 10 characters; not your email address or a common password.',
      attrs: { minlength: 10 },
    }),
    error,
    h('div', { class: 'actions' }, submit),
  );

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const { name = '', email = '', password = '' } = formValues(form);
    showFieldErrors(form, []);
    replace(error);
    submit.disabled = true;
    let created;
    try {
      created = await app.api.register({ name, email, password });
    } catch (e) {
      const message = explain(e, { doing: 'Creating your account' });
      // A taken e-mail (409) belongs next to the e-mail field, like the field errors of a 400.
      const fields = message.fields ?? (e instanceof ApiError && e.status === 409 ? [{ path: 'email', message: message.text }] : []);
      const unmatched = showFieldErrors(form, fields);
      replace(error, h('p', {}, fields.length && unmatched.length === 0 ? 'Please correct the marked fields.' : message.text));
      /** @type {HTMLElement | null} */ (form.querySelector('[aria-invalid="true"]'))?.focus();
      submit.disabled = false;
      return;
    }
    try {
      await app.api.signIn(created.email, password);
      await app.navigate(next, { replace: true });
      app.notices.show({ tone: 'success', text: `Welcome, ${created.name}! Your account is ready. Signed in as ${created.email}.` });
    } catch (e) {
      replace(
        error,
        h('p', {}, `Your account was created, but signing in failed: ${explain(e, { doing: 'Signing in' }).text}`),
        h('a', { class: 'button button-small', href: `/signin?next=${encodeURIComponent(next)}` }, 'Sign in'),
      );
    }
  });

  page(
    ctx,
    'Create account',
    form,
    h(
      'p',
      { class: 'form-switch' },
      'Already have an account? ',
      h('a', { href: next === '/' ? '/signin' : `/signin?next=${encodeURIComponent(next)}` }, 'Sign in'),
    ),
  );
};
