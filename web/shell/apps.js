// What the host knows about mini programs for the signed-in user: names, the recently
// used list (kept by the host, per user, most recent first), "My mini programs" (the
// platform's list: it decides who may get weekly pushes) and the catalogue search.

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

/**
 * The catalogue: `GET /client/v1/apps?q=` (mini programs with a deployed version).
 * While a server lacks that route, the apps the host already knows stand in, and
 * `fallback` says so.
 */
export async function search(q) {
  try {
    const r = await get('/apps?q=' + encodeURIComponent(q));
    const apps = (r.apps || []).filter((a) => a && isAppid(a.appid));
    apps.forEach((a) => remember(a.appid, a.name));
    return { apps, fallback: false };
  } catch (e) {
    if (!e.missingRoute) throw e;
    const known = new Map();
    for (const a of [...(await recents()), ...(await myApps().catch(() => []))]) known.set(a.appid, { appid: a.appid, name: a.name });
    const needle = q.trim().toLowerCase();
    const apps = [...known.values()].filter((a) => !needle || a.name.toLowerCase().includes(needle) || a.appid.includes(needle));
    return { apps, fallback: true };
  }
}
