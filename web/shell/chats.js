// Simulated chats of the shell (kept by the host, per user): a few one-to-one chats and
// a group, where wx.shareAppMessage puts a mini-program card. Every card is recorded by
// the platform (`POST /client/v1/shares`), which gives a group card of a page that
// asked for it (`showShareMenu({withShareTicket: true})`) a real shareTicket. Tapping a
// card opens the app at the card's path: scene 1007 from a one-to-one chat, 1008 from a
// group, 1044 from a group with a shareTicket; the open's source is `share:<id>`.

import { h, fill, icon, appIcon, avatar, chatTime, toast, parseQuery } from './dom.js';
import { post } from './api.js';
import { openDialog } from './dialogs.js';
import { getKv, updateKv } from './storage.js';
import * as nav from './nav.js';
import * as session from './session.js';
import * as runner from './runner.js';
import { SCENES } from './links.js';

const listeners = new Set();

export function onChange(fn) {
  listeners.add(fn);
}

function changed() {
  listeners.forEach((fn) => fn());
}

function seed() {
  const now = Date.now();
  return [
    { id: 'c-wang', name: '王小明', group: false, messages: [{ id: 1, from: '王小明', at: now - 3600e3 * 5, text: '周末一起去喝咖啡吗？' }] },
    { id: 'g-coffee', name: '周末咖啡群', group: true, members: ['王小明', '韩梅梅', '李雷'], messages: [{ id: 1, from: '韩梅梅', at: now - 3600e3 * 26, text: '这家店的拿铁不错 ☕' }] },
    { id: 'c-han', name: '韩梅梅', group: false, messages: [{ id: 1, from: '韩梅梅', at: now - 3600e3 * 50, text: '收到，谢谢！' }] },
  ];
}

function uid() {
  return session.user().id;
}

/** The user's chats, newest activity first. */
export async function list() {
  let chats = await getKv(uid(), 'chats');
  if (!chats) chats = await updateKv(uid(), 'chats', (old) => old || seed());
  return [...chats].sort((a, b) => last(b) - last(a));
}

function last(c) {
  const m = c.messages[c.messages.length - 1];
  return m ? m.at : 0;
}

/** The last line of a chat as the chat list shows it. */
export function preview(c) {
  const m = c.messages[c.messages.length - 1];
  if (!m) return '';
  const who = c.group && m.from !== 'me' ? m.from + ': ' : '';
  return who + (m.card ? '[小程序] ' + m.card.title : m.text);
}

async function addMessage(chatId, msg) {
  const chats = await updateKv(uid(), 'chats', (old) => {
    const all = old || seed();
    const c = all.find((x) => x.id === chatId);
    if (c) c.messages.push({ id: (c.messages.length ? c.messages[c.messages.length - 1].id : 0) + 1, at: Date.now(), ...msg });
    return all;
  });
  changed();
  return chats.find((x) => x.id === chatId);
}

/** A share card's image the host page can show (blob: URLs of a frame cannot be). */
function imageFor(app, url) {
  if (!url) return '';
  if (/^(https?:|data:image\/)/i.test(url)) return url;
  if (/^[a-z][\w+.-]*:/i.test(url)) return '';
  try {
    return new URL('main/files/' + url.replace(/^\/+/, ''), app.base).href;
  } catch (_) {
    return '';
  }
}

/** The mini-program card WeChat draws in a chat. */
export function cardView(card, onopen) {
  const img = card.imageUrl ? h('img.card-img', { src: card.imageUrl, alt: '', loading: 'lazy', referrerpolicy: 'no-referrer' }) : h('div.card-img.placeholder', appIcon({ appid: card.appid, name: card.appName }, 40));
  return h(
    'button.mp-card',
    { type: 'button', onclick: onopen, 'aria-label': `小程序卡片：${card.appName}，${card.title}`, dataset: { appid: card.appid } },
    h('span.card-head', appIcon({ appid: card.appid, name: card.appName }, 18), h('span', card.appName)),
    h('span.card-title', card.title),
    img,
    h('span.card-foot', icon('miniprogram'), '小程序')
  );
}

/**
 * wx.shareAppMessage: the share sheet (pick a chat, then send the card). Resolves true
 * once sent, false if cancelled.
 */
export async function shareSheet(app, { title, path, imageUrl }) {
  const chats = await list();
  const pick = openDialog({
    sheet: true,
    className: 'share-sheet',
    label: '发送给朋友',
    body: [
      h('p.sheet-title', '选择一个聊天'),
      h(
        'div.share-list',
        { role: 'listbox', 'aria-label': '聊天' },
        chats.map((c) => h('button.share-chat', { type: 'button', role: 'option', dataset: { chat: c.id }, onclick: () => pick.close(c) }, avatar(c.name, 40, c.id), h('span', c.name + (c.group ? `（${c.members.length + 1}）` : ''))))
      ),
      h('button.sheet-cancel', { type: 'button', onclick: () => pick.close(null) }, '取消'),
    ],
    cancelValue: null,
  });
  const chat = await pick.promise;
  if (!chat) return false;
  const card = { appid: app.appid, appName: app.name, title, path: path.replace(/^\//, ''), imageUrl: imageFor(app, imageUrl) };
  const note = h('input.share-note', { type: 'text', placeholder: '给朋友留言', maxlength: 100, 'aria-label': '给朋友留言' });
  const ok = await openDialog({
    title: '发送给：' + chat.name,
    className: 'share-confirm',
    body: [h('div.share-preview', cardView(card, () => {})), note],
    buttons: [
      { label: '取消', value: false },
      { label: '发送', value: true, kind: 'primary' },
    ],
    cancelValue: false,
  }).promise;
  if (!ok) return false;
  const shared = await post('/shares', {
    appid: app.appid,
    title: card.title,
    path: card.path,
    imageUrl: card.imageUrl,
    chat: { id: chat.id, group: !!chat.group },
    withShareTicket: !!(chat.group && app.shareMenu && app.shareMenu.withShareTicket),
  });
  card.shareId = shared.id;
  card.scene = shared.scene;
  if (shared.shareTicket) card.shareTicket = shared.shareTicket;
  await addMessage(chat.id, { from: 'me', card });
  if (note.value.trim()) await addMessage(chat.id, { from: 'me', text: note.value.trim() });
  toast('已发送', 'success');
  return true;
}

/** Opens the app of a card: scene and shareTicket by the kind of chat. */
export function openCard(chat, card) {
  const [path, qs] = String(card.path || '').split('?');
  const scene = chat.group ? (card.shareTicket ? SCENES.groupCardTicket : SCENES.groupCard) : SCENES.chatCard;
  return runner.open({
    appid: card.appid,
    path,
    query: parseQuery(qs || ''),
    scene,
    shareTicket: chat.group ? card.shareTicket : undefined,
    chatType: chat.group ? 3 : 1,
    source: card.shareId ? 'share:' + card.shareId : null,
  });
}

/** A chat's screen: its messages (cards open their app) and a line to write. */
export function openChat(chatId) {
  const s = nav.screen({ title: '', back: true, className: 'chat-screen' });
  const stream = h('div.chat-stream', { role: 'log', 'aria-live': 'polite' });
  const input = h('input.chat-input', { type: 'text', 'aria-label': '发送消息', enterkeyhint: 'send' });
  const send = h('button.send-btn', { type: 'submit' }, '发送');
  const form = h(
    'form.chat-bar',
    {
      onsubmit: async (e) => {
        e.preventDefault();
        const text = input.value.trim();
        if (!text) return;
        input.value = '';
        await addMessage(chatId, { from: 'me', text });
        render();
      },
    },
    icon('keyboard'),
    input,
    send
  );
  s.content.append(stream);
  s.el.append(form);
  const me = session.user();
  async function render() {
    const chat = (await list()).find((c) => c.id === chatId);
    if (!chat) return;
    s.setTitle(chat.group ? `${chat.name}(${chat.members.length + 1})` : chat.name);
    let prev = 0;
    fill(
      stream,
      chat.messages.map((m) => {
        const mine = m.from === 'me';
        const time = m.at - prev > 5 * 60e3 ? h('p.chat-time', chatTime(m.at)) : null;
        prev = m.at;
        const bubble = m.card ? cardView(m.card, () => openCard(chat, m.card)) : h('div.bubble', m.text);
        return [
          time,
          h(
            'div.msg' + (mine ? '.mine' : ''),
            avatar(mine ? me.name : m.from, 40, mine ? 'me' + me.id : m.from),
            h('div.msg-body', chat.group && !mine ? h('span.msg-from', m.from) : null, bubble)
          ),
        ];
      })
    );
    s.content.scrollTop = s.content.scrollHeight;
  }
  s.onShow = render;
  nav.push(s);
}
