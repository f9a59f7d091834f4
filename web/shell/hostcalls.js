// The host side of every call in docs/container.md's "Host calls" table. Each handler
// gets the running app (the runner matched the frame by event.source, so `app.appid`
// is the app's real identity) and the call's arguments, and resolves with the result
// or throws `{errMsg: reason, errCode?}` (the runner writes "<name>:fail <reason>").
// The user's token stays in api.js; nothing of another app is ever read here.

import { get, post, postBytes, appPath, isAppid, ApiError } from './api.js';
import { h, appIcon, avatar, maskPhone, toast, queryString, parseQuery } from './dom.js';
import { openDialog, actionSheet, confirm } from './dialogs.js';
import { changeAppStorage } from './storage.js';
import * as session from './session.js';
import * as runner from './runner.js';
import * as settings from './settings.js';
import { shareSheet } from './chats.js';
import { shareTimelineSheet } from './moments.js';
import { openServiceChat } from './cs.js';
import { parseLink } from './links.js';

/** A tap counts for calls that need one when it is at most this old (ms). */
const TAP_MS = 5000;

function refuse(reason, errCode) {
  const e = { errMsg: reason, quiet: true };
  if (errCode !== undefined) e.errCode = errCode;
  return e;
}

function needTap(a) {
  if (typeof a.tapAt !== 'number' || !(a.tapAt >= 0) || a.tapAt > TAP_MS) throw refuse('can only be invoked by user TAP gesture.');
}

function str(v, max = 4096) {
  return typeof v === 'string' ? v.slice(0, max) : v === undefined || v === null ? '' : String(v).slice(0, max);
}

// ---- bytes ---------------------------------------------------------------------------

function toBytes(v) {
  if (v instanceof ArrayBuffer) return new Uint8Array(v);
  if (ArrayBuffer.isView(v)) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  return null;
}

export function bytesToBase64(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

export function base64ToBytes(b64) {
  const s = atob(b64 || '');
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** The proxy's body (`data` + `dataEncoding`) as text. */
function bodyText(r) {
  return r.dataEncoding === 'base64' ? new TextDecoder().decode(base64ToBytes(r.data)) : str(r.data, Infinity);
}

// ---- the host's consent sheets -------------------------------------------------------

/** WeChat's authorisation sheet: the app, what it asks, why; resolves true if allowed. */
function consentSheet(app, { ask, detail, body = [], allow = '允许', deny = '拒绝', className }) {
  return openDialog({
    sheet: true,
    className: 'consent' + (className ? ' ' + className : ''),
    label: `${app.name} 申请${ask}`,
    maskCloses: false,
    body: [
      h('div.consent-app', appIcon(app, 24), h('span', app.name), h('span.consent-verb', '申请')),
      h('h2.consent-ask', ask),
      detail ? h('p.consent-detail', detail) : null,
      ...body,
    ],
    buttons: [
      { label: deny, value: false },
      { label: allow, value: true, kind: 'primary' },
    ],
    cancelValue: false,
  }).promise;
}

function permissionDesc(app, scope) {
  const p = app.manifest && app.manifest.app && app.manifest.app.permission;
  return p && p[scope] && typeof p[scope].desc === 'string' ? p[scope].desc : '';
}

/** A scope the user grants once per app (kept by the host, per user). */
async function ensureScope(app, scope) {
  const auth = await settings.authSetting(app.appid);
  if (auth[scope] === true) return;
  if (auth[scope] === false) throw refuse('auth deny');
  const ok = await consentSheet(app, { ask: settings.SCOPE_ASKS[scope] || scope, detail: permissionDesc(app, scope) });
  await settings.setAuth(app.appid, scope, ok);
  if (!ok) throw refuse('auth deny');
}

// ---- files from the user -------------------------------------------------------------

/** A real file picker of the host: resolves with the chosen Files ([] if cancelled). */
function pickFiles({ accept, multiple, capture }) {
  return new Promise((resolve) => {
    const input = h('input.visually-hidden', { type: 'file', accept: accept || '', multiple: !!multiple, tabindex: '-1', 'aria-hidden': 'true' });
    if (capture) input.setAttribute('capture', capture);
    let settled = false;
    const finish = (files) => {
      if (settled) return;
      settled = true;
      input.remove();
      resolve(files);
    };
    input.addEventListener('change', () => finish([...input.files]));
    input.addEventListener('cancel', () => finish([]));
    document.body.append(input);
    input.click();
  });
}

async function readFile(f) {
  return { name: f.name, type: f.type || 'application/octet-stream', size: f.size, data: await f.arrayBuffer() };
}

// ---- the calls -----------------------------------------------------------------------

const calls = {
  async $storage(app, a) {
    const op = a.op;
    if (!['set', 'remove', 'clear'].includes(op)) throw refuse('bad op');
    if (op !== 'clear' && (typeof a.key !== 'string' || !a.key)) throw refuse('bad key');
    if (op === 'set' && typeof a.value !== 'string') throw refuse('bad value');
    await changeAppStorage(app.user, app.appid, op, a.key, a.value);
    return {};
  },

  async login(app) {
    const r = await post(appPath(app.appid, '/login'));
    return { code: r.code };
  },

  async checkSession() {
    try {
      await get('/me');
    } catch (e) {
      if (e instanceof ApiError && e.sessionEnded) throw refuse('session expired');
      throw e;
    }
    return {};
  },

  async getUserInfo() {
    return { userInfo: { nickName: '微信用户', avatarUrl: '', gender: 0, language: '', city: '', province: '', country: '' } };
  },

  async getUserProfile(app, a) {
    needTap(a);
    const u = session.user();
    const ok = await consentSheet(app, {
      ask: '获取你的昵称、头像',
      detail: str(a.desc, 30) || '',
      body: [h('div.consent-profile', avatar(u.name, 28, 'me' + u.id), h('span', u.name), h('span.consent-note', '微信个人信息'))],
    });
    if (!ok) throw refuse('auth deny');
    const r = await post(appPath(app.appid, '/user-profile'));
    return { userInfo: r.userInfo, rawData: r.rawData, signature: r.signature, encryptedData: r.encryptedData, iv: r.iv };
  },

  async getPhoneNumber(app, a) {
    needTap(a);
    const u = session.user();
    const cc = u.country_code && u.country_code !== 86 ? '+' + u.country_code + ' ' : '';
    const ok = await consentSheet(app, {
      ask: '获取并验证你的手机号',
      body: [h('div.consent-phone', h('span.phone-number', cc + maskPhone(u.phone)), h('span.consent-note', '微信绑定号码'))],
      deny: '不允许',
    });
    if (!ok) throw refuse('user deny');
    const r = await post(appPath(app.appid, '/phone-code'));
    return { code: r.code };
  },

  async requestSubscribeMessage(app, a) {
    const ids = Array.isArray(a.tmplIds) ? a.tmplIds.filter((x) => typeof x === 'string' && x) : [];
    if (!ids.length) throw refuse('parameter error: tmplIds is empty', 20001);
    if (ids.length > 5) throw refuse('Templates count out of max bounds', 20003);
    needTap(a);
    const state = await get(appPath(app.appid, '/subscriptions'));
    if (state.enabled === false) throw refuse('The main switch is switched off', 20004);
    let tap = (await post(appPath(app.appid, '/tap'))).tap;
    const kept = await settings.keptChoices(app.appid);
    let accepted;
    let keep = false;
    if (ids.every((id) => kept[id])) {
      accepted = ids.filter((id) => kept[id] === 'accept');
    } else {
      const info = await settings.templateInfo(app.appid, ids);
      const answer = await subscribeDialog(app, ids, info);
      accepted = answer.accepted;
      keep = answer.keep;
    }
    let r;
    try {
      r = await post(appPath(app.appid, '/subscribe'), { tmplIds: ids, tap, accepted });
    } catch (e) {
      // The proof lives 10 s; a user who read the dialog longer gave a new gesture by
      // answering it, so one fresh proof is honest.
      if (!(e instanceof ApiError) || e.errcode !== 40097) throw e;
      tap = (await post(appPath(app.appid, '/tap'))).tap;
      r = await post(appPath(app.appid, '/subscribe'), { tmplIds: ids, tap, accepted });
    }
    if (keep) await settings.keepChoices(app.appid, Object.fromEntries(ids.map((id) => [id, accepted.includes(id) ? 'accept' : 'reject'])));
    const out = {};
    for (const id of ids) out[id] = r[id] || (accepted.includes(id) ? 'accept' : 'reject');
    return out;
  },

  async request(app, a) {
    const method = str(a.method || 'GET').toUpperCase();
    const header = a.header && typeof a.header === 'object' ? { ...a.header } : {};
    const ct = Object.entries(header).find(([k]) => k.toLowerCase() === 'content-type');
    let url = str(a.url, 8192);
    const body = { url, method, header, responseType: a.responseType === 'arraybuffer' ? 'arraybuffer' : 'text' };
    if (typeof a.timeout === 'number') body.timeout = a.timeout;
    const data = a.data;
    if (data !== undefined && data !== null) {
      const bytes = toBytes(data);
      if (method === 'GET' || method === 'HEAD') {
        // The worker writes a GET's data into the URL already (as the base library
        // does); an object from another caller goes there too. Nothing else is sent.
        const qs = !bytes && typeof data === 'object' ? queryString(data) : '';
        if (qs) body.url = url + (url.includes('?') ? '&' : '?') + qs;
      } else if (bytes) {
        body.data = bytesToBase64(bytes);
        body.dataEncoding = 'base64';
      } else if (typeof data === 'object') {
        body.data = ct && /x-www-form-urlencoded/i.test(ct[1]) ? queryString(data) : JSON.stringify(data);
      } else body.data = String(data);
    }
    const r = await post(appPath(app.appid, '/request'), body);
    let out;
    if (body.responseType === 'arraybuffer') {
      const bytes = r.dataEncoding === 'base64' ? base64ToBytes(r.data) : new TextEncoder().encode(str(r.data, Infinity));
      out = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    } else {
      out = bodyText(r);
      if ((a.dataType || 'json') === 'json') {
        try {
          out = JSON.parse(out);
        } catch (_) {}
      }
    }
    return { data: out, statusCode: r.statusCode, header: r.header || {}, cookies: r.cookies || [] };
  },

  async uploadFile(app, a) {
    const bytes = toBytes(a.fileData);
    if (!bytes) throw refuse('fileData is not an ArrayBuffer');
    const body = { url: str(a.url, 8192), name: str(a.name, 256), fileName: str(a.fileName || 'file', 256), fileData: bytesToBase64(bytes) };
    if (a.header && typeof a.header === 'object') body.header = a.header;
    if (a.formData && typeof a.formData === 'object') body.formData = a.formData;
    if (typeof a.timeout === 'number') body.timeout = a.timeout;
    const r = await post(appPath(app.appid, '/upload'), body);
    return { data: bodyText(r), statusCode: r.statusCode, header: r.header || {} };
  },

  async downloadFile(app, a) {
    const body = { url: str(a.url, 8192) };
    if (a.header && typeof a.header === 'object') body.header = a.header;
    if (typeof a.timeout === 'number') body.timeout = a.timeout;
    const r = await post(appPath(app.appid, '/download'), body);
    const bytes = base64ToBytes(r.data);
    return { statusCode: r.statusCode, data: bytes.buffer, contentType: r.contentType || '', header: r.header || {} };
  },

  async chooseMedia(app, a) {
    const count = Math.max(1, Math.min(100, Number(a.count) || 9));
    const types = Array.isArray(a.mediaType) ? a.mediaType : ['image', 'video'];
    const exts = Array.isArray(a.extension) ? a.extension.map((x) => '.' + String(x).replace(/^\./, '').replace(/[^\w-]/g, '')).filter((x) => x.length > 1) : [];
    const anyFile = types.includes('file');
    const accept = anyFile ? exts.join(',') : types.includes('mix') || (types.includes('image') && types.includes('video')) ? 'image/*,video/*' : types.includes('video') ? 'video/*' : 'image/*';
    const sources = Array.isArray(a.sourceType) && a.sourceType.length ? a.sourceType : anyFile ? ['message'] : ['album', 'camera'];
    const items = [];
    if (sources.includes('camera') && !anyFile) items.push({ label: '拍摄', source: 'camera' });
    if (sources.includes('album') && !anyFile) items.push({ label: '从手机相册选择', source: 'album' });
    if (sources.includes('message') || anyFile) items.push({ label: '从聊天中选择文件', source: 'message' });
    if (!items.length) throw refuse('parameter error: sourceType');
    const i = await actionSheet(items, { label: anyFile ? '选择文件' : '选择图片或视频' });
    if (i < 0) throw refuse('cancel');
    const files = await pickFiles({ accept, multiple: count > 1, capture: items[i].source === 'camera' ? 'environment' : null });
    if (!files.length) throw refuse('cancel');
    const chosen = await Promise.all(files.slice(0, count).map(readFile));
    return { files: chosen.map((f) => ({ ...f, fileType: /^video\//.test(f.type) ? 'video' : /^image\//.test(f.type) ? 'image' : 'file' })), type: anyFile ? 'file' : accept === 'video/*' ? 'video' : accept === 'image/*' ? 'image' : 'mix' };
  },

  async saveFile(app, a) {
    const bytes = toBytes(a.data);
    if (!bytes) throw refuse('data is not an ArrayBuffer');
    const name = str(a.name || 'file', 200).replace(/[\\/:*?"<>|]/g, '_') || 'file';
    const ok = await confirm({ title: '保存文件', content: `“${app.name}”想保存文件“${name}”（${Math.max(1, Math.round(bytes.byteLength / 1024))} KB）到本机。`, ok: '保存', cancel: '取消' });
    if (!ok) throw refuse('cancel');
    const url = URL.createObjectURL(new Blob([bytes], { type: str(a.type) || 'application/octet-stream' }));
    const link = h('a', { href: url, download: name, hidden: true });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
    toast('已保存', 'success');
    return {};
  },

  async makePhoneCall(app, a) {
    const number = str(a.phoneNumber, 40).trim();
    if (!/^[+\d][\d\s()-]{0,30}$/.test(number)) throw refuse('parameter error: phoneNumber');
    const i = await actionSheet([{ label: '呼叫 ' + number }], { title: number, label: '拨打电话' });
    if (i < 0) throw refuse('cancel');
    const link = h('a', { href: 'tel:' + number.replace(/[\s()-]/g, ''), hidden: true });
    document.body.append(link);
    link.click();
    link.remove();
    return {};
  },

  async setClipboardData(app, a) {
    const text = str(a.data, 1 << 20);
    try {
      await navigator.clipboard.writeText(text);
    } catch (_) {
      const ta = h('textarea.visually-hidden', { value: text });
      document.body.append(ta);
      ta.select();
      const ok = document.execCommand('copy');
      ta.remove();
      if (!ok) throw refuse('no permission');
    }
    toast('内容已复制', 'success');
    return {};
  },

  async getClipboardData(app) {
    let data;
    try {
      data = await navigator.clipboard.readText();
    } catch (_) {
      throw refuse('no permission');
    }
    toast(`“${app.name}”读取了你的剪贴板`);
    return { data };
  },

  async scanCode(app, a) {
    const i = await actionSheet([{ label: '从相册选择二维码图片' }], { title: a.onlyFromCamera ? '此网页版无法使用相机，请选择二维码图片' : '扫一扫', label: '扫一扫' });
    if (i < 0) throw refuse('cancel');
    const files = await pickFiles({ accept: 'image/png,image/jpeg' });
    if (!files.length) throw refuse('cancel');
    const r = await postBytes('/scan', files[0]);
    const out = { result: r.result, scanType: r.scanType, charSet: r.charSet, rawData: r.rawData };
    const link = parseLink(r.result);
    // A code of this mini program (openmini://, or an unlimited code's URL): its page, as WeChat gives `path`.
    if (link && link.appid === app.appid && link.kind === 'code') out.path = link.path + (Object.keys(link.query).length ? '?' + queryString(link.query) : '');
    else if (link && link.appid === app.appid && link.kind === 'platform') out.path = link.path + '?scene=' + link.query.scene; // already URL-encoded
    return out;
  },

  async navigateToMiniProgram(app, a) {
    needTap(a);
    const appId = str(a.appId, 64);
    if (!isAppid(appId)) throw refuse('invalid appId');
    if (appId === app.appid) throw refuse('can not navigate to self');
    let pkg;
    try {
      pkg = await get(appPath(appId, '/package'));
    } catch (e) {
      throw refuse(e.errcode === 85900 ? 'the mini program has no released version' : e.text || e.message);
    }
    const ok = await confirm({ title: '', content: `即将打开“${pkg.name}”小程序`, ok: '允许', cancel: '取消' });
    if (!ok) throw refuse('cancel');
    const [path, qs] = str(a.path, 1024).split('?');
    const target = await runner.open(
      { appid: appId, path, query: parseQuery(qs || ''), scene: 1037, referrerInfo: { appId: app.appid, extraData: a.extraData }, pkg },
      app
    );
    if (!target) throw refuse('cannot open');
    return {};
  },

  async navigateBackMiniProgram(app, a) {
    if (!app.opener && app.returnTo) {
      // Opened by an app (scene 1069): back to it, with the data (docs/host-sdk.md).
      const back = app.returnTo;
      app.returnTo = null;
      runner.close(app);
      back({ extraData: a.extraData });
      return {};
    }
    if (!app.opener || !runner.running().includes(app.opener)) throw refuse('no mini program to go back to');
    runner.close(app, { extraData: a.extraData });
    return {};
  },

  async exitMiniProgram(app) {
    setTimeout(() => runner.close(app), 0);
    return {};
  },

  async shareAppMessage(app, a) {
    if (a.disabled) {
      toast('当前页面不支持转发');
      throw refuse('disabled');
    }
    if (app.shareMenu && app.shareMenu.enabled === false) throw refuse('share menu is hidden');
    const ok = await shareSheet(app, { title: str(a.title, 100) || app.name, path: str(a.path, 1024), imageUrl: str(a.imageUrl, 2048) });
    if (!ok) throw refuse('cancel');
    return {};
  },

  async showShareMenu(app, a) {
    app.shareMenu = { ...app.shareMenu, enabled: true, withShareTicket: !!a.withShareTicket };
    return {};
  },

  async hideShareMenu(app) {
    app.shareMenu = { ...app.shareMenu, enabled: false };
    return {};
  },

  async updateShareMenu(app, a) {
    app.shareMenu = { ...app.shareMenu, withShareTicket: !!a.withShareTicket };
    return {};
  },

  async getShareInfo(app, a) {
    const ticket = str(a.shareTicket, 512);
    if (!ticket) throw refuse('invalid shareTicket');
    // The group's openGId, encrypted by the platform with the user's session key.
    try {
      const r = await post(appPath(app.appid, '/share-info'), { shareTicket: ticket });
      return { encryptedData: r.encryptedData, iv: r.iv };
    } catch (e) {
      if (e instanceof ApiError && e.errcode === 40097) throw refuse('invalid shareTicket');
      throw e;
    }
  },

  async shareTimeline(app, a) {
    if (a.disabled) {
      toast('当前页面不支持分享到朋友圈');
      throw refuse('disabled');
    }
    if (app.shareMenu && app.shareMenu.enabled === false) throw refuse('share menu is hidden');
    const ok = await shareTimelineSheet(app, { title: str(a.title, 100) || app.name, path: str(a.path, 1024), query: str(a.query, 1024), imageUrl: str(a.imageUrl, 2048) });
    if (!ok) throw refuse('cancel');
    return {};
  },

  async getSetting(app, a) {
    return settings.getSetting(app.appid, !!a.withSubscriptions);
  },

  async openSetting(app, a) {
    await settings.openSettings(app);
    return settings.getSetting(app.appid, !!a.withSubscriptions);
  },

  async authorize(app, a) {
    const scope = str(a.scope, 64);
    if (!(scope in settings.SCOPES)) throw refuse('invalid scope');
    await ensureScope(app, scope);
    return {};
  },

  async openCustomerServiceChat(app) {
    await post(appPath(app.appid, '/cs/enter'));
    openServiceChat(app.appid, app.name, { entered: true });
    return {};
  },

  // The button component's open-types (web/container/components/button.js).
  async enterContact(app) {
    await calls.openCustomerServiceChat(app);
    return { path: '', query: {} };
  },

  async getRealtimePhoneNumber(app, a) {
    return calls.getPhoneNumber(app, a);
  },

  async chooseAvatar(app) {
    const i = await actionSheet([{ label: '从相册选择' }], { label: '选择头像' });
    if (i < 0) throw refuse('cancel');
    const files = await pickFiles({ accept: 'image/png,image/jpeg,image/gif,image/webp' });
    if (!files.length) throw refuse('cancel');
    if (files[0].size > 2 << 20) throw refuse('the image is larger than 2 MB');
    // A data: URL: the frame (opaque origin) cannot load this page's blob: URLs.
    const avatarUrl = await new Promise((resolve, reject) => {
      const r = new FileReader();
      r.onload = () => resolve(r.result);
      r.onerror = () => reject(refuse('cannot read the image'));
      r.readAsDataURL(files[0]);
    });
    return { avatarUrl };
  },

  async agreePrivacyAuthorization(app) {
    const auth = await settings.authSetting(app.appid);
    if (auth.privacy === true) return {};
    const ok = await confirm({
      title: '用户隐私保护提示',
      content: `在你使用“${app.name}”的服务之前，请仔细阅读《${app.name}小程序隐私保护指引》。如你同意，请点击“同意”开始使用。`,
      ok: '同意',
      cancel: '拒绝',
    });
    if (!ok) throw refuse('user deny');
    await settings.setAuth(app.appid, 'privacy', true);
    return {};
  },

  async launchApp(app, a) {
    // Only back to the app that opened this mini program (scene 1069).
    if (!app.returnTo) throw refuse('not supported in the web host');
    const back = app.returnTo;
    app.returnTo = null;
    runner.close(app);
    back({ appParameter: str(a.appParameter, 1024) });
    return {};
  },

  async createFormId(app) {
    const r = await post(appPath(app.appid, '/forms'));
    return { formId: r.formId };
  },

  async requestPayment(app, a) {
    const pkg = str(a.package, 256);
    const d = openDialog({
      sheet: true,
      className: 'pay',
      label: '微信支付',
      maskCloses: false,
      body: [
        h('h2.pay-title', '微信支付'),
        h('p.pay-to', '付款给 ' + app.name),
        h('p.pay-detail', pkg ? '订单 ' + pkg : '订单'),
        h('p.pay-method', '支付方式：零钱（演示，不会扣款）'),
      ],
      buttons: [
        { label: '取消', value: false },
        { label: '确认支付', value: true, kind: 'primary' },
      ],
      cancelValue: false,
    });
    if (!(await d.promise)) throw refuse('cancel');
    await post(appPath(app.appid, '/payments'));
    toast('支付成功', 'success');
    return {};
  },

  async getLocation(app, a) {
    await ensureScope(app, 'scope.userLocation');
    if (!navigator.geolocation) throw refuse('system permission denied');
    const pos = await new Promise((resolve, reject) =>
      navigator.geolocation.getCurrentPosition(resolve, (e) => reject(refuse(e.code === 1 ? 'system permission denied' : 'location unavailable')), { enableHighAccuracy: !!a.isHighAccuracy, timeout: 15000 })
    );
    const c = pos.coords;
    return {
      latitude: c.latitude,
      longitude: c.longitude,
      accuracy: c.accuracy,
      speed: c.speed === null ? -1 : c.speed,
      altitude: c.altitude === null ? 0 : c.altitude,
      verticalAccuracy: c.altitudeAccuracy === null ? 0 : c.altitudeAccuracy,
      horizontalAccuracy: c.accuracy,
    };
  },

  async webViewAllowed() {
    // No platform route lists an app's business (web-view) domains yet: deny.
    return { allowed: false };
  },

  async feedback(app) {
    const sent = await feedbackDialog(app);
    if (!sent) throw refuse('cancel');
    return {};
  },

  async reportEvent(app, a) {
    const name = str(a.eventId, 64);
    const data = a.data && typeof a.data === 'object' && !Array.isArray(a.data) ? a.data : {};
    await post(appPath(app.appid, '/events'), { events: [{ name, data }] });
    return {};
  },
};

/** Performs `name` for `app`; unknown names fail "not supported". */
export async function handleCall(app, name, args) {
  const fn = Object.prototype.hasOwnProperty.call(calls, name) ? calls[name] : null;
  if (!fn) throw refuse('not supported');
  if (app.user !== (session.user() && session.user().id)) throw refuse('the user signed out');
  return fn(app, args);
}

/** The names this host performs (for docs and tests). */
export const NAMES = Object.keys(calls);

// ---- dialogs of these calls ----------------------------------------------------------

/** The subscription consent: a switch per template, "always keep", 取消/允许. */
function subscribeDialog(app, ids, info) {
  const longTerm = ids.some((id) => info[id] && info[id].type === 3);
  const rows = ids.map((id) => {
    const input = h('input.switch', { type: 'checkbox', role: 'switch', checked: true, 'aria-label': settings.templateName(info[id], id), dataset: { tmpl: id } });
    const kws = info[id] && info[id].keywords && info[id].keywords.length ? h('span.cell-note', info[id].keywords.join('、')) : null;
    return h('label.cell.switch-cell.tmpl', h('span.cell-body', h('span.cell-title', settings.templateName(info[id], id)), kws), input);
  });
  const keep = h('input', { type: 'checkbox', id: 'subs-keep' });
  const d = openDialog({
    sheet: true,
    className: 'consent subscribe',
    label: `${app.name} 申请发送订阅消息`,
    maskCloses: false,
    body: [
      h('div.consent-app', appIcon(app, 24), h('span', app.name), h('span.consent-verb', '申请')),
      h('h2.consent-ask', longTerm ? '向你发送以下消息' : '发送一次以下消息'),
      h('div.group.tmpl-list', rows),
      h('label.keep', keep, h('span', '总是保持以上选择，不再询问')),
    ],
    buttons: [
      { label: '取消', value: () => ({ accepted: [], keep: false }) },
      { label: '允许', kind: 'primary', value: () => ({ accepted: rows.map((r) => r.querySelector('input')).filter((x) => x.checked).map((x) => x.dataset.tmpl), keep: keep.checked }) },
    ],
    cancelValue: { accepted: [], keep: false },
  });
  return d.promise;
}

/** The host's feedback form; resolves true once sent. */
export async function feedbackDialog(app) {
  const kinds = ['功能异常', '体验问题', '内容问题', '其他'];
  const select = h('select#fb-kind', { 'aria-label': '问题类型' }, kinds.map((k) => h('option', { value: k }, k)));
  const text = h('textarea#fb-text', { rows: 4, maxlength: 500, placeholder: '请描述你遇到的问题', 'aria-label': '问题描述' });
  const d = openDialog({
    title: '反馈与投诉',
    className: 'feedback',
    body: [h('p.dlg-text', `对“${app.name}”的反馈将发送给平台和开发者。`), select, text],
    buttons: [
      { label: '取消', value: false },
      { label: '提交', value: true, kind: 'primary' },
    ],
    cancelValue: false,
    focus: text,
  });
  if (!(await d.promise)) return false;
  const content = text.value.trim();
  if (!content) {
    toast('请填写问题描述');
    return feedbackDialog(app);
  }
  // No feedback route in the client API yet: it goes with the app's analytics.
  await post(appPath(app.appid, '/events'), { events: [{ name: 'user_feedback', data: { kind: select.value, content: content.slice(0, 500) } }] });
  toast('已提交', 'success');
  return true;
}
