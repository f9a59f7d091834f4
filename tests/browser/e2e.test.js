// End to end, as a user and a developer would meet the platform: the user signs in to
// the shell, opens our demo mini program (examples/demo) from search, logs in (the
// demo's backend — wechatpy, in Python — exchanges the code), taps subscribe and
// accepts in the host's dialog; the backend sends the message with wechatpy; it shows
// in the inbox, and opening it starts the demo on the message's page with scene 1014.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { spawn, execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const readline = require('readline');
const { REPO, launch, phonePage, startServer } = require('./lib/harness');
const { signIn, appFrame, view, waitText, dialog, dialogButton, closeApp, toTab, shot, errors } = require('./lib/shell');

let server, browser, backend, demo;

/** The wechatpy virtualenv of the SDK suite (made here as tests/sdk/run.sh does, if missing). */
function python() {
  const venv = process.env.OPENMINI_VENV || path.join(REPO, '.venv-sdk');
  const py = path.join(venv, 'bin/python');
  if (!fs.existsSync(py)) execFileSync('python3', ['-m', 'venv', venv], { stdio: 'inherit' });
  execFileSync(py, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '-r', path.join(REPO, 'tests/sdk/requirements.txt')], { stdio: 'inherit' });
  return py;
}

/** Starts the demo's backend; resolves to {origin, template, notify(), stop()}. */
async function startBackend(appid, secret) {
  const child = spawn(python(), [path.join(__dirname, 'fixtures/demo_backend.py')], {
    env: { ...process.env, APPID: appid, SECRET: secret, OPENMINI_BASE: server.base },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const first = await new Promise((resolve, reject) => {
    readline.createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`the demo backend exited ${code}`)));
  });
  const { port, template } = JSON.parse(first);
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    template,
    notify: async () => (await fetch(origin + '/notify', { method: 'POST', body: '{}' })).json(),
    stop: () => child.kill(),
  };
}

test.before(async () => {
  server = await startServer();
  demo = server.credentials().apps.find((a) => a.kind === 'miniprogram');
  backend = await startBackend(demo.appid, demo.appsecret);
  // The developer's release: the demo, told its template and its backend, and allowed
  // to call that backend through the platform.
  const src = fs.mkdtempSync(path.join(os.tmpdir(), 'openmini-demo-'));
  fs.cpSync(path.join(REPO, 'examples/demo'), src, { recursive: true });
  fs.writeFileSync(path.join(src, 'config.js'), `module.exports = { subscribeTemplateIds: [${JSON.stringify(backend.template)}], backend: ${JSON.stringify(backend.origin)} };\n`);
  server.admin(['app', 'deploy', '--app', demo.appid, src]);
  server.admin(['app', 'domains', '--app', demo.appid, '--request', backend.origin]);
  fs.rmSync(src, { recursive: true, force: true });
  browser = await launch();
});

test.after(async () => {
  await browser?.close();
  backend?.stop();
  await server?.stop();
});

test('subscribe in the demo, accept in the host, wechatpy sends, the inbox opens the page with scene 1014', async () => {
  const page = await phonePage(browser);
  await signIn(page, server, '13700009001');

  // Open the demo from the search box (scene 1005).
  await page.click('.search-bar');
  await page.fill('#search-input', 'Demo Coffee');
  await page.click(`.search-results [data-appid="${demo.appid}"]`);
  let frame = await appFrame(page, demo.appid, '.hero-title');
  await waitText(frame, '.hero-sub', /顶部搜索/);

  // wx.login → the backend exchanges the code with jscode2session (wechatpy).
  await view(frame, '#login').click();
  const openid = (await waitText(frame, '#login .value', /^o/)).trim();
  await shot(page, 'e2e-demo-logged-in');

  // The demo asks for consent after a tap; the host draws the dialog.
  await view(frame, '#subscribe').click();
  await dialog(page).waitFor();
  assert.match(await dialog(page).textContent(), /取餐提醒/);
  await shot(page, 'e2e-consent');
  await dialogButton(page, '允许').click();
  await waitText(frame, '#subscribe-result .value', /已订阅 1 项/);

  // The app's backend sends with wechatpy; the notice arrives in 服务通知 live.
  await closeApp(page, demo.appid);
  await toTab(page, 'chats');
  const sent = await backend.notify();
  assert.equal(sent.errcode, 0, JSON.stringify(sent));
  // The openid the demo shows (shortened) is the one the backend got from jscode2session.
  assert.ok(sent.openid.startsWith(openid.replace(/…$/, '')), `${openid} / ${sent.openid}`);
  await page.locator('.chat-row[data-folder="service"] .badge', { hasText: '1' }).waitFor();
  await page.click('.chat-row[data-folder="service"]');
  await page.locator('.notice', { hasText: '拿铁' }).waitFor();
  await shot(page, 'e2e-inbox');

  // Opening the notice starts the demo on the message's page, with scene 1014.
  await page.locator('.notice .notice-open').last().click();
  frame = await appFrame(page, demo.appid, '#scene');
  await waitText(frame, '#scene', /^1014 订阅消息/);
  assert.equal((await view(frame, '#query').textContent()).trim(), 'from=notice');
  await shot(page, 'e2e-message-page');
  assert.deepEqual(errors(page), []);
  await page.context().close();
});
