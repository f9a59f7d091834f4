// examples/vant in Chromium: a mini program built from @vant/weapp (npm, pinned in
// examples/vant/package.json, installed here with `npm ci`), compiled by `openmini
// build` (whose "build npm" turns node_modules into miniprogram_npm) and run in the
// container through the dev host. Checked against vant's own published behaviour: the
// classes its templates produce, the styles of its stylesheets, the events its
// components emit with their details, its Toast, Dialog, ActionSheet and Popup. Screenshots
// of every page are left under target/screenshots/vant-*.png.
//
// vant's icon font is loaded from a CDN (at.alicdn.com) and van-empty's picture from
// img.yzcdn.cn: neither is reachable here (nor allowed by the frame's CSP), so icons
// show as empty boxes and those two requests fail; nothing else may.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { BIN, REPO, launch, phonePage, screenshot } = require('./lib/harness');
const { devHost } = require('./lib/devhost');

const APPID = 'wx000000000000va01';
const APP = path.join(REPO, 'examples/vant');

/** `npm ci` in examples/vant unless the pinned @vant/weapp is there already. */
function install() {
  const want = JSON.parse(fs.readFileSync(path.join(APP, 'package.json'), 'utf8')).dependencies['@vant/weapp'];
  const have = path.join(APP, 'node_modules/@vant/weapp/package.json');
  if (fs.existsSync(have) && JSON.parse(fs.readFileSync(have, 'utf8')).version === want) return;
  execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: APP, stdio: 'inherit' });
}

let host, browser, built;
test.before(async () => {
  install();
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'openmini-vant-'));
  built = JSON.parse(execFileSync(BIN, ['build', APP, '-o', out, '--json'], { encoding: 'utf8' }));
  host = await devHost({ [APPID]: out });
  browser = await launch();
});
test.after(async () => {
  await browser?.close();
  await host?.close();
});

/** Failures this machine causes, not the app: the CDN font and picture (above). */
const offline = (e) => /ERR_NAME_NOT_RESOLVED|at\.alicdn\.com|img\.yzcdn\.cn/.test(e);

/** Opens `path`; returns {page, frame, $(sel), text(sel), last()}. */
async function start(pagePath) {
  const page = await phonePage(browser);
  await page.goto(host.base + '/');
  await page.evaluate(([a, l]) => startApp(a, l), [APPID, { path: pagePath, scene: 1001 }]);
  const frame = await (await page.waitForSelector('iframe')).contentFrame();
  await frame.waitForFunction(() => {
    const p = [...document.querySelectorAll('.om-page')].find((x) => x.style.visibility === 'visible');
    return p && p.shadowRoot.querySelector('wx-view');
  });
  // A locator inside the visible page's shadow root (Playwright pierces open shadow roots).
  const $ = (sel) => frame.locator(`.om-page[style*="visible"] ${sel}`);
  const text = async (sel) => (await $(sel).first().textContent()).trim();
  /** Waits for the page's event log (#last) to say `want` (a string it starts with). */
  const last = async (want) => {
    await $('#last').filter({ hasText: want }).waitFor({ timeout: 5000 }).catch(() => {});
    return text('#last');
  };
  return { page, frame, $, text, last };
}

/**
 * harness `screenshot()`, and input that still lands where it should: with this Chromium
 * (156) and playwright-core 1.57, after a screenshot of a page with deviceScaleFactor 2
 * every later click lands at half its coordinates, until the viewport is set again
 * (to another size and back: the same size is a no-op). Other tests take their
 * screenshots last; these take them between steps.
 */
async function shot(page, name, end = false) {
  // From the top of the page (clicks scrolled it to where they were), or its end.
  await page.frames()[1].evaluate((end) => {
    const p = [...document.querySelectorAll('.om-page')].find((x) => x.style.visibility === 'visible');
    p.scrollTop = end ? p.scrollHeight : 0;
  }, end);
  await sleep(100);
  return screenshot(page, name);
}

/** The computed style `prop` of the first element matching `sel`. */
const style = (loc, prop) => loc.first().evaluate((el, p) => getComputedStyle(el)[p], prop);
/** `style()` once vant's CSS transitions have ended (they run .2–.3 s). */
async function settled(loc, prop, want) {
  let got;
  for (let i = 0; i < 30 && (got = await style(loc, prop)) !== want; i++) await sleep(100);
  return got;
}
const classes = (loc) => loc.first().evaluate((el) => el.className);
/** Waits until `loc` has stopped moving (vant's enter transitions: .3 s). */
async function still(loc) {
  let before = null;
  for (let i = 0; i < 30; i++) {
    const box = JSON.stringify(await loc.first().boundingBox());
    if (box === before) return;
    before = box;
    await sleep(100);
  }
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

test('the build: @vant/weapp from node_modules becomes miniprogram_npm, in the bundle only', () => {
  assert.equal(built.ok, true, JSON.stringify(built.diagnostics));
  assert.deepEqual(built.diagnostics, []);
  const manifest = JSON.parse(fs.readFileSync(path.join(built.out, 'manifest.json'), 'utf8'));
  assert.equal(manifest.components.uses['pages/basic/basic']['van-button'], 'miniprogram_npm/@vant/weapp/button/index');
  assert.equal(manifest.components.uses['pages/form/form']['van-field'], 'miniprogram_npm/@vant/weapp/field/index');
  // Components vant's components use in turn (van-dialog → van-popup → van-overlay).
  assert.equal(manifest.components.uses['miniprogram_npm/@vant/weapp/dialog/index']['van-popup'], 'miniprogram_npm/@vant/weapp/popup/index');
  assert.ok(!fs.existsSync(path.join(APP, 'miniprogram_npm')), 'nothing is written into the source folder');
});

test('home: cells, a tag, the notice bar and the grid as vant draws them; a cell navigates', async () => {
  const { page, frame, $, text } = await start('pages/index/index');
  const cell = $('wx-van-cell').first();
  assert.match(await classes(cell.locator('wx-view').first()), /\bvan-cell--clickable\b/);
  assert.equal(await $('wx-van-cell .van-cell__title').first().evaluate((el) => el.firstChild.textContent.trim()), 'Basics');
  assert.equal(await text('wx-van-cell .van-cell__label'), 'Button, Icon, Tag, Divider, Loading');
  // van-cell-group inset: rounded corners and side margins from vant's CSS.
  const group = $('wx-van-cell-group .van-cell-group--inset');
  assert.equal(await style(group, 'borderTopLeftRadius'), '8px');
  assert.equal(await style(group, 'marginLeft'), '16px');
  const tag = $('wx-van-tag .van-tag');
  assert.match(await classes(tag), /\bvan-tag--primary\b.*\bvan-tag--round\b|\bvan-tag--round\b.*\bvan-tag--primary\b/);
  assert.equal(await style(tag, 'backgroundColor'), 'rgb(25, 137, 250)');
  const notice = $('wx-van-notice-bar .van-notice-bar');
  assert.equal(await style(notice, 'color'), 'rgb(237, 106, 12)');
  assert.equal(await style(notice, 'backgroundColor'), 'rgb(255, 251, 232)');
  assert.equal(await $('wx-van-grid-item').count(), 4);
  assert.equal(await text('wx-van-grid-item .van-grid-item__text'), 'Basics');
  await shot(page, 'vant-home');
  // `url` on an is-link cell navigates (vant calls wx.navigateTo).
  await $('wx-van-cell .van-cell').nth(2).click();
  await frame.waitForFunction(() => document.querySelector('#om-nav .om-title')?.textContent === 'Display');
  assert.deepEqual(page.errors.filter((e) => !offline(e)), []);
  await page.close();
});

test('buttons: types, plain, hairline, sizes, loading, disabled and colours from vant CSS; clicks', async () => {
  const { page, $, text } = await start('pages/basic/basic');
  const btn = (sel) => $(`${sel} wx-button`);
  // The classes vant's template builds (bem) and the colours of its stylesheet.
  const primary = btn('#btn-primary');
  assert.match(await classes(primary), /\bvan-button--primary\b/);
  assert.match(await classes(primary), /\bvan-button--normal\b/);
  assert.equal(await style(primary, 'backgroundColor'), 'rgb(7, 193, 96)');
  assert.equal(await style(primary, 'color'), 'rgb(255, 255, 255)');
  assert.equal(await style(primary, 'height'), '44px');
  const colours = await $('.types wx-button').evaluateAll((els) => els.map((e) => getComputedStyle(e).backgroundColor));
  assert.deepEqual(colours, ['rgb(7, 193, 96)', 'rgb(25, 137, 250)', 'rgb(255, 255, 255)', 'rgb(255, 151, 106)', 'rgb(238, 10, 36)']);
  const plain = btn('#btn-plain');
  assert.match(await classes(plain), /\bvan-button--plain\b/);
  assert.equal(await style(plain, 'backgroundColor'), 'rgb(255, 255, 255)');
  assert.equal(await style(plain, 'color'), 'rgb(7, 193, 96)');
  assert.match(await classes(btn('#btn-disabled')), /\bvan-button--disabled\b/);
  assert.equal(await style(btn('#btn-disabled'), 'opacity'), '0.5');
  const loading = btn('#btn-loading');
  assert.match(await classes(loading), /\bvan-button--loading\b/);
  assert.equal(await loading.locator('wx-van-loading').count(), 1);
  assert.equal(await style(btn('#btn-large'), 'height'), '50px');
  assert.equal(await style(btn('#btn-mini'), 'height'), '22px');
  // color="#7232dd": vant's inline style.
  assert.equal(await style(btn('#btn-color'), 'backgroundColor'), 'rgb(114, 50, 221)');
  // bind:click with data-name: the page's handler sees the dataset; disabled does nothing.
  await btn('#btn-primary').click();
  await btn('#btn-disabled').click({ force: true });
  await btn('#btn-primary').click();
  await $('#clicks').filter({ hasText: 'primary,primary' }).waitFor();
  assert.equal(await text('#clicks'), 'clicks: primary,primary');
  // Icons: a picture as the name is an <image>; badges from van-info.
  assert.equal(await $('#icon-image wx-image').count(), 1);
  assert.deepEqual(await $('.icons .van-info').evaluateAll((els) => els.map((e) => e.textContent.trim())), ['', '9', '99+']);
  // A closeable tag: vant emits `close`, the page removes it.
  assert.equal(await $('#tag-close').count(), 1);
  await $('#tag-close .van-tag__close').click();
  await $('#tag-close').waitFor({ state: 'detached' });
  await shot(page, 'vant-basic');
  await shot(page, 'vant-basic-end', true);
  assert.deepEqual(page.errors.filter((e) => !offline(e)), []);
  await page.close();
});

test('form: Field, Switch, Checkbox, Radio, Stepper, Rate, Slider and Search emit what vant documents', async () => {
  const { page, $, text, last } = await start('pages/form/form');
  const values = async () => JSON.parse(await text('#values'));
  // Field: `change` detail is the value.
  await $('#field-name input').fill('Ada');
  assert.equal(await last('field.change "Ada"'), 'field.change "Ada"');
  await $('#field-password input').fill('secret');
  assert.equal(await last('password.change 6'), 'password.change 6');
  // Switch: `change` detail is the new value; vant's --on class and colour follow `checked`.
  const sw = $('#switch .van-switch');
  assert.match(await classes(sw), /\bvan-switch--on\b/);
  assert.equal(await style(sw, 'backgroundColor'), 'rgb(25, 137, 250)');
  assert.equal(await style(sw, 'width'), '60px', 'size 30 (px) from add-unit.wxs');
  await sw.click();
  assert.equal(await last('switch.change false'), 'switch.change false');
  await $('#switch .van-switch:not(.van-switch--on)').waitFor();
  // Checkbox and CheckboxGroup.
  await $('#agree .van-checkbox__icon-wrap').click();
  assert.equal(await last('checkbox.change true'), 'checkbox.change true');
  await $('#agree .van-checkbox__icon--checked').waitFor();
  await $('#fruits wx-van-checkbox').nth(0).locator('.van-checkbox__label').click();
  assert.equal(await last('checkbox-group.change ["banana","apple"]'), 'checkbox-group.change ["banana","apple"]');
  await $('#fruits wx-van-checkbox').nth(1).locator('.van-checkbox__icon-wrap').click();
  assert.equal(await last('checkbox-group.change ["apple"]'), 'checkbox-group.change ["apple"]');
  assert.equal(await settled($('#fruits wx-van-checkbox').nth(0).locator('.van-checkbox__icon'), 'backgroundColor', 'rgb(25, 137, 250)'), 'rgb(25, 137, 250)');
  // Radio group.
  await $('#size wx-van-radio').nth(2).locator('.van-radio__label').click();
  assert.equal(await last('radio-group.change "L"'), 'radio-group.change "L"');
  await $('#size wx-van-radio').nth(2).locator('.van-radio__icon--checked').waitFor();
  // Stepper: plus, plus, minus; `change` with the number, then `plus`/`minus`; the max.
  await $('#stepper .van-stepper__plus').click();
  assert.equal(await last('stepper.change 2'), 'stepper.change 2');
  await $('#stepper .van-stepper__plus').click();
  assert.equal(await last('stepper.change 3'), 'stepper.change 3');
  await $('#stepper .van-stepper__minus').click();
  assert.equal(await last('stepper.change 2'), 'stepper.change 2');
  await $('#stepper-events').filter({ hasText: 'plus plus minus' }).waitFor();
  assert.equal(await $('#stepper input').inputValue(), '2');
  // 3, 4, 5 (the max: vant disables its plus), then a tap on the disabled plus.
  for (const n of [3, 4, 5]) {
    await $('#stepper .van-stepper__plus').click();
    assert.equal(await last(`stepper.change ${n}`), `stepper.change ${n}`);
  }
  await $('#stepper .van-stepper__plus--disabled').waitFor();
  await $('#stepper .van-stepper__plus').click();
  assert.equal(await last('stepper.overlimit "plus"'), 'stepper.overlimit "plus"');
  assert.match(await classes($('#stepper .van-stepper__plus')), /\bvan-stepper__plus--disabled\b/);
  assert.equal((await values()).quantity, 5);
  // Rate: the fifth star.
  await $('#rate .van-rate__item').nth(4).click();
  assert.equal(await last('rate.change 5'), 'rate.change 5');
  assert.equal(await $('#rate .van-rate__icon--full').count(), 5);
  // Slider: a tap at 80% of the bar.
  const bar = await $('#slider .van-slider').first().boundingBox();
  await page.mouse.click(bar.x + bar.width * 0.8, bar.y + bar.height / 2);
  const slid = await last('slider.change');
  const v = Number(slid.split(' ')[1]);
  assert.ok(v >= 78 && v <= 82, slid);
  // Search: `change` detail is the text; `cancel` empties it.
  await $('#search input').fill('vant');
  assert.equal(await last('search.change "vant"'), 'search.change "vant"');
  assert.equal((await values()).keyword, 'vant');
  await shot(page, 'vant-form');
  await shot(page, 'vant-form-end', true);
  assert.deepEqual(page.errors.filter((e) => !offline(e)), []);
  await page.close();
});

test('display: Tabs change (index, name, title) and move their line; Collapse opens and closes; Steps', async () => {
  const { page, $, text, last } = await start('pages/display/display');
  const line = $('#tabs .van-tabs__line');
  const tabs = $('#tabs .van-tab');
  /** Where the line is under the active tab: the centres of both, in CSS pixels. */
  const centres = async (i) => {
    const [l, t] = [await line.boundingBox(), await tabs.nth(i).boundingBox()];
    return [Math.round(l.x + l.width / 2), Math.round(t.x + t.width / 2)];
  };
  // The initial `active` (a name): the second tab, its line under it once vant measured.
  await $('#tabs .van-tab--active').filter({ hasText: 'Messages' }).waitFor();
  for (let i = 0; i < 50 && (await style(line, 'opacity')) !== '1'; i++) await sleep(100);
  assert.equal(await style(line, 'backgroundColor'), 'rgb(238, 10, 36)');
  let [lc, tc] = await centres(1);
  assert.ok(Math.abs(lc - tc) <= 1, `line at ${lc}, tab at ${tc}`);
  // vant's tab titles are a `wx:for` with `wx:key="index"` over items without an
  // `index`: every key is the same. They are patched in place, not re-created.
  const title = await tabs.nth(0).elementHandle();
  await tabs.nth(2).click();
  assert.equal(await last('tabs.change'), 'tabs.change {"index":2,"name":"settings","title":"Settings"}');
  assert.equal(await title.evaluate((el) => el.isConnected), true);
  await $('#tabs .van-tab--active').filter({ hasText: 'Settings' }).waitFor();
  await sleep(400); // vant's 0.3 s transition of the line
  [lc, tc] = await centres(2);
  assert.ok(Math.abs(lc - tc) <= 1, `line at ${lc}, tab at ${tc}`);
  assert.equal(await text('#tabs wx-van-tab .van-tab__pane--active'), 'Your settings');
  // A disabled tab does not change anything.
  await tabs.nth(3).click();
  await sleep(200);
  assert.match(await classes($('#tabs .van-tab--active')), /\bvan-tab--active\b/);
  assert.equal(await text('#tabs .van-tab--active'), 'Settings');
  // Collapse: `change` detail lists the open names; the content opens and closes.
  const content = (i) => $('#collapse wx-van-collapse-item').nth(i).locator('.van-collapse-item__wrapper');
  assert.ok((await content(0).boundingBox()).height > 20);
  assert.equal((await content(1).boundingBox()).height, 0);
  await $('#collapse wx-van-collapse-item').nth(1).locator('wx-van-cell').click();
  assert.equal(await last('collapse.change ["what","where"]'), 'collapse.change ["what","where"]');
  await sleep(400);
  assert.ok((await content(1).boundingBox()).height > 20);
  await $('#collapse wx-van-collapse-item').nth(0).locator('wx-van-cell').click();
  assert.equal(await last('collapse.change ["where"]'), 'collapse.change ["where"]');
  await sleep(400);
  assert.equal((await content(0).boundingBox()).height, 0);
  // A disabled item stays closed.
  await $('#collapse wx-van-collapse-item').nth(2).locator('wx-van-cell').click();
  await sleep(200);
  assert.equal(await text('#last'), 'collapse.change ["where"]');
  // Steps: the active step is vant's --process; the button moves it.
  assert.equal(await text('#steps .van-step--process .van-step__title wx-view'), 'Paid');
  await $('#next-step wx-button').click();
  assert.equal(await last('steps.next 2'), 'steps.next 2');
  await $('#steps .van-step--process').filter({ hasText: 'Shipped' }).waitFor();
  assert.equal(await $('#steps .van-step--finish').count(), 2);
  assert.equal(await text('#progress .van-progress__pivot'), '75%');
  await shot(page, 'vant-display');
  await shot(page, 'vant-display-end', true);
  assert.deepEqual(page.errors.filter((e) => !offline(e)), []);
  await page.close();
});

test('feedback: Toast via selectComponent, Dialog confirm and cancel, ActionSheet select, Popup', async () => {
  const { page, $, text, last } = await start('pages/feedback/feedback');
  // Toast('…') finds <van-toast id="van-toast"> with selectComponent and shows the text.
  await $('#toast-text').click();
  const toast = $('#van-toast .van-toast');
  await toast.filter({ hasText: 'Saved to your drafts' }).waitFor();
  assert.equal(await style(toast, 'backgroundColor'), 'rgba(0, 0, 0, 0.7)');
  await shot(page, 'vant-toast');
  // Gone after its 2 s.
  await toast.waitFor({ state: 'hidden', timeout: 5000 });
  await $('#toast-success').click();
  await $('#van-toast .van-toast--icon').filter({ hasText: 'Done' }).waitFor();
  // Dialog (component): cancel, then confirm; `close` says which, after the transition.
  await $('#dialog-open').click();
  const dialog = $('#confirm .van-dialog');
  await dialog.waitFor();
  await still(dialog);
  assert.equal(await text('#confirm .van-dialog__header'), 'Delete the draft?');
  assert.equal(await style($('#confirm wx-button.van-dialog__confirm'), 'color'), 'rgb(238, 10, 36)');
  await shot(page, 'vant-dialog');
  await $('#confirm wx-button.van-dialog__cancel').click();
  assert.equal(await last('dialog.close "cancel"'), 'dialog.close "cancel"');
  await dialog.waitFor({ state: 'hidden' });
  await $('#dialog-open').click();
  await dialog.waitFor();
  await $('#confirm wx-button.van-dialog__confirm').click();
  assert.equal(await last('dialog.close "confirm"'), 'dialog.close "confirm"');
  await dialog.waitFor({ state: 'hidden' });
  // `cancel`/`confirm` first, `close` after the leave transition.
  assert.equal(await text('#history'), 'dialog.cancel,dialog.close,dialog.confirm,dialog.close');
  // ActionSheet: `select` detail is the action; it closes; a disabled one does nothing.
  await $('#sheet-open').click();
  const sheet = $('#sheet .van-action-sheet');
  await sheet.waitFor();
  await still(sheet);
  assert.equal(await text('#sheet .van-action-sheet__description'), 'Delivery');
  assert.equal(await $('#sheet .van-action-sheet__item').count(), 4);
  await shot(page, 'vant-action-sheet');
  await $('#sheet .van-action-sheet__item').nth(2).click({ force: true });
  await sleep(200);
  assert.equal(await text('#last'), 'dialog.close "confirm"');
  await $('#sheet .van-action-sheet__item').nth(0).click();
  assert.equal(await last('action-sheet.select'), 'action-sheet.select {"name":"Courier","subname":"tomorrow"}');
  await sheet.waitFor({ state: 'hidden' });
  assert.equal(await text('#sheet-open .van-cell__value'), 'Courier');
  // Popup: from the bottom, closed by its close icon; in the centre, by the overlay.
  await $('#popup-bottom').click();
  const bottom = $('#popup-b .van-popup--bottom');
  await bottom.waitFor();
  await still(bottom);
  const box = await bottom.boundingBox();
  assert.equal(Math.round(box.y + box.height), 667, 'at the bottom of the screen');
  assert.equal(await style(bottom, 'borderTopLeftRadius'), '16px');
  await shot(page, 'vant-popup');
  await $('#popup-b .van-popup__close-icon').click({ force: true });
  assert.equal(await last('popup.close "bottom"'), 'popup.close "bottom"');
  await bottom.waitFor({ state: 'hidden' });
  await $('#popup-center').click();
  await $('#popup-c .van-popup--center').waitFor();
  await page.mouse.click(30, 600);
  assert.equal(await last('popup.close "centre"'), 'popup.close "centre"');
  assert.deepEqual(page.errors.filter((e) => !offline(e)), []);
  await page.close();
});
