// The inbox (docs/client-api.md, "Inbox"): service notifications (服务通知), "My mini
// program" pushes (小程序消息) and customer-service conversations, with unread counts
// and live updates from `GET /client/v1/inbox/stream`, read with fetch (EventSource
// cannot send the Authorization header) and resumed after the last id seen.

import { get, post, stream, appPath, isAppid } from './api.js';
import { h, fill, icon, appIcon, chatTime, shortTime, toast, parseQuery } from './dom.js';
import { actionSheet, confirm } from './dialogs.js';
import * as nav from './nav.js';
import * as runner from './runner.js';
import * as apps from './apps.js';
import { openSubscriptions } from './settings.js';

export const FOLDERS = {
  service: { title: '服务通知', icon: 'bell', color: '#fa9d3b' },
  push: { title: '小程序消息', icon: 'miniprogram', color: '#6467f0' },
  customer_service: { title: '小程序客服消息', icon: 'service', color: '#10aeff' },
};

let unread = {};
let latest = {}; // folder → newest message
let lastId = 0;
let controller = null;
let generation = 0;
const listeners = new Set();

/** `fn(message | null)`: a new message arrived (null: counts changed). */
export function onChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

function changed(m) {
  listeners.forEach((fn) => fn(m || null));
}

export function unreadOf(folder) {
  return unread[folder] || 0;
}

export function totalUnread() {
  return Object.values(unread).reduce((a, b) => a + b, 0);
}

export function latestOf(folder) {
  return latest[folder] || null;
}

/** Loads counts and the newest message of each folder, then follows the stream. */
export async function start() {
  stop();
  const gen = ++generation;
  await refresh();
  if (gen !== generation) return;
  follow(gen);
}

export function stop() {
  generation++;
  if (controller) controller.abort();
  controller = null;
  unread = {};
  latest = {};
  lastId = 0;
}

export async function refresh() {
  const all = await get('/inbox?limit=1');
  unread = all.unread || {};
  if (all.messages && all.messages[0]) lastId = Math.max(lastId, all.messages[0].id);
  await Promise.all(
    Object.keys(FOLDERS).map(async (f) => {
      const r = await get('/inbox?limit=1&folder=' + f);
      latest[f] = (r.messages && r.messages[0]) || null;
    })
  );
  changed();
}

async function follow(gen) {
  let wait = 500;
  while (gen === generation) {
    controller = new AbortController();
    try {
      const res = await stream('/inbox/stream?after=' + lastId, controller.signal);
      wait = 500;
      await readEvents(res.body, (ev) => {
        if (ev.event !== 'message' || !ev.data) return;
        let m;
        try {
          m = JSON.parse(ev.data);
        } catch (_) {
          return;
        }
        if (!m || typeof m.id !== 'number' || m.id <= lastId) return;
        lastId = m.id;
        latest[m.folder] = m;
        if (!m.read && !m.fromUser) unread[m.folder] = (unread[m.folder] || 0) + 1;
        changed(m);
      });
    } catch (e) {
      if (gen !== generation || (e && e.name === 'AbortError')) return;
      if (e && e.sessionEnded) return;
    }
    if (gen !== generation) return;
    await new Promise((r) => setTimeout(r, wait));
    wait = Math.min(wait * 2, 10000);
  }
}

/** Reads Server-Sent Events from a byte stream: `fn({event, id, data})` for each. */
export async function readEvents(body, fn) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buf = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buf += decoder.decode(value, { stream: true }).replace(/\r\n?/g, '\n');
    let i;
    while ((i = buf.indexOf('\n\n')) >= 0) {
      const block = buf.slice(0, i);
      buf = buf.slice(i + 2);
      const ev = { event: 'message', id: null, data: '' };
      const data = [];
      for (const line of block.split('\n')) {
        if (!line || line[0] === ':') continue;
        const c = line.indexOf(':');
        const field = c < 0 ? line : line.slice(0, c);
        const val = c < 0 ? '' : line.slice(c + 1).replace(/^ /, '');
        if (field === 'event') ev.event = val;
        else if (field === 'id') ev.id = val;
        else if (field === 'data') data.push(val);
      }
      ev.data = data.join('\n');
      if (data.length) fn(ev);
    }
  }
}

// ---- app names -----------------------------------------------------------------------

const asked = new Set();
/** An app's name for a message (looked up once through its package when unknown). */
export async function appName(appid) {
  if (!appid) return '已删除的应用';
  const n = apps.nameOf(appid);
  if (n !== appid || asked.has(appid) || !isAppid(appid)) return n;
  asked.add(appid);
  try {
    const p = await get(appPath(appid, '/package'));
    apps.remember(appid, p.name);
    return p.name;
  } catch (_) {
    return appid;
  }
}

/** The line a folder shows in the chat list. */
export function previewOf(m) {
  if (!m) return '';
  const name = apps.nameOf(m.appid);
  if (m.folder === 'customer_service') return (m.fromUser ? '我: ' : name + ': ') + csText(m);
  return (m.appid ? name + ': ' : '') + m.title;
}

export function csText(m) {
  const b = m.body || {};
  switch (m.title) {
    case 'text':
      return b.content || '';
    case 'image':
      return '[图片]';
    case 'link':
      return '[链接] ' + (b.title || '');
    case 'miniprogrampage':
      return '[小程序] ' + (b.title || '');
    default:
      return b.content || m.title || '';
  }
}

// ---- opening a message ----------------------------------------------------------------

/** Opens a message's page (`POST …/open` records the click and gives the scene). */
export async function openMessage(m) {
  try {
    const r = await post('/inbox/' + Number(m.id) + '/open');
    if (!r.appid) {
      toast('该小程序已不存在');
      return;
    }
    if (!m.read && !m.fromUser && unread[m.folder]) unread[m.folder]--;
    m.read = true;
    changed();
    await runner.open({ appid: r.appid, path: r.path, query: parseQuery(r.query || ''), scene: r.scene });
  } catch (e) {
    toast(e.text || e.message);
  }
}

async function messageMenu(m, name, rerender) {
  const stopLabel = m.folder === 'push' ? '不再接收此小程序的“我的小程序”消息' : '不再接收此小程序的通知';
  const i = await actionSheet([{ label: '投诉' }, { label: stopLabel, danger: true }, { label: '消息设置' }], { title: name, label: '消息操作' });
  try {
    if (i === 0) {
      if (!(await confirm({ title: '投诉', content: '确定投诉此消息？投诉将反馈给平台。', ok: '投诉' }))) return;
      await post('/inbox/' + Number(m.id) + '/complain');
      m.complained = true;
      toast('已投诉', 'success');
    } else if (i === 1) {
      if (!(await confirm({ title: '不再接收', content: `将不再接收“${name}”的${m.folder === 'push' ? '“我的小程序”消息' : '通知'}，可在设置中重新开启。`, ok: '确定', danger: true }))) return;
      const r = await post('/inbox/' + Number(m.id) + '/stop');
      toast(r.stopped === 'push' ? '已关闭“我的小程序”消息' : '已关闭通知', 'success');
    } else if (i === 2 && m.appid) {
      openSubscriptions({ appid: m.appid, name });
    }
    rerender();
  } catch (e) {
    toast(e.text || e.message);
  }
}

function noticeCard(m, name, rerender) {
  const b = m.body || {};
  const lines = m.folder === 'service' && Array.isArray(b.lines) ? b.lines : null;
  return h(
    'article.notice' + (m.read ? '' : '.unread'),
    { dataset: { id: m.id, folder: m.folder }, 'aria-label': name + '：' + m.title },
    h(
      'header.notice-head',
      appIcon({ appid: m.appid || 'x', name }, 22),
      h('span.notice-app', name),
      h('button.notice-more', { type: 'button', 'aria-label': '更多操作', onclick: () => messageMenu(m, name, rerender) }, icon('more'))
    ),
    h('h3.notice-title', m.title),
    h('p.notice-time', chatTime(m.createdAt)),
    lines
      ? h('dl.notice-lines', lines.map((l) => [h('dt', l.name), h('dd', l.value)]))
      : h('p.notice-content', b.content || ''),
    m.complained ? h('p.notice-flag', '已投诉') : null,
    m.appid ? h('button.notice-open', { type: 'button', onclick: () => openMessage(m) }, h('span', '进入小程序查看'), icon('arrow')) : null
  );
}

/** A folder of notices (服务通知 or 小程序消息), oldest at the top as in WeChat. */
export function openFolder(folder) {
  const f = FOLDERS[folder];
  const s = nav.screen({ title: f.title, back: true, className: 'folder-screen' });
  s.el.dataset.folder = folder;
  const render = async () => {
    let r;
    try {
      r = await get('/inbox?limit=50&folder=' + folder);
    } catch (e) {
      fill(s.content, h('p.empty', e.text || e.message));
      return;
    }
    const msgs = (r.messages || []).slice().reverse();
    const names = {};
    for (const m of msgs) names[m.appid] = await appName(m.appid);
    fill(s.content, msgs.length ? h('div.notices', msgs.map((m) => noticeCard(m, names[m.appid], render))) : h('p.empty', '暂无消息'));
    s.content.scrollTop = s.content.scrollHeight;
    if (msgs.some((m) => !m.read)) {
      await post('/inbox/read', { folder }).catch(() => {});
      unread[folder] = 0;
      changed();
    }
  };
  s.onShow = render;
  const off = onChange((m) => {
    if (m && m.folder === folder) render();
  });
  s.onClose = off;
  nav.push(s);
}

/** The customer-service conversations: one row per app, newest first. */
export function openCsList(openChat) {
  const s = nav.screen({ title: FOLDERS.customer_service.title, back: true, className: 'cs-list-screen' });
  const render = async () => {
    const r = await get('/inbox?limit=200&folder=customer_service');
    const byApp = new Map();
    for (const m of r.messages || []) {
      if (!m.appid) continue;
      const e = byApp.get(m.appid) || { last: m, unread: 0 };
      if (!m.read && !m.fromUser) e.unread++;
      byApp.set(m.appid, e);
    }
    const rows = [];
    for (const [appid, e] of byApp) {
      const name = await appName(appid);
      rows.push(
        h(
          'button.cell.chat-row',
          { type: 'button', dataset: { appid }, onclick: () => openChat(appid, name) },
          h('span.row-avatar', appIcon({ appid, name }, 44), e.unread ? h('span.badge', String(e.unread)) : null),
          h('span.row-main', h('span.row-top', h('span.row-name', name), h('span.row-time', shortTime(e.last.createdAt))), h('span.row-preview', (e.last.fromUser ? '我: ' : '') + csText(e.last)))
        )
      );
    }
    fill(s.content, rows.length ? h('div.list', rows) : h('p.empty', '暂无客服消息'));
  };
  s.onShow = render;
  s.onClose = onChange((m) => {
    if (m && m.folder === 'customer_service') render();
  });
  nav.push(s);
}

export function markRead(ids) {
  return Promise.all(ids.map((id) => post('/inbox/' + Number(id) + '/read').catch(() => {}))).then(async () => {
    await refresh().catch(() => {});
  });
}
