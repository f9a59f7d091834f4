// Links that open a mini program, from a scanned code or pasted text, and the scene
// each opens with (DESIGN.md's glossary, docs/traffic.md "Scenes").
//
// The platform's links and codes are resolved by the platform
// (`GET /client/v1/links/resolve?link=&from=`), which answers the target with its
// scene and records the open:
//
//   weixin://dl/business/?t=CODE[&cq=…]           encrypted URL scheme      1065
//   weixin://dl/business/?appid=&path=&query=…    plain URL scheme          1286
//   <origin>/l/CODE[?cq=…]                        URL link                  1065
//   #小程序://NAME/[TITLE/]CODE                   short link                1065
//   <origin>/c/ID                                 getwxacode / createwxaqrcode: 1047-1049 / 1011-1013
//   <origin>/c/u/APPID?p=&s=&m=                   getwxacodeunlimit         1047-1049
//
// A code's scene says how it reached the user (`from`): `album` (an image picked in
// 扫一扫: 1049 / 1013), `camera` (a phone's camera opened the code's page: 1047 / 1011),
// `longpress` (1048 / 1012), `text` (pasted: as scanned, 1047 / 1011).
//
//   openmini://app/APPID/PATH?QUERY
//       a developer's link resolved here, not by the platform (nothing proves who made
//       it): from an image 1049, pasted 1065.

import { isAppid } from './api.js';
import { parseQuery } from './dom.js';

export const SCENES = {
  recent: 1001,
  topSearch: 1005,
  chatCard: 1007,
  groupCard: 1008,
  qrCode: 1011,
  qrCodeLongPress: 1012,
  qrCodeAlbum: 1013,
  serviceNotice: 1014,
  miniprogram: 1037,
  back: 1038,
  groupCardTicket: 1044,
  code: 1047,
  codeLongPress: 1048,
  codeAlbum: 1049,
  search: 1053,
  urlScheme: 1065,
  pullDownRecent: 1089,
  pullDownMine: 1104,
  plainScheme: 1286,
};

/** How a link reached the user, as `links/resolve` takes it. */
export const FROM = ['album', 'camera', 'longpress', 'text'];

function cleanPath(p) {
  return String(p || '')
    .replace(/^\/+/, '')
    .replace(/\.html$/, '');
}

const CODE = '[A-Za-z0-9]{8,64}';
const PLATFORM_PATH = new RegExp(`^/(l/${CODE}|c/${CODE}|c/u/wx[0-9a-fA-F]{16})/?$`);

/**
 * What `text` opens: `{kind: 'platform', link, foreign}` (resolved by the platform;
 * `foreign`: a URL of another origin that only looks like one of ours), `{kind:
 * 'code', appid, path, query, scene}` (openmini://), `{kind: 'url', url}` (a web
 * page), `{kind: 'invalid', reason}`, or null when it is no link at all. An unlimited
 * code's URL also gives `appid`, `path` and `query` (`wx.scanCode`'s `path`).
 */
export function parseLink(text, from = 'text') {
  const s = String(text || '').trim();
  if (!s) return null;
  if (s.startsWith('#小程序://')) return /\/[A-Za-z0-9]{8,64}$/.test(s) ? { kind: 'platform', link: s } : { kind: 'invalid', reason: '无法识别的小程序短链' };
  let u;
  try {
    // A path alone (`/l/CODE`, from a landing page's button) is of this origin.
    u = s.startsWith('/') && !s.startsWith('//') ? new URL(s, location.origin) : new URL(s);
  } catch (_) {
    return null;
  }
  if (u.protocol === 'weixin:') {
    if (!/^weixin:\/\/dl\/business\/?(\?|$)/i.test(s)) return null;
    const p = u.searchParams;
    if (!p.get('t') && !isAppid(p.get('appid') || '')) return { kind: 'invalid', reason: 'appid 无效' };
    return { kind: 'platform', link: s };
  }
  if (u.protocol === 'openmini:') {
    // openmini://app/<appid>/<path>?<query>: URL puts "app" in the host.
    const m = /^openmini:\/\/app\/([^/?#]+)\/?([^?#]*)(?:\?([^#]*))?/i.exec(s);
    if (!m) return { kind: 'invalid', reason: '无法识别的 openmini 链接' };
    if (!isAppid(m[1])) return { kind: 'invalid', reason: 'appid 无效' };
    let path = m[2];
    try {
      path = decodeURIComponent(path);
    } catch (_) {}
    return { kind: 'code', appid: m[1], path: cleanPath(path), query: parseQuery(m[3] || ''), envVersion: 'release', scene: from === 'text' ? SCENES.urlScheme : SCENES.codeAlbum };
  }
  if (u.protocol === 'http:' || u.protocol === 'https:') {
    if (!PLATFORM_PATH.test(u.pathname)) return { kind: 'url', url: u.href };
    const link = { kind: 'platform', link: u.href, foreign: u.origin !== location.origin };
    const unlimited = /^\/c\/u\/(wx[0-9a-fA-F]{16})\/?$/.exec(u.pathname);
    if (unlimited) {
      link.appid = unlimited[1];
      link.path = cleanPath(u.searchParams.get('p'));
      link.query = { scene: encodeURIComponent(u.searchParams.get('s') || '') };
    }
    return link;
  }
  return null;
}
