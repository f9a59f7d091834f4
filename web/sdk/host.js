// OpenMini's launch API for third-party hosts (docs/host-sdk.md): a page of another
// app embeds the container and opens mini programs in it, as an app opens them in
// WeChat through the OpenSDK's launchMiniProgram (scene 1069).
//
//   import { init } from 'https://<platform>/sdk/host.js';
//   const host = await init({ element, token, from: 'wx<mobile appid>' });
//   host.launchMiniProgram({ userName: 'gh_…' | appid: 'wx…', path, extData }, (resp) => …);
//
// It is the shell's own runner and host calls (web/shell/runner.js, hostcalls.js),
// drawn inside `element`'s shadow root with the shell's styles: the same sandboxed
// frame per mini program, the same consent dialogs, the same capsule. The host page
// keeps the user's session token (from `signin/verify` with its `host_app_id`); no
// mini program ever sees it.

import { setBase, setToken, get, post, ApiError } from '../shell/api.js';
import { setRoot, h, parseQuery } from '../shell/dom.js';
import { confirm } from '../shell/dialogs.js';
import * as session from '../shell/session.js';
import * as runner from '../shell/runner.js';

const BASE = new URL(import.meta.url).origin;

// The shell's stylesheet sizes #phone to the window; here it fills the host's element,
// and lets the host page through wherever no mini program, screen or dialog is drawn.
const HOST_CSS = ':host { display: block; position: relative; pointer-events: none; } #phone { width: 100%; height: 100% !important; background: transparent; pointer-events: none; } #screens > * { pointer-events: auto; }';

let from = '';
let mounted = false;

/**
 * Mounts the container into `element` (it gets a shadow root) for the user of
 * `token`, speaking for the mobile app `from` (the host app must be registered with
 * it: `openmini host-app create --mobile-app`). Resolves to the host's API.
 */
export async function init({ element, token, from: appid }) {
  if (!(element instanceof Element)) throw new TypeError('init: element must be an element');
  if (mounted) throw new Error('init: the container is already mounted in this page');
  setBase(BASE);
  setToken(token);
  const me = await get('/me');
  session.save(token, me.user);
  from = String(appid || '');
  const root = element.shadowRoot || element.attachShadow({ mode: 'open' });
  root.append(
    h('link', { rel: 'stylesheet', href: BASE + '/shell/shell.css' }),
    h('style', HOST_CSS),
    h('div#phone', h('div#app', h('div#screens')), h('div#apps', { 'aria-label': '小程序' }), h('div#dialogs'))
  );
  setRoot(root);
  mounted = true;
  return { launchMiniProgram, running: () => runner.running().map((a) => ({ appid: a.appid, launch: a.launch })), user: me.user };
}

/**
 * WeChat's OpenSDK `launchMiniProgram`: `{userName | appid, path, extData}`. The first
 * time this user opens that mini program in this host app, the user is asked (and the
 * answer is remembered by the platform). `onResp` gets `{errCode: 0, extMsg, extraData}`
 * when the mini program goes back (navigateBackMiniProgram, or a button
 * open-type="launchApp" with `appParameter` as `extMsg`), `{errCode: -2, errStr}` when the
 * user refused, `{errCode: -1, errStr}` when it could not open. Resolves to true once
 * the mini program is open.
 */
export async function launchMiniProgram(req, onResp = () => {}) {
  if (!mounted) throw new Error('launchMiniProgram: call init first');
  const body = { from, appid: req.appid || undefined, userName: req.userName || undefined, path: req.path || '', extData: req.extData };
  const fail = (errCode, errStr) => {
    onResp({ errCode, errStr });
    return false;
  };
  let r;
  try {
    r = await post('/launch', body);
    if (r.consent_needed) {
      const ok = await confirm({ title: '打开小程序', content: `“${r.app.name}”申请打开小程序“${r.miniprogram.name}”`, ok: '允许', cancel: '拒绝' });
      if (!ok) return fail(-2, 'user refused');
      await post('/launch/consent', body);
      r = await post('/launch', body);
    }
  } catch (e) {
    return fail(-1, e instanceof ApiError ? e.text : String(e && e.message ? e.message : e));
  }
  const opened = await runner.open({
    appid: r.appid,
    path: r.path,
    query: parseQuery(r.query),
    scene: r.scene,
    referrerInfo: r.referrerInfo,
    source: r.source,
    returnTo: (back) => {
      const data = back.extraData !== undefined ? back.extraData : back.appParameter;
      const extMsg = typeof data === 'string' ? data : data === undefined ? '' : JSON.stringify(data);
      onResp({ errCode: 0, extMsg, extraData: back.extraData });
    },
  });
  if (!opened) return fail(-1, 'cannot open');
  return true;
}
