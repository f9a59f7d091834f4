// The shell's own screens: four tab roots (微信, 通讯录, 发现, 我) and screens pushed
// over them (a chat, a folder of the inbox, search, scan…), each with WeChat's grey
// navigation bar. The host's back (browser back, Android's gesture) is routed by
// main.js: a dialog first, then a running mini program, then these screens.

import { h, icon, fill, byId } from './dom.js';

const pushed = [];
let tabs = null;

/**
 * A screen: {el, content, setTitle(t), onBack}. `opts`: {title, back (a pushed
 * screen has one), right (nodes in the bar's right corner), className, dark}.
 */
export function screen(opts) {
  const title = h('h1.nav-title', { id: 'nav-title-' + Math.random().toString(36).slice(2, 8) }, opts.title || '');
  const bar = h(
    'header.navbar',
    opts.back ? h('button.nav-back', { type: 'button', 'aria-label': '返回', onclick: () => pop() }, icon('back')) : null,
    title,
    h('div.nav-right', opts.right || [])
  );
  const content = h('main.content', { tabindex: '-1' });
  const el = h('section.screen', { class: opts.className, 'aria-labelledby': title.id }, bar, content);
  return {
    el,
    bar,
    content,
    setTitle(t) {
      title.textContent = t;
    },
    setRight(...nodes) {
      fill(bar.querySelector('.nav-right'), nodes);
    },
    onShow: opts.onShow,
    onClose: opts.onClose,
  };
}

/** Registers the tab roots (main.js). */
export function setTabs(t) {
  tabs = t;
}

/** Raises the shell's screens over the running mini programs (or lowers them). */
function overApps(on) {
  const phone = byId('phone');
  phone.classList.toggle('host-front', on);
  const appsLayer = byId('apps');
  if (!appsLayer.classList.contains('active')) return;
  byId('app').inert = !on;
  appsLayer.inert = on;
}

/**
 * Shows `s` over the current screen. Opened while a mini program is in front (its
 * settings, its customer service), the screen goes over the mini program, as WeChat's
 * own pages do, and closing it returns to the mini program.
 */
export function push(s) {
  s.overApp = byId('apps').classList.contains('active');
  if (s.overApp) overApps(true);
  pushed.push(s);
  s.el.classList.add('pushed');
  byId('screens').append(s.el);
  requestAnimationFrame(() => s.el.classList.add('in'));
  if (s.onShow) s.onShow();
  setTimeout(() => {
    const f = s.el.querySelector('[autofocus]') || s.el.querySelector('.nav-back') || s.content;
    if (f) f.focus({ preventScroll: true });
  }, 0);
  return s;
}

/** Closes the top pushed screen; false if only the tab roots are left. */
export function pop() {
  const s = pushed.pop();
  if (!s) return false;
  s.el.remove();
  if (s.overApp && !pushed.some((x) => x.overApp)) overApps(false);
  if (s.onClose) s.onClose();
  const top = pushed[pushed.length - 1];
  if (top && top.onShow) top.onShow();
  else if (!top && tabs) tabs.refresh();
  return true;
}

/** Closes every pushed screen (sign-out, or a jump to a tab). */
export function popAll() {
  while (pop());
}

export function depth() {
  return pushed.length;
}

/** The top pushed screen, if any. */
export function top() {
  return pushed[pushed.length - 1] || null;
}

let panelCloser = null;
/** The chat list's pull-down panel registers its closer while it is open. */
export function setPanel(fn) {
  panelCloser = fn;
}

/** Closes the pull-down panel if it is open. */
export function closePanel() {
  if (!panelCloser) return false;
  panelCloser();
  return true;
}
