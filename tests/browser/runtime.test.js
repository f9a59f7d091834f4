// The container runtime in Chromium: a compiled mini program (fixtures/apps/basic) runs
// in the sandboxed frame with its logic in a worker; lifecycles, rendering, slots and
// style scope, events with datasets, setData with path keys, component events and
// model bindings, navigation, and the sandbox's walls.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { BIN, launch, phonePage, screenshot } = require('./lib/harness');
const { devHost } = require('./lib/devhost');

const APPID = 'wx00000000000000b1';

function build(name) {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), `openmini-${name}-`));
  execFileSync(BIN, ['build', path.join(__dirname, 'fixtures/apps', name), '-o', out], { stdio: 'pipe' });
  return out;
}

let host, browser;
test.before(async () => {
  host = await devHost({ [APPID]: build('basic') });
  browser = await launch();
});
test.after(async () => {
  await browser?.close();
  await host?.close();
});

/** Starts the app in a new page; returns {page, frame, shadow(sel), text(sel), app(expr)}. */
async function start(launchOpts = { scene: 1001 }) {
  const page = await phonePage(browser);
  await page.goto(host.base + '/');
  await page.evaluate(([a, l]) => startApp(a, l), [APPID, launchOpts]);
  const frame = await (await page.waitForSelector('iframe')).contentFrame();
  await frame.waitForFunction(() => {
    const p = [...document.querySelectorAll('.om-page')].find((x) => x.style.visibility === 'visible');
    return p && p.shadowRoot.querySelector('wx-view');
  });
  // A locator inside the visible page's shadow root (Playwright pierces open shadow roots).
  const visible = (sel) => frame.locator(`.om-page[style*="visible"] ${sel}`);
  return { page, frame, visible };
}

test('cold start: lifecycles in WeChat order, the first render with onLoad data', async () => {
  const { page, frame, visible } = await start({ scene: 1011, query: { who: 'qr' } });
  await assert.doesNotReject(visible('#title').filter({ hasText: 'Hello qr' }).waitFor());
  // What the app saw, rendered by the page in onReady.
  const log = await visible('.log').filter({ hasText: 'scene' }).textContent();
  assert.equal(log, 'app.onLaunch,app.onShow,card.attached,index.onLoad,index.onShow,card.ready,index.onReady scene=1011');
  await frame.waitForFunction(() => document.querySelector('#om-nav .om-title')?.textContent === 'Home');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('taps carry the dataset; setData with a path key changes one row only', async () => {
  const { page, frame, visible } = await start();
  const rows = visible('.row');
  await rows.nth(1).click();
  await visible('.row').nth(1).filter({ hasText: 'tapped' }).waitFor();
  assert.equal(await visible('.row').nth(0).textContent(), 'one');
  // The same DOM node was updated in place, not replaced.
  const same = await frame.evaluate(() => {
    const p = [...document.querySelectorAll('.om-page')].find((x) => x.style.visibility === 'visible');
    return p.shadowRoot.querySelectorAll('.row').length;
  });
  assert.equal(same, 2);
  await page.close();
});

test('components: slots in place, external classes, scoped styles, triggerEvent, model:value', async () => {
  const { page, frame, visible } = await start();
  const card = visible('wx-card');
  // Default slot content sits between head and footer wrapper; the named slot in its wrapper.
  const order = await card.evaluate((el) => [...el.querySelectorAll('wx-view, wx-text')].map((n) => n.className));
  assert.ok(order[0].endsWith('--card big'), order.join('|'));
  assert.deepEqual(order.slice(1).map((c) => c.replace(/^c[0-9a-f]{8}--/, '')), ['head', 'body', 'foot-wrap', 'foot']);
  // The component's stylesheet reaches its own .head and not the page's.
  const color = await visible('wx-card wx-view >> nth=1').evaluate((el) => getComputedStyle(el).color);
  assert.equal(color, 'rgb(255, 0, 0)');
  // triggerEvent reaches the page's bind:closed handler; the page renders what it got.
  await visible('wx-card wx-view >> nth=1').click();
  await visible('.closed').filter({ hasText: 'tap' }).waitFor();
  // model:value on a component: the counter's own setData updates the page's `count`.
  await visible('wx-counter wx-view').click();
  await visible('wx-counter wx-view').click();
  await visible('.foot').filter({ hasText: 'footer 2' }).waitFor();
  await visible('.body').filter({ hasText: 'body 2' }).waitFor();
  assert.deepEqual(page.errors.filter((e) => !/components\.css/.test(e)), []);
  await screenshot(page, 'runtime-basic');
  await page.close();
});

test('navigation: navigateTo with a query, back, the stack in the nav bar', async () => {
  const { page, frame, visible } = await start();
  await visible('.go').click();
  await visible('.detail').filter({ hasText: 'detail 7' }).waitFor();
  await frame.locator('#om-nav .om-back').waitFor();
  await visible('.back').click();
  await visible('#title').waitFor();
  assert.equal(await frame.locator('.om-page').count(), 1, 'the detail page is gone after navigateBack');
  assert.equal(await frame.locator('#om-nav .om-back').count(), 0);
  await page.close();
});

test('the sandbox: no host DOM, cookies, storage, eval or network outside the package', async () => {
  const { page, frame, visible } = await start();
  await page.evaluate(() => {
    document.cookie = 'host=secret';
    localStorage.setItem('host', 'secret');
  });
  // From the view: the frame's document.
  const seen = await frame.evaluate(async () => {
    const r = {};
    try {
      r.parent = String(parent.document.title);
    } catch (e) {
      r.parent = e.name;
    }
    try {
      r.cookie = document.cookie;
    } catch (e) {
      r.cookie = e.name;
    }
    try {
      r.local = localStorage.getItem('host');
    } catch (e) {
      r.local = e.name;
    }
    try {
      await fetch(window.__om.origin + '/');
      r.fetch = 'reached';
    } catch (e) {
      r.fetch = e.name;
    }
    r.origin = self.origin;
    return r;
  });
  assert.deepEqual(seen, { parent: 'SecurityError', cookie: 'SecurityError', local: 'SecurityError', fetch: 'TypeError', origin: 'null' });
  // From the logic layer: the mini program's own code.
  await visible('.probe').click();
  const probed = JSON.parse(await visible('.probed').filter({ hasText: 'origin' }).textContent());
  assert.deepEqual(probed, { eval: 'EvalError', fn: 'EvalError', idb: 'SecurityError', fetchHost: 'TypeError', fetchOther: 'TypeError', importOther: 'NetworkError', own: 1, origin: 'null' });
  await page.close();
});
