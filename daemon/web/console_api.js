// @ts-check
// The console's REST calls: the session cookie goes with each, writes carry the CSRF token,
// and a refusal is an ApiProblem with the server's status and stable code.

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
