// @ts-check
// The console's REST calls: the session cookie goes with each, writes carry the CSRF token,
// and a refusal is an ApiProblem with the server's status and stable code, which problemText()
// puts in the user's words.
import { hasText, t } from './i18n.js';

export class ApiProblem extends Error {
  /**
   * @param {number} status
   * @param {string} code
   * @param {string} message
   */
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

let csrfToken = '';

/** @param {string} token the session's, from signing in ('' after signing out) */
export function setCsrfToken(token) {
  csrfToken = token;
}

/** The headers a write other than through api() (a file upload) needs. */
export function csrfHeaders() {
  return { 'X-CSRF-Token': csrfToken };
}

/**
 * @param {string} method
 * @param {string} path
 * @param {object} [body]
 * @returns {Promise<any>}
 */
export async function api(method, path, body) {
  /** @type {Record<string, string>} */
  const headers = {};
  if (body) headers['Content-Type'] = 'application/json';
  if (method !== 'GET') headers['X-CSRF-Token'] = csrfToken;
  const response = await fetch(path, { method, headers, body: body ? JSON.stringify(body) : undefined });
  const text = await response.text();
  const data = text ? JSON.parse(text) : null;
  if (!response.ok) throw new ApiProblem(response.status, data?.code ?? '', data?.detail ?? response.statusText);
  return data;
}

/**
 * What went wrong, as the console says it in the user's language: the words for the server's
 * code where the page has them, else the server's own detail.
 * @param {unknown} error
 */
export function problemText(error) {
  if (error instanceof ApiProblem) {
    if (hasText(`problem.${error.code}`)) return t(`problem.${error.code}`);
    if (error.status >= 500) return t('problem.server');
    return error.message;
  }
  if (error instanceof TypeError) return t('problem.network');  // fetch() could not reach the server
  return error instanceof Error ? error.message : String(error);
}
