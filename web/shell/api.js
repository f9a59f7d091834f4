// The client API (docs/client-api.md) with the signed-in user's bearer token. The token
// lives only in the host page; nothing here is ever posted to a mini program's frame.

/** A client-API failure: `errcode`/`errmsg` from the platform, or a network error. */
export class ApiError extends Error {
  constructor(status, errcode, errmsg) {
    super(errmsg || `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.errcode = errcode;
    this.errmsg = errmsg || '';
  }

  /** The platform's text without its request id, for people and mini programs. */
  get text() {
    return this.errmsg.replace(/\s*rid: [0-9a-f]+$/, '');
  }

  /** The session is over (signed out elsewhere, expired, user blocked). */
  get sessionEnded() {
    return this.status === 401;
  }

  /** The route does not exist on this server (yet). */
  get missingRoute() {
    return this.errcode === 48004 && (this.status === 404 || this.status === 405);
  }
}

let token = null;
let onSessionEnded = () => {};
let origin = '';

/**
 * The platform's origin when the page is not on it (a third-party host embedding the
 * container through web/sdk/host.js); the shell itself calls its own origin.
 */
export function setBase(o) {
  origin = o || '';
}

/** The platform's origin, for absolute URLs of its files (frames, packages). */
export function base() {
  return origin || location.origin;
}

export function setToken(t) {
  token = t || null;
}

export function hasToken() {
  return !!token;
}

/** Called once when any call answers 401: the shell signs the user out locally. */
export function onUnauthorized(fn) {
  onSessionEnded = fn;
}

function headers(extra) {
  const hs = { ...extra };
  if (token) hs.Authorization = 'Bearer ' + token;
  return hs;
}

async function check(res) {
  const type = res.headers.get('content-type') || '';
  let body = null;
  if (type.includes('json')) body = await res.json().catch(() => null);
  else await res.text().catch(() => '');
  if (!res.ok || (body && typeof body.errcode === 'number' && body.errcode !== 0)) {
    const e = new ApiError(res.status, body && body.errcode, (body && body.errmsg) || `HTTP ${res.status}`);
    if (e.sessionEnded && token) onSessionEnded(e);
    throw e;
  }
  return body || {};
}

/** `api('GET', '/me')`, `api('POST', '/apps/wx…/login', {…})`: the JSON answer. */
export async function api(method, path, body, opts = {}) {
  let res;
  try {
    res = await fetch(origin + '/client/v1' + path, {
      method,
      headers: headers(body === undefined ? {} : { 'Content-Type': opts.type || 'application/json' }),
      body: body === undefined ? undefined : opts.type ? body : JSON.stringify(body),
      signal: opts.signal,
      cache: 'no-store',
    });
  } catch (e) {
    if (e && e.name === 'AbortError') throw e;
    throw new ApiError(0, -1, '网络不可用：' + (e && e.message ? e.message : e));
  }
  return check(res);
}

export const get = (path, opts) => api('GET', path, undefined, opts);
export const post = (path, body = {}, opts) => api('POST', path, body, opts);
export const del = (path) => api('DELETE', path);

/** Posts raw bytes (an image for `/scan`). */
export function postBytes(path, blob) {
  return api('POST', path, blob, { type: blob.type || 'application/octet-stream' });
}

/** A streaming GET (the inbox's Server-Sent Events): the Response, errors checked. */
export async function stream(path, signal) {
  const res = await fetch(origin + '/client/v1' + path, { headers: headers({ Accept: 'text/event-stream' }), signal, cache: 'no-store' });
  if (!res.ok) await check(res);
  return res;
}

/** An appid as the platform writes them: `wx` + 16 hex digits. */
export function isAppid(a) {
  return typeof a === 'string' && /^wx[0-9a-f]{16}$/i.test(a);
}

/** `/apps/{appid}…` with the appid checked, so no call can be steered elsewhere. */
export function appPath(appid, rest = '') {
  if (!isAppid(appid)) throw new ApiError(404, 40013, 'invalid appid');
  return '/apps/' + appid + rest;
}
