// Links that open a mini program, from a scanned code or pasted text, and the scene
// each opens with (DESIGN.md's glossary). Until the links/codes issue defines the
// platform's codes and links, the shell reads:
//
//   weixin://dl/business/?appid=APPID&path=PATH&query=QUERY&env_version=release
//       WeChat's plain URL scheme (明文 URL Scheme): scene 1286. `query` is the page's
//       query string, URL-encoded as a whole.
//   openmini://app/APPID/PATH?QUERY
//       a mini-program code's content for now: scene 1047 when scanned; pasted as
//       text it is a scheme of the platform, scene 1065.
//   weixin://dl/business/?t=TICKET  and platform URL links (<origin>/link/…)
//       encrypted schemes and URL links (scene 1065; a link in a scanned QR code,
//       1011) need the platform to resolve them: recognised, refused with a clear
//       message until that route exists.

import { isAppid } from './api.js';
import { parseQuery } from './dom.js';

export const SCENES = {
  recent: 1001,
  topSearch: 1005,
  chatCard: 1007,
  groupCard: 1008,
  qrCode: 1011,
  serviceNotice: 1014,
  miniprogram: 1037,
  back: 1038,
  groupCardTicket: 1044,
  code: 1047,
  search: 1053,
  urlScheme: 1065,
  pullDownRecent: 1089,
  pullDownMine: 1104,
  plainScheme: 1286,
};

function cleanPath(p) {
  return String(p || '')
    .replace(/^\/+/, '')
    .replace(/\.html$/, '');
}

/**
 * What `text` opens: {kind: 'scheme' | 'code' | 'ticket' | 'url', appid, path, query,
 * envVersion, scene}, or null when it is no link of a mini program. `from` is how it
 * came: 'scan' (a code in an image) or 'text' (pasted).
 */
export function parseLink(text, from = 'text') {
  const s = String(text || '').trim();
  if (!s) return null;
  let u;
  try {
    u = new URL(s);
  } catch (_) {
    return null;
  }
  if (u.protocol === 'weixin:' && /^\/\/dl\/business\/?$/.test(u.href.slice('weixin:'.length).split('?')[0])) {
    const p = u.searchParams;
    if (p.get('t')) return { kind: 'ticket', ticket: p.get('t'), scene: SCENES.urlScheme };
    const appid = p.get('appid') || '';
    if (!isAppid(appid)) return { kind: 'invalid', reason: 'appid 无效' };
    return { kind: 'scheme', appid, path: cleanPath(p.get('path')), query: parseQuery(p.get('query') || ''), envVersion: p.get('env_version') || 'release', scene: SCENES.plainScheme };
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
    return { kind: 'code', appid: m[1], path: cleanPath(path), query: parseQuery(m[3] || ''), envVersion: 'release', scene: from === 'scan' ? SCENES.code : SCENES.urlScheme };
  }
  if (u.protocol === 'http:' || u.protocol === 'https:') {
    // A URL link of this platform (the links issue defines them): `/link/…` here.
    if (u.origin === location.origin && /^\/(link|l)\//.test(u.pathname)) return { kind: 'ticket', ticket: u.pathname, scene: from === 'scan' ? SCENES.qrCode : SCENES.urlScheme };
    return { kind: 'url', url: u.href };
  }
  return null;
}
