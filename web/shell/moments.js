// 朋友圈 (moments) of the shell: a page's onShareTimeline (capsule › 分享到朋友圈) posts
// it here, and opening it from the feed is scene 1154 (the single-page mode of
// WeChat; its limits are not enforced here). Posts are kept by the host, per user;
// each one is recorded by the platform as a share (`POST /client/v1/shares` with
// `timeline: true`), and the open's source is `share:<id>`.

import { h, fill, icon, appIcon, avatar, chatTime, toast, parseQuery } from './dom.js';
import { post } from './api.js';
import { openDialog } from './dialogs.js';
import { getKv, updateKv } from './storage.js';
import * as nav from './nav.js';
import * as session from './session.js';
import * as runner from './runner.js';

export const SCENE_TIMELINE = 1154;
const MAX_POSTS = 100;

function uid() {
  return session.user().id;
}

/** The user's moments, newest first. */
export async function list() {
  return (await getKv(uid(), 'moments')) || [];
}

function card(p, onopen) {
  return h(
    'button.moment-card',
    { type: 'button', onclick: onopen, 'aria-label': `小程序：${p.appName}，${p.title}`, dataset: { appid: p.appid } },
    appIcon({ appid: p.appid, name: p.appName }, 40),
    h('span.moment-card-main', h('span.moment-card-title', p.title), h('span.moment-card-app', icon('miniprogram'), p.appName))
  );
}

/**
 * The share to moments: a preview and a line of text, then the post. Resolves true
 * once posted, false if cancelled.
 */
export async function shareTimelineSheet(app, { title, path, query, imageUrl }) {
  const p = { appid: app.appid, appName: app.name, title, path: String(path || '').replace(/^\//, ''), query: String(query || '').replace(/^\?/, ''), imageUrl };
  const note = h('textarea.moment-note', { rows: 3, maxlength: 200, placeholder: '这一刻的想法…', 'aria-label': '这一刻的想法' });
  const ok = await openDialog({
    title: '分享到朋友圈',
    className: 'moment-confirm',
    body: [note, h('div.moment-preview', card(p, () => {}))],
    buttons: [
      { label: '取消', value: false },
      { label: '发表', value: true, kind: 'primary' },
    ],
    cancelValue: false,
    focus: note,
  }).promise;
  if (!ok) return false;
  const shared = await post('/shares', { appid: app.appid, title: p.title, path: p.path + (p.query ? '?' + p.query : ''), imageUrl: imageUrl || '', timeline: true });
  const entry = { ...p, id: shared.id, text: note.value.trim().slice(0, 200), at: Date.now() };
  await updateKv(uid(), 'moments', (old) => [entry, ...(old || [])].slice(0, MAX_POSTS));
  toast('已发表', 'success');
  return true;
}

/** Opens a post's page: scene 1154, source `share:<id>`. */
export function openPost(p) {
  return runner.open({ appid: p.appid, path: p.path, query: parseQuery(p.query || ''), scene: SCENE_TIMELINE, source: 'share:' + p.id });
}

/** 发现 › 朋友圈: the feed. */
export function openMoments() {
  const s = nav.screen({ title: '朋友圈', back: true, className: 'moments-screen' });
  const me = session.user();
  s.onShow = async () => {
    const posts = await list();
    fill(
      s.content,
      h('div.moments-head', h('span.moments-name', me.name), avatar(me.name, 64, 'me' + me.id)),
      posts.length
        ? h(
            'div.moments-feed',
            posts.map((p) =>
              h(
                'article.moment',
                { dataset: { share: p.id } },
                avatar(me.name, 40, 'me' + me.id),
                h('div.moment-body', h('p.moment-who', me.name), p.text ? h('p.moment-text', p.text) : null, card(p, () => openPost(p)), h('p.moment-time', chatTime(p.at)))
              )
            )
          )
        : h('p.empty', '还没有分享到朋友圈的内容')
    );
  };
  nav.push(s);
}
