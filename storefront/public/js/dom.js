// Tiny DOM helpers. Text always goes in as text nodes, never as HTML, so data from the API cannot inject markup.

/**
 * @typedef {string | number | Node | null | undefined | false} Child
 * @typedef {Record<string, string | number | boolean | null | undefined | EventListener>} Attrs
 */

/**
 * Create an element: `h('button', { type: 'button', onclick: fn }, 'Add')`.
 * `on*` attributes become listeners; `true` sets a boolean attribute, `false`/null/undefined leave it out.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Attrs} [attrs]
 * @param {...(Child | Child[])} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === false || value === null || value === undefined) continue;
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (value === true) el.setAttribute(key, '');
    else el.setAttribute(key, String(value));
  }
  append(el, children);
  return el;
}

/**
 * @param {Element} parent
 * @param {(Child | Child[])[]} children
 */
export function append(parent, children) {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child instanceof Node ? child : String(child));
  }
}

/**
 * Replace everything inside `parent`.
 * @param {Element} parent
 * @param {...(Child | Child[])} children
 */
export function replace(parent, ...children) {
  parent.replaceChildren();
  append(parent, children);
}

/**
 * The values of a form's named fields as strings (trimmed).
 * @param {HTMLFormElement} form
 * @returns {Record<string, string>}
 */
export function formValues(form) {
  /** @type {Record<string, string>} */
  const values = {};
  for (const [key, value] of new FormData(form)) values[key] = typeof value === 'string' ? value.trim() : '';
  return values;
}

/**
 * A labelled form field. The label is tied to the input, so tests and screen readers find it by name.
 * @param {{ label: string, name: string, type?: string, value?: string | number, required?: boolean, hint?: string, autocomplete?: string, attrs?: Attrs }} spec
 */
export function field(spec) {
  const id = `f-${spec.name}-${Math.random().toString(36).slice(2, 8)}`;
  const hintId = spec.hint ? `${id}-hint` : undefined;
  return h(
    'div',
    { class: 'field' },
    h('label', { for: id }, spec.label),
    h('input', {
      id,
      name: spec.name,
      type: spec.type ?? 'text',
      value: spec.value ?? '',
      required: spec.required ?? false,
      autocomplete: spec.autocomplete,
      'aria-describedby': hintId,
      ...spec.attrs,
    }),
    spec.hint ? h('p', { class: 'hint', id: hintId }, spec.hint) : null,
    h('p', { class: 'field-error', 'data-error-for': spec.name, hidden: true }),
  );
}

/**
 * Show the API's field errors next to the fields (by their `name`), and mark those fields invalid.
 * @param {HTMLFormElement} form
 * @param {{ path: string, message: string }[]} errors
 * @returns {string[]} the messages that matched no field
 */
export function showFieldErrors(form, errors) {
  for (const el of form.querySelectorAll('[data-error-for]')) {
    el.textContent = '';
    el.setAttribute('hidden', '');
  }
  for (const input of form.querySelectorAll('[aria-invalid]')) input.removeAttribute('aria-invalid');
  /** @type {string[]} */
  const unmatched = [];
  for (const error of errors) {
    const name = error.path.split('.').pop() ?? '';
    const slot = form.querySelector(`[data-error-for="${CSS.escape(name)}"]`);
    const input = form.querySelector(`[name="${CSS.escape(name)}"]`);
    if (!slot || !input) {
      unmatched.push(error.path ? `${error.path}: ${error.message}` : error.message);
      continue;
    }
    slot.textContent = error.message;
    slot.removeAttribute('hidden');
    input.setAttribute('aria-invalid', 'true');
    if (slot.id === '') slot.id = `${input.id}-error`;
    input.setAttribute('aria-errormessage', slot.id);
  }
  return unmatched;
}
