// The host's chat with a mini program's customer service (wx.openCustomerServiceChat,
// button open-type="contact", the inbox's 小程序客服消息): the conversation is the
// inbox's customer_service folder for this app; the user's lines go to
// `POST …/cs/messages` (which opens the app's 48-hour reply window); the app's replies
// arrive live through the inbox stream.

import { get, post, appPath } from './api.js';
import { h, fill, icon, appIcon, avatar, chatTime, toast } from './dom.js';
import * as nav from './nav.js';
import * as session from './session.js';
import * as inbox from './inbox.js';
import { cardView } from './chats.js';

function bubbleOf(m, appid, name) {
  const b = m.body || {};
  switch (m.title) {
    case 'text':
      return h('div.bubble', b.content || '');
    case 'image':
      return h('div.bubble.media', icon('image'), '[图片]');
    case 'link':
      return h(
        'a.link-card',
        { href: /^https?:/i.test(b.url || '') ? b.url : '#', target: '_blank', rel: 'noopener noreferrer' },
        h('span.link-title', b.title || ''),
        h('span.link-body', h('span.link-desc', b.description || ''), b.thumb_url ? h('img', { src: b.thumb_url, alt: '', referrerpolicy: 'no-referrer' }) : icon('link'))
      );
    case 'miniprogrampage':
      return cardView({ appid, appName: name, title: b.title || name, path: b.pagepath || '', imageUrl: '' }, () => inbox.openMessage(m));
    default:
      return h('div.bubble', inbox.csText(m));
  }
}

/**
 * Opens the conversation with `appid`. `entered`: the caller already told the
 * platform the user entered the session (`POST …/cs/enter`); otherwise it is done here.
 */
export function openServiceChat(appid, name, { entered = false } = {}) {
  if (!entered) post(appPath(appid, '/cs/enter')).catch((e) => console.warn('[shell] cs/enter: ' + e.message));
  const s = nav.screen({ title: name, back: true, className: 'chat-screen cs-screen' });
  s.el.dataset.appid = appid;
  const stream = h('div.chat-stream', { role: 'log', 'aria-live': 'polite', 'aria-label': name + ' 客服消息' });
  const input = h('input.chat-input', { type: 'text', 'aria-label': '发送消息', maxlength: 600, enterkeyhint: 'send' });
  const form = h(
    'form.chat-bar',
    {
      onsubmit: async (e) => {
        e.preventDefault();
        const content = input.value.trim();
        if (!content) return;
        input.disabled = true;
        try {
          await post(appPath(appid, '/cs/messages'), { content });
          input.value = '';
          await render();
        } catch (err) {
          toast(err.text || err.message);
        } finally {
          input.disabled = false;
          input.focus({ preventScroll: true });
        }
      },
    },
    icon('keyboard'),
    input,
    h('button.send-btn', { type: 'submit' }, '发送')
  );
  s.content.append(h('p.chat-tip', '你正在与“' + name + '”的客服对话'), stream);
  s.el.append(form);
  const me = session.user();
  async function render() {
    let r;
    try {
      r = await get('/inbox?folder=customer_service&limit=100&appid=' + encodeURIComponent(appid));
    } catch (e) {
      fill(stream, h('p.empty', e.text || e.message));
      return;
    }
    const msgs = (r.messages || []).slice().reverse();
    let prev = 0;
    fill(
      stream,
      msgs.map((m) => {
        const time = m.createdAt - prev > 5 * 60e3 ? h('p.chat-time', chatTime(m.createdAt)) : null;
        prev = m.createdAt;
        const mine = m.fromUser;
        return [time, h('div.msg' + (mine ? '.mine' : ''), { dataset: { id: m.id } }, mine ? avatar(me.name, 40, 'me' + me.id) : appIcon({ appid, name }, 40), h('div.msg-body', bubbleOf(m, appid, name)))];
      })
    );
    s.content.scrollTop = s.content.scrollHeight;
    const unreadIds = msgs.filter((m) => !m.read && !m.fromUser).map((m) => m.id);
    if (unreadIds.length) inbox.markRead(unreadIds);
  }
  s.onShow = render;
  s.onClose = inbox.onChange((m) => {
    if (m && m.folder === 'customer_service' && m.appid === appid) render();
  });
  nav.push(s);
  setTimeout(() => input.focus({ preventScroll: true }), 50);
}
