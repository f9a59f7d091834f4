// Entries into mini programs in Chromium against the real `openmini serve`
// (docs/traffic.md): a plain web page on another origin, configured with the JS-SDK and
// a signature the test computes as wechatpy does, opens the demo mini program through
// the open tag (scene 1167) and a too-old client gets the tag's error event; a
// third-party host page embedding the container (/sdk/host.js) launches a linked mini
// program, the user consents once, and the mini program returns data with
// navigateBackMiniProgram; a card shared into a group opens with 1044 and
// getShareInfo decrypts (with the session key from jscode2session) to the group's
// openGId, another in another app; moments open with 1154; a service account's menu
// button and article open the mini program with 1035 and 1058. Every open is checked
// in what the shell records (scene and source).
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('crypto');
const http = require('http');
const path = require('path');
const { launch, phonePage, startServer, signinCode, freePort } = require('./lib/harness');
const { signIn, toTab, openLink, scheme, appFrame, view, waitText, hostCall, shot, errors, dialog, dialogButton, capsuleMenu, closeApp } = require('./lib/shell');

const APPS = path.join(__dirname, 'fixtures/apps');
const OLD_WECHAT = 'Mozilla/5.0 (iPhone; CPU iPhone OS 16_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/7.0.11(0x17000b21) NetType/WIFI Language/zh_CN';
const OLD_IOS = 'Mozilla/5.0 (iPhone; CPU iPhone OS 10_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.40(0x18002831) NetType/WIFI Language/zh_CN';

let server, browser, pages, creds, coffee, demo, site, svc, books, E;
let phoneSeq = 0;

function freshPhone() {
  phoneSeq += 1;
  return '1360000' + String(2000 + phoneSeq).slice(-4);
}

/**
 * A web server on another origin than the platform's: `routes` maps a path to a
 * function giving the page's HTML for the request's full URL.
 */
async function otherOrigin() {
  const port = await freePort();
  const routes = new Map();
  const srv = http.createServer((req, res) => {
    const url = `http://127.0.0.1:${port}${req.url}`;
    const fn = routes.get(new URL(url).pathname);
    if (!fn) {
      res.writeHead(404);
      res.end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(fn(url));
  });
  await new Promise((r) => srv.listen(port, '127.0.0.1', r));
  return { origin: `http://127.0.0.1:${port}`, routes, close: () => new Promise((r) => srv.close(r)) };
}

async function openApi(p, body) {
  const r = await fetch(server.base + p, body === undefined ? {} : { method: 'POST', body: JSON.stringify(body) });
  return r.json();
}

async function accessToken(app) {
  const r = await openApi(`/cgi-bin/token?grant_type=client_credential&appid=${app.appid}&secret=${app.appsecret}`);
  assert.ok(r.access_token, JSON.stringify(r));
  return r.access_token;
}

/** wechatpy's get_jsapi_signature: sha1 of the sorted "k=v" pairs joined with "&". */
function jsapiSignature(ticket, noncestr, timestamp, url) {
  const parts = [`noncestr=${noncestr}`, `jsapi_ticket=${ticket}`, `timestamp=${timestamp}`, `url=${url}`].sort();
  return crypto.createHash('sha1').update(parts.join('&')).digest('hex');
}

/** wechatpy's WeChatWxaCrypto.decrypt_message: AES-128-CBC with the session key. */
function decrypt(sessionKey, iv, data) {
  const d = crypto.createDecipheriv('aes-128-cbc', Buffer.from(sessionKey, 'base64'), Buffer.from(iv, 'base64'));
  return JSON.parse(Buffer.concat([d.update(Buffer.from(data, 'base64')), d.final()]).toString('utf8'));
}

/** The opens the shell records (`POST …/events` with `open`), as they leave the page. */
function recordOpens(page) {
  const opens = [];
  page.on('request', (req) => {
    if (req.method() !== 'POST' || !/\/client\/v1\/apps\/wx[0-9a-f]{16}\/events$/.test(req.url())) return;
    try {
      const b = JSON.parse(req.postData() || '{}');
      if (b.open) opens.push({ appid: req.url().match(/apps\/(wx[0-9a-f]{16})/)[1], ...b.open });
    } catch (_) {}
  });
  return opens;
}

async function opened(opens, pred) {
  for (let i = 0; i < 100; i++) {
    const o = opens.find(pred);
    if (o) return o;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('no such open recorded: ' + JSON.stringify(opens));
}

async function userPage(opts) {
  const page = await phonePage(browser, opts);
  await signIn(page, server, freshPhone());
  return page;
}

test.before(async () => {
  server = await startServer();
  creds = server.credentials();
  coffee = creds.subjects[0];
  demo = creds.apps.find((a) => a.kind === 'miniprogram' && a.open_appid);
  site = creds.apps.find((a) => a.kind === 'website');
  svc = creds.apps.find((a) => a.kind === 'service');
  books = creds.apps.find((a) => a.kind === 'miniprogram' && !a.open_appid);
  // A mini program of the demo's subject and open-platform account, and the same app in
  // another subject (Demo Books): both run the entries fixture.
  E = server.admin(['app', 'create', '--subject', String(coffee.id), '--kind', 'miniprogram', '--name', 'Entries 小程序', '--open-account', coffee.open_account]);
  server.admin(['app', 'deploy', '--app', E.appid, path.join(APPS, 'entries')]);
  server.admin(['app', 'deploy', '--app', books.appid, path.join(APPS, 'entries')]);
  pages = await otherOrigin();
  browser = await launch();
});

test.after(async () => {
  await browser?.close();
  await pages?.close();
  await server?.stop();
});

// ---- web pages ----------------------------------------------------------------------------

/** A shop's page: the JS-SDK, wx.config signed by its "server" (here), the open tag. */
async function shopPage(pathname, { target, tagPath = 'pages/index/index?from=h5', forge = false }) {
  const ticket = (await openApi(`/cgi-bin/ticket/getticket?type=jsapi&access_token=${await accessToken(site)}`)).ticket;
  assert.ok(ticket);
  pages.routes.set(pathname, (url) => {
    const ts = Math.floor(Date.now() / 1000);
    const nonce = crypto.randomBytes(8).toString('hex');
    const signature = forge ? '0'.repeat(40) : jsapiSignature(ticket, nonce, ts, url.split('#')[0]);
    const cfg = { debug: false, appId: site.appid, timestamp: ts, nonceStr: nonce, signature, jsApiList: [], openTagList: ['wx-open-launch-weapp'] };
    return `<!doctype html><meta charset="utf-8"><title>Demo Coffee</title>
<script src="${server.base}/jssdk/openmini.js"></script>
<h1>Demo Coffee 网页</h1>
<wx-open-launch-weapp id="tag" appid="${target}" path="${tagPath}" extra-data='{"coupon":"A1"}'>
  <template><button id="open" style="font-size:18px">打开小程序</button></template>
</wx-open-launch-weapp>
<script>
  window.events = [];
  wx.config(${JSON.stringify(cfg)});
  wx.ready(() => window.events.push({ type: 'wx.ready' }));
  wx.error((e) => window.events.push({ type: 'wx.error', errMsg: e.errMsg }));
  const tag = document.getElementById('tag');
  for (const t of ['ready', 'launch', 'error']) tag.addEventListener(t, (e) => { window.events.push({ type: t, detail: e.detail }); if (window.report) window.report({ type: t, detail: e.detail }); });
</script>`;
  });
  return pages.origin + pathname + '?table=12';
}

async function pageEvents(page, type) {
  await page.waitForFunction((t) => window.events && window.events.some((e) => e.type === t), type);
  return page.evaluate((t) => window.events.filter((e) => e.type === t), type);
}

test('a web page on another origin opens the demo through the open tag: scene 1167', async () => {
  const page = await userPage();
  const opens = recordOpens(page);
  const reported = [];
  await page.exposeFunction('report', (e) => reported.push(e));
  const url = await shopPage('/shop.html', { target: demo.appid });
  await page.goto(url);
  await pageEvents(page, 'wx.ready');
  await pageEvents(page, 'ready');
  await shot(page, 'entries-web-page');
  await page.locator('wx-open-launch-weapp button#open').click();
  // The page hears `launch`, then the browser goes to the shell, which redeems the ticket.
  await page.waitForURL((u) => u.href.startsWith(server.base + '/'));
  assert.ok(reported.some((e) => e.type === 'launch' && e.detail.errMsg === 'launch:ok'), JSON.stringify(reported));
  await page.locator(`.runner[data-appid="${demo.appid}"]`).waitFor();
  const running = await page.evaluate(() => window.openmini.running());
  const l = running.find((a) => a.appid === demo.appid).launch;
  assert.deepEqual(l, { path: 'pages/index/index', query: { from: 'h5' }, scene: 1167, referrerInfo: { appId: site.appid, extraData: { coupon: 'A1' } } });
  const o = await opened(opens, (x) => x.appid === demo.appid && x.scene === 1167);
  assert.equal(o.source, pages.origin, 'the open is recorded with the page origin');
  assert.ok(!page.url().includes('launch='), 'the ticket leaves the URL once redeemed');
  await page.waitForTimeout(500);
  await shot(page, 'entries-open-tag-1167');
  assert.deepEqual(errors(page), []);
  await page.context().close();
});

test('the open tag refuses a client or system too old, and a forged wx.config', async () => {
  for (const [ua, why] of [[OLD_WECHAT, 'client version 7.0.11 is older than 7.0.12'], [OLD_IOS, 'iOS 10.2 is older than 10.3']]) {
    const page = await phonePage(browser, { userAgent: ua });
    const url = await shopPage('/old.html', { target: demo.appid });
    await page.goto(url);
    await pageEvents(page, 'wx.ready');
    await page.locator('wx-open-launch-weapp button#open').click();
    const [e] = await pageEvents(page, 'error');
    assert.match(e.detail.errMsg, /^launch:fail /);
    assert.ok(e.detail.errMsg.includes(why), e.detail.errMsg);
    assert.equal(page.url(), url, 'no launch');
    await page.context().close();
  }
  // A signature the platform did not make.
  const page = await phonePage(browser);
  await page.goto(await shopPage('/forged.html', { target: demo.appid, forge: true }));
  const [e] = await pageEvents(page, 'wx.error');
  assert.equal(e.errMsg, 'config:invalid signature');
  await page.locator('wx-open-launch-weapp button#open').click();
  const [fail] = await pageEvents(page, 'error');
  assert.match(fail.detail.errMsg, /^launch:fail wx.config failed/);
  // A mini program of another subject may not be opened from this page.
  const other = await phonePage(browser);
  await other.goto(await shopPage('/foreign.html', { target: books.appid }));
  await pageEvents(other, 'wx.ready');
  await other.locator('wx-open-launch-weapp button#open').click();
  const [foreign] = await pageEvents(other, 'error');
  assert.match(foreign.detail.errMsg, /^launch:fail invalid weapp appid/);
  await page.context().close();
  await other.context().close();
});

// ---- another app ---------------------------------------------------------------------------

test('a third-party host embeds the container: launch (1069), consent once, back with data', async () => {
  // A bank's app: a mobile app of another subject, linked to E, and its host app.
  const bankSubject = server.admin(['subject', 'create', '--name', 'Demo Bank']).id;
  const mobile = server.admin(['app', 'create', '--subject', String(bankSubject), '--kind', 'mobile', '--name', 'Demo Bank App']);
  const links = server.admin(['app', 'link', '--app', mobile.appid, '--miniprogram', E.appid]);
  assert.deepEqual(links.links, [E.appid]);
  const host = server.admin(['host-app', 'create', '--name', 'Demo Bank', '--mobile-app', mobile.appid]);
  // The bank signs its user in to the platform with its host app.
  const phone = freshPhone();
  await fetch(server.base + '/client/v1/signin/start', { method: 'POST', body: JSON.stringify({ phone }) });
  const verified = await (await fetch(server.base + '/client/v1/signin/verify', { method: 'POST', body: JSON.stringify({ phone, code: await signinCode(server, phone), host_app_id: host.id }) })).json();
  assert.ok(verified.token, JSON.stringify(verified));
  const gh = 'gh_' + crypto.createHash('sha256').update(E.appid).digest('hex').slice(0, 12);
  pages.routes.set('/bank.html', () => `<!doctype html><meta charset="utf-8"><title>Demo Bank</title>
<style>body{margin:0;font-family:sans-serif} #mp{position:fixed;inset:0} #launch{margin:80px 20px;font-size:18px}</style>
<h1>Demo Bank</h1><button id="launch">去点咖啡</button>
<div id="mp"></div>
<script type="module">
  import { init } from '${server.base}/sdk/host.js';
  window.resps = [];
  const host = await init({ element: document.getElementById('mp'), token: ${JSON.stringify(verified.token)}, from: ${JSON.stringify(mobile.appid)} });
  document.getElementById('launch').onclick = () => host.launchMiniProgram({ userName: ${JSON.stringify(gh)}, path: 'pages/index/index?from=bank', extData: { cart: 3 } }, (r) => window.resps.push(r));
  window.hostReady = true;
</script>`);
  const page = await phonePage(browser);
  const opens = recordOpens(page);
  await page.goto(pages.origin + '/bank.html');
  await page.waitForFunction(() => window.hostReady === true);
  await page.click('#launch');
  // The first open in this host app asks the user.
  await dialog(page).waitFor();
  assert.match(await dialog(page).textContent(), /“Demo Bank App”申请打开小程序“Entries 小程序”/);
  await shot(page, 'entries-host-consent');
  await dialogButton(page, '允许').click();
  const frame = await appFrame(page, E.appid);
  const l = await waitText(frame, '.launch', /scene=1069/);
  assert.ok(l.includes(`query={"from":"bank"} ref={"appId":"${mobile.appid}","extraData":{"cart":3}}`), l);
  assert.equal((await opened(opens, (o) => o.scene === 1069)).source, mobile.appid);
  await shot(page, 'entries-host-1069');
  // Back to the bank's page with the data.
  await view(frame, '.back').click();
  await page.waitForFunction(() => window.resps.length === 1);
  assert.deepEqual(await page.evaluate(() => window.resps[0]), { errCode: 0, extMsg: '{"paid":true,"order":7}', extraData: { paid: true, order: 7 } });
  await page.waitForFunction(() => !document.querySelector('#mp').shadowRoot.getElementById('apps').classList.contains('active'));
  // The second time: no question.
  await page.click('#launch');
  const again = await appFrame(page, E.appid);
  await waitText(again, '.show', /show=1069/);
  assert.equal(await page.locator('#dialogs [role=dialog]').count(), 0);
  await view(again, '.back').click();
  await page.waitForFunction(() => window.resps.length === 2);
  assert.deepEqual(errors(page), []);
  await page.context().close();
});

// ---- shares ---------------------------------------------------------------------------------

/** Shares the page of the app in front into a chat of the shell's share sheet. */
async function shareTo(page, frame, chat, withTicket) {
  if (withTicket) assert.ok((await hostCall(frame, 'showShareMenu', { withShareTicket: true })).ok);
  const call = hostCall(frame, 'shareAppMessage', { title: '一起拼单', path: '/pages/index/index?from=share' });
  await page.click(`.share-chat[data-chat="${chat}"]`);
  await dialogButton(page, '发送').click();
  assert.deepEqual((await call).res, {});
}

async function sessionKey(frame, app) {
  const { res } = await hostCall(frame, 'login');
  const s = await openApi(`/sns/jscode2session?appid=${app.appid}&secret=${app.appsecret}&js_code=${res.code}&grant_type=authorization_code`);
  assert.ok(s.session_key, JSON.stringify(s));
  return s.session_key;
}

/** Opens the group's last card; returns its frame and launch text. */
async function openGroupCard(page, appid) {
  await toTab(page, 'chats');
  await page.click('.chat-row[data-chat="g-coffee"]');
  await page.locator('.chat-screen .mp-card').last().click();
  const frame = await appFrame(page, appid);
  return { frame, text: await waitText(frame, '.launch', /scene=1044/) };
}

test('a card shared into a group opens with 1044; getShareInfo decrypts to the group openGId', async () => {
  const page = await userPage();
  const opens = recordOpens(page);
  await openLink(page, scheme(E.appid));
  let frame = await appFrame(page, E.appid);
  const keyE = await sessionKey(frame, E);
  await shareTo(page, frame, 'g-coffee', true);
  await closeApp(page, E.appid);
  let { frame: f, text } = await openGroupCard(page, E.appid);
  frame = f;
  assert.match(text, /query=\{"from":"share"\}/);
  const ticket = text.match(/ticket=(\S+)/)[1];
  await shot(page, 'entries-group-1044');
  const o = await opened(opens, (x) => x.appid === E.appid && x.scene === 1044);
  assert.match(o.source, /^share:\d+$/);
  const r = await hostCall(frame, 'getShareInfo', { shareTicket: ticket });
  assert.ok(r.ok, JSON.stringify(r));
  const data = decrypt(keyE, r.res.iv, r.res.encryptedData);
  assert.match(data.openGId, /^tG[\w-]{26}$/);
  assert.equal(data.watermark.appid, E.appid);
  // Another ticket of the same group gives the same openGId.
  const r2 = await hostCall(frame, 'getShareInfo', { shareTicket: ticket });
  assert.equal(decrypt(keyE, r2.res.iv, r2.res.encryptedData).openGId, data.openGId);
  assert.equal((await hostCall(frame, 'getShareInfo', { shareTicket: 'forged' })).errMsg, 'getShareInfo:fail invalid shareTicket');
  await closeApp(page, E.appid);

  // The same group through another app: an openGId that cannot be linked to the first.
  await openLink(page, scheme(books.appid));
  let fb = await appFrame(page, books.appid);
  const keyB = await sessionKey(fb, books);
  await shareTo(page, fb, 'g-coffee', true);
  await closeApp(page, books.appid);
  const card = await openGroupCard(page, books.appid);
  fb = card.frame;
  const ticketB = card.text.match(/ticket=(\S+)/)[1];
  const rb = await hostCall(fb, 'getShareInfo', { shareTicket: ticketB });
  const gidB = decrypt(keyB, rb.res.iv, rb.res.encryptedData).openGId;
  assert.notEqual(gidB, data.openGId);
  // E's ticket is not B's.
  assert.equal((await hostCall(fb, 'getShareInfo', { shareTicket: ticket })).errMsg, 'getShareInfo:fail invalid shareTicket');
  await closeApp(page, books.appid);

  // A card into a one-to-one chat opens with 1007.
  await openLink(page, scheme(E.appid));
  frame = await appFrame(page, E.appid);
  await shareTo(page, frame, 'c-wang', false);
  await closeApp(page, E.appid);
  await toTab(page, 'chats');
  await page.click('.chat-row[data-chat="c-wang"]');
  await page.locator('.chat-screen .mp-card').last().click();
  await waitText(await appFrame(page, E.appid), '.launch', /scene=1007/);
  assert.deepEqual(errors(page), []);
  await page.context().close();
});

test('moments: 分享到朋友圈 posts the page; opening it from 朋友圈 is scene 1154', async () => {
  const page = await userPage();
  const opens = recordOpens(page);
  await openLink(page, scheme(E.appid));
  await appFrame(page, E.appid);
  await capsuleMenu(page, E.appid);
  await page.click('#menu-timeline');
  await page.locator('.moment-confirm').waitFor();
  await page.fill('.moment-note', '新品好喝');
  await shot(page, 'entries-moments-share');
  await dialogButton(page, '发表').click();
  await closeApp(page, E.appid);
  await toTab(page, 'discover');
  await page.click('#open-moments');
  await page.locator('.moment', { hasText: '新品好喝' }).waitFor();
  await shot(page, 'entries-moments');
  await page.locator('.moment .moment-card', { hasText: '秋季新品' }).click();
  const frame = await appFrame(page, E.appid);
  const l = await waitText(frame, '.launch', /scene=1154/);
  assert.match(l, /path=pages\/index\/index query=\{"from":"moments"\}/);
  assert.match((await opened(opens, (o) => o.scene === 1154)).source, /^share:\d+$/);
  assert.deepEqual(errors(page), []);
  await page.context().close();
});

// ---- service accounts ------------------------------------------------------------------------

test('a service account: its menu button opens the mini program (1035), its article (1058)', async () => {
  const token = await accessToken(svc);
  const menu = {
    button: [
      { type: 'miniprogram', name: '点单', url: 'https://coffee.example.com', appid: E.appid, pagepath: 'pages/item/item?id=1' },
      { name: '更多', sub_button: [{ type: 'view', name: '官网', url: 'https://coffee.example.com' }, { type: 'miniprogram', name: '首页', url: 'https://coffee.example.com', appid: E.appid, pagepath: 'pages/index/index?from=sub' }] },
    ],
  };
  assert.deepEqual(await openApi(`/cgi-bin/menu/create?access_token=${token}`, menu), { errcode: 0, errmsg: 'ok' });
  const draft = await openApi(`/cgi-bin/draft/add?access_token=${token}`, {
    articles: [{ title: '秋季新品上市', author: '小编', digest: '限时八折', content: '<p>桂花拿铁回来了。</p><p>点下面的小程序下单。</p><script>alert(1)</script>', miniprogram: { appid: E.appid, pagepath: 'pages/index/index?from=article' } }],
  });
  assert.ok(draft.media_id, JSON.stringify(draft));

  const page = await userPage();
  const opens = recordOpens(page);
  await toTab(page, 'contacts');
  await page.click('#open-official');
  await page.locator(`.official-row[data-appid="${svc.appid}"]`).click();
  await page.locator('.official-menu').waitFor();
  await shot(page, 'entries-service-account');
  await page.click('.official-menu-btn[data-menu="0"]');
  let frame = await appFrame(page, E.appid);
  const l = await waitText(frame, '.launch', /scene=1035/);
  assert.ok(l.includes(`path=pages/item/item query={"id":"1"} ref={"appId":"${svc.appid}"}`), l);
  assert.equal((await opened(opens, (o) => o.scene === 1035)).source, svc.appid);
  await closeApp(page, E.appid);

  // A sub-button, through the sheet.
  await page.click('.official-menu-btn[data-menu="1"]');
  await dialog(page).waitFor();
  await dialog(page).getByRole('menuitem', { name: '首页' }).click();
  frame = await appFrame(page, E.appid);
  await waitText(frame, '.launch', /scene=1035 path=pages\/index\/index query=\{"from":"sub"\}/);
  await closeApp(page, E.appid);

  // The article: its text (no script of the account runs), and its mini program.
  await page.locator('.official-article', { hasText: '秋季新品上市' }).click();
  await page.locator('.article-p', { hasText: '桂花拿铁回来了。' }).waitFor();
  await shot(page, 'entries-article');
  await page.click('.article-mp');
  frame = await appFrame(page, E.appid);
  await waitText(frame, '.launch', /scene=1058 path=pages\/index\/index query=\{"from":"article"\}/);
  assert.equal((await opened(opens, (o) => o.scene === 1058)).source, svc.appid);
  assert.deepEqual(errors(page), []);
  await page.context().close();
});
