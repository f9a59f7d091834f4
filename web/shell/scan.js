// 扫一扫: opens a mini program from a QR-code image (decoded by `POST /client/v1/scan`)
// or from a pasted link; and the links that arrive in the shell's URL
// (`/#/open?link=…&from=…`, the button of a link's or code's landing page). The
// platform's links and codes are resolved by `GET /client/v1/links/resolve`, which
// answers the scene and records the open; what they are and their scenes: links.js.

import { get, postBytes } from './api.js';
import { h, icon, toast } from './dom.js';
import { confirm } from './dialogs.js';
import * as nav from './nav.js';
import * as runner from './runner.js';
import { parseLink, FROM } from './links.js';

function tell(title, content) {
  return confirm({ title, content, ok: '知道了', cancel: null });
}

/** Why the platform would not open a link, in words. */
function refusal(e, isCode) {
  switch (e.errcode) {
    case 85920:
      return ['链接已过期', '该链接已失效，请向提供链接的人索取新的链接。'];
    case 85403:
      return isCode ? ['二维码无效', '这个二维码不是本平台生成的，或已失效。'] : ['链接不存在', '这个链接无效或已被删除，请检查链接是否完整。'];
    case 45009:
      return ['暂时无法打开', '该小程序今日通过链接打开的次数已达上限，请明天再试。'];
    case 40013:
      return ['无法打开', '该小程序不存在或已被停用。'];
    case 85079:
      return ['无法打开', '仅能打开小程序的正式版。'];
    default:
      return ['无法打开', e.text || e.message];
  }
}

/** Resolves a link of the platform and opens it with the scene the platform says. */
async function openPlatformLink(link, from) {
  let r;
  try {
    r = await get('/links/resolve?link=' + encodeURIComponent(link.link) + '&from=' + encodeURIComponent(from));
  } catch (e) {
    if (e.sessionEnded) return null;
    // Another site's URL that only looks like one of ours: it is just a web page.
    if (link.foreign && (e.errcode === 85403 || e.errcode === 40097)) {
      await tell('扫描结果', link.link + '\n\n（网页链接，不是小程序）');
      return null;
    }
    const [title, content] = refusal(e, /\/c\//.test(link.link));
    await tell(title, content);
    return null;
  }
  // The platform recorded this open (with its source): the runner does not again.
  return runner.open({ appid: r.appid, path: r.path, query: r.query, scene: r.scene, source: r.source, recorded: r.recorded });
}

/** Opens what `text` links to; tells the user when it cannot. `from`: album, camera, longpress or text. */
export async function openLink(text, from = 'text') {
  if (!FROM.includes(from)) from = 'text';
  const link = parseLink(text, from);
  if (!link) {
    await tell(from === 'album' ? '扫描结果' : '无法识别', from === 'album' ? String(text) : '这不是小程序的链接。支持 URL Scheme（weixin://dl/business/…）、URL Link、小程序短链和小程序码');
    return null;
  }
  if (link.kind === 'url') {
    await tell('扫描结果', link.url + '\n\n（网页链接，不是小程序）');
    return null;
  }
  if (link.kind === 'invalid') {
    await tell('无法打开', link.reason);
    return null;
  }
  if (link.kind === 'platform') return openPlatformLink(link, from);
  return runner.open({ appid: link.appid, path: link.path, query: link.query, scene: link.scene });
}

/** Decodes the QR code of an image file and opens what it holds (from the album). */
export async function scanImage(file) {
  let r;
  try {
    r = await postBytes('/scan', file);
  } catch (e) {
    toast(e.errcode === 85905 ? '未发现二维码' : e.text || e.message, 'text', 2500);
    return null;
  }
  return openLink(r.result, 'album');
}

/**
 * Handles `#/open?link=…&from=…` if the shell's URL has one (once: it leaves the URL).
 * A signed-out user signs in first; the link waits in the URL.
 */
export async function openLinkFromLocation() {
  const m = /^#\/open\?(.*)$/.exec(location.hash);
  if (!m) return null;
  const p = new URLSearchParams(m[1]);
  const link = p.get('link');
  if (!link) return null;
  const from = p.get('from') || 'text';
  p.delete('link');
  p.delete('from');
  const rest = p.toString();
  history.replaceState(history.state, '', location.pathname + location.search + (rest ? '#/open?' + rest : ''));
  return openLink(link, from === 'camera' ? 'camera' : 'text');
}

/** How often a camera frame is sent to be decoded, and the longest side it is sent at. */
const CAMERA_EVERY_MS = 600;
const CAMERA_MAX_SIDE = 720;

/**
 * The camera, where the browser gives one: a frame every CAMERA_EVERY_MS goes to
 * `POST /client/v1/scan` (the platform decodes, as for an album image) until one holds
 * a code, which opens with the camera's scene (1011 / 1047). Returns stop().
 */
function startCamera(box, hint) {
  let stream = null;
  let timer = 0;
  let stopped = false;
  let busy = false;
  const video = h('video.scan-video', { muted: true, playsInline: true, autoplay: true, 'aria-label': '相机画面' });
  const stop = () => {
    stopped = true;
    clearTimeout(timer);
    if (stream) stream.getTracks().forEach((t) => t.stop());
    stream = null;
    video.remove();
  };
  const frame = () =>
    new Promise((resolve) => {
      const w = video.videoWidth;
      const hgt = video.videoHeight;
      if (!w || !hgt) return resolve(null);
      const k = Math.min(1, CAMERA_MAX_SIDE / Math.max(w, hgt));
      const c = document.createElement('canvas');
      c.width = Math.round(w * k);
      c.height = Math.round(hgt * k);
      c.getContext('2d').drawImage(video, 0, 0, c.width, c.height);
      c.toBlob(resolve, 'image/png');
    });
  const tick = async () => {
    if (stopped || busy) return;
    busy = true;
    try {
      const blob = await frame();
      if (blob && !stopped) {
        const r = await postBytes('/scan', blob);
        if (!stopped) {
          stop();
          nav.pop();
          await openLink(r.result, 'camera');
          return;
        }
      }
    } catch (e) {
      // No code in this frame: keep looking. Anything else ends the camera.
      if (e.errcode !== 85905 && !stopped) {
        stop();
        hint.textContent = '相机扫描失败：' + (e.text || e.message);
        return;
      }
    } finally {
      busy = false;
    }
    if (!stopped) timer = setTimeout(tick, CAMERA_EVERY_MS);
  };
  navigator.mediaDevices
    .getUserMedia({ video: { facingMode: 'environment' }, audio: false })
    .then((s) => {
      if (stopped) return s.getTracks().forEach((t) => t.stop());
      stream = s;
      video.srcObject = s;
      box.prepend(video);
      hint.textContent = '将二维码放入框内，即可自动扫描；也可从相册选择或粘贴链接';
      return video.play().catch(() => {});
    })
    .then(() => {
      if (!stopped) timer = setTimeout(tick, CAMERA_EVERY_MS);
    })
    .catch((e) => {
      if (!stopped) hint.textContent = (e && e.name === 'NotAllowedError' ? '未允许使用相机' : '无法使用相机') + '：请从相册选择二维码图片，或粘贴链接';
    });
  return stop;
}

/** The 扫一扫 screen: the camera where the browser allows, an album image, or a pasted link. */
export function openScan() {
  let stopCamera = () => {};
  const s = nav.screen({ title: '扫一扫', back: true, className: 'scan-screen dark', onClose: () => stopCamera() });
  const file = h('input#scan-file.visually-hidden', {
    type: 'file',
    accept: 'image/png,image/jpeg',
    onchange: async () => {
      const f = file.files[0];
      file.value = '';
      if (f) await scanImage(f);
    },
  });
  const text = h('textarea#scan-text', { rows: 2, placeholder: '粘贴小程序链接，如 weixin://dl/business/?t=…', 'aria-label': '小程序链接' });
  const box = h('div.scan-box', h('i.c1'), h('i.c2'), h('i.c3'), h('i.c4'), h('div.scan-line'));
  const camera = !!(navigator.mediaDevices && navigator.mediaDevices.getUserMedia);
  const hint = h('p.scan-hint', { 'aria-live': 'polite' }, camera ? '正在打开相机…' : '此浏览器无法使用相机：请从相册选择二维码图片，或粘贴链接');
  s.content.append(
    h('div.scanner', box),
    hint,
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
  if (camera) stopCamera = startCamera(box, hint);
}
