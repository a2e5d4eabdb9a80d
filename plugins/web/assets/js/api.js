// Calls the host's HTTP APIs with the session's token; an answer other than 2xx becomes an
// ApiError carrying the host's error body ({message, additionalInformation}).
import { session } from './session.js';

export class ApiError extends Error {
  constructor(status, message, additionalInformation) {
    super(message);
    this.status = status;
    this.additionalInformation = additionalInformation;
  }
}

export function authorizationHeaders() {
  return session.token ? { Authorization: `Bearer ${session.token}` } : {};
}

export async function request(method, path, body) {
  const headers = { ...authorizationHeaders() };
  const init = { method, headers };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  const text = await response.text();
  let payload = null;
  if (text) {
    try {
      payload = JSON.parse(text);
    } catch {
      payload = { message: text };
    }
  }
  if (!response.ok) {
    if (response.status === 401 && session.loginAvailable) session.expire();
    const message = (payload && payload.message) || `${method} ${path}: HTTP ${response.status}`;
    throw new ApiError(response.status, message, payload && payload.additionalInformation);
  }
  return payload;
}

export const get = (path) => request('GET', path);
export const post = (path, body) => request('POST', path, body);

export const consumer = (path) => `/api/consumer/v1${path}`;
export const management = (path) => `/api/management/v1${path}`;

// Path segments from the host (ids, correlations) are always encoded.
export const segment = (value) => encodeURIComponent(value);

export function pageQuery(offset, limit) {
  return `offset=${offset}&limit=${limit}`;
}
