// Opens that arrive in the shell's own URL: `/#/open?launch=<ticket>`, where a web
// page's open tag `<wx-open-launch-weapp>` sends the user (docs/traffic.md, "Web
// pages"). The ticket is signed by the platform and redeemed once, here, by the
// signed-in user: the mini program opens with scene 1167 and the page's origin as the
// open's source. A signed-out user signs in first; the ticket waits in the URL.

import { post } from './api.js';
import { parseQuery } from './dom.js';
import { confirm } from './dialogs.js';
import * as runner from './runner.js';

/** The parameters of `#/open?…` in the shell's URL, or null. */
export function openParams() {
  const m = /^#\/open\?(.*)$/.exec(location.hash);
  return m ? new URLSearchParams(m[1]) : null;
}

function forget(name) {
  const p = openParams();
  if (!p) return;
  p.delete(name);
  const rest = p.toString();
  history.replaceState(history.state, '', location.pathname + location.search + (rest ? '#/open?' + rest : ''));
}

/** Redeems a web page's launch ticket and opens what it names. */
export async function openLaunchTicket(ticket) {
  let l;
  try {
    l = await post('/launch/redeem', { ticket });
  } catch (e) {
    if (e.sessionEnded) return null;
    const why = e.errcode === 40163 ? '该链接已使用过，请回到网页重新打开' : e.errcode === 40029 ? '该链接已失效，请回到网页重新打开' : e.text || e.message;
    await confirm({ title: '无法打开小程序', content: why, ok: '知道了', cancel: null });
    return null;
  }
  return runner.open({ appid: l.appid, path: l.path, query: parseQuery(l.query), scene: l.scene, referrerInfo: l.referrerInfo, source: l.source });
}

/** Handles `#/open?launch=…` if the URL has one (once: it leaves the URL). */
export async function openFromLocation() {
  const p = openParams();
  const ticket = p && p.get('launch');
  if (!ticket) return null;
  forget('launch');
  return openLaunchTicket(ticket);
}
