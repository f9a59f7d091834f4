// The host shell's start: the session (sign-in or home), the host's back button, and a
// read-only view of the running apps for people debugging the shell.

import { get, post, onUnauthorized } from './api.js';
import * as session from './session.js';
import * as nav from './nav.js';
import * as runner from './runner.js';
import * as apps from './apps.js';
import * as inbox from './inbox.js';
import { closeTop, anyOpen } from './dialogs.js';
import { showSignin } from './signin.js';
import { showHome } from './home.js';
import { openFromLocation } from './entries.js';
import { openLinkFromLocation } from './scan.js';

const root = document.getElementById('app');

function signedIn() {
  showHome(root, signOut);
  apps.myApps().catch(() => {});
  inbox.start().catch((e) => console.warn('[shell] inbox: ' + e.message));
  openFromLocation().catch((e) => console.warn('[shell] open: ' + e.message));
  openLinkFromLocation().catch((e) => console.warn('[shell] open link: ' + e.message));
}

// A web page's open tag may send a signed-in user here again (`#/open?launch=…`).
window.addEventListener('hashchange', () => {
  if (!session.user()) return;
  openFromLocation().catch((e) => console.warn('[shell] open: ' + e.message));
  openLinkFromLocation().catch((e) => console.warn('[shell] open link: ' + e.message));
});

function signedOut(notice) {
  runner.destroyAll();
  inbox.stop();
  apps.reset();
  nav.popAll();
  nav.closePanel();
  while (closeTop());
  session.clear();
  showSignin(root, signedIn, notice);
}

async function signOut() {
  try {
    await post('/signout');
  } catch (_) {
    // Signed out already (or offline): the local session goes anyway.
  }
  signedOut();
}

onUnauthorized(() => {
  if (session.user()) signedOut('登录已失效，请重新登录');
});

// The host's back (browser back, Android's back gesture): a dialog, the pull-down
// panel, the host's screens over an app, the app in front (appEvent `back`), the
// host's own screens, in that order. A guard entry keeps the shell on its page.
function back() {
  if (closeTop()) return true;
  if (nav.closePanel()) return true;
  if (document.getElementById('phone').classList.contains('host-front') && nav.pop()) return true;
  if (runner.back()) return true;
  return nav.pop();
}

history.replaceState({ openmini: 'base' }, '');
history.pushState({ openmini: 'guard' }, '');
window.addEventListener('popstate', () => {
  back();
  history.pushState({ openmini: 'guard' }, '');
});

// Esc outside dialogs and inputs: back on the host's own screens (never into an app).
document.addEventListener('keydown', (e) => {
  if (e.key !== 'Escape' || anyOpen() || e.defaultPrevented) return;
  if (/^(INPUT|TEXTAREA|SELECT)$/.test(document.activeElement && document.activeElement.tagName)) return;
  if (nav.closePanel()) return;
  if (runner.front() && !document.getElementById('phone').classList.contains('host-front')) return;
  nav.pop();
});

/** For people debugging the shell in the console: what runs (no tokens, no storage). */
window.openmini = Object.freeze({
  running: () => runner.running().map((a) => ({ appid: a.appid, name: a.name, version: a.version, launch: a.launch, opener: a.opener ? a.opener.appid : null, front: a === runner.front() })),
});

async function boot() {
  const s = session.restore();
  if (!s) return showSignin(root, signedIn, /^#\/open\?/.test(location.hash) ? '登录后将打开小程序' : undefined);
  try {
    const me = await get('/me');
    session.save(s.token, me.user);
    signedIn();
  } catch (e) {
    if (e.sessionEnded) return; // onUnauthorized showed the sign-in
    // Offline or the server is restarting: go on with what we had.
    signedIn();
  }
}

boot();
