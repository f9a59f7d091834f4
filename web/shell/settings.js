// A mini program's settings as the user sees them (the capsule's 设置, wx.openSetting,
// the inbox's message settings): authorisations the host keeps per user and app
// (wx.authorize / getSetting), subscription messages (the platform's grants, the
// app's main switch, "always keep this choice"), and the weekly-push switch.

import { get, post, appPath } from './api.js';
import { h, fill, icon, toast } from './dom.js';
import { getKv, updateKv } from './storage.js';
import * as nav from './nav.js';
import * as session from './session.js';
import { confirm } from './dialogs.js';

/** What each scope lets an app do, as WeChat's dialogs and settings word it. */
export const SCOPES = {
  'scope.userInfo': '用户信息',
  'scope.userLocation': '位置信息',
  'scope.userFuzzyLocation': '模糊位置信息',
  'scope.userLocationBackground': '后台定位',
  'scope.record': '麦克风',
  'scope.camera': '摄像头',
  'scope.bluetooth': '蓝牙',
  'scope.writePhotosAlbum': '添加到相册',
  'scope.addPhoneContact': '添加到联系人',
  'scope.addPhoneCalendar': '添加到日历',
  'scope.werun': '微信运动步数',
  'scope.address': '通讯地址',
  'scope.invoiceTitle': '发票抬头',
  'scope.invoice': '获取发票',
};

/** The sentence of the authorisation dialog: "<app> 申请…". */
export const SCOPE_ASKS = {
  'scope.userInfo': '获取你的昵称、头像',
  'scope.userLocation': '获取你的位置信息',
  'scope.userFuzzyLocation': '获取你的模糊地理位置',
  'scope.userLocationBackground': '在后台获取你的位置信息',
  'scope.record': '使用你的麦克风',
  'scope.camera': '使用你的摄像头',
  'scope.bluetooth': '使用你的蓝牙',
  'scope.writePhotosAlbum': '保存图片或视频到你的相册',
  'scope.addPhoneContact': '添加联系人到你的通讯录',
  'scope.addPhoneCalendar': '添加日程到你的日历',
  'scope.werun': '获取你的微信运动步数',
  'scope.address': '获取你的通讯地址',
  'scope.invoiceTitle': '获取你的发票抬头',
  'scope.invoice': '获取你的发票',
};

function uid() {
  return session.user().id;
}

/** This user's authorisations of `appid`: {scope: true | false}. */
export async function authSetting(appid) {
  return { ...((await getKv(uid(), 'auth:' + appid)) || {}) };
}

export async function setAuth(appid, scope, allowed) {
  return updateKv(uid(), 'auth:' + appid, (old) => ({ ...(old || {}), [scope]: !!allowed }));
}

/** Choices kept with "总是保持以上选择": {priTmplId: 'accept' | 'reject'}. */
export async function keptChoices(appid) {
  return { ...((await getKv(uid(), 'subs:' + appid)) || {}) };
}

export async function keepChoices(appid, choices) {
  return updateKv(uid(), 'subs:' + appid, (old) => ({ ...(old || {}), ...choices }));
}

export async function forgetChoice(appid, id) {
  return updateKv(uid(), 'subs:' + appid, (old) => {
    const o = { ...(old || {}) };
    delete o[id];
    return o;
  });
}

const templateCache = new Map();

/**
 * Titles and keywords of an app's templates, for the consent dialog and the settings:
 * {priTmplId: {title, type, keywords}}. The client API has no such route yet
 * (proposed: `GET /client/v1/apps/{appid}/templates?ids=…`); without it the ids stand in.
 */
export async function templateInfo(appid, ids) {
  const key = appid + ':' + ids.join(',');
  if (templateCache.has(key)) return templateCache.get(key);
  let out = {};
  try {
    const r = await get(appPath(appid, '/templates?ids=' + encodeURIComponent(ids.join(','))));
    for (const t of r.templates || []) if (t && t.priTmplId) out[t.priTmplId] = { title: t.title, type: t.type, keywords: t.keywords || [] };
  } catch (e) {
    if (!e.missingRoute) console.warn('[shell] template titles: ' + e.message);
    out = {};
  }
  templateCache.set(key, out);
  return out;
}

/** A template's name for people: its title, else "订阅消息" and the end of its id. */
export function templateName(info, id) {
  return (info && info.title) || '订阅消息 ' + String(id).slice(-6);
}

/** wx.getSetting's answer. */
export async function getSetting(appid, withSubscriptions) {
  const out = { authSetting: await authSetting(appid) };
  if (withSubscriptions) {
    const kept = await keptChoices(appid);
    let enabled = true;
    try {
      enabled = (await get(appPath(appid, '/subscriptions'))).enabled !== false;
    } catch (_) {}
    out.subscriptionsSetting = { mainSwitch: enabled, itemSettings: kept };
  }
  return out;
}

function switchRow(label, checked, onchange, { disabled, note, id } = {}) {
  const input = h('input.switch', { type: 'checkbox', role: 'switch', checked: !!checked, disabled: !!disabled, id, 'aria-label': label });
  input.addEventListener('change', () => onchange(input.checked, input));
  return h('label.cell.switch-cell', h('span.cell-body', h('span.cell-title', label), note ? h('span.cell-note', note) : null), input);
}

/**
 * The settings screen of `app` ({appid, name}); resolves when it is closed (for
 * wx.openSetting, with the authorisations as they are then).
 */
export function openSettings(app, { subscriptions = false } = {}) {
  return new Promise((resolve) => {
    const s = nav.screen({ title: '设置', back: true, className: 'settings-screen', onClose: () => resolve() });
    const body = s.content;
    const render = async () => {
      const auth = await authSetting(app.appid);
      const scopes = Object.keys(auth).filter((k) => k in SCOPES && k !== 'scope.userInfo');
      const perms = (app.manifest && app.manifest.app && app.manifest.app.permission) || {};
      fill(
        body,
        h('p.group-title', `允许“${app.name}”使用我的`),
        scopes.length
          ? h(
              'div.group',
              scopes.map((sc) =>
                switchRow(SCOPES[sc], auth[sc], async (on) => {
                  await setAuth(app.appid, sc, on);
                }, { note: perms[sc] && perms[sc].desc })
              )
            )
          : h('p.group-note', '暂未使用你的任何信息'),
        h('div.group', h('button.cell.link-cell', { type: 'button', onclick: () => openSubscriptions(app) }, h('span.cell-title', '订阅消息'), icon('arrow'))),
        h('p.group-note', '你可以管理小程序向你发送的订阅消息和“我的小程序”消息。')
      );
    };
    s.onShow = render;
    nav.push(s);
    if (subscriptions) openSubscriptions(app);
  });
}

/** The subscription-message settings of an app: main switch, templates, weekly pushes. */
export function openSubscriptions(app) {
  const s = nav.screen({ title: '订阅消息', back: true, className: 'subs-screen' });
  const render = async () => {
    let state;
    try {
      state = await get(appPath(app.appid, '/subscriptions'));
    } catch (e) {
      fill(s.content, h('p.group-note', '无法读取：' + (e.text || e.message)));
      return;
    }
    const kept = await keptChoices(app.appid);
    const ids = [...new Set([...state.grants.map((g) => g.priTmplId), ...Object.keys(kept)])];
    const info = ids.length ? await templateInfo(app.appid, ids) : {};
    const rows = ids.map((id) => {
      const g = state.grants.find((x) => x.priTmplId === id);
      const what = g ? (g.type === 3 ? '长期订阅' : `一次性订阅 · 剩余 ${g.remaining} 次`) : '未授权';
      const keep = kept[id] ? (kept[id] === 'accept' ? ' · 总是接收' : ' · 总是拒绝') : '';
      return h(
        'div.cell.tmpl-row',
        { dataset: { tmpl: id } },
        h('span.cell-body', h('span.cell-title', templateName(info[id], id)), h('span.cell-note', (g && !g.active ? '已撤回' : what) + keep)),
        g && g.active
          ? h('button.small-btn', {
              type: 'button',
              onclick: async () => {
                if (!(await confirm({ title: '撤回订阅', content: `撤回后，“${app.name}”将无法再向你发送此消息。`, ok: '撤回', danger: true }))) return;
                await post(appPath(app.appid, '/subscriptions/withdraw'), { priTmplId: id });
                await forgetChoice(app.appid, id);
                toast('已撤回');
                render();
              },
            }, '撤回')
          : kept[id]
            ? h('button.small-btn', { type: 'button', onclick: async () => (await forgetChoice(app.appid, id), render()) }, '重新询问')
            : null
      );
    });
    fill(
      s.content,
      h(
        'div.group',
        switchRow('接收通知', state.enabled, async (on, input) => {
          try {
            const r = await post(appPath(app.appid, '/subscriptions/switch'), { enabled: on });
            input.checked = r.enabled;
            toast(on ? '已开启' : '已关闭');
            render();
          } catch (e) {
            input.checked = !on;
            toast(e.text || e.message);
          }
        }, { note: state.enabled ? null : '关闭后，将不再接收此小程序的所有通知', id: 'subs-main-switch' })
      ),
      state.enabled ? h('p.group-title', '订阅消息') : null,
      state.enabled ? (rows.length ? h('div.group', rows) : h('p.group-note', '暂无订阅消息')) : null,
      h('p.group-title', '“我的小程序”消息'),
      h(
        'div.group',
        switchRow('接收每周消息', state.push.added && state.push.enabled, async (on, input) => {
          try {
            const r = await post(appPath(app.appid, '/push'), { enabled: on });
            input.checked = r.enabled;
            toast(on ? '已开启' : '已关闭');
          } catch (e) {
            input.checked = !on;
            toast(e.text || e.message);
          }
        }, { disabled: !state.push.added, note: state.push.added ? '每周最多收到少量消息' : '添加到“我的小程序”后可接收', id: 'push-switch' })
      )
    );
  };
  s.onShow = render;
  nav.push(s);
}
