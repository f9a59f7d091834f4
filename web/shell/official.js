// 通讯录 › 公众号: the platform's service and subscription accounts, each with its page
// (articles, and the menu at the bottom as WeChat draws it). A menu's `miniprogram`
// button opens its mini program with scene 1035 (referrerInfo.appId: the account), an
// article's mini program opens with 1058; both are recorded with the account's appid
// as the source. Article content is shown as text only: an account's HTML never runs
// in the host page, which holds the user's token.

import { get, isAppid } from './api.js';
import { h, fill, icon, appIcon, chatTime, toast, parseQuery } from './dom.js';
import { actionSheet } from './dialogs.js';
import * as nav from './nav.js';
import * as runner from './runner.js';

export const SCENE_MENU = 1035;
export const SCENE_ARTICLE = 1058;

/** 通讯录 › 公众号: every account. */
export function openOfficialList() {
  const s = nav.screen({ title: '公众号', back: true, className: 'official-list-screen' });
  s.onShow = async () => {
    let r;
    try {
      r = await get('/official-accounts');
    } catch (e) {
      fill(s.content, h('p.empty', e.text || e.message));
      return;
    }
    fill(
      s.content,
      r.accounts.length
        ? h(
            'div.list',
            r.accounts.map((a) =>
              h(
                'button.cell.app-row.official-row',
                { type: 'button', dataset: { appid: a.appid }, onclick: () => openAccount(a.appid) },
                appIcon(a, 40),
                h('span.row-main', h('span.row-name', a.name), h('span.row-preview', a.kind === 'service' ? '服务号' : '订阅号'))
              )
            )
          )
        : h('p.empty', '还没有公众号')
    );
  };
  nav.push(s);
}

/** Opens a menu's or an article's mini program. */
function openMiniProgram(account, appid, pagepath, scene) {
  if (!isAppid(appid)) return null;
  const [path, qs] = String(pagepath || '').split('?');
  return runner.open({
    appid,
    path,
    query: parseQuery(qs || ''),
    scene,
    referrerInfo: scene === SCENE_MENU ? { appId: account.appid } : {},
    source: account.appid,
  });
}

/** What a leaf button of the menu does. */
function press(account, b) {
  if (b.type === 'miniprogram') return openMiniProgram(account, b.appid, b.pagepath, SCENE_MENU);
  if (b.type === 'view' && /^https?:\/\//.test(b.url || '')) {
    window.open(b.url, '_blank', 'noopener,noreferrer');
    return null;
  }
  toast('已发送');
  return null;
}

function menuBar(account, menu) {
  const buttons = (menu && menu.button) || [];
  if (!buttons.length) return null;
  return h(
    'nav.official-menu',
    { 'aria-label': account.name + ' 菜单' },
    h('span.official-kbd', { 'aria-hidden': 'true' }, icon('keyboard')),
    buttons.map((b, i) =>
      h(
        'button.official-menu-btn',
        {
          type: 'button',
          dataset: { menu: i },
          onclick: async () => {
            const subs = b.sub_button || [];
            if (!subs.length) return press(account, b);
            const j = await actionSheet(subs.map((x) => x.name), { label: b.name });
            if (j >= 0) press(account, subs[j]);
          },
        },
        b.name
      )
    )
  );
}

/** An account's page: its articles and its menu. */
export function openAccount(appid) {
  const s = nav.screen({ title: '', back: true, className: 'official-screen' });
  s.onShow = async () => {
    let a;
    try {
      a = await get('/official-accounts/' + encodeURIComponent(appid));
    } catch (e) {
      fill(s.content, h('p.empty', e.text || e.message));
      return;
    }
    s.setTitle(a.name);
    fill(
      s.content,
      h('div.official-head', appIcon(a, 56), h('p.official-name', a.name), h('p.official-kind', a.kind === 'service' ? '服务号' : '订阅号')),
      a.articles.length
        ? h(
            'div.official-articles',
            a.articles.map((x) =>
              h(
                'button.official-article',
                { type: 'button', dataset: { article: x.id }, onclick: () => openArticle(x.id) },
                h('span.article-title', x.title),
                x.digest ? h('span.article-digest', x.digest) : null,
                h('span.article-time', chatTime(x.createdAt))
              )
            )
          )
        : h('p.empty', '还没有文章')
    );
    s.el.querySelector('.official-menu')?.remove();
    const bar = menuBar(a, a.menu);
    if (bar) s.el.append(bar);
  };
  nav.push(s);
}

/** The paragraphs of an article's HTML, parsed inert (no script runs, nothing loads). */
function paragraphs(html) {
  const doc = new DOMParser().parseFromString(String(html || ''), 'text/html');
  doc.querySelectorAll('script, style, template, noscript, iframe, object, mp-miniprogram').forEach((e) => e.remove());
  doc.querySelectorAll('br').forEach((e) => e.replaceWith('\n'));
  doc.querySelectorAll('p, div, section, h1, h2, h3, h4, h5, h6, li, blockquote').forEach((e) => e.append('\n'));
  return doc.body.textContent
    .split(/\n+/)
    .map((p) => p.trim())
    .filter(Boolean);
}

/** An article: its text, and the card of the mini program it links to. */
export function openArticle(id) {
  const s = nav.screen({ title: '', back: true, className: 'article-screen' });
  s.onShow = async () => {
    let a;
    try {
      a = await get('/articles/' + Number(id));
    } catch (e) {
      fill(s.content, h('p.empty', e.text || e.message));
      return;
    }
    s.setTitle(a.account.name);
    const mp = a.miniprogram;
    fill(
      s.content,
      h(
        'article.article',
        h('h2.article-h', a.title),
        h('p.article-meta', [a.author, a.account.name, chatTime(a.createdAt)].filter(Boolean).join(' · ')),
        paragraphs(a.content).map((p) => h('p.article-p', p)),
        mp
          ? h(
              'button.article-mp',
              { type: 'button', dataset: { appid: mp.appid }, onclick: () => openMiniProgram(a.account, mp.appid, mp.pagepath, SCENE_ARTICLE) },
              appIcon({ appid: mp.appid, name: mp.name }, 32),
              h('span.article-mp-main', h('span.article-mp-name', mp.name || mp.appid), h('span.article-mp-tag', icon('miniprogram'), '小程序'))
            )
          : null
      )
    );
  };
  nav.push(s);
}
