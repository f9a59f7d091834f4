// The runner: starts mini programs in sandboxed frames and talks to them
// (docs/container.md, "Starting a mini program" and "Messages").
//
// - One frame per running mini program, `sandbox="allow-scripts"` and nothing else, so
//   its origin is opaque: it cannot read this page, its cookies, storage or token.
// - Every message is matched to its frame by `event.source`; a frame cannot speak for
//   another app. It gets only its own package, its own storage (this user, this appid)
//   and the answers to its own calls.
// - Apps opened by navigateToMiniProgram stack over their opener, which stays alive
//   underneath; a closed app is kept (hidden) for 5 minutes, and opening it again in
//   that time shows it again with appEvent `show` (a hot start), as WeChat does.

import { get, post, appPath, ApiError, base as platformBase } from './api.js';
import { h, appIcon, parseQuery, toast, byId } from './dom.js';
import { loadAppStorage } from './storage.js';
import * as apps from './apps.js';
import * as session from './session.js';
import { handleCall } from './hostcalls.js';
import { drawCapsule } from './capsule.js';
import { confirm } from './dialogs.js';

/** How long a closed mini program stays alive for a hot start. */
export const KEEP_ALIVE_MS = 5 * 60 * 1000;
/** The capsule's size and place, as WeChat's on a phone: 87×32, 7px from the right. */
const MENU = { width: 87, height: 32, top: 6, right: 7 };
const NAV_HEIGHT = 44;

const stack = []; // visible apps, bottom to top
const background = new Map(); // appid → closed app kept alive
const listeners = new Set();
let nextId = 1;

export function onChange(fn) {
  listeners.add(fn);
}

function changed() {
  listeners.forEach((fn) => fn());
}

function layer() {
  return byId('apps');
}

/** The mini program in front, if any. */
export function front() {
  return stack[stack.length - 1] || null;
}

/** Every running app (visible or kept alive), for tests and the settings. */
export function running() {
  return [...stack, ...background.values()];
}

function systemInfo(el) {
  const w = Math.round(el.clientWidth) || 375;
  const hgt = Math.round(el.clientHeight) || 667;
  const ua = navigator.userAgent;
  const platform = /Android/i.test(ua) ? 'android' : /iPhone|iPad|iPod/i.test(ua) ? 'ios' : /Mac/i.test(ua) ? 'mac' : /Win/i.test(ua) ? 'windows' : 'web';
  return {
    brand: 'openmini',
    model: 'OpenMini Web',
    pixelRatio: window.devicePixelRatio || 2,
    screenWidth: w,
    screenHeight: hgt,
    windowWidth: w,
    windowHeight: hgt,
    statusBarHeight: 0,
    safeArea: { left: 0, right: w, top: 0, bottom: hgt, width: w, height: hgt },
    platform,
    system: platform === 'ios' ? 'iOS' : platform === 'android' ? 'Android' : 'Web',
    language: 'zh_CN',
    version: '8.0.50',
    SDKVersion: '3.5.0',
    fontSizeSetting: 16,
    theme: matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light',
    hostName: 'OpenMini',
  };
}

function menuRect(width) {
  const right = width - MENU.right;
  return { width: MENU.width, height: MENU.height, top: MENU.top, bottom: MENU.top + MENU.height, left: right - MENU.width, right };
}

/** The launch options as the frame and the analytics take them. */
function launchOf(o) {
  const l = {
    path: String(o.path || '').replace(/^\//, ''),
    query: parseQuery(o.query),
    scene: Number(o.scene) || 1001,
    referrerInfo: o.referrerInfo && typeof o.referrerInfo === 'object' ? o.referrerInfo : {},
  };
  if (o.shareTicket) l.shareTicket = String(o.shareTicket);
  if (o.chatType) l.chatType = o.chatType;
  return l;
}

/**
 * Records an open with its scene and source (analytics, DESIGN.md rules 7 and 11;
 * the sources of docs/traffic.md: a link's id, a page's origin, an app's or account's
 * appid, `share:<id>`); never blocks.
 */
function recordOpen(appid, l, source) {
  const open = { scene: l.scene, path: l.path, query: l.query, referrerInfo: l.referrerInfo };
  if (source) open.source = String(source).slice(0, 256);
  post(appPath(appid, '/events'), { open }).catch((e) => console.warn('[shell] open not recorded: ' + e.message));
}

const pending = new Map(); // appid → the open in progress (a double tap opens once)

/**
 * Opens a mini program: `{appid, path, query, scene, referrerInfo, shareTicket,
 * chatType, source, recorded, returnTo}` (`source`: what the open is recorded with;
 * `recorded`: the platform recorded it already, as `links/resolve` does; `returnTo`:
 * for a launch by an app, called with the data the mini program goes back with).
 * Resolves to the running app, or null if it could not start (the user was told why).
 */
export function open(o, opener = null) {
  const appid = String(o.appid || '');
  if (pending.has(appid)) return pending.get(appid);
  const p = openNow(o, opener)
    .catch((e) => {
      toast(e.text || e.message || String(e));
      return null;
    })
    .finally(() => pending.delete(appid));
  pending.set(appid, p);
  return p;
}

async function openNow(o, opener) {
  const appid = String(o.appid || '');
  const l = launchOf(o);
  const already = stack.find((a) => a.appid === appid);
  if (already) {
    if (already !== front()) throw new Error('该小程序已在运行');
    return already;
  }
  const kept = background.get(appid);
  if (kept && kept.user === userId() && (!l.path || ((l.path === kept.launch.path) && JSON.stringify(l.query) === JSON.stringify(kept.launch.query)))) {
    background.delete(appid);
    clearTimeout(kept.expiry);
    kept.opener = opener;
    kept.launch = { ...l, path: l.path || kept.launch.path };
    kept.source = o.source || null;
    kept.returnTo = o.returnTo || null;
    showApp(kept);
    send(kept, { t: 'appEvent', name: 'show', options: kept.launch });
    if (!o.recorded) recordOpen(appid, kept.launch, kept.source);
    apps.recordRecent(appid, kept.name).catch(() => {});
    return kept;
  }
  if (kept) destroy(kept);
  const pkg = o.pkg && o.pkg.appid === appid ? o.pkg : await fetchPackage(appid);
  if (!pkg) return null;
  const app = start(pkg, l, opener);
  app.source = o.source || null;
  app.returnTo = o.returnTo || null;
  if (!o.recorded) recordOpen(appid, l, app.source);
  apps.recordRecent(appid, pkg.name).catch((e) => console.warn('[shell] recent list: ' + e.message));
  return app;
}

/** The version this user runs (`GET …/package`), or null after telling the user why not. */
async function fetchPackage(appid) {
  try {
    return await get(appPath(appid, '/package'));
  } catch (e) {
    if (e.sessionEnded) return null;
    const why = e.errcode === 85900 ? '该小程序暂未发布可用版本' : e.errcode === 40013 ? '该小程序不存在或已被停用' : e.text || e.message;
    await confirm({ title: '无法打开小程序', content: why, ok: '知道了', cancel: null });
    return null;
  }
}

function userId() {
  const u = session.user();
  return u ? u.id : null;
}

/** The page an app opens on when no path is given. */
function entryPage(manifest) {
  const m = manifest || {};
  return (m.app && m.app.entryPagePath) || (m.packages && m.packages[0] && m.packages[0].pages[0]) || '';
}

function start(pkg, l, opener) {
  if (!l.path) l.path = entryPage(pkg.manifest);
  const el = h('section.runner', { 'aria-label': pkg.name + '（小程序）', dataset: { appid: pkg.appid } });
  const frame = h('iframe.app-frame', { title: pkg.name, src: platformBase() + '/container/frame?appid=' + encodeURIComponent(pkg.appid) });
  // Scripts only: an opaque origin, no same-origin access, no popups, forms or top navigation.
  frame.setAttribute('sandbox', 'allow-scripts');
  // wx.setKeepScreenOn (the frame holds the wake lock); nothing else is delegated.
  frame.setAttribute('allow', 'screen-wake-lock');
  frame.setAttribute('referrerpolicy', 'no-referrer');
  const win = (pkg.manifest && pkg.manifest.app && pkg.manifest.app.window) || {};
  const entry = (pkg.manifest && pkg.manifest.pages && pkg.manifest.pages[l.path]) || {};
  const light = (entry.navigationBarTextStyle || win.navigationBarTextStyle || 'white') === 'black';
  const app = {
    id: nextId++,
    appid: pkg.appid,
    name: pkg.name,
    version: pkg.version,
    // Absolute: the frame's origin is opaque, so a path would not resolve there.
    base: new URL(pkg.base, platformBase()).href,
    manifest: pkg.manifest,
    user: userId(),
    launch: l,
    opener,
    el,
    frame,
    launched: false,
    shareMenu: { enabled: true, withShareTicket: false },
    expiry: 0,
  };
  apps.remember(pkg.appid, pkg.name);
  const splash = h(
    'div.splash',
    { 'aria-hidden': 'true' },
    h('div.splash-icon', appIcon(pkg, 64), h('span.splash-ring')),
    h('p.splash-name', pkg.name)
  );
  app.splash = splash;
  el.append(frame, splash);
  app.capsule = drawCapsule(app, { light, rect: null });
  el.append(app.capsule.el);
  layer().append(el);
  app.rect = menuRect(el.clientWidth || 375);
  app.capsule.place(app.rect);
  showApp(app, true);
  return app;
}

function showApp(app, fresh) {
  const under = front();
  if (under && under !== app) {
    // The app underneath goes to the background (onHide), as on WeChat.
    under.el.classList.add('under');
    under.el.inert = true;
    appEvent(under, 'hide');
  }
  if (!stack.includes(app)) stack.push(app);
  app.el.hidden = false;
  app.el.inert = false;
  app.el.classList.remove('under', 'closing');
  layer().classList.add('active');
  layer().inert = false;
  byId('phone').classList.remove('host-front');
  byId('app').inert = true;
  if (!fresh) app.el.classList.add('in');
  else requestAnimationFrame(() => app.el.classList.add('in'));
  changed();
}

function send(app, m, transfer) {
  if (!app.frame.contentWindow) return;
  app.frame.contentWindow.postMessage(m, '*', transfer || []);
}

/** Sends an appEvent (`show`, `hide`, `back`, `share`, …) to an app. */
export function appEvent(app, name, options) {
  send(app, { t: 'appEvent', name, options });
}

async function launch(app) {
  if (app.launched) {
    console.warn('[shell] ' + app.appid + ' said ready twice; ignored');
    return;
  }
  app.launched = true;
  let storage = {};
  try {
    storage = await loadAppStorage(app.user, app.appid);
  } catch (e) {
    console.warn('[shell] storage not loaded: ' + e.message);
  }
  const sys = systemInfo(app.el);
  app.rect = menuRect(sys.windowWidth);
  app.capsule.place(app.rect);
  const win = (app.manifest.app && app.manifest.app.window) || {};
  if (win.navigationStyle !== 'custom') sys.windowHeight -= NAV_HEIGHT;
  send(app, {
    t: 'launch',
    appid: app.appid,
    base: app.base,
    version: app.version,
    manifest: app.manifest,
    launch: app.launch,
    system: sys,
    storage,
    menuRect: app.rect,
  });
  // The splash goes when the frame says its first page is on screen (`shown`), or
  // after a while whatever happens (the app's own error screen is better than ours).
  setTimeout(() => hideSplash(app), 5000);
}

function hideSplash(app) {
  const el = app.splash;
  if (!el) return;
  app.splash = null;
  el.classList.add('gone');
  setTimeout(() => el.remove(), 350);
}

function reply(app, id, ok, res) {
  const transfer = [];
  if (ok) collectBuffers(res, transfer, 0);
  const m = ok ? { t: 'reply', id, ok: true, res } : { t: 'reply', id, ok: false, errMsg: res.errMsg, errCode: res.errCode };
  try {
    send(app, m, transfer);
  } catch (_) {
    send(app, m);
  }
}

function collectBuffers(v, out, depth) {
  if (!v || typeof v !== 'object' || depth > 4) return;
  if (v instanceof ArrayBuffer) {
    if (!out.includes(v)) out.push(v);
    return;
  }
  for (const k of Object.keys(v)) collectBuffers(v[k], out, depth + 1);
}

window.addEventListener('message', (e) => {
  const app = running().find((a) => a.frame.contentWindow && e.source === a.frame.contentWindow);
  if (!app) return;
  const m = e.data;
  if (!m || typeof m !== 'object' || typeof m.t !== 'string') return;
  switch (m.t) {
    case 'ready':
      launch(app);
      break;
    case 'shown':
      hideSplash(app);
      break;
    case 'call': {
      const name = typeof m.name === 'string' ? m.name : '';
      const args = m.args && typeof m.args === 'object' ? m.args : {};
      handleCall(app, name, args).then(
        (res) => reply(app, m.id, true, res === undefined ? {} : res),
        (err) => reply(app, m.id, false, failure(name, err))
      );
      break;
    }
    case 'exit':
      close(app, { reason: String(m.reason || '') });
      break;
    case 'error':
      console.warn('[shell] ' + app.appid + ': ' + String(m.message || '').slice(0, 500));
      break;
  }
});

/** A failure as the frame takes it: `{errMsg: "<name>:fail <reason>", errCode?}`. */
function failure(name, err) {
  let reason;
  let errCode;
  if (err instanceof ApiError) {
    reason = err.text;
    errCode = err.errcode;
  } else if (err && typeof err.errMsg === 'string') {
    reason = err.errMsg.replace(/^[\w$]+:fail\s*/, '');
    errCode = err.errCode;
  } else {
    if (!(err && err.quiet)) console.error('[shell] ' + name + ': ', err);
    reason = err && err.message ? err.message : String(err);
  }
  const out = { errMsg: name + ':fail ' + reason };
  if (errCode !== undefined && errCode !== null) out.errCode = errCode;
  return out;
}

/**
 * Closes an app: appEvent `hide`, kept alive 5 minutes (`destroy` ends it at once).
 * What is under it shows again; a mini program under it gets `show` with scene 1038
 * (and `extraData` when it came back by navigateBackMiniProgram).
 */
export function close(app, { extraData, destroyNow = false } = {}) {
  const i = stack.indexOf(app);
  if (i < 0) return;
  stack.splice(i, 1);
  appEvent(app, 'hide');
  app.el.classList.remove('in');
  app.el.classList.add('closing');
  app.el.inert = true;
  const opener = app.opener;
  app.opener = null;
  setTimeout(() => {
    if (!stack.includes(app)) app.el.hidden = true;
  }, 220);
  if (destroyNow) destroy(app);
  else {
    background.set(app.appid, app);
    app.closedAt = Date.now();
    app.expiry = setTimeout(() => destroy(app), KEEP_ALIVE_MS);
  }
  const top = front();
  if (top) {
    top.el.classList.remove('under');
    top.el.inert = false;
    if (top === opener) {
      const referrerInfo = { appId: app.appid };
      if (extraData !== undefined) referrerInfo.extraData = extraData;
      top.launch = { ...top.launch, scene: 1038, referrerInfo };
      appEvent(top, 'show', { path: top.launch.path, query: top.launch.query, scene: 1038, referrerInfo });
      recordOpen(top.appid, top.launch, app.appid);
    }
  } else idle();
  changed();
}

/** No mini program in front: the shell's screens are the page again. */
function idle() {
  layer().classList.remove('active');
  layer().inert = false;
  byId('phone').classList.remove('host-front');
  byId('app').inert = false;
}

/** Ends an app for good (its frame and worker are gone). */
export function destroy(app) {
  clearTimeout(app.expiry);
  const i = stack.indexOf(app);
  if (i >= 0) stack.splice(i, 1);
  if (background.get(app.appid) === app) background.delete(app.appid);
  app.el.remove();
  if (!stack.length) idle();
  changed();
}

/** Ends every app (sign-out). */
export function destroyAll() {
  running().forEach(destroy);
}

/** Closes the app in front and starts it again (the capsule's "re-enter"). */
export async function restart(app) {
  const o = { appid: app.appid, path: '', query: {}, scene: app.launch.scene, referrerInfo: app.launch.referrerInfo, source: app.source, returnTo: app.returnTo };
  const opener = app.opener;
  close(app, { destroyNow: true });
  return open(o, opener);
}

/** The host's back: the app in front gets appEvent `back`; false if none is in front. */
export function back() {
  const app = front();
  if (!app) return false;
  appEvent(app, 'back');
  return true;
}

/** The page went to the background or came back: hide/show the app in front. */
document.addEventListener('visibilitychange', () => {
  const app = front();
  if (!app) return;
  if (document.hidden) appEvent(app, 'hide');
  else appEvent(app, 'show', { ...app.launch });
});
