// The signed-in user: the session token and user object, kept in the host origin's
// localStorage (frames are sandboxed with an opaque origin and cannot read it).

import { setToken } from './api.js';

const KEY = 'openmini.session';
let current = null;
const listeners = new Set();

/** The saved session, if any: {token, user}. */
export function restore() {
  try {
    const s = JSON.parse(localStorage.getItem(KEY) || 'null');
    if (s && typeof s.token === 'string' && s.user && Number.isInteger(s.user.id)) {
      current = s;
      setToken(s.token);
    }
  } catch (_) {
    localStorage.removeItem(KEY);
  }
  return current;
}

export function save(token, user) {
  current = { token, user };
  localStorage.setItem(KEY, JSON.stringify(current));
  setToken(token);
  listeners.forEach((fn) => fn(current));
}

export function clear() {
  current = null;
  localStorage.removeItem(KEY);
  setToken(null);
  listeners.forEach((fn) => fn(null));
}

/** The signed-in user ({id, name, phone, country_code, …}) or null. */
export function user() {
  return current ? current.user : null;
}

export function onChange(fn) {
  listeners.add(fn);
}
