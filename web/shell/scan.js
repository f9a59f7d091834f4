// 扫一扫: opens a mini program from a QR-code image (decoded by `POST /client/v1/scan`)
// or from a pasted link. What the codes and links may hold, and their scenes: links.js.

import { postBytes } from './api.js';
import { h, icon, toast } from './dom.js';
import { confirm } from './dialogs.js';
import * as nav from './nav.js';
import * as runner from './runner.js';
import { parseLink } from './links.js';

/** Opens what `text` links to; tells the user when it cannot. */
export async function openLink(text, from) {
  const link = parseLink(text, from);
  if (!link) {
    await confirm({ title: from === 'scan' ? '扫描结果' : '无法识别', content: from === 'scan' ? String(text) : '这不是小程序的链接。支持 weixin://dl/business/?appid=… 和 openmini://app/<appid>/<页面路径>?<参数>', ok: '知道了', cancel: null });
    return null;
  }
  if (link.kind === 'url') {
    await confirm({ title: '扫描结果', content: link.url + '\n\n（网页链接，不是小程序）', ok: '知道了', cancel: null });
    return null;
  }
  if (link.kind === 'invalid') {
    await confirm({ title: '无法打开', content: link.reason, ok: '知道了', cancel: null });
    return null;
  }
  if (link.kind === 'ticket') {
    await confirm({ title: '暂不支持', content: '加密的 URL Scheme 和 URL Link 需要平台解析，当前版本尚不支持。', ok: '知道了', cancel: null });
    return null;
  }
  if (link.envVersion && link.envVersion !== 'release') toast('仅能打开正式版，已打开正式版');
  return runner.open({ appid: link.appid, path: link.path, query: link.query, scene: link.scene });
}

/** Decodes the QR code of an image file and opens what it holds. */
export async function scanImage(file) {
  let r;
  try {
    r = await postBytes('/scan', file);
  } catch (e) {
    toast(e.errcode === 85905 ? '未发现二维码' : e.text || e.message, 'text', 2500);
    return null;
  }
  return openLink(r.result, 'scan');
}

/** The 扫一扫 screen: pick an image, or paste a link. */
export function openScan() {
  const s = nav.screen({ title: '扫一扫', back: true, className: 'scan-screen dark' });
  const file = h('input#scan-file.visually-hidden', {
    type: 'file',
    accept: 'image/png,image/jpeg',
    onchange: async () => {
      const f = file.files[0];
      file.value = '';
      if (f) await scanImage(f);
    },
  });
  const text = h('textarea#scan-text', { rows: 2, placeholder: '粘贴小程序链接，如 weixin://dl/business/?appid=…', 'aria-label': '小程序链接' });
  s.content.append(
    h('div.scanner', { 'aria-hidden': 'true' }, h('div.scan-box', h('i.c1'), h('i.c2'), h('i.c3'), h('i.c4'), h('div.scan-line'))),
    h('p.scan-hint', '网页版无法使用相机：请选择二维码图片，或粘贴链接'),
    h('label.scan-album', { for: 'scan-file', tabindex: '0', role: 'button', onkeydown: (e) => (e.key === 'Enter' || e.key === ' ') && (e.preventDefault(), file.click()) }, icon('image'), h('span', '相册')),
    file,
    h(
      'form.scan-paste',
      {
        onsubmit: async (e) => {
          e.preventDefault();
          if (text.value.trim()) await openLink(text.value, 'text');
        },
      },
      text,
      h('button.primary-btn', { type: 'submit' }, '打开链接')
    )
  );
  nav.push(s);
}
