// The host shell (web/shell) end to end, in Chromium against the real `openmini serve`:
// sign-in with the code from the server's log, the home lists and the pull-down panel
// with their scenes, the runner's launch message and per-user, per-app storage, every
// host call's happy path and refusal, navigateToMiniProgram and back, shares into the
// simulated chats (recorded by the platform, with real share tickets), the capsule, the inbox's live stream, and scanning a QR image.
// Screenshots of each screen go to target/screenshots/shell-*.png.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('child_process');
const http = require('http');
const path = require('path');
const QRCode = require('qrcode');
const { BIN, launch, phonePage, startServer, signinCode, screenshot, freePort } = require('./lib/harness');
const { signIn: signInOn, toTab, openLink, scheme, appFrame, view, waitText, hostCall, shot, errors, dialog, dialogButton, capsuleMenu, closeApp } = require('./lib/shell');

const APPS = path.join(__dirname, 'fixtures/apps');

let server, browser, A, B, secretA, echo, versionA;
let phoneSeq = 0;

/** A phone number of a new user (each number gets 5 sign-in codes an hour). */
function freshPhone() {
  phoneSeq += 1;
  return '1370000' + String(1000 + phoneSeq).slice(-4);
}

function cli(args) {
  return execFileSync(BIN, [...args, '--data', server.data], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** A small server the proxy may reach: echoes requests, takes uploads, serves bytes. */
async function echoServer() {
  const port = await freePort();
  const srv = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      if (req.url.startsWith('/file.bin')) {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        res.end(Buffer.from([...Array(256).keys()]));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json', 'set-cookie': 'k=v' });
      res.end(JSON.stringify({ method: req.method, url: req.url, referer: req.headers.referer || '', type: req.headers['content-type'] || '', body: body.toString('latin1').slice(0, 2000), size: body.length }));
    });
  });
  await new Promise((r) => srv.listen(port, '127.0.0.1', r));
  return { origin: `http://127.0.0.1:${port}`, close: () => new Promise((r) => srv.close(r)) };
}

test.before(async () => {
  server = await startServer();
  const creds = server.credentials();
  const minis = creds.apps.filter((a) => a.kind === 'miniprogram');
  [A, B] = minis.map((a) => a.appid);
  secretA = minis[0].appsecret;
  // The seed may have deployed examples/demo to A already: ours is the next version.
  versionA = server.admin(['app', 'deploy', '--app', A, path.join(APPS, 'shell-a')]).version;
  server.admin(['app', 'deploy', '--app', B, path.join(APPS, 'shell-b')]);
  echo = await echoServer();
  cli(['app', 'domains', '--app', A, '--request', echo.origin, '--upload', echo.origin, '--download', echo.origin]);
  browser = await launch();
});

test.after(async () => {
  await browser?.close();
  await echo?.close();
  await server?.stop();
});

// ---- helpers ------------------------------------------------------------------------------

const signIn = (page, phone) => signInOn(page, server, phone);

/** A new phone-sized page signed in as a new user (or `phone`). */
async function userPage(phone = freshPhone(), opts) {
  const page = await phonePage(browser, opts);
  await signIn(page, phone);
  return page;
}

function token(page) {
  return page.evaluate(() => JSON.parse(localStorage.getItem('openmini.session')).token);
}

async function client(page, method, p, body) {
  const r = await fetch(server.base + '/client/v1' + p, { method, headers: { authorization: 'Bearer ' + (await token(page)) }, body: body === undefined ? undefined : JSON.stringify(body) });
  return r.json();
}

async function openApi(p, body) {
  const r = await fetch(server.base + p, body === undefined ? {} : { method: 'POST', body: JSON.stringify(body) });
  return r.json();
}

let accessToken = null;
async function appToken() {
  if (!accessToken) accessToken = (await openApi(`/cgi-bin/token?grant_type=client_credential&appid=${A}&secret=${secretA}`)).access_token;
  return accessToken;
}

async function openidOf(frame) {
  const { res } = await hostCall(frame, 'login');
  const s = await openApi(`/sns/jscode2session?appid=${A}&secret=${secretA}&js_code=${res.code}&grant_type=authorization_code`);
  assert.ok(s.openid, JSON.stringify(s));
  return s.openid;
}

// ---- the tests ----------------------------------------------------------------------------

test('sign-in with the code from the log; the session survives a reload; sign-out', async () => {
  const page = await phonePage(browser);
  await page.goto(server.base + '/');
  await page.locator('.demo-user', { hasText: '张三' }).click();
  assert.equal(await page.inputValue('#signin-phone'), '13800138000');
  await page.click('#signin-get');
  await page.locator('#signin-status', { hasText: '服务器日志' }).waitFor();
  await shot(page, 'shell-signin');
  await page.fill('#signin-code', '000000');
  await page.click('#signin-submit');
  await page.locator('#signin-status', { hasText: '验证码错误' }).waitFor();
  await page.fill('#signin-code', await signinCode(server, '13800138000'));
  await page.click('#signin-submit');
  await page.locator('.chats-root .nav-title').waitFor();
  assert.match(await page.locator('.chats-root .nav-title').textContent(), /^微信/);
  await shot(page, 'shell-home');
  await page.reload();
  await page.locator('#tabbar').waitFor();
  await toTab(page, 'me');
  await page.locator('.me-name', { hasText: '张三' }).waitFor();
  assert.match(await page.locator('.me-id').textContent(), /138\*\*\*\*8000/);
  await shot(page, 'shell-me');
  // On a desktop the shell is a phone-sized column in the middle.
  await page.setViewportSize({ width: 1024, height: 800 });
  const phone = await page.locator('#phone').boundingBox();
  assert.deepEqual([phone.width, phone.height, phone.x], [375, 667, (1024 - 375) / 2]);
  await shot(page, 'shell-desktop');
  await page.setViewportSize({ width: 375, height: 667 });
  const t = await token(page);
  await page.click('#signout');
  await dialogButton(page, '退出').click();
  await page.locator('#signin-phone').waitFor();
  assert.equal(await page.evaluate(() => localStorage.getItem('openmini.session')), null);
  const r = await fetch(server.base + '/client/v1/me', { headers: { authorization: 'Bearer ' + t } });
  assert.equal(r.status, 401, 'the token was signed out on the server');
  assert.deepEqual(errors(page), []);
  await page.context().close();
});

test('the runner: launch message, sandbox, capsule rect, storage per user and app', async () => {
  const page = await userPage();
  await openLink(page, scheme(A, { b: B }));
  let frame = await appFrame(page, A);
  // The frame element and what the frame was given.
  assert.equal(await page.locator(`.runner[data-appid="${A}"] iframe`).getAttribute('sandbox'), 'allow-scripts');
  const env = await frame.evaluate(() => window.__om.env);
  assert.equal(env.appid, A);
  assert.equal(env.base, `${server.base}/pkg/${A}/${versionA}/`);
  assert.equal(env.version, versionA);
  assert.equal(env.manifest.format, 1);
  assert.deepEqual(env.launch, { path: 'pages/index/index', query: { b: B }, scene: 1286, referrerInfo: {} });
  assert.deepEqual(env.storage, {});
  for (const k of ['windowWidth', 'windowHeight', 'screenWidth', 'screenHeight', 'pixelRatio', 'statusBarHeight', 'platform', 'language', 'version', 'SDKVersion']) assert.ok(k in env.system, k);
  assert.equal(env.system.screenWidth, 375);
  assert.deepEqual(env.menuRect, { width: 87, height: 32, top: 6, bottom: 38, left: 281, right: 368 });
  const box = await page.locator(`.runner[data-appid="${A}"] .capsule`).boundingBox();
  assert.deepEqual([box.x, box.y, box.width, box.height].map(Math.round), [281, 6, 87, 32], 'the capsule sits where menuRect says');
  assert.equal(JSON.stringify(env).includes(await token(page)), false, 'the session token never reaches a frame');
  assert.match(await view(frame, '.launch').textContent(), /scene=1286/);
  assert.equal(await waitText(frame, '.count', /count=1/), 'count=1');
  // The splash goes once the frame says its first page is shown.
  await page.locator(`.runner[data-appid="${A}"] .splash`).waitFor({ state: 'detached' });
  await shot(page, 'shell-runner');

  // Storage is persisted (IndexedDB) and comes back after a reload, for this user.
  await page.reload();
  await page.locator('#tabbar').waitFor();
  await openLink(page, scheme(A));
  frame = await appFrame(page, A);
  assert.equal(await waitText(frame, '.count', /count=2/), 'count=2');
  const again = await frame.evaluate(() => window.__om.env.storage);
  assert.deepEqual(Object.keys(again).sort(), ['count', 'peer']);
  await closeApp(page, A);

  // Another app never sees it.
  await openLink(page, scheme(B));
  const fb = await appFrame(page, B);
  assert.deepEqual(await fb.evaluate(() => window.__om.env.storage), {});
  assert.equal(await waitText(fb, '.count', /count=1/), 'count=1');
  await closeApp(page, B);

  // Nor another user in the same browser.
  await toTab(page, 'me');
  await page.click('#signout');
  await dialogButton(page, '退出').click();
  await signIn(page, freshPhone());
  await openLink(page, scheme(A));
  frame = await appFrame(page, A);
  assert.deepEqual(await frame.evaluate(() => window.__om.env.storage), {});
  assert.equal(await waitText(frame, '.count', /count=1/), 'count=1');
  assert.deepEqual(errors(page), []);
  await page.context().close();
});

test('home: recent, My mini programs, the pull-down panel (1089, 1104), 小程序 (1001), search (1005, 1053)', async () => {
  const page = await userPage();
  await openLink(page, scheme(A, { b: B }));
  let frame = await appFrame(page, A);
  // Add to My mini programs from the capsule's menu.
  await capsuleMenu(page, A);
  await shot(page, 'shell-capsule-menu');
  await page.click('#menu-mine');
  await assert.doesNotReject(async () => {
    for (let i = 0; i < 50; i++) {
      const r = await client(page, 'GET', '/my-apps');
      if (r.apps.some((a) => a.appid === A)) return;
      await new Promise((res) => setTimeout(res, 100));
    }
    throw new Error('not added');
  });
  await closeApp(page, A);

  // Pull the chat list down: the panel, with A in both rows.
  await toTab(page, 'chats');
  const list = await page.locator('.chats-root .content').boundingBox();
  await page.mouse.move(list.x + 180, list.y + 120);
  await page.mouse.down();
  for (let y = 130; y <= 400; y += 30) await page.mouse.move(list.x + 180, list.y + y);
  await page.mouse.up();
  await page.locator('.pull-panel:not([hidden])').waitFor();
  await page.locator(`.pull-panel .panel-app[data-scene="1104"][data-appid="${A}"]`).waitFor();
  await page.waitForTimeout(300);
  await shot(page, 'shell-pulldown');
  await page.click(`.pull-panel .panel-app[data-scene="1089"][data-appid="${A}"]`);
  frame = await appFrame(page, A);
  // A closed moments ago is still alive: a hot start, appEvent show with the new scene.
  await waitText(frame, '.show', /show=1089 /);
  assert.match(await view(frame, '.launch').textContent(), /scene=1286/, 'not launched again');
  await closeApp(page, A);
  await page.locator('.pull-hint').click();
  await page.click(`.pull-panel .panel-app[data-scene="1104"][data-appid="${A}"]`);
  frame = await appFrame(page, A);
  await waitText(frame, '.show', /show=1104 /);
  await closeApp(page, A);

  // 发现 › 小程序: recent and mine, opened with 1001; remove from mine there.
  await toTab(page, 'discover');
  await page.click('#open-miniprograms');
  await page.locator(`.mine-list [data-appid="${A}"]`).waitFor();
  await shot(page, 'shell-miniprograms');
  await page.click(`.recent-list [data-appid="${A}"] .app-open`);
  frame = await appFrame(page, A);
  await waitText(frame, '.show', /show=1001 /);
  await closeApp(page, A);
  await page.click(`.mine-list [data-appid="${A}"] .row-more`);
  await dialog(page).getByRole('menuitem', { name: '从“我的小程序”中移除' }).click();
  await page.locator(`.mine-list [data-appid="${A}"]`).waitFor({ state: 'detached' });
  assert.equal((await client(page, 'GET', '/my-apps')).apps.length, 0);

  // Search: the top search box (1005) and 搜一搜 (1053).
  await toTab(page, 'chats');
  await page.click('.search-bar');
  await page.fill('#search-input', 'Coffee');
  await page.locator(`.search-results [data-appid="${A}"]`).waitFor();
  assert.equal(await page.locator('.search-results .search-tip').count(), 0, 'the platform catalogue answered, not the fallback');
  assert.equal(await page.locator(`.search-results [data-appid="${B}"]`).count(), 0);
  await shot(page, 'shell-search');
  await page.click(`.search-results [data-appid="${A}"]`);
  frame = await appFrame(page, A);
  await waitText(frame, '.show', /show=1005 /);
  await closeApp(page, A);
  await toTab(page, 'discover');
  await page.click('#open-sousou');
  await page.fill('#search-input', 'Coffee');
  await page.click(`.search-results [data-appid="${A}"]`);
  frame = await appFrame(page, A);
  await waitText(frame, '.show', /show=1053 /);
  assert.deepEqual(errors(page), []);
  await page.context().close();
});

test('consent dialogs: user profile, phone number, authorize, getLocation; refusals', async () => {
  const page = await userPage(freshPhone(), { geolocation: { latitude: 31.23, longitude: 121.47 }, permissions: ['geolocation'] });
  await openLink(page, scheme(A));
  const frame = await appFrame(page, A);

  // login → jscode2session (the backend), then getUserProfile with the host's dialog.
  await openidOf(frame);
  assert.match((await hostCall(frame, 'getUserProfile', { desc: '用于完善会员资料' })).errMsg, /^getUserProfile:fail can only be invoked by user TAP gesture/);
  let call = hostCall(frame, 'getUserProfile', { desc: '用于完善会员资料' }, { tap: true });
  await dialog(page).waitFor();
  assert.match(await dialog(page).textContent(), /获取你的昵称、头像/);
  await shot(page, 'shell-consent-profile');
  await dialogButton(page, '拒绝').click();
  assert.equal((await call).errMsg, 'getUserProfile:fail auth deny');
  call = hostCall(frame, 'getUserProfile', { desc: '用于完善会员资料' }, { tap: true });
  await dialogButton(page, '允许').click();
  const profile = await call;
  assert.ok(profile.ok, JSON.stringify(profile));
  assert.match(profile.res.userInfo.nickName, /^用户\d{4}$/);
  assert.ok(profile.res.encryptedData && profile.res.iv && profile.res.signature);

  // The phone-number button: the host asks, the app gets a code (or the refusal).
  await view(frame, '.phone').click();
  await dialog(page).waitFor();
  assert.match(await dialog(page).textContent(), /137\*\*\*\*/);
  await shot(page, 'shell-consent-phone');
  await dialogButton(page, '允许').click();
  await waitText(frame, '.result', /phone code/);
  await view(frame, '.phone').click();
  await dialogButton(page, '不允许').click();
  await waitText(frame, '.result', /phone getPhoneNumber:fail user deny/);

  // authorize: a refusal sticks (no second dialog); openSetting can change it.
  call = hostCall(frame, 'authorize', { scope: 'scope.userLocation' });
  await dialog(page).waitFor();
  assert.match(await dialog(page).textContent(), /获取你的位置信息[\s\S]*查找附近的门店/);
  await shot(page, 'shell-consent-scope');
  await dialogButton(page, '拒绝').click();
  assert.equal((await call).errMsg, 'authorize:fail auth deny');
  assert.equal((await hostCall(frame, 'authorize', { scope: 'scope.userLocation' })).errMsg, 'authorize:fail auth deny');
  assert.equal((await hostCall(frame, 'getLocation', { type: 'wgs84' })).errMsg, 'getLocation:fail auth deny');
  assert.deepEqual((await hostCall(frame, 'getSetting', {})).res, { authSetting: { 'scope.userLocation': false } });
  assert.equal((await hostCall(frame, 'authorize', { scope: 'scope.nothing' })).errMsg, 'authorize:fail invalid scope');
  call = hostCall(frame, 'openSetting', {});
  await page.locator('.settings-screen .switch-cell').waitFor();
  await shot(page, 'shell-settings');
  await page.locator('.settings-screen input.switch').check();
  await page.locator('.settings-screen .nav-back').click();
  assert.deepEqual((await call).res, { authSetting: { 'scope.userLocation': true } });
  const loc = await hostCall(frame, 'getLocation', { type: 'wgs84' });
  assert.ok(loc.ok, JSON.stringify(loc));
  assert.equal(loc.res.latitude, 31.23);
  assert.equal(loc.res.longitude, 121.47);

  // $storage takes only its three operations; feedback can be cancelled.
  assert.equal((await hostCall(frame, '$storage', { op: 'drop', key: 'k' })).errMsg, '$storage:fail bad op');
  assert.equal((await hostCall(frame, '$storage', { op: 'set', key: 'k', value: 1 })).errMsg, '$storage:fail bad value');
  call = hostCall(frame, 'feedback', {});
  await dialog(page).waitFor();
  await page.keyboard.press('Escape');
  assert.equal((await call).errMsg, 'feedback:fail cancel');
  // Unknown calls and webViewAllowed (no platform route for business domains yet).
  assert.equal((await hostCall(frame, 'noSuchCall', {})).errMsg, 'noSuchCall:fail not supported');
  assert.deepEqual((await hostCall(frame, 'webViewAllowed', { src: 'https://example.com/' })).res, { allowed: false });
  assert.deepEqual((await hostCall(frame, 'getUserInfo', {})).res.userInfo.nickName, '微信用户');
  assert.deepEqual((await hostCall(frame, 'checkSession', {})).res, {});
  assert.deepEqual(errors(page), []);
  await page.context().close();
});

test('requestSubscribeMessage: refused without a tap; the consent dialog; subscribe/send arrives live in 服务通知', async () => {
  const at = await appToken();
  const added = await openApi(`/wxaapi/newtmpl/addtemplate?access_token=${at}`, { tid: 1001, kidList: [2, 3], sceneDesc: '发货提醒' });
  assert.equal(added.errcode, 0, JSON.stringify(added));
  const tmpl = added.priTmplId;
  const page = await userPage();
  await openLink(page, scheme(A, { tmpl }));
  let frame = await appFrame(page, A);
  const openid = await openidOf(frame);

  const noTap = await hostCall(frame, 'requestSubscribeMessage', { tmplIds: [tmpl] });
  assert.equal(noTap.errMsg, 'requestSubscribeMessage:fail can only be invoked by user TAP gesture.');

  // The mini program's own button: reject first, then accept.
  await view(frame, '.subscribe').click();
  await dialog(page).waitFor();
  await dialog(page).locator(`input[data-tmpl="${tmpl}"]`).uncheck();
  await dialogButton(page, '允许').click();
  await waitText(frame, '.result', /sub1 reject/);
  await view(frame, '.subscribe').click();
  await dialog(page).waitFor();
  assert.equal(await dialog(page).locator(`input[data-tmpl="${tmpl}"]`).isChecked(), true);
  await shot(page, 'shell-subscribe');
  await dialog(page).locator('#subs-keep').check();
  await dialogButton(page, '允许').click();
  await waitText(frame, '.result', /sub2 accept/);
  let subs = await client(page, 'GET', `/apps/${A}/subscriptions`);
  assert.deepEqual(subs.grants.map((g) => [g.priTmplId, g.remaining]), [[tmpl, 1]]);
  // "Always keep this choice": the next request asks no more and accepts again.
  await view(frame, '.subscribe').click();
  await waitText(frame, '.result', /sub3 accept/);
  assert.equal(await page.locator('#dialogs [role=dialog]').count(), 0);
  subs = await client(page, 'GET', `/apps/${A}/subscriptions`);
  assert.deepEqual(subs.grants.map((g) => [g.priTmplId, g.remaining]), [[tmpl, 2]]);
  assert.deepEqual((await hostCall(frame, 'getSetting', { withSubscriptions: true })).res.subscriptionsSetting, { mainSwitch: true, itemSettings: { [tmpl]: 'accept' } });
  await closeApp(page, A);

  // The app's backend sends; the message arrives through the stream, no reload.
  await toTab(page, 'chats');
  const sent = await openApi(`/cgi-bin/message/subscribe/send?access_token=${at}`, { touser: openid, template_id: tmpl, page: 'pages/index/index?from=notice', data: { thing2: { value: '拿铁咖啡' }, thing3: { value: '顺丰速运' } } });
  assert.equal(sent.errcode, 0, JSON.stringify(sent));
  await page.locator('.chat-row[data-folder="service"] .badge', { hasText: '1' }).waitFor();
  assert.equal(await page.locator('#tabbar .tab[data-tab=chats] .badge').textContent(), '1');
  await shot(page, 'shell-inbox-badge');
  await page.click('.chat-row[data-folder="service"]');
  await page.locator('.notice', { hasText: '拿铁咖啡' }).waitFor();
  await shot(page, 'shell-inbox-service');
  await page.locator('.notice .notice-open').last().click();
  frame = await appFrame(page, A);
  await waitText(frame, '.launch', /scene=1014 .*"from":"notice"/);
  await closeApp(page, A);
  await page.locator('.folder-screen .nav-back').click();
  await page.locator('#tabbar .tab[data-tab=chats] .badge').waitFor({ state: 'detached' });

  // Settings: withdraw the grant, switch the app's notifications off and on.
  await openLink(page, scheme(A));
  await appFrame(page, A);
  await capsuleMenu(page, A);
  await page.click('#menu-settings');
  await page.locator('.settings-screen').getByRole('button', { name: '订阅消息' }).click();
  await page.locator('#subs-main-switch').waitFor();
  await shot(page, 'shell-subs-settings');
  await page.locator('#subs-main-switch').uncheck();
  for (let i = 0; i < 50 && (await client(page, 'GET', `/apps/${A}/subscriptions`)).enabled; i++) await new Promise((r) => setTimeout(r, 100));
  assert.equal((await client(page, 'GET', `/apps/${A}/subscriptions`)).enabled, false);
  await page.locator('#subs-main-switch').check();
  for (let i = 0; i < 50 && !(await client(page, 'GET', `/apps/${A}/subscriptions`)).enabled; i++) await new Promise((r) => setTimeout(r, 100));
  assert.equal((await client(page, 'GET', `/apps/${A}/subscriptions`)).enabled, true);
  assert.deepEqual(errors(page), []);
  await page.context().close();
});

test('navigateToMiniProgram (1037, referrerInfo) and navigateBackMiniProgram (1038, extraData)', async () => {
  const page = await userPage();
  await openLink(page, scheme(A, { b: B }));
  const fa = await appFrame(page, A);
  const refused = await hostCall(fa, 'navigateToMiniProgram', { appId: B });
  assert.equal(refused.errMsg, 'navigateToMiniProgram:fail can only be invoked by user TAP gesture.');
  await view(fa, '.go-b').click();
  await dialog(page).waitFor();
  assert.match(await dialog(page).textContent(), /即将打开“Demo Books 小程序”小程序/);
  await dialogButton(page, '允许').click();
  const fb = await appFrame(page, B);
  const l = await waitText(fb, '.launch', /scene=1037/);
  assert.match(l, /path=pages\/index\/index query=\{"x":"1"\}/);
  assert.ok(l.includes(`ref={"appId":"${A}","extraData":{"hello":"from a"}}`), l);
  assert.equal(await waitText(fa, '.result', /nav ok/), 'nav ok');
  await shot(page, 'shell-navigate');
  // A stays alive under B; B goes back with extraData.
  assert.equal(await page.locator('.runner').count(), 2);
  await view(fb, '.back').click();
  const shown = await waitText(fa, '.show', /show=1038/);
  assert.ok(shown.includes(`ref={"appId":"${B}","extraData":{"from":"b","n":2}}`), shown);
  assert.match(await view(fa, '.count').textContent(), /count=1/, 'A was not started again');
  // navigateBackMiniProgram with no opener is refused.
  assert.equal((await hostCall(fa, 'navigateBackMiniProgram', {})).errMsg, 'navigateBackMiniProgram:fail no mini program to go back to');
  // The host's back: appEvent back; on its first page the app closes itself.
  await page.goBack();
  await page.waitForFunction(() => !document.getElementById('apps').classList.contains('active'));
  assert.deepEqual(errors(page), []);
  await page.context().close();
});

test('share into a chat (capsule › 发送给朋友) and open the card: 1007; group with a shareTicket: 1044', async () => {
  const page = await userPage();
  await openLink(page, scheme(A));
  let frame = await appFrame(page, A);
  await capsuleMenu(page, A);
  await page.click('#menu-share');
  await page.locator('.share-sheet').waitFor();
  await shot(page, 'shell-share-sheet');
  await page.click('.share-chat[data-chat="c-wang"]');
  await page.locator('.share-confirm .mp-card', { hasText: 'A 的分享' }).waitFor();
  await shot(page, 'shell-share-confirm');
  await dialogButton(page, '发送').click();
  await closeApp(page, A);
  await toTab(page, 'chats');
  await page.click('.chat-row[data-chat="c-wang"]');
  await page.locator('.chat-screen .mp-card', { hasText: 'A 的分享' }).waitFor();
  await shot(page, 'shell-chat-card');
  await page.click('.chat-screen .mp-card');
  frame = await appFrame(page, A);
  const l = await waitText(frame, '.launch', /scene=1007/);
  assert.match(l, /query=\{"from":"share"\} ref=\{\} ticket= chat=1/);

  // A share with a ticket into the group.
  assert.ok((await hostCall(frame, 'showShareMenu', { withShareTicket: true })).ok);
  const call = hostCall(frame, 'shareAppMessage', { title: '群里看看', path: '/pages/index/index?g=1' });
  await page.click('.share-chat[data-chat="g-coffee"]');
  await dialogButton(page, '发送').click();
  assert.deepEqual((await call).res, {});
  const cancelled = hostCall(frame, 'shareAppMessage', { title: 'x', path: '/pages/index/index' });
  await page.locator('.share-sheet').waitFor();
  await page.keyboard.press('Escape');
  assert.equal((await cancelled).errMsg, 'shareAppMessage:fail cancel');
  await closeApp(page, A);
  await page.locator('.chat-screen .nav-back').click();
  await page.click('.chat-row[data-chat="g-coffee"]');
  await page.click('.chat-screen .mp-card');
  frame = await appFrame(page, A);
  const g = await waitText(frame, '.launch', /scene=1044/);
  assert.match(g, /ticket=[\w-]{40,} chat=3/);
  // getShareInfo: an unknown ticket is refused; the platform's ticket needs the app's
  // session key first (its decryption: entries.test.js).
  assert.equal((await hostCall(frame, 'getShareInfo', { shareTicket: 'st_forged' })).errMsg, 'getShareInfo:fail invalid shareTicket');
  const ticket = g.match(/ticket=([\w-]+) chat/)[1];
  assert.match((await hostCall(frame, 'getShareInfo', { shareTicket: ticket })).errMsg, /^getShareInfo:fail invalid code: no session/);
  await openidOf(frame);
  const info = await hostCall(frame, 'getShareInfo', { shareTicket: ticket });
  assert.ok(info.ok && info.res.encryptedData && info.res.iv, JSON.stringify(info));
  assert.deepEqual(errors(page), []);
  await page.context().close();
});

test('network through the proxy; files; clipboard; scanCode; payment; forms; phone call; events', async () => {
  const page = await userPage(freshPhone(), { permissions: ['clipboard-read', 'clipboard-write'] });
  await openLink(page, scheme(A));
  const frame = await appFrame(page, A);

  // request: JSON out and back, the Referer WeChat sends; a URL off the list is refused.
  let r = await hostCall(frame, 'request', { url: echo.origin + '/echo?x=1', method: 'POST', data: { a: 1 }, header: { 'content-type': 'application/json' } });
  assert.ok(r.ok, JSON.stringify(r));
  assert.equal(r.res.statusCode, 200);
  assert.equal(r.res.data.method, 'POST');
  assert.equal(r.res.data.body, '{"a":1}');
  assert.equal(r.res.data.referer, `https://servicewechat.com/${A}/${versionA}/page-frame.html`);
  assert.deepEqual(r.res.cookies, ['k=v']);
  r = await hostCall(frame, 'request', { url: echo.origin + '/echo', method: 'GET', data: { q: '你好' } });
  assert.equal(r.res.data.url, '/echo?q=' + encodeURIComponent('你好'));
  r = await hostCall(frame, 'request', { url: echo.origin + '/file.bin', responseType: 'arraybuffer' });
  assert.equal(r.res.data.bytes.length, 256);
  r = await hostCall(frame, 'request', { url: 'https://example.com/' });
  assert.match(r.errMsg, /^request:fail url not in domain list/);

  // uploadFile / downloadFile.
  r = await hostCall(frame, 'uploadFile', { url: echo.origin + '/up', name: 'file', fileName: 'a.txt', formData: { k: 'v' }, $bytes: [104, 105] });
  assert.ok(r.ok, JSON.stringify(r));
  const up = JSON.parse(r.res.data);
  assert.match(up.type, /^multipart\/form-data/);
  assert.match(up.body, /filename="a.txt"[\s\S]*hi/);
  r = await hostCall(frame, 'downloadFile', { url: echo.origin + '/file.bin' });
  assert.equal(r.res.statusCode, 200);
  assert.deepEqual(r.res.data.bytes.slice(0, 4), [0, 1, 2, 3]);
  assert.equal(r.res.contentType, 'application/octet-stream');

  // chooseMedia: the host's picker, bytes back as an ArrayBuffer; cancel.
  let call = hostCall(frame, 'chooseMedia', { count: 1, mediaType: ['image'], sourceType: ['album'] });
  await dialog(page).waitFor();
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), dialog(page).getByRole('menuitem', { name: '从手机相册选择' }).click()]);
  await chooser.setFiles({ name: 'p.png', mimeType: 'image/png', buffer: Buffer.from([1, 2, 3]) });
  r = await call;
  assert.ok(r.ok, JSON.stringify(r));
  assert.deepEqual(r.res.files.map((f) => [f.name, f.type, f.data.bytes, f.fileType]), [['p.png', 'image/png', [1, 2, 3], 'image']]);
  // chooseMessageFile: any file, by extension.
  call = hostCall(frame, 'chooseMedia', { count: 2, mediaType: ['file'], sourceType: ['message'], extension: ['txt'] });
  const [fileChooser] = await Promise.all([page.waitForEvent('filechooser'), dialog(page).getByRole('menuitem', { name: '从聊天中选择文件' }).click()]);
  assert.equal(await fileChooser.element().getAttribute('accept'), '.txt');
  await fileChooser.setFiles({ name: 'a.txt', mimeType: 'text/plain', buffer: Buffer.from('hi') });
  assert.deepEqual((await call).res.files.map((f) => [f.name, f.fileType]), [['a.txt', 'file']]);
  call = hostCall(frame, 'chooseMedia', {});
  await dialog(page).waitFor();
  await dialog(page).getByRole('button', { name: '取消' }).click();
  assert.equal((await call).errMsg, 'chooseMedia:fail cancel');

  // saveFile: a download the user confirms.
  call = hostCall(frame, 'saveFile', { name: 'note.txt', type: 'text/plain', $bytes: [111, 107] });
  await dialog(page).waitFor();
  const [download] = await Promise.all([page.waitForEvent('download'), dialogButton(page, '保存').click()]);
  assert.equal(download.suggestedFilename(), 'note.txt');
  assert.deepEqual((await call).res, {});

  // Clipboard.
  assert.deepEqual((await hostCall(frame, 'setClipboardData', { data: '复制的内容' })).res, {});
  await page.locator('#toast', { hasText: '内容已复制' }).waitFor();
  assert.equal((await hostCall(frame, 'getClipboardData', {})).res.data, '复制的内容');

  // scanCode: an image of a QR code, decoded by the platform.
  const png = await QRCode.toBuffer('hello openmini', { type: 'png', margin: 4, scale: 6 });
  call = hostCall(frame, 'scanCode', {});
  await dialog(page).waitFor();
  const [qr] = await Promise.all([page.waitForEvent('filechooser'), dialog(page).getByRole('menuitem', { name: '从相册选择二维码图片' }).click()]);
  await qr.setFiles({ name: 'qr.png', mimeType: 'image/png', buffer: png });
  r = await call;
  assert.ok(r.ok, JSON.stringify(r));
  assert.equal(r.res.result, 'hello openmini');
  assert.equal(r.res.scanType, 'QR_CODE');
  call = hostCall(frame, 'scanCode', {});
  await dialog(page).waitFor();
  await page.keyboard.press('Escape');
  assert.equal((await call).errMsg, 'scanCode:fail cancel');

  // requestPayment: confirm or cancel.
  call = hostCall(frame, 'requestPayment', { timeStamp: '1', nonceStr: 'n', package: 'prepay_id=wx123', signType: 'RSA', paySign: 's' });
  await dialog(page).waitFor();
  await shot(page, 'shell-payment');
  await dialogButton(page, '确认支付').click();
  assert.deepEqual((await call).res, {});
  call = hostCall(frame, 'requestPayment', { package: 'prepay_id=wx124' });
  await dialogButton(page, '取消').click();
  assert.equal((await call).errMsg, 'requestPayment:fail cancel');

  // createFormId, makePhoneCall, reportEvent.
  assert.ok((await hostCall(frame, 'createFormId', {})).res.formId);
  call = hostCall(frame, 'makePhoneCall', { phoneNumber: '10086' });
  await dialog(page).waitFor();
  assert.match(await dialog(page).textContent(), /呼叫 10086/);
  await page.keyboard.press('Escape');
  assert.equal((await call).errMsg, 'makePhoneCall:fail cancel');
  assert.match((await hostCall(frame, 'makePhoneCall', { phoneNumber: 'javascript:x' })).errMsg, /^makePhoneCall:fail parameter error/);
  assert.deepEqual((await hostCall(frame, 'reportEvent', { eventId: 'buy_click', data: { sku: 'latte', n: 2 } })).res, {});
  assert.match((await hostCall(frame, 'reportEvent', { eventId: '1bad', data: {} })).errMsg, /^reportEvent:fail invalid args/);
  // Feedback (the host's form).
  call = hostCall(frame, 'feedback', {});
  await page.fill('#fb-text', '按钮点了没反应');
  await dialogButton(page, '提交').click();
  assert.deepEqual((await call).res, {});
  assert.deepEqual(errors(page), []);
  await page.context().close();
});

test('customer service: the user writes in the host chat, the app replies (custom/send), live', async () => {
  const page = await userPage();
  await openLink(page, scheme(A));
  const frame = await appFrame(page, A);
  const openid = await openidOf(frame);
  const r = await hostCall(frame, 'openCustomerServiceChat', {});
  assert.deepEqual(r.res, {});
  await page.locator(`.cs-screen[data-appid="${A}"]`).waitFor();
  await page.fill('.cs-screen .chat-input', '你好，请问营业时间？');
  await page.click('.cs-screen .send-btn');
  await page.locator('.cs-screen .msg.mine', { hasText: '营业时间' }).waitFor();
  const at = await appToken();
  const sent = await openApi(`/cgi-bin/message/custom/send?access_token=${at}`, { touser: openid, msgtype: 'text', text: { content: '您好，每天 8:00-20:00 营业。' } });
  assert.equal(sent.errcode, 0, JSON.stringify(sent));
  await page.locator('.cs-screen .msg:not(.mine)', { hasText: '8:00-20:00' }).waitFor();
  await shot(page, 'shell-cs');
  // Back to the app, which was under the chat all along.
  await page.locator('.cs-screen .nav-back').click();
  await page.waitForFunction(() => !document.getElementById('phone').classList.contains('host-front'));
  assert.equal(await page.locator(`.runner[data-appid="${A}"]:not([hidden])`).count(), 1);
  // The same conversation from the chat list's 小程序客服消息.
  await closeApp(page, A);
  await toTab(page, 'chats');
  await page.locator('.chat-row[data-folder="customer_service"]', { hasText: '8:00-20:00' }).click();
  await page.click(`.cs-list-screen .chat-row[data-appid="${A}"]`);
  await page.locator('.cs-screen .msg', { hasText: '营业时间' }).waitFor();
  assert.equal(await page.locator('.cs-screen .msg').count(), 2);
  assert.deepEqual(errors(page), []);
  await page.context().close();
});

test('the capsule: share disabled by hideShareMenu, settings, feedback, re-enter, close and hot start', async () => {
  const page = await userPage();
  await openLink(page, scheme(A));
  let frame = await appFrame(page, A);
  await hostCall(frame, 'hideShareMenu', {});
  await capsuleMenu(page, A);
  assert.equal(await page.locator('#menu-share').isDisabled(), true);
  await page.keyboard.press('Escape');
  await hostCall(frame, 'showShareMenu', {});
  // Feedback from the menu goes with the app's events.
  await capsuleMenu(page, A);
  await page.click('#menu-feedback');
  await page.fill('#fb-text', '希望增加夜间模式');
  await shot(page, 'shell-feedback');
  await dialogButton(page, '提交').click();
  await page.locator('#toast', { hasText: '已提交' }).waitFor();
  // Re-enter: a cold start (the page counts its launches).
  await capsuleMenu(page, A);
  await page.click('#menu-restart');
  frame = await appFrame(page, A);
  await waitText(frame, '.count', /count=2/);
  // Close: hidden, alive; opened again within 5 minutes: appEvent show, not a launch.
  await closeApp(page, A);
  assert.equal(await page.locator(`.runner[data-appid="${A}"]`).count(), 1);
  await openLink(page, scheme(A));
  frame = await appFrame(page, A);
  await waitText(frame, '.show', /show=1286 .* n=2/);
  assert.match(await view(frame, '.count').textContent(), /count=2/);
  // The host page goes to the background and comes back: appEvent hide, then show.
  const setHidden = (hidden) =>
    page.evaluate((h) => {
      Object.defineProperty(document, 'hidden', { value: h, configurable: true });
      document.dispatchEvent(new Event('visibilitychange'));
    }, hidden);
  const hid = Number((await view(frame, '.show').textContent()).match(/hid=(\d+)/)[1]);
  await setHidden(true);
  await waitText(frame, '.show', new RegExp(`hid=${hid + 1}$`));
  await setHidden(false);
  await waitText(frame, '.show', / n=3 /);
  // Messages from anything but the app's own frame are ignored.
  await page.evaluate(() => window.postMessage({ t: 'call', id: 1, name: 'login', args: {} }, '*'));
  assert.deepEqual(errors(page), []);
  await page.context().close();
});

test('inbox: a weekly push arrives live; open (1104), complain, stop receiving', async () => {
  const page = await userPage();
  await openLink(page, scheme(A));
  const frame = await appFrame(page, A);
  const openid = await openidOf(frame);
  await capsuleMenu(page, A);
  await page.click('#menu-mine');
  await page.locator('#toast', { hasText: '已添加' }).waitFor();
  await closeApp(page, A);
  await toTab(page, 'chats');
  const at = await appToken();
  const sent = await openApi(`/wxa/push/send?access_token=${at}`, { touser: openid, title: '本周精选', content: '新品拿铁上架，点击查看', page: 'pages/index/index?from=push' });
  assert.equal(sent.errcode, 0, JSON.stringify(sent));
  await page.locator('.chat-row[data-folder="push"] .badge', { hasText: '1' }).waitFor();
  await page.click('.chat-row[data-folder="push"]');
  await page.locator('.notice', { hasText: '新品拿铁上架' }).waitFor();
  await shot(page, 'shell-inbox-push');
  await page.click('.notice .notice-more');
  await dialog(page).getByRole('menuitem', { name: '投诉' }).click();
  await dialogButton(page, '投诉').click();
  await page.locator('#toast', { hasText: '已投诉' }).waitFor();
  await page.locator('.notice .notice-flag', { hasText: '已投诉' }).waitFor();
  await page.click('.notice .notice-more');
  await dialog(page).getByRole('menuitem', { name: /不再接收/ }).click();
  await dialogButton(page, '确定').click();
  await page.locator('#toast', { hasText: '已关闭“我的小程序”消息' }).waitFor();
  assert.deepEqual((await client(page, 'GET', `/apps/${A}/subscriptions`)).push, { added: true, enabled: false });
  await page.click('.notice .notice-open');
  const f = await appFrame(page, A);
  await waitText(f, '.show', /show=1104 /);
  assert.deepEqual(errors(page), []);
  await page.context().close();
});

test('扫一扫: a QR image with a plain scheme (1286) or an openmini:// code (from the album: 1049); pasted text', async () => {
  const page = await userPage();
  await toTab(page, 'discover');
  await page.click('#open-scan');
  await page.locator('.scan-screen .scanner').waitFor();
  await shot(page, 'shell-scan');
  const pick = async (text) => {
    const png = await QRCode.toBuffer(text, { type: 'png', margin: 4, scale: 6 });
    await page.setInputFiles('#scan-file', { name: 'qr.png', mimeType: 'image/png', buffer: png });
  };
  await pick(scheme(A, { q: '1' }));
  let frame = await appFrame(page, A);
  await waitText(frame, '.launch', /scene=1286 .*"q":"1"/);
  await closeApp(page, A);
  await pick(`openmini://app/${B}/pages/index/index?from=code`);
  frame = await appFrame(page, B);
  const l = await waitText(frame, '.launch', /scene=1049/);
  assert.match(l, /query=\{"from":"code"\}/);
  await closeApp(page, B);
  // Not a mini program: the text is shown; no code at all: a toast.
  await pick('https://example.com/hello');
  await dialog(page).waitFor();
  assert.match(await dialog(page).textContent(), /example\.com\/hello/);
  await dialogButton(page, '知道了').click();
  await page.setInputFiles('#scan-file', { name: 'blank.png', mimeType: 'image/png', buffer: await blankPng(page) });
  await page.locator('#toast', { hasText: '未发现二维码' }).waitFor();
  // Pasted: an openmini link is a platform scheme (1065).
  await page.fill('#scan-text', `openmini://app/${B}/pages/index/index?from=paste`);
  await page.click('.scan-paste button');
  frame = await appFrame(page, B);
  await waitText(frame, '.launch', /scene=1065 .*"from":"paste"/);
  assert.deepEqual(errors(page), []);
  await page.context().close();
});

/** A white PNG made by the page's canvas. */
async function blankPng(page) {
  const b64 = await page.evaluate(() => {
    const c = document.createElement('canvas');
    c.width = c.height = 64;
    const g = c.getContext('2d');
    g.fillStyle = '#fff';
    g.fillRect(0, 0, 64, 64);
    return c.toDataURL('image/png').split(',')[1];
  });
  return Buffer.from(b64, 'base64');
}
