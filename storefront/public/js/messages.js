// What the user reads when something goes wrong: one place that turns errors into plain sentences.
import { ApiError, NetworkError, SessionExpiredError } from './api.js';

/**
 * @typedef {{ tone: 'error' | 'warning' | 'info' | 'success', text: string, action?: { label: string, href: string }, fields?: { path: string, message: string }[] }} Message
 */

/**
 * @param {unknown} error
 * @param {{ doing: string, where?: string }} context `doing`: what the user tried, e.g. "Ordering";
 *   `where`: the page to come back to after signing in again.
 * @returns {Message}
 */
export function explain(error, context) {
  if (error instanceof SessionExpiredError) {
    const next = context.where ? `?next=${encodeURIComponent(context.where)}` : '';
    return {
      tone: 'warning',
      text: 'Your session has expired. Please sign in again — your cart is kept.',
      action: { label: 'Sign in', href: `/signin${next}` },
    };
  }
  if (error instanceof NetworkError)
    return { tone: 'error', text: `${context.doing} failed: the shop cannot be reached. Check your connection and try again.` };
  if (error instanceof ApiError) {
    const detail = error.problem.detail ?? error.problem.error_description ?? '';
    // The token endpoint's RFC 6749 answer to a wrong e-mail or password (400 invalid_grant).
    if (error.problem.error === 'invalid_grant')
      return { tone: 'error', text: `${context.doing} failed: ${detail || 'wrong e-mail or password.'}` };
    switch (error.status) {
      case 400:
        return {
          tone: 'error',
          text: `Please check the form: ${detail || 'some values are not valid.'}`,
          fields: error.problem.errors ?? [],
        };
      case 403:
        return { tone: 'error', text: `${context.doing} is not allowed for this account. ${detail}`.trim() };
      case 404:
        return { tone: 'error', text: detail || 'Not found.' };
      case 409:
        return { tone: 'error', text: detail || 'That conflicts with the current state; reload and try again.' };
      case 412:
      case 428:
        // Someone changed it since this page read it (or the page never knew its version): nothing was saved.
        return {
          tone: 'warning',
          text: 'This was changed by someone else meanwhile, so your change was not saved. Reload the page and make it again.',
        };
      case 429:
        return { tone: 'warning', text: `Too many requests; please wait ${error.retryAfter ?? 1} s and try again.` };
      case 503:
      case 502:
      case 504:
        // The cells say which part is down ("The shipping cell is unavailable…"); pass that on.
        return { tone: 'error', text: `${context.doing} is unavailable right now. ${detail}`.trim() };
      default:
        return { tone: 'error', text: `${context.doing} failed (${error.status}). ${detail}`.trim() };
    }
  }
  return { tone: 'error', text: `${context.doing} failed unexpectedly. Please reload the page.` };
}
