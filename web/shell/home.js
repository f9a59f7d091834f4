// The shell's home: four tabs as WeChat has them. 微信 is the chat list (simulated
// chats and the inbox's folders) with the search box on top and the mini-program
// panel that a pull-down reveals (recent: scene 1089, My mini programs: 1104);
// 发现 has 扫一扫, 搜一搜 (scene 1053) and 小程序 (recent and My mini programs, 1001).

import { h, fill, icon, appIcon, avatar, shortTime, toast, maskPhone } from './dom.js';
import { actionSheet, confirm } from './dialogs.js';
import * as nav from './nav.js';
import * as apps from './apps.js';
import * as chats from './chats.js';
import * as inbox from './inbox.js';
import * as runner from './runner.js';
import * as session from './session.js';
import { openServiceChat } from './cs.js';
import { openScan } from './scan.js';
import { openOfficialList, openAccount, openArticle } from './official.js';
import { openMoments } from './moments.js';
import { SCENES } from './links.js';

const TABS = [
  { id: 'chats', label: '微信', icon: 'chat' },
  { id: 'contacts', label: '通讯录', icon: 'contacts' },
  { id: 'discover', label: '发现', icon: 'discover' },
  { id: 'me', label: '我', icon: 'me' },
];

let roots = {};
let current = 'chats';
let tabbar = null;
let panel = null;
let onSignOut = () => {};

/** Builds the tabs into #app; `signOut()` is the 我 tab's sign-out. */
export function showHome(root, signOut) {
  onSignOut = signOut;
  const screens = h('div#screens');
  tabbar = h('nav#tabbar', { 'aria-label': '主菜单' });
  roots = { chats: chatsTab(), contacts: contactsTab(), discover: discoverTab(), me: meTab() };
  for (const t of TABS) screens.append(roots[t.id].el);
  fill(root, screens, tabbar);
  nav.setTabs({ refresh: () => render(current) });
  drawTabbar();
  select('chats');
  if (!listening) {
    // Once per page: the handlers always draw the current tabs (a sign-in builds new ones).
    listening = true;
    apps.onChange(() => refreshVisible());
    chats.onChange(() => refreshVisible());
    inbox.onChange(() => {
      if (!session.user()) return;
      drawTabbar();
      if (current === 'chats') render('chats');
    });
  }
}

let listening = false;

function refreshVisible() {
  if (!session.user()) return;
  render(current);
  if (panel && panel.isOpen()) panel.render().catch(report);
}

function report(e) {
  console.warn('[shell] ' + (e && e.message ? e.message : e));
}

/** Draws a tab (its data is read asynchronously; a signed-out user draws nothing). */
function render(id) {
  if (!session.user() || !roots[id]) return;
  Promise.resolve(roots[id].render()).catch(report);
}

function drawTabbar() {
  if (!tabbar) return;
  const n = inbox.totalUnread();
  fill(
    tabbar,
    TABS.map((t) =>
      h(
        'button.tab' + (t.id === current ? '.active' : ''),
        { type: 'button', 'aria-current': t.id === current ? 'page' : null, dataset: { tab: t.id }, onclick: () => select(t.id) },
        h('span.tab-icon', icon(t.id === current ? t.icon + 'Fill' : t.icon), t.id === 'chats' && n ? h('span.badge', { 'aria-label': n + ' 条未读' }, n > 99 ? '99+' : String(n)) : null),
        h('span.tab-label', t.label)
      )
    )
  );
}

export function select(id) {
  nav.popAll();
  current = id;
  for (const t of TABS) roots[t.id].el.hidden = t.id !== id;
  drawTabbar();
  render(id);
}

function rootScreen(title, className, right) {
  const s = nav.screen({ title, className: 'tab-root ' + className, right });
  return s;
}

// ---- 微信: chats, folders, the pull-down panel ----------------------------------------

function row({ avatarEl, name, time, preview, badge, onclick, dataset }) {
  return h(
    'button.cell.chat-row',
    { type: 'button', onclick, dataset },
    h('span.row-avatar', avatarEl, badge ? h('span.badge', badge > 99 ? '99+' : String(badge)) : null),
    h('span.row-main', h('span.row-top', h('span.row-name', name), h('span.row-time', time)), h('span.row-preview', preview))
  );
}

function folderAvatar(f) {
  return h('span.folder-avatar', { style: { background: inbox.FOLDERS[f].color }, 'aria-hidden': 'true' }, icon(inbox.FOLDERS[f].icon));
}

function chatsTab() {
  const plus = h('button.nav-icon', { type: 'button', 'aria-label': '更多功能', onclick: plusMenu }, icon('plus'));
  const s = rootScreen('微信', 'chats-root', [plus]);
  const search = h('button.search-bar', { type: 'button', onclick: () => openSearch(SCENES.topSearch) }, icon('search'), h('span', '搜索'));
  const pullHint = h('button.pull-hint', { type: 'button', 'aria-label': '下拉显示小程序', onclick: () => panel.open() }, h('span.pull-grip'));
  const list = h('div.list.chat-list');
  s.content.append(pullHint, search, list);
  panel = pullPanel(s);
  s.render = async () => {
    const n = inbox.totalUnread();
    s.setTitle(n ? `微信(${n})` : '微信');
    const rows = [];
    for (const f of Object.keys(inbox.FOLDERS)) {
      const m = inbox.latestOf(f);
      if (!m && f !== 'service') continue;
      rows.push({
        at: m ? m.createdAt : 0,
        el: row({
          avatarEl: folderAvatar(f),
          name: inbox.FOLDERS[f].title,
          time: m ? shortTime(m.createdAt) : '',
          preview: inbox.previewOf(m),
          badge: inbox.unreadOf(f),
          dataset: { folder: f },
          onclick: () => (f === 'customer_service' ? inbox.openCsList((appid, name) => openServiceChat(appid, name)) : inbox.openFolder(f)),
        }),
      });
    }
    for (const c of await chats.list()) {
      const m = c.messages[c.messages.length - 1];
      rows.push({
        at: m ? m.at : 0,
        el: row({ avatarEl: avatar(c.name, 48, c.id), name: c.name, time: m ? shortTime(m.at) : '', preview: chats.preview(c), dataset: { chat: c.id }, onclick: () => chats.openChat(c.id) }),
      });
    }
    rows.sort((a, b) => b.at - a.at);
    fill(list, rows.map((r) => r.el));
  };
  return s;
}

async function plusMenu() {
  const i = await actionSheet(['扫一扫', '打开小程序链接'], { label: '更多功能' });
  if (i === 0 || i === 1) openScan();
}

/** The mini-program panel above the chat list, revealed by pulling the list down. */
function pullPanel(s) {
  const recentRow = h('div.panel-grid', { role: 'list' });
  const mineRow = h('div.panel-grid', { role: 'list' });
  const el = h(
    'section.pull-panel',
    { 'aria-label': '小程序', hidden: true, tabindex: '-1' },
    h('h2.panel-title', '小程序'),
    h('button.panel-search', { type: 'button', onclick: () => (close(), openSearch(SCENES.topSearch)) }, icon('search'), h('span', '搜索小程序')),
    h('h3.panel-sub', '最近使用'),
    recentRow,
    h('h3.panel-sub', '我的小程序'),
    mineRow,
    h('button.panel-close', { type: 'button', 'aria-label': '收起小程序面板', onclick: () => close() }, h('span.panel-chevron'))
  );
  s.el.append(el);
  const content = s.content;
  let openState = false;

  const item = (a, scene) =>
    h('button.panel-app', { type: 'button', role: 'listitem', dataset: { appid: a.appid, scene }, onclick: () => (close(), runner.open({ appid: a.appid, scene })) }, appIcon(a, 48), h('span.panel-name', a.name));

  async function render() {
    const recent = await apps.recents();
    const mine = await apps.myApps().catch(() => []);
    fill(recentRow, recent.length ? recent.slice(0, 8).map((a) => item(a, SCENES.pullDownRecent)) : h('p.panel-empty', '暂无最近使用的小程序'));
    fill(mineRow, mine.length ? mine.slice(0, 8).map((a) => item(a, SCENES.pullDownMine)) : h('p.panel-empty', '在小程序的“···”菜单中添加'));
  }

  function setOffset(px, animate) {
    s.el.classList.toggle('pulling', !animate);
    content.style.transform = px ? `translateY(${px}px)` : '';
    el.style.setProperty('--pull', px + 'px');
  }

  async function open() {
    if (openState) return;
    openState = true;
    el.hidden = false;
    s.el.classList.add('panel-open');
    await render();
    setOffset(0, true);
    el.focus({ preventScroll: true });
    nav.setPanel(close);
  }

  function close() {
    if (!openState) return setOffset(0, true);
    openState = false;
    s.el.classList.remove('panel-open');
    setOffset(0, true);
    setTimeout(() => !openState && (el.hidden = true), 250);
    nav.setPanel(null);
  }

  // The gesture: at the top of the list, a drag down past 80px opens the panel.
  let startY = null;
  let dy = 0;
  const startAt = (y) => {
    if (openState || content.scrollTop > 0) return;
    startY = y;
    dy = 0;
  };
  const moveTo = (y, e) => {
    if (startY === null) return;
    dy = y - startY;
    if (dy > 4) {
      if (e.cancelable) e.preventDefault();
      el.hidden = false;
      setOffset(Math.min(dy * 0.6, 240), false);
    }
  };
  const end = () => {
    if (startY === null) return;
    startY = null;
    // A drag is no tap: the click that ends it must not open the row under the pointer.
    if (dy > 4) content.addEventListener('click', (e) => (e.stopPropagation(), e.preventDefault()), { capture: true, once: true });
    if (dy * 0.6 > 80) open();
    else {
      setOffset(0, true);
      if (!openState) setTimeout(() => !openState && (el.hidden = true), 250);
    }
  };
  content.addEventListener('touchstart', (e) => startAt(e.touches[0].clientY), { passive: true });
  content.addEventListener('touchmove', (e) => moveTo(e.touches[0].clientY, e), { passive: false });
  content.addEventListener('touchend', end);
  content.addEventListener('touchcancel', end);
  content.addEventListener('mousedown', (e) => {
    if (e.button !== 0) return;
    startAt(e.clientY);
    const mm = (ev) => moveTo(ev.clientY, ev);
    const mu = () => {
      document.removeEventListener('mousemove', mm);
      document.removeEventListener('mouseup', mu);
      end();
    };
    document.addEventListener('mousemove', mm);
    document.addEventListener('mouseup', mu);
  });
  // Swiping up on the panel closes it.
  let panelStart = null;
  el.addEventListener('touchstart', (e) => (panelStart = e.touches[0].clientY), { passive: true });
  el.addEventListener('touchend', (e) => {
    if (panelStart !== null && e.changedTouches[0].clientY - panelStart < -60) close();
    panelStart = null;
  });

  return { open, close, render, isOpen: () => openState };
}

// ---- search ------------------------------------------------------------------------------

/**
 * Search (`GET /client/v1/search`, the catalogue if that fails): mini programs, their
 * services, official accounts and articles; results open with `scene` (1005 top
 * search, 1053 搜一搜) and the query as the open's source.
 */
export function openSearch(scene) {
  const input = h('input#search-input', { type: 'search', placeholder: scene === SCENES.search ? '搜一搜' : '搜索小程序', 'aria-label': '搜索', autofocus: true, enterkeyhint: 'search' });
  const cancel = h('button.search-cancel', { type: 'button', onclick: () => nav.pop() }, '取消');
  const s = nav.screen({ title: '', className: 'search-screen' });
  s.bar.replaceChildren(h('form.search-form', { role: 'search', onsubmit: (e) => (e.preventDefault(), run()) }, h('label.search-field', icon('search'), input)), cancel);
  const results = h('div.search-results', { 'aria-live': 'polite' });
  s.content.append(results);
  let timer = 0;
  let seq = 0;
  async function run() {
    const q = input.value.trim();
    const mine = ++seq;
    if (!q) {
      fill(results, h('p.search-tip', scene === SCENES.search ? '搜索小程序、服务' : '搜索指定内容'));
      return;
    }
    let r;
    try {
      r = await apps.search(q);
    } catch (e) {
      fill(results, h('p.empty', e.text || e.message));
      return;
    }
    if (mine !== seq) return;
    // The platform ranks; the shell groups, mini programs first (rule 8).
    const of = (type) => r.items.filter((i) => i.type === type);
    const group = (title, rows) => (rows.length ? [h('p.group-title', title), h('div.list', rows)] : []);
    const open = (i) => {
      const [path, query] = String(i.page || '').split('?');
      runner.open({ appid: i.appid, path, query: query || '', scene, source: q });
    };
    fill(
      results,
      ...group('小程序', of('miniprogram').map((i) => h(
        'button.cell.app-row',
        { type: 'button', dataset: { appid: i.appid }, onclick: () => open(i) },
        appIcon({ appid: i.appid, name: i.title }, 40),
        h('span.row-main', h('span.row-name', highlight(i.title, q)), h('span.row-preview', i.appid))
      ))),
      ...group('服务', of('service').map((i) => h(
        'button.cell.app-row.service-row',
        { type: 'button', dataset: { service: i.appid, page: i.page || '' }, onclick: () => open(i) },
        appIcon({ appid: i.appid, name: i.name || i.title }, 40),
        h('span.row-main', h('span.row-name', highlight(i.title, q)), h('span.row-preview', i.name || i.appid))
      ))),
      ...group('公众号', of('official').map((i) => h(
        'button.cell.app-row.official-row',
        { type: 'button', dataset: { official: i.appid }, onclick: () => openAccount(i.appid) },
        appIcon({ appid: i.appid, name: i.title }, 40),
        h('span.row-main', h('span.row-name', highlight(i.title, q)), h('span.row-preview', '公众号'))
      ))),
      ...group('文章', of('article').map((i) => h(
        'button.cell.article-row',
        { type: 'button', dataset: { article: i.article }, onclick: () => openArticle(i.article) },
        h('span.row-main', h('span.row-name', highlight(i.title, q)), h('span.row-preview', i.name || ''))
      ))),
      r.items.length ? null : h('p.empty', '没有找到相关的小程序、服务和文章'),
      r.fallback ? h('p.search-tip', '平台的小程序目录暂不可用，仅显示你用过和添加的小程序') : null
    );
  }
  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(run, 200);
  });
  run();
  nav.push(s);
  setTimeout(() => input.focus({ preventScroll: true }), 0);
}

function highlight(name, q) {
  const i = name.toLowerCase().indexOf(q.toLowerCase());
  if (i < 0) return name;
  return [name.slice(0, i), h('em', name.slice(i, i + q.length)), name.slice(i + q.length)];
}

// ---- 通讯录 ------------------------------------------------------------------------------

function contactsTab() {
  const s = rootScreen('通讯录', 'contacts-root');
  s.render = async () => {
    const list = await chats.list();
    fill(
      s.content,
      h('div.group', linkCell('公众号', 'service', '#2782d7', openOfficialList, 'open-official')),
      h('div.list', list.filter((c) => c.group).map((c) => row({ avatarEl: avatar(c.name, 40, c.id), name: c.name, time: '', preview: '群聊', onclick: () => chats.openChat(c.id) }))),
      h('p.group-title', '联系人'),
      h('div.list', list.filter((c) => !c.group).map((c) => row({ avatarEl: avatar(c.name, 40, c.id), name: c.name, time: '', preview: '', onclick: () => chats.openChat(c.id) }))),
      h('p.list-foot', `${list.filter((c) => !c.group).length}位联系人`)
    );
  };
  return s;
}

// ---- 发现 --------------------------------------------------------------------------------

function linkCell(label, iconName, color, onclick, id) {
  return h('button.cell.link-cell', { type: 'button', onclick, id }, h('span.cell-icon', { style: { color } }, icon(iconName)), h('span.cell-title', label), icon('arrow'));
}

function discoverTab() {
  const s = rootScreen('发现', 'discover-root');
  s.render = async () => {
    fill(
      s.content,
      h('div.group', linkCell('朋友圈', 'image', '#f1a239', openMoments, 'open-moments')),
      h('div.group', linkCell('扫一扫', 'scan', '#10aeff', openScan, 'open-scan')),
      h('div.group', linkCell('搜一搜', 'search', '#fa5151', () => openSearch(SCENES.search), 'open-sousou')),
      h('div.group', linkCell('小程序', 'miniprogram', '#6467f0', openMiniPrograms, 'open-miniprograms'))
    );
  };
  return s;
}

/** 发现 › 小程序: recently used and My mini programs (scene 1001). */
export function openMiniPrograms() {
  const s = nav.screen({ title: '小程序', back: true, className: 'mp-screen', right: [h('button.nav-icon', { type: 'button', 'aria-label': '搜索小程序', onclick: () => openSearch(SCENES.topSearch) }, icon('search'))] });
  const appRow = (a, isMine) =>
    h(
      'div.cell.app-row',
      { dataset: { appid: a.appid } },
      h('button.app-open', { type: 'button', onclick: () => runner.open({ appid: a.appid, scene: SCENES.recent }) }, appIcon(a, 40), h('span.row-name', a.name)),
      h('button.nav-icon.row-more', { type: 'button', 'aria-label': a.name + ' 更多操作', onclick: () => appMenu(a, isMine) }, icon('more'))
    );
  s.onShow = async () => {
    const recent = await apps.recents();
    const mine = await apps.myApps(true).catch(() => []);
    fill(
      s.content,
      h('p.group-title', '我的小程序'),
      mine.length ? h('div.list.mine-list', mine.map((a) => appRow(a, true))) : h('p.group-note', '在小程序右上角“···”菜单中添加到我的小程序'),
      h('p.group-title', '最近使用'),
      recent.length ? h('div.list.recent-list', recent.map((a) => appRow(a, apps.isMine(a.appid)))) : h('p.group-note', '暂无最近使用的小程序')
    );
  };
  const off = apps.onChange(() => s.onShow());
  s.onClose = off;
  nav.push(s);
}

async function appMenu(a, isMine) {
  const items = [isMine ? { label: '从“我的小程序”中移除', danger: true } : { label: '添加到“我的小程序”' }, { label: '从最近使用中删除' }];
  const i = await actionSheet(items, { title: a.name });
  try {
    if (i === 0) {
      if (isMine) await apps.removeMyApp(a.appid);
      else await apps.addMyApp(a.appid);
      toast(isMine ? '已移除' : '已添加', 'success');
    } else if (i === 1) await apps.removeRecent(a.appid);
  } catch (e) {
    toast(e.text || e.message);
  }
}

// ---- 我 ----------------------------------------------------------------------------------

function meTab() {
  const s = rootScreen('', 'me-root');
  s.render = async () => {
    const u = session.user();
    if (!u) return;
    fill(
      s.content,
      h('div.me-card', avatar(u.name, 64, 'me' + u.id), h('div.me-info', h('p.me-name', u.name), h('p.me-id', '手机号：' + (u.country_code && u.country_code !== 86 ? '+' + u.country_code + ' ' : '') + maskPhone(u.phone)))),
      h('div.group', linkCell('小程序', 'miniprogram', '#6467f0', openMiniPrograms)),
      h('div.group', linkCell('服务通知', 'bell', '#fa9d3b', () => inbox.openFolder('service'))),
      h('div.group', h('button.cell.signout', { type: 'button', id: 'signout', onclick: signOutAsk }, '退出登录'))
    );
  };
  return s;
}

async function signOutAsk() {
  if (await confirm({ title: '退出登录', content: '退出后不会删除任何数据，下次登录依然可以使用本账号。', ok: '退出', danger: true })) onSignOut();
}
