// The capsule (胶囊): "more" ··· and "close" ◎, drawn by the host over the frame's
// top-right corner at the rect the frame was told (`menuRect`), so no mini program can
// hide, restyle or fake it. "More" opens WeChat's sheet: share to a chat or to
// moments, My mini programs, settings, feedback, re-enter; "close" returns home (appEvent `hide`; the app is kept
// alive for a hot start).

import { h, appIcon, icon, toast } from './dom.js';
import { openDialog } from './dialogs.js';
import * as runner from './runner.js';
import * as apps from './apps.js';
import { openSettings } from './settings.js';
import { feedbackDialog } from './hostcalls.js';

const DOTS = '<svg viewBox="0 0 24 24" aria-hidden="true"><circle cx="4.5" cy="12" r="2" fill="currentColor"/><circle cx="12" cy="12" r="2.8" fill="currentColor"/><circle cx="19.5" cy="12" r="2" fill="currentColor"/></svg>';
const CIRCLE = '<svg viewBox="0 0 24 24" aria-hidden="true"><circle cx="12" cy="12" r="8.2" fill="none" stroke="currentColor" stroke-width="1.9"/><circle cx="12" cy="12" r="3.2" fill="currentColor"/></svg>';

export function drawCapsule(app, { light }) {
  const more = h('button.capsule-more', { type: 'button', 'aria-label': '更多', 'aria-haspopup': 'dialog', html: DOTS, onclick: () => moreSheet(app) });
  const close = h('button.capsule-close', { type: 'button', 'aria-label': '关闭小程序', html: CIRCLE, onclick: () => runner.close(app) });
  const el = h('div.capsule' + (light ? '.light' : '.dark'), { role: 'toolbar', 'aria-label': '小程序菜单' }, more, h('span.capsule-sep', { 'aria-hidden': 'true' }), close);
  return {
    el,
    place(r) {
      if (!r) return;
      Object.assign(el.style, { top: r.top + 'px', left: r.left + 'px', width: r.width + 'px', height: r.height + 'px' });
    },
  };
}

function sheetButton(label, iconName, onclick, { disabled, id } = {}) {
  return h('button.menu-btn', { type: 'button', onclick, disabled: !!disabled, id }, h('span.menu-icon', icon(iconName)), h('span.menu-label', label));
}

/** The capsule's "more" sheet of `app`. */
export async function moreSheet(app) {
  await apps.myApps().catch(() => []);
  const mine = apps.isMine(app.appid);
  const shareOff = app.shareMenu && app.shareMenu.enabled === false;
  let d;
  const act = (fn) => () => {
    d.close(null);
    fn();
  };
  d = openDialog({
    sheet: true,
    className: 'more-sheet',
    label: app.name + ' 菜单',
    body: [
      h('div.more-head', appIcon(app, 28), h('span.more-name', app.name), h('span.more-tag', '小程序')),
      h(
        'div.menu-row',
        sheetButton('发送给朋友', 'share', act(() => runner.appEvent(app, 'share')), { disabled: shareOff, id: 'menu-share' }),
        sheetButton('分享到朋友圈', 'image', act(() => runner.appEvent(app, 'shareTimeline')), { disabled: shareOff, id: 'menu-timeline' }),
        mine
          ? sheetButton('取消“我的小程序”', 'star', act(() => toggleMine(app, false)), { id: 'menu-mine' })
          : sheetButton('添加到我的小程序', 'star', act(() => toggleMine(app, true)), { id: 'menu-mine' })
      ),
      h(
        'div.menu-row',
        sheetButton('设置', 'settings', act(() => openSettings(app)), { id: 'menu-settings' }),
        sheetButton('反馈与投诉', 'feedback', act(() => feedbackDialog(app).catch((e) => toast(e.text || e.message))), { id: 'menu-feedback' }),
        sheetButton('重新进入小程序', 'reload', act(() => runner.restart(app)), { id: 'menu-restart' })
      ),
      h('button.sheet-cancel', { type: 'button', onclick: () => d.close(null) }, '取消'),
    ],
    cancelValue: null,
  });
  return d.promise;
}

async function toggleMine(app, add) {
  try {
    if (add) await apps.addMyApp(app.appid);
    else await apps.removeMyApp(app.appid);
    toast(add ? '已添加' : '已取消', 'success');
  } catch (e) {
    toast(e.text || e.message);
  }
}
