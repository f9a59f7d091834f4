// Links and codes in Chromium against the real `openmini serve` (docs/traffic.md): a URL
// link opened in a fresh browser lands on its page, whose button opens the shell, which
// asks to sign in first and then opens the mini program with scene 1065 and the link's
// query; code images made by the open API and picked in 扫一扫 open with 1049 (a
// mini-program code from the album, with its scene string) and 1013 (a QR code);
// expired and unknown links show their pages, in the browser and in the shell.
// Screenshots go to target/screenshots/links-*.png.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('path');
const { launch, phonePage, startServer, signinCode } = require('./lib/harness');
const { signIn, toTab, appFrame, waitText, shot, errors, dialog, dialogButton, closeApp } = require('./lib/shell');

const APPS = path.join(__dirname, 'fixtures/apps');

let server, browser, A, secretA, token;
let phoneSeq = 0;

function freshPhone() {
  phoneSeq += 1;
  return '1371111' + String(1000 + phoneSeq).slice(-4);
}

async function openApi(p, body) {
  if (!token) token = (await (await fetch(`${server.base}/cgi-bin/token?grant_type=client_credential&appid=${A}&secret=${secretA}`)).json()).access_token;
  return fetch(`${server.base}${p}?access_token=${token}`, { method: 'POST', body: JSON.stringify(body) });
}

async function link(p, body) {
  const v = await (await openApi(p, body)).json();
  assert.equal(v.errcode, 0, JSON.stringify(v));
  return v;
}

/** A code image from the open API (checked to be an image, not an error). */
async function codeImage(p, body) {
  const r = await openApi(p, body);
  assert.equal(r.headers.get('content-type'), 'image/jpeg');
  const bytes = Buffer.from(await r.arrayBuffer());
  assert.ok(bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])), 'a PNG');
  return bytes;
}

test.before(async () => {
  server = await startServer();
  const mini = server.credentials().apps.find((a) => a.kind === 'miniprogram');
  [A, secretA] = [mini.appid, mini.appsecret];
  // Shell A shows how it was opened (scene, path, query).
  server.admin(['app', 'deploy', '--app', A, path.join(APPS, 'shell-a')]);
  browser = await launch();
});

test.after(async () => {
  await browser?.close();
  await server?.stop();
});

test('a URL link in a fresh browser: landing page, sign-in, then the app with scene 1065 and the query', async () => {
  const { url_link: url } = await link('/wxa/generate_urllink', { path: 'pages/index/index', query: 'from=sms&id=7', expire_type: 1, expire_interval: 30 });
  assert.ok(url.startsWith(server.base + '/l/'), url);
  const page = await phonePage(browser); // a fresh context: no session
  const res = await page.goto(url);
  assert.equal(res.status(), 200);
  await page.locator('#link-open').waitFor();
  assert.match(await page.locator('.page').textContent(), /Shell A/, 'the page title from the manifest');
  await shot(page, 'links-landing');
  await page.click('#link-open');
  // The shell asks to sign in first; the link waits in its URL.
  await page.locator('#signin-status', { hasText: '登录后将打开小程序' }).waitFor();
  assert.match(page.url(), /#\/open\?link=/);
  const phone = freshPhone();
  await page.fill('#signin-phone', phone);
  await page.click('#signin-get');
  await page.locator('#signin-status', { hasText: '服务器日志' }).waitFor();
  await page.fill('#signin-code', await signinCode(server, phone));
  await page.click('#signin-submit');
  const frame = await appFrame(page, A);
  const l = await waitText(frame, '.launch', /scene=1065 /);
  assert.match(l, /path=pages\/index\/index/);
  assert.match(l, /query=\{"from":"sms","id":"7"\}/);
  assert.doesNotMatch(page.url(), /#\/open/, 'the link left the URL once opened');
  await shot(page, 'links-opened');
  assert.deepEqual(errors(page), []);
  await page.context().close();
});

test('code images picked in 扫一扫: a mini-program code opens with 1049 and its scene, a QR code with 1013', async () => {
  const page = await phonePage(browser);
  await signIn(page, server, freshPhone());
  const pick = async (png) => {
    await toTab(page, 'discover');
    await page.click('#open-scan');
    await page.setInputFiles('#scan-file', { name: 'code.png', mimeType: 'image/png', buffer: png });
  };
  await pick(await codeImage('/wxa/getwxacodeunlimit', { scene: 'id=42&from=poster', page: 'pages/index/index', width: 430, line_color: { r: 0, g: 80, b: 160 } }));
  let frame = await appFrame(page, A);
  let l = await waitText(frame, '.launch', /scene=1049 /);
  // WeChat hands the scene over URL-encoded in query.scene.
  assert.match(l, /query=\{"scene":"id%3D42%26from%3Dposter"\}/);
  await shot(page, 'links-code-1049');
  await closeApp(page, A);
  await pick(await codeImage('/cgi-bin/wxaapp/createwxaqrcode', { path: 'pages/index/index?q=qr', width: 280 }));
  frame = await appFrame(page, A);
  l = await waitText(frame, '.launch', /scene=1013 /);
  assert.match(l, /query=\{"q":"qr"\}/);
  await closeApp(page, A);
  // A limited mini-program code from the album: 1049 with its query.
  await pick(await codeImage('/wxa/getwxacode', { path: 'pages/index/index?c=1', is_hyaline: true }));
  frame = await appFrame(page, A);
  await waitText(frame, '.launch', /scene=1049 .*"c":"1"/);
  await closeApp(page, A);
  // Pasted links resolve through the platform too: an encrypted scheme is 1065.
  const { openlink } = await link('/wxa/generatescheme', { jump_wxa: { path: 'pages/index/index', query: 'via=paste' } });
  await toTab(page, 'discover');
  await page.click('#open-scan');
  await page.fill('#scan-text', openlink);
  await page.click('.scan-paste button');
  frame = await appFrame(page, A);
  await waitText(frame, '.launch', /scene=1065 .*"via":"paste"/);
  assert.deepEqual(errors(page), []);
  await page.context().close();
});

test('扫一扫 with the camera: a code held up to it opens with 1047 and its scene; the camera is released', async () => {
  const page = await phonePage(browser);
  await signIn(page, server, freshPhone());
  const png = await codeImage('/wxa/getwxacodeunlimit', { scene: 'cam=1', page: 'pages/index/index', width: 430 });
  // The camera: a real MediaStream, from a canvas showing the code as a phone would see
  // it (smaller, off-centre, on a light background), redrawn 10 times a second.
  await page.evaluate(async (b64) => {
    const img = new Image();
    img.src = 'data:image/png;base64,' + b64;
    await img.decode();
    const c = document.createElement('canvas');
    c.width = 640;
    c.height = 480;
    const g = c.getContext('2d');
    const draw = () => {
      g.fillStyle = '#f4f1ea';
      g.fillRect(0, 0, 640, 480);
      g.drawImage(img, 200, 70, 300, 300);
    };
    draw();
    setInterval(draw, 100);
    window.cameraTracks = [];
    navigator.mediaDevices.getUserMedia = async (constraints) => {
      window.cameraAsked = constraints;
      const stream = c.captureStream(10);
      window.cameraTracks.push(...stream.getTracks());
      return stream;
    };
  }, png.toString('base64'));
  await toTab(page, 'discover');
  await page.click('#open-scan');
  await page.locator('.scan-video').waitFor();
  await shot(page, 'links-camera');
  const frame = await appFrame(page, A);
  const l = await waitText(frame, '.launch', /scene=1047 /);
  assert.match(l, /query=\{"scene":"cam%3D1"\}/);
  assert.deepEqual(await page.evaluate(() => window.cameraAsked), { video: { facingMode: 'environment' }, audio: false });
  assert.deepEqual(await page.evaluate(() => window.cameraTracks.map((t) => t.readyState)), ['ended'], 'the camera is stopped once a code is found');
  assert.equal(await page.locator('.scan-screen').count(), 0, 'the scan screen is gone');
  assert.deepEqual(errors(page), []);
  await page.context().close();
});

test('expired and unknown links show their pages, in a browser and in the shell', async () => {
  const soon = Math.floor(Date.now() / 1000) + 2;
  const { url_link: url } = await link('/wxa/generate_urllink', { path: 'pages/index/index', expire_type: 0, expire_time: soon });
  const page = await phonePage(browser);
  // Live for two seconds, then gone (410) with a page that says so.
  let status = 0;
  for (let i = 0; i < 60 && status !== 410; i++) {
    const r = await page.goto(url);
    status = r.status();
    if (status !== 410) await page.waitForTimeout(100);
  }
  assert.equal(status, 410);
  await page.locator('h1', { hasText: '链接已过期' }).waitFor();
  assert.equal(await page.locator('#link-open').count(), 0);
  await shot(page, 'links-expired');
  const r = await page.goto(server.base + '/l/NoSuchLink12345678');
  assert.equal(r.status(), 404);
  await page.locator('h1', { hasText: '链接不存在' }).waitFor();
  await shot(page, 'links-unknown');
  // The same links pasted into the shell's 扫一扫.
  await signIn(page, server, freshPhone());
  for (const [text, title] of [
    [url, '链接已过期'],
    [server.base + '/l/NoSuchLink12345678', '链接不存在'],
    ['weixin://dl/business/?t=NoSuchScheme12345', '链接不存在'],
  ]) {
    await toTab(page, 'discover');
    await page.click('#open-scan');
    await page.fill('#scan-text', text);
    await page.click('.scan-paste button');
    await dialog(page).waitFor();
    assert.match(await dialog(page).textContent(), new RegExp(title));
    await dialogButton(page, '知道了').click();
  }
  await shot(page, 'links-shell-refusal');
  assert.deepEqual(errors(page).filter((e) => !/status of 4\d\d/.test(e)), []);
  await page.context().close();
});
