// Small DOM helpers shared by the shell's screens: an element builder, icons, avatars
// of apps and people, times as WeChat writes them, and the host's toast.

let root = document;

/**
 * Where the shell's own elements (#phone, #app, #screens, #apps, #dialogs) are: the
 * document, or the shadow root a third-party host gives them (web/sdk/host.js).
 */
export function setRoot(r) {
  root = r;
}

export function byId(id) {
  return root.getElementById(id);
}

/** The focused element, inside the shell's root when it is a shadow root. */
export function activeElement() {
  return (root !== document && root.activeElement) || document.activeElement;
}

/**
 * `h('button.primary', {onclick, 'aria-label': …}, 'text', child…)`: an element.
 * Attributes starting with `on` are listeners; `class`/`dataset`/`style` as usual;
 * `false`/`null` children are skipped, strings become text nodes.
 */
export function h(spec, attrs, ...children) {
  const m = /^([a-z0-9-]+)?((?:[.#][\w-]+)*)$/i.exec(spec) || [];
  const el = document.createElement(m[1] || 'div');
  for (const part of (m[2] || '').match(/[.#][\w-]+/g) || []) {
    if (part[0] === '.') el.classList.add(part.slice(1));
    else el.id = part.slice(1);
  }
  if (attrs && (typeof attrs !== 'object' || attrs instanceof Node || Array.isArray(attrs))) {
    children.unshift(attrs);
    attrs = null;
  }
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className += (el.className ? ' ' : '') + v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'style' && typeof v === 'object') Object.assign(el.style, v);
    else if (k === 'html') el.innerHTML = v; // only ever our own constant markup (icons)
    else if (k in el && typeof v !== 'string') el[k] = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** Replaces the children of `el`. */
export function fill(el, ...children) {
  el.textContent = '';
  append(el, children);
  return el;
}

// Line icons in WeChat's style (24×24, currentColor).
const ICONS = {
  chat: '<path d="M12 3.5c-5 0-9 3.4-9 7.6 0 2.4 1.3 4.5 3.4 5.9L5.6 20l3.6-1.9c.9.2 1.8.3 2.8.3 5 0 9-3.4 9-7.6S17 3.5 12 3.5z" fill="none" stroke="currentColor" stroke-width="1.6" stroke-linejoin="round"/>',
  chatFill: '<path d="M12 3.5c-5 0-9 3.4-9 7.6 0 2.4 1.3 4.5 3.4 5.9L5.6 20l3.6-1.9c.9.2 1.8.3 2.8.3 5 0 9-3.4 9-7.6S17 3.5 12 3.5z" fill="currentColor"/>',
  contacts: '<circle cx="12" cy="8" r="4" fill="none" stroke="currentColor" stroke-width="1.6"/><path d="M4 20.5c.8-4 4-6 8-6s7.2 2 8 6" fill="none" stroke="currentColor" stroke-width="1.6" stroke-linecap="round"/>',
  contactsFill: '<circle cx="12" cy="8" r="4.5" fill="currentColor"/><path d="M3.5 21c.8-4.4 4.2-6.8 8.5-6.8s7.7 2.4 8.5 6.8z" fill="currentColor"/>',
  discover: '<circle cx="12" cy="12" r="8.6" fill="none" stroke="currentColor" stroke-width="1.6"/><path d="M15.5 8.5l-2 5-5 2 2-5z" fill="none" stroke="currentColor" stroke-width="1.5" stroke-linejoin="round"/>',
  discoverFill: '<circle cx="12" cy="12" r="9.2" fill="currentColor"/><path d="M15.5 8.5l-2 5-5 2 2-5z" fill="#fff"/>',
  me: '<circle cx="12" cy="9" r="4.2" fill="none" stroke="currentColor" stroke-width="1.6"/><path d="M4.5 21c.6-3.6 3.6-5.8 7.5-5.8s6.9 2.2 7.5 5.8" fill="none" stroke="currentColor" stroke-width="1.6" stroke-linecap="round"/>',
  meFill: '<circle cx="12" cy="9" r="4.8" fill="currentColor"/><path d="M4 21.3c.6-4 3.8-6.5 8-6.5s7.4 2.5 8 6.5z" fill="currentColor"/>',
  back: '<path d="M15 4l-8 8 8 8" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round"/>',
  more: '<circle cx="5" cy="12" r="1.8" fill="currentColor"/><circle cx="12" cy="12" r="1.8" fill="currentColor"/><circle cx="19" cy="12" r="1.8" fill="currentColor"/>',
  plus: '<circle cx="12" cy="12" r="9" fill="none" stroke="currentColor" stroke-width="1.6"/><path d="M12 7.5v9M7.5 12h9" stroke="currentColor" stroke-width="1.6" stroke-linecap="round"/>',
  search: '<circle cx="10.5" cy="10.5" r="6.5" fill="none" stroke="currentColor" stroke-width="1.8"/><path d="M15.5 15.5L20 20" stroke="currentColor" stroke-width="1.8" stroke-linecap="round"/>',
  scan: '<path d="M4 9V5.5C4 4.7 4.7 4 5.5 4H9M15 4h3.5c.8 0 1.5.7 1.5 1.5V9M20 15v3.5c0 .8-.7 1.5-1.5 1.5H15M9 20H5.5C4.7 20 4 19.3 4 18.5V15M3 12h18" fill="none" stroke="currentColor" stroke-width="1.7" stroke-linecap="round"/>',
  miniprogram: '<circle cx="12" cy="12" r="9" fill="none" stroke="currentColor" stroke-width="1.6"/><path d="M9.5 15.2a2.2 2.2 0 1 1 0-4.4h.8M14.5 8.8a2.2 2.2 0 1 1 0 4.4h-.8M10.3 10.8v2.3a1.6 1.6 0 0 0 3.4 0v-2.3a1.6 1.6 0 0 1 1.6-1.6" fill="none" stroke="currentColor" stroke-width="1.4" stroke-linecap="round"/>',
  bell: '<path d="M6 17V11a6 6 0 0 1 12 0v6l1.5 1.5h-15z M10 20.5a2 2 0 0 0 4 0" fill="none" stroke="currentColor" stroke-width="1.6" stroke-linejoin="round"/>',
  service: '<path d="M4 13v-1a8 8 0 0 1 16 0v1M4 13h3v5H5a1 1 0 0 1-1-1zM20 13h-3v5h2a1 1 0 0 0 1-1z" fill="none" stroke="currentColor" stroke-width="1.6" stroke-linejoin="round"/>',
  image: '<rect x="3.5" y="5" width="17" height="14" rx="1.5" fill="none" stroke="currentColor" stroke-width="1.6"/><circle cx="9" cy="10" r="1.6" fill="currentColor"/><path d="M4 17l5-4.5 3.5 3 3-2.5L20 17" fill="none" stroke="currentColor" stroke-width="1.6" stroke-linejoin="round"/>',
  link: '<path d="M10 14a4 4 0 0 0 5.7 0l3-3a4 4 0 0 0-5.7-5.7l-1 1M14 10a4 4 0 0 0-5.7 0l-3 3a4 4 0 0 0 5.7 5.7l1-1" fill="none" stroke="currentColor" stroke-width="1.7" stroke-linecap="round"/>',
  check: '<path d="M5 12.5l4.5 4.5L19 7.5" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"/>',
  close: '<path d="M6 6l12 12M18 6L6 18" stroke="currentColor" stroke-width="1.8" stroke-linecap="round"/>',
  arrow: '<path d="M9 5l7 7-7 7" fill="none" stroke="currentColor" stroke-width="1.6" stroke-linecap="round" stroke-linejoin="round"/>',
  settings: '<circle cx="12" cy="12" r="3" fill="none" stroke="currentColor" stroke-width="1.6"/><path d="M12 2.8l2 2.2 2.9-.6.9 2.8 2.8.9-.6 2.9 2.2 2-2.2 2 .6 2.9-2.8.9-.9 2.8-2.9-.6-2 2.2-2-2.2-2.9.6-.9-2.8-2.8-.9.6-2.9L2.8 12 5 10l-.6-2.9 2.8-.9.9-2.8 2.9.6z" fill="none" stroke="currentColor" stroke-width="1.4" stroke-linejoin="round"/>',
  share: '<path d="M13 5l7 6.5-7 6.5v-4c-5 0-8 1.5-10 5 .5-5.5 3.5-9.5 10-10z" fill="none" stroke="currentColor" stroke-width="1.6" stroke-linejoin="round"/>',
  star: '<path d="M12 3.5l2.6 5.4 5.9.8-4.3 4.1 1 5.8L12 16.8l-5.2 2.8 1-5.8-4.3-4.1 5.9-.8z" fill="none" stroke="currentColor" stroke-width="1.6" stroke-linejoin="round"/>',
  feedback: '<path d="M4 5h16v11H9l-5 4z" fill="none" stroke="currentColor" stroke-width="1.6" stroke-linejoin="round"/><path d="M8 9.5h8M8 12.5h5" stroke="currentColor" stroke-width="1.5" stroke-linecap="round"/>',
  reload: '<path d="M19 12a7 7 0 1 1-2-4.9M19 4v4h-4" fill="none" stroke="currentColor" stroke-width="1.7" stroke-linecap="round" stroke-linejoin="round"/>',
  phone: '<path d="M6.5 3.5l3 .5 1.2 4-2 1.5a11 11 0 0 0 5.8 5.8l1.5-2 4 1.2.5 3c-.2 1.3-1.3 2.3-2.6 2.2C10.500 19 5 13.5 4.3 6.1c-.1-1.3.9-2.4 2.2-2.6z" fill="none" stroke="currentColor" stroke-width="1.6" stroke-linejoin="round"/>',
  location: '<path d="M12 21s-6.5-6-6.5-11a6.5 6.5 0 0 1 13 0c0 5-6.5 11-6.5 11z" fill="none" stroke="currentColor" stroke-width="1.6"/><circle cx="12" cy="10" r="2.3" fill="none" stroke="currentColor" stroke-width="1.6"/>',
  pay: '<rect x="3" y="6" width="18" height="13" rx="2" fill="none" stroke="currentColor" stroke-width="1.6"/><path d="M3 10h18" stroke="currentColor" stroke-width="1.6"/>',
  keyboard: '<rect x="3" y="6" width="18" height="12" rx="2" fill="none" stroke="currentColor" stroke-width="1.5"/><path d="M7 10h1M11 10h1M15 10h2M7 14h10" stroke="currentColor" stroke-width="1.5" stroke-linecap="round"/>',
};

/** An inline SVG icon (decorative unless `label` is given). */
export function icon(name, label) {
  const s = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  s.setAttribute('viewBox', '0 0 24 24');
  s.setAttribute('class', 'icon icon-' + name);
  if (label) {
    s.setAttribute('role', 'img');
    s.setAttribute('aria-label', label);
  } else s.setAttribute('aria-hidden', 'true');
  s.innerHTML = ICONS[name] || '';
  return s;
}

const PALETTE = ['#07c160', '#10aeff', '#fa9d3b', '#fa5151', '#6467f0', '#1485ee', '#91d300', '#ff8000', '#576b95', '#e64340'];

function hash(s) {
  let x = 0;
  for (const c of String(s)) x = (x * 31 + c.codePointAt(0)) >>> 0;
  return x;
}

/** The first letter a generated avatar shows for `name`. */
function initial(name) {
  const s = String(name || '').replace(/^(Demo|The)\s+/i, '').trim();
  return [...s][0] || '?';
}

/** A mini program's round icon: its first letter on a colour of its appid. */
export function appIcon(app, size = 48) {
  return h('span.app-icon', { 'aria-hidden': 'true', style: { background: PALETTE[hash(app.appid || app.name) % PALETTE.length], width: size + 'px', height: size + 'px', fontSize: Math.round(size * 0.42) + 'px' } }, initial(app.name || app.appid));
}

/** A person's (or group's) square avatar. */
export function avatar(name, size = 44, seed) {
  return h('span.avatar', { 'aria-hidden': 'true', style: { background: PALETTE[hash(seed || name) % PALETTE.length], width: size + 'px', height: size + 'px', fontSize: Math.round(size * 0.4) + 'px' } }, initial(name));
}

/** A time as WeChat's lists write it: 14:05 today, 昨天, 星期三, 2024/5/1. */
export function shortTime(ms, now = Date.now()) {
  const d = new Date(ms);
  const today = new Date(now);
  today.setHours(0, 0, 0, 0);
  const pad = (n) => String(n).padStart(2, '0');
  const hm = pad(d.getHours()) + ':' + pad(d.getMinutes());
  const day = 86400000;
  if (d >= today) return hm;
  if (d >= today - day) return '昨天';
  if (d >= today - 6 * day) return '星期' + '日一二三四五六'[d.getDay()];
  return `${d.getFullYear()}/${d.getMonth() + 1}/${d.getDate()}`;
}

/** A time in a chat's stream: 14:05, 昨天 14:05, 2024年5月1日 14:05. */
export function chatTime(ms, now = Date.now()) {
  const s = shortTime(ms, now);
  const d = new Date(ms);
  const hm = String(d.getHours()).padStart(2, '0') + ':' + String(d.getMinutes()).padStart(2, '0');
  if (s === hm) return hm;
  if (/^\d+\/\d+\/\d+$/.test(s)) return `${d.getFullYear()}年${d.getMonth() + 1}月${d.getDate()}日 ${hm}`;
  return s + ' ' + hm;
}

/** 138****8000 */
export function maskPhone(p) {
  const s = String(p || '');
  return s.length >= 7 ? s.slice(0, 3) + '****' + s.slice(-4) : s;
}

let toastTimer = 0;
/** The host's toast: a short text (or an icon and text) over everything, polite to readers. */
export function toast(text, kind = 'text', ms = 1500) {
  let el = byId('toast');
  if (!el) {
    el = h('div#toast', { role: 'status', 'aria-live': 'polite' });
    byId('phone').append(el);
  }
  fill(el, h('div.toast-box' + (kind === 'success' ? '.with-icon' : ''), kind === 'success' ? icon('check') : null, h('p', text)));
  el.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => (el.hidden = true), ms);
}

/** A query string as an object (`a=1&b=2` → {a: '1', b: '2'}). */
export function parseQuery(q) {
  const out = {};
  if (!q) return out;
  if (typeof q === 'object') return { ...q };
  for (const [k, v] of new URLSearchParams(String(q).replace(/^\?/, ''))) out[k] = v;
  return out;
}

/** An object as a query string. */
export function queryString(o) {
  return Object.entries(o || {})
    .map(([k, v]) => encodeURIComponent(k) + '=' + encodeURIComponent(v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : v))
    .join('&');
}
