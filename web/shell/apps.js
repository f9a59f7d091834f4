// What the host knows about mini programs for the signed-in user: names, the recently
// used list (kept by the host, per user, most recent first), "My mini programs" (the
// platform's list: it decides who may get weekly pushes) and search (the platform's index; the catalogue when it fails).

import { get, post, del, isAppid, ApiError } from './api.js';
import { getKv, setKv } from './storage.js';
import * as session from './session.js';

const MAX_RECENT = 30;
const names = new Map();
let mine = null; // [{appid, name, addedAt}]
const listeners = new Set();

export function onChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

function changed() {
  listeners.forEach((fn) => fn());
}

export function remember(appid, name) {
  if (appid && name) names.set(appid, name);
}

/** The app's name as far as the host knows it (its appid otherwise). */
export function nameOf(appid) {
  return names.get(appid) || appid;
}

function uid() {
  const u = session.user();
  if (!u) throw new Error('not signed in');
  return u.id;
}

/** Recently used mini programs: [{appid, name, at}], most recent first. */
export async function recents() {
  const list = (await getKv(uid(), 'recent')) || [];
  list.forEach((a) => remember(a.appid, a.name));
  return list;
}

export async function recordRecent(appid, name) {
  remember(appid, name);
  const list = ((await getKv(uid(), 'recent')) || []).filter((a) => a.appid !== appid);
  list.unshift({ appid, name: name || nameOf(appid), at: Date.now() });
  await setKv(uid(), 'recent', list.slice(0, MAX_RECENT));
  changed();
}

export async function removeRecent(appid) {
  const list = ((await getKv(uid(), 'recent')) || []).filter((a) => a.appid !== appid);
  await setKv(uid(), 'recent', list);
  changed();
}

/** "My mini programs" from the platform (cached until it changes). */
export async function myApps(refresh = false) {
  if (!mine || refresh) {
    const r = await get('/my-apps');
    mine = r.apps || [];
    mine.forEach((a) => remember(a.appid, a.name));
  }
  return mine;
}

export function isMine(appid) {
  return !!(mine && mine.some((a) => a.appid === appid));
}

export async function addMyApp(appid) {
  if (!isAppid(appid)) throw new ApiError(404, 40013, 'invalid appid');
  await post('/my-apps/' + appid);
  await myApps(true);
  changed();
}

export async function removeMyApp(appid) {
  if (!isAppid(appid)) throw new ApiError(404, 40013, 'invalid appid');
  await del('/my-apps/' + appid);
  await myApps(true);
  changed();
}

/** Forgets the previous user's lists (sign-out). */
export function reset() {
  mine = null;
}

/** The kinds of search result, as `GET /client/v1/search` names them. */
const KINDS = new Set(['miniprogram', 'service', 'official', 'article']);

/**
 * Search (docs/traffic.md): `GET /client/v1/search?q=` gives mini programs, their
 * services, official accounts and articles, ranked by the platform. Only when that
 * route fails (an older server, an index still being built) does the catalogue
 * `GET /client/v1/apps?q=` answer instead (mini programs by name), and while a server
 * lacks that too, the apps the host already knows (`fallback`). Returns `{items:
 * [{type, appid, title, name, page?, article?}], fallback}`.
 */
export async function search(q) {
  try {
    const r = await get('/search?q=' + encodeURIComponent(q) + '&limit=30');
    const items = (r.items || []).filter((i) => i && KINDS.has(i.type) && isAppid(i.appid));
    items.filter((i) => i.type === 'miniprogram').forEach((i) => remember(i.appid, i.title));
    return { items, fallback: false };
  } catch (e) {
    // The user's own input (85936 empty, 85937 too long) or the session: say so.
    if (e.sessionEnded || e.errcode === 85936 || e.errcode === 85937) throw e;
    console.warn('[shell] search unavailable, using the catalogue: ' + e.message);
  }
  const asItems = (list) => list.map((a) => ({ type: 'miniprogram', appid: a.appid, title: a.name, name: a.name }));
  try {
    const r = await get('/apps?q=' + encodeURIComponent(q));
    const apps = (r.apps || []).filter((a) => a && isAppid(a.appid));
    apps.forEach((a) => remember(a.appid, a.name));
    return { items: asItems(apps), fallback: false };
  } catch (e) {
    if (!e.missingRoute) throw e;
    const known = new Map();
    for (const a of [...(await recents()), ...(await myApps().catch(() => []))]) known.set(a.appid, { appid: a.appid, name: a.name });
    const needle = q.trim().toLowerCase();
    const apps = [...known.values()].filter((a) => !needle || a.name.toLowerCase().includes(needle) || a.appid.includes(needle));
    return { items: asItems(apps), fallback: true };
  }
}
