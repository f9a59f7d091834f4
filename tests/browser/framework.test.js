// The framework of the container, feature by feature, against WeChat's documentation
// (developers.weixin.qq.com/miniprogram/dev/framework/custom-component/…, reference/api/
// App, Page, Component): compiled fixture apps (fixtures/apps/features, nav, styles) run
// in the sandboxed frame of the test host; their pages run "cases" when tapped and render
// what happened (lifecycle logs in order, values seen) as JSON, which the tests read.
// Some tests also look at the DOM itself: computed styles, node identity across
// re-renders, what a page draws in the navigation and tab bars.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { BIN, launch, phonePage } = require('./lib/harness');
const { devHost } = require('./lib/devhost');

const APPS = { features: 'wx00000000000000f1', nav: 'wx00000000000000f2', styles: 'wx00000000000000f3' };

function build(name) {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), `openmini-${name}-`));
  execFileSync(BIN, ['build', path.join(__dirname, 'fixtures/apps', name), '-o', out], { stdio: 'pipe' });
  return out;
}

let host, browser;
test.before(async () => {
  const bundles = {};
  for (const [name, appid] of Object.entries(APPS)) bundles[appid] = build(name);
  host = await devHost(bundles);
  browser = await launch();
});
test.after(async () => {
  await browser?.close();
  await host?.close();
});

/** Polls `check` (async, truthy when done) for up to `timeout` ms. */
async function until(check, timeout = 10000, what = String(check)) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error('timed out waiting for ' + what);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** In the frame: the shadow root of the page on screen. */
const VISIBLE = () => {
  const p = [...document.querySelectorAll('.om-page')].find((x) => x.style.visibility === 'visible');
  return p ? p.shadowRoot : null;
};

/**
 * Starts fixture app `app` (at `launchOpts.path`, or its first page) in a new browser page.
 * Returns helpers: `visible(sel)` a locator in the page on screen, `run(name)` taps case
 * `name` and resolves to what it returned, `tap(name)` taps it without waiting,
 * `inPage(fn, arg)` evaluates `fn(root, arg)` in the frame with the shadow root of the
 * page on screen, `onPage(route)` / `titled(text)` wait for a page to be on screen.
 */
async function start(app, launchOpts = {}) {
  const page = await phonePage(browser);
  await page.goto(host.base + '/');
  await page.evaluate(([a, l]) => startApp(a, l), [APPS[app], { scene: 1001, ...launchOpts }]);
  const frame = await (await page.waitForSelector('iframe')).contentFrame();
  // One expression made of both functions' sources, evaluated by the DevTools protocol:
  // building the function in the frame (`new Function`, or Playwright's waitForFunction
  // with a string) would need the 'unsafe-eval' the frame's CSP does not give.
  const inPage = (fn, arg) => frame.evaluate(`(${fn})((${VISIBLE})(), ${JSON.stringify(arg === undefined ? null : arg)})`);
  const shown = () => until(() => inPage((root) => !!(root && root.querySelector('.case'))));
  await shown();
  const visible = (sel) => frame.locator(`.om-page[style*="visible"] ${sel}`);
  // Case outputs of every page, on screen or not (a case may navigate away from its page).
  const outputs = (name) =>
    frame.evaluate((n) => [...document.querySelectorAll('.om-page')].map((p) => p.shadowRoot.querySelector('#o-' + n)?.textContent ?? null), name);
  async function run(name, timeout = 10000) {
    const before = await outputs(name);
    await tap(name);
    const deadline = Date.now() + timeout;
    for (;;) {
      const now = await outputs(name);
      const i = now.findIndex((t, j) => t && t !== before[j]);
      if (i >= 0) {
        const out = JSON.parse(now[i]);
        if (out.error) throw new Error(`case ${name}: ${out.error}`);
        return out.r;
      }
      if (Date.now() > deadline) throw new Error(`case ${name} gave nothing in ${timeout} ms`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  /** Taps case `name` on the page on screen, without waiting for what it gives. */
  async function tap(name) {
    if ((await visible('#c-' + name).count()) === 0) throw new Error(`no case ${name} on the page on screen`);
    await visible('#c-' + name).click();
  }
  /** Waits for the page on screen to be the one at `route` with its cases drawn. */
  async function onPage(route) {
    await until(() => frame.evaluate((r) => document.documentElement.dataset.route === r, route));
    await shown();
  }
  /** Waits for the page on screen to have `text` in its `.title`. */
  const titled = (text) => until(() => inPage((root, t) => root?.querySelector('.title')?.textContent === t, text), 10000, 'title ' + text);
  return { page, frame, visible, run, tap, inPage, onPage, titled, close: () => page.close() };
}

test('lifecycles: app, page and components in WeChat order; wx:if attaches and detaches; hidden', async () => {
  const s = await start('features', { query: { x: '1' } });
  // Created parent first; attached pre-order (the host, its own template, then what the
  // page put in its slot), all before onLoad; ready once laid out, children first.
  assert.deepEqual(await s.run('cold'), [
    'app.onLaunch', 'app.onShow',
    'created:-', 'created:-', 'created:-',
    'attached:A', 'attached:A.shadow', 'attached:A.light',
    'page.onLoad:{"x":"1"}', 'page.onShow', 'show:A', 'show:A.shadow', 'show:A.light',
    'ready:A.light', 'ready:A.shadow', 'ready:A', 'page.onReady',
  ]);
  // wx:if false: the subtree is destroyed, children detached before their parents.
  assert.deepEqual(await s.run('off'), ['detached:A.light', 'detached:A.shadow', 'detached:A']);
  assert.equal(await s.visible('wx-life').count(), 0);
  assert.deepEqual(await s.run('on'), [
    'created:-', 'created:-', 'created:-',
    'attached:A', 'attached:A.shadow', 'attached:A.light',
    'ready:A.light', 'ready:A.shadow', 'ready:A',
  ]);
  // hidden keeps the node but does not show it.
  assert.equal(await s.visible('.hid').isVisible(), true);
  assert.equal(await s.run('hide'), true);
  assert.equal(await s.visible('.hid').count(), 1);
  assert.equal(await s.visible('.hid').isVisible(), false);
  // The host hides and shows the app: app, page, then the components' pageLifetimes.
  await s.page.evaluate(() => frameEl.contentWindow.postMessage({ t: 'appEvent', name: 'hide', options: {} }, '*'));
  await s.page.evaluate(() => frameEl.contentWindow.postMessage({ t: 'appEvent', name: 'show', options: { scene: 1001 } }, '*'));
  assert.deepEqual(await s.run('log'), ['app.onHide', 'page.onHide', 'hide:A', 'hide:A.shadow', 'hide:A.light', 'app.onShow', 'page.onShow', 'show:A', 'show:A.shadow', 'show:A.light']);
  // A new window size: the page's onResize and the components' pageLifetimes.resize with {size}.
  await s.page.setViewportSize({ width: 400, height: 700 });
  await s.frame.waitForTimeout(300);
  assert.deepEqual(await s.run('log'), ['page.onResize:400', 'resize:A:400', 'resize:A.shadow:400', 'resize:A.light:400']);
  assert.deepEqual(s.page.errors, []);
  await s.close();
});

test('App, getApp, getCurrentPages, require: one app, the page stack, modules run once (cycles see partial exports)', async () => {
  const s = await start('features', { scene: 1011, query: { x: '1' } });
  assert.deepEqual(await s.run('app'), {
    who: 'features', hello: 'hi from app', scene: 1011,
    pages: ['pages/lifecycle/lifecycle'], same: true, options: { x: '1' }, route: 'pages/lifecycle/lifecycle',
  });
  const r = await s.run('require');
  assert.equal(r.name, 'a');
  assert.equal(r.bSawA, 'a (partial)');
  assert.equal(r.runs, 1);
  assert.equal(r.cached, true);
  assert.equal(r.dyn, true);
  assert.match(r.missing, /module "\.\.\/\.\.\/utils\/none" is not defined/);
  await s.close();
});

test('behaviors: lifetimes of behaviors first and once each, overriding and merging, nested, definitionFilter, wx://form-field, Page behaviors', async () => {
  const s = await start('features', { path: 'pages/behaviors/behaviors' });
  // Behaviors' lifetimes before the component's own, a nested behavior before the one
  // that includes it, earlier before later, and `base` (reached twice) only once.
  assert.deepEqual(await s.run('lifetimes'), [
    'base.attached:bare', 'mid.attached:bare', 'side.attached:bare', 'bare.attached',
    'base.attached:single', 'mid.attached:single',
    'base.attached:host', 'mid.attached:host', 'side.attached:host', 'host.attached',
  ]);
  const m = await s.run('merge');
  // A later behavior's method and data win over an earlier one's; nested objects merge.
  assert.equal(m.bare.who, 'side');
  assert.equal(m.bare.d, 'side');
  assert.equal(m.bare.obj.fromBase, 1);
  assert.equal(m.bare.obj.fromMid, 1);
  assert.equal(m.bare.baseOnly, 'base-only');
  assert.equal(m.bare.sideOnly, 'side-only');
  assert.equal(m.bare.hasBase, true);
  // A behavior overrides the behavior it includes.
  assert.deepEqual(m.single, { who: 'mid', d: 'mid', obj: { fromBase: 1, shared: 'mid', fromMid: 1 }, p: 'mid', baseOnly: 'base-only', sideOnly: null, hasBase: true });
  // The component's own fields win; same-name object data merges.
  assert.deepEqual(m.host, { who: 'host', d: 'host', obj: { fromBase: 1, shared: 'host', fromMid: 1, own: 1 }, p: 'host', baseOnly: 'base-only', sideOnly: 'side-only', hasBase: true });
  // definitionFilter changes the definition before it is used; its second argument holds
  // the filters of the behavior's own behaviors.
  assert.deepEqual(await s.run('filter'), { data: { own: 1, filtered: 'yes', arrLen: 1, innerFiltered: 1 }, added: 'added by filter' });
  // Page() takes behaviors too; the page's own methods win.
  assert.deepEqual(await s.run('page'), { data: 'pb', method: 'from a behavior', overridden: 'page' });
  // wx://form-field: name and value properties, and a <form> submits the value.
  assert.deepEqual(await s.run('field'), { name: 'mine', value: 'changed', formField: true });
  await s.visible('#submit').click();
  await s.visible('.submitted').filter({ hasText: 'mine' }).waitFor();
  assert.deepEqual(JSON.parse(await s.visible('.submitted').textContent()), { mine: 'changed', plain: 'typed' });
  assert.deepEqual(s.page.errors, []);
  await s.close();
});

test('properties: types converted, defaults, observer(new, old) on change only; observers: fields, paths, ** and every setData', async () => {
  const s = await start('features', { path: 'pages/props/props' });
  const r = await s.run('types');
  // What the page passed, converted to each property's type (WXML's `bool="false"` is a
  // non-empty string, so true; a non-number is the default).
  assert.deepEqual(r.t, { str: '5', num: 12, bool: false, arr: [], obj: { k: 1 }, any: 'anything', withDefault: 'dflt', multi: 'str-ok', watched: 1, named: 'n1', camelCase: 'dash' });
  assert.deepEqual(r.t2, { str: '', num: 0, bool: true, arr: [], obj: null, any: null, withDefault: 'dflt', multi: 0, watched: 1, named: '', camelCase: '' });
  // created sees the defaults, attached what the page passed.
  assert.deepEqual(r.created, { str: '', num: 0, bool: false, arr: [], obj: null, any: null, withDefault: 'dflt', multi: 0, watched: 1, named: '', camelCase: '' });
  assert.deepEqual(r.attached, r.t);
  assert.equal(r.same, true, 'this.properties is this.data');
  // Observers of values that differ from the default run when the component is made.
  assert.deepEqual(r.log, ['named:""->"n1"']);
  const o = await s.run('observer');
  assert.deepEqual(o.steps, [
    ['observers.watched:2', 'watched:1->2'], // observers first, then the property's observer
    [], // the same value again: no change
    ['observers.watched:3', 'watched:2->3'], // the component's own setData, converted
  ]);
  assert.equal(o.watched, 3);
  assert.equal(o.str, '42');
  // observers run on every setData of a field they watch, changed or not, once per
  // setData, with the fields' values as arguments; `a.b` and `**` paths.
  assert.deepEqual(await s.run('observers'), [
    ['a,b=1,0', '**:a|arr|b|obj'],
    ['a,b=1,0', '**:a|arr|b|obj'],
    ['obj.x=5', 'obj.**={"x":5,"y":0}', '**:a|arr|b|obj'],
    ['obj.**={"x":5,"y":1}', '**:a|arr|b|obj'],
    ['obj.x=7', 'obj.**={"x":7}', '**:a|arr|b|obj'],
    ['arr[1]=9', '**:a|arr|b|obj'],
    ['a,b=2,3', '**:a|arr|b|obj'],
    ['a,b=4,3', '**:a|arr|b|obj'], // a property the page changed
  ]);
  assert.deepEqual(s.page.errors, []);
  await s.close();
});

test('relations: parent/child and ancestor/descendant by behavior; linked after attached, linkChanged on moves, unlinked after detached; getRelationNodes in tree order', async () => {
  const s = await start('features', { path: 'pages/relations/relations' });
  // Each child links once attached: the parent's callback, then the child's.
  assert.deepEqual(await s.run('cold'), {
    log: [
      'list.attached',
      'item.attached:a', 'list.linked:a', 'item.linked:a',
      'item.attached:b', 'list.linked:b', 'item.linked:b',
      'item.attached:c', 'list.linked:c', 'item.linked:c',
      'form.linked:f1', 'input.linked:f1',
    ],
    items: ['a', 'b', 'c'],
    controls: ['f1'],
    parent: 'components/rel/list',
  });
  // A keyed reorder moves the item whose place changed: moved, then linkChanged.
  assert.deepEqual(await s.run('reorder'), { log: ['item.moved:c', 'list.linkChanged:c', 'item.linkChanged:c'], items: ['c', 'a', 'b'], controls: ['f1'] });
  assert.deepEqual(await s.run('remove'), { log: ['item.detached:b', 'list.unlinked:b', 'item.unlinked:b'], items: ['c', 'a'], controls: ['f1'] });
  assert.deepEqual(await s.run('add'), { log: ['item.attached:d', 'list.linked:d', 'item.linked:d'], items: ['c', 'a', 'd'], controls: ['f1'] });
  // `target`: the form relates to any descendant having the behavior.
  assert.deepEqual(await s.run('f2on'), { log: ['form.linked:f2', 'input.linked:f2'], items: ['c', 'a', 'd'], controls: ['f1', 'f2'] });
  assert.deepEqual(await s.run('f2off'), { log: ['form.unlinked:f2'], items: ['c', 'a', 'd'], controls: ['f1'] });
  assert.deepEqual(s.page.errors, []);
  await s.close();
});

test('events: triggerEvent bubbles / composed / capturePhase; capture then bubble; bind, catch, capture-catch, mut-bind; target retargeted; mark; dataset', async () => {
  const s = await start('features', { path: 'pages/events/events' });
  // WeChat's own example (component-framework/event-system).
  assert.deepEqual(await s.run('custom'), {
    plain: ['pageEventListener2 target=my currentTarget=my'],
    bubbles: ['pageEventListener2 target=my currentTarget=my', 'pageEventListener1 target=my currentTarget=another detail={"n":1}'],
    composed: [
      'pageEventListener2 target=my currentTarget=my',
      'anotherEventListener target=my currentTarget=another-inner',
      'pageEventListener1 target=my currentTarget=another detail={"n":1}',
    ],
  });
  assert.deepEqual(await s.run('capture'), {
    capture: ['capWrap target=my2 currentTarget=capwrap', 'onMy2 target=my2 currentTarget=my2', 'bubWrap target=my2 currentTarget=capwrap'],
    noCapture: ['onMy2 target=my2 currentTarget=my2', 'bubWrap target=my2 currentTarget=capwrap'],
    captureCatch: ['capCatch target=my3 currentTarget=catchwrap'],
  });
  // From inside a component: not composed, the event stays in its template; composed,
  // it goes on outside with `target` retargeted to the component's host.
  assert.deepEqual(await s.run('boundary'), {
    inside: ['deepHandler target=deep-my'],
    composed: ['deepHandler target=deep-my', 'pageDeep target=deep currentTarget=deep'],
    // With capturePhase, the page's capture listener outside runs first, only if composed.
    capture: ['capDeep target=deep currentTarget=deepwrap', 'deepHandler target=deep-my', 'pageDeep target=deep currentTarget=deep'],
    captureInside: ['deepHandler target=deep-my'],
  });
  // A real tap: capture phase outside in, then bubbling inside out; datasets keep their
  // types with camelCase names; `mark` merges the marks from the target up.
  await s.visible('#inner').click();
  assert.deepEqual(await s.run('log'), [
    'capOuter',
    'capMid',
    'bubInner target=inner currentTarget=inner dataset={"userId":7,"flag":true,"obj":{"a":1},"camelcase":"x"} mark={"lvl":"inner","outer":"1"} type=tap',
    'bubMid target=inner currentTarget=mid mark={"lvl":"inner","outer":"1"}',
    'bubOuter target=inner currentTarget=outer',
  ]);
  await s.visible('#c-inner').click();
  assert.deepEqual(await s.run('log'), ['bubInner target=c-inner currentTarget=c-inner dataset={} mark={} type=tap', 'catchMid']);
  await s.visible('#cc-inner').click();
  assert.deepEqual(await s.run('log'), ['capCatchTap']);
  // mut-bind: only the first mut-bind handler on the way runs; bind ones all do.
  await s.visible('#m-inner').click();
  assert.deepEqual(await s.run('log'), ['bubInner target=m-inner currentTarget=m-inner dataset={} mark={} type=tap', 'mutMid', 'bubOuter target=m-inner currentTarget=m-outer']);
  // A tap inside a component: inside, the real target and only the component's marks;
  // outside, the target is the component's host (its id and dataset), marks from the target up.
  await s.visible('#inside').click();
  assert.deepEqual(await s.run('log'), [
    'capTapWrap target=tapper currentTarget=tapwrap',
    'inside target=inside currentTarget=inside mark={"in":"1"}',
    'onTapper target=tapper currentTarget=tapper dataset={"x":"host"} mark={"host":"h","in":"1"}',
  ]);
  assert.deepEqual(s.page.errors, []);
  await s.close();
});

test('selectors: selectComponent / selectAllComponents (compound, descendant, child, lists, >>>), export(), selectOwnerComponent; createSelectorQuery', async () => {
  const s = await start('features', { path: 'pages/select/select' });
  assert.deepEqual(await s.run('components'), {
    byId: 'a',
    first: 'a',
    is: 'components/sel/item',
    all: ['a', 'b', 'slotted'], // components only, not the plain view, not inside #box
    compound: ['a'],
    descendant: ['b'],
    child: ['b'],
    list: ['a', 'b'],
    notAcross: null,
    across: ['inner', 'slotted'],
    acrossDeep: ['inner'],
    plain: null,
    exported: { hello: 'world', from: 'components/sel/exp' },
    ownerOfInner: 'components/sel/box',
    ownerOfSlotted: 'pages/select/select',
    ownerOfA: 'pages/select/select',
  });
  const q = await s.run('query');
  assert.deepEqual(q.rect, { id: 'm', dataset: { kind: 'box' }, width: 100, height: 50, left: 10, right: 110, topIsNumber: true, bottomMinusTop: 50 });
  assert.deepEqual(q.all, [
    { id: 'm', dataset: { kind: 'box' }, width: 100, height: 50, 'margin-left': '10px' },
    { id: '', dataset: {}, width: 60, height: 10, 'margin-left': '0px' },
  ]);
  assert.equal(q.notInPage, null, "a page's query does not see inside components");
  assert.deepEqual(q.inBox, { width: 30, height: 20 });
  assert.equal(q.inComponent, 30);
  assert.deepEqual(q.viewport, { scrollTop: 0, hasHeight: true });
  assert.deepEqual(q.sv, { id: 'sv', scrollTop: 0, scrollHeight: 300 });
  assert.equal(q.none, null);
  assert.deepEqual(q.calls, ['rect', 'fields'], 'callbacks of each request, in order, before exec’s');
  assert.deepEqual(q.thisQuery, [{ width: 100, height: 50 }]);
  assert.equal(await s.run('scrolled'), 120);
  assert.deepEqual(s.page.errors, []);
  await s.close();
});

test('setData: path keys make objects and arrays; the callback runs once the view has it; one render per tick; only what changed is sent; keyed wx:for moves nodes and components', async () => {
  const s = await start('features', { path: 'pages/render/render' });
  // Every batch of DOM operations the frame applies, recorded.
  await s.frame.evaluate(() => {
    const om = window.__om;
    const apply = om.dom.apply;
    window.__batches = [];
    om.dom.apply = function (ops) {
      window.__batches.push(JSON.parse(JSON.stringify(ops)));
      return apply.apply(this, arguments);
    };
  });
  const batches = () => s.frame.evaluate(() => window.__batches.splice(0));
  assert.deepEqual(await s.run('paths'), {
    a: { b: [null, null, { c: 'deep' }] },
    bIsArray: true,
    x: { y: { z: 1 } },
    arr: ['p', null, null, 'z'],
    row0: { id: 1, name: 'ONE' },
  });
  assert.equal(await s.visible('.deep').textContent(), 'deep|4');
  assert.equal(await s.run('callback'), 200);
  // Three setData calls in one tick: one render, the text set once to its final value.
  await batches();
  await s.run('ticks');
  const texts = (await batches()).flat().filter((op) => op[0] === 4 && /^\d*-\d*-\d*$/.test(op[2]));
  assert.deepEqual(texts.map((op) => op[2]), ['1-2-3']);
  // Mark the rows' and components' DOM nodes, then change and reorder the rows.
  assert.deepEqual(await s.run('counts'), ['1:1', '2:2', '3:3']);
  const marks = () =>
    s.inPage((root) => [...root.querySelectorAll('wx-view.row')].map((el) => [el.__mark, el.querySelector('wx-counter').__mark, el.textContent]));
  await s.inPage((root) => {
    root.querySelectorAll('wx-view.row').forEach((el, i) => {
      el.__mark = 'row' + i;
      el.querySelector('wx-counter').__mark = 'ctr' + i;
    });
  });
  await batches();
  await s.run('rename');
  const renamed = (await batches()).find((b) => b.some((op) => op[2] === 'TWO'));
  assert.equal(renamed.length, 1, 'one operation: ' + JSON.stringify(renamed));
  assert.equal(renamed[0][0], 4, 'a text change');
  assert.deepEqual(await marks(), [['row0', 'ctr0', 'ONE1:1'], ['row1', 'ctr1', 'TWO2:2'], ['row2', 'ctr2', 'three3:3']]);
  // Reversed: the same nodes, moved; each component keeps its own data.
  assert.deepEqual(await s.run('reorder'), ['3:3', '2:2', '1:1']);
  const moved = (await batches()).flat();
  assert.equal(moved.filter((op) => op[0] === 1 || op[0] === 2 || op[0] === 6).length, 0, 'nothing created or destroyed');
  assert.deepEqual(await marks(), [['row2', 'ctr2', 'three3:3'], ['row1', 'ctr1', 'TWO2:2'], ['row0', 'ctr0', 'ONE1:1']]);
  // An insertion in the middle: one new row, the others kept.
  assert.deepEqual(await s.run('insert'), ['3:3', '9:0', '2:2', '1:1']);
  assert.deepEqual((await marks()).map((m) => m[0]), ['row2', undefined, 'row1', 'row0']);
  assert.deepEqual(s.page.errors, []);
  await s.close();
});

test('model:value on input and on a component; generic: with a default; virtualHost; WXS in expressions and as an event handler', async () => {
  const s = await start('features', { path: 'pages/misc/misc' });
  // model:value: typing updates the page's field; the page's setData updates the input.
  await s.visible('#in input').fill('typed');
  await s.visible('.echo').filter({ hasText: 'typed' }).waitFor();
  await s.run('setText');
  assert.equal(await s.visible('#in input').inputValue(), 'from page');
  // On a component: its own setData of `value` writes back to the page's `n`.
  await s.visible('#st wx-view').click();
  await s.visible('#st wx-view').click();
  await s.visible('.n').filter({ hasText: 'n=3' }).waitFor();
  assert.deepEqual(await s.run('data'), { text: 'from page', n: 3, outer: 0 });
  // generic:item names the implementation; without it, the default.
  // (The element is named by the tag the template writes, `item`.)
  assert.deepEqual(await s.visible('#gl wx-item').allTextContents(), ['gen-item x', 'gen-item y']);
  assert.deepEqual(await s.visible('#gl2 wx-item').allTextContents(), ['gen-default z']);
  // virtualHost: no element of its own; its nodes are the wrapper's children.
  assert.equal(await s.visible('wx-vhost').count(), 0);
  assert.deepEqual(await s.inPage((root) => [...root.querySelector('.vwrap').children].map((c) => c.className.replace(/^c[0-9a-f]{8}--/, ''))), ['vh-inner', 'vh-second']);
  assert.deepEqual(await s.run('virtual'), { label: 'virtual', got: { from: 'virtual' } });
  // A WXS handler: setStyle / addClass on the node, callMethod on the page.
  await s.visible('#wt').click();
  await s.visible('.fromwxs').filter({ hasText: 'wt' }).waitFor();
  assert.deepEqual(JSON.parse(await s.visible('.fromwxs').textContent()), { id: 'wt', has: true, ds: 'v' });
  assert.equal(await s.visible('#wt').evaluate((el) => getComputedStyle(el).color), 'rgb(0, 0, 255)');
  assert.match(await s.visible('#wt').getAttribute('class'), /\bwxs-target\b.*\bwxs-on\b/);
  // Returning false from a WXS handler stops the event, as catch would.
  await s.visible('#wt2').click();
  await s.visible('.fromwxs').filter({ hasText: 'wt2' }).waitFor();
  assert.equal((await s.run('data')).outer, 0);
  assert.deepEqual(s.page.errors, []);
  await s.close();
});

test('navigation: navigateTo with a query and EventChannel both ways, the 10-page limit, navigateBack(delta), redirectTo, reLaunch, with page lifecycles', async () => {
  const s = await start('nav');
  assert.deepEqual(await s.run('log'), ['app.onLaunch:pages/home/home', 'app.onShow', 'home.onLoad', 'home.onShow', 'home.onReady']);
  await s.tap('go');
  await s.onPage('pages/detail/detail');
  // The opener's events hear the new page's emit; the new page hears the opener's.
  assert.deepEqual(await s.run('log'), ['home.onHide', 'detail.onLoad:{"id":"7","name":"中"}', 'home.fromDetail:{"id":"7"}', 'detail.onShow:7', 'detail.toDetail:{"hello":1}']);
  assert.deepEqual(await s.run('info'), { options: { id: '7', name: '中' }, got: { hello: 1 } });
  // At most 10 pages on the stack.
  assert.deepEqual(await s.run('more'), { opened: 8, err: 'navigateTo:fail webview count limit exceed', depth: 10 });
  await s.titled('detail n7');
  assert.deepEqual(await s.run('stack'), ['pages/home/home', 'pages/detail/detail?7', ...[0, 1, 2, 3, 4, 5, 6, 7].map((i) => 'pages/detail/detail?n' + i)]);
  await s.tap('back3');
  await s.titled('detail n4');
  assert.deepEqual(await s.run('log'), ['detail.onUnload:n7', 'detail.onUnload:n6', 'detail.onUnload:n5', 'detail.onShow:n4']);
  assert.equal(await s.frame.locator('.om-page').count(), 7, 'the frame dropped the pages that went');
  await s.tap('backAll');
  await s.onPage('pages/home/home');
  assert.deepEqual(await s.run('log'), ['detail.onUnload:n4', 'detail.onUnload:n3', 'detail.onUnload:n2', 'detail.onUnload:n1', 'detail.onUnload:n0', 'detail.onUnload:7', 'home.onShow']);
  // redirectTo replaces the page on top; reLaunch replaces them all.
  await s.tap('go');
  await s.titled('detail 7');
  await s.run('log');
  await s.tap('redirect');
  await s.titled('detail redirected');
  assert.deepEqual(await s.run('log'), ['detail.onUnload:7', 'detail.onLoad:{"id":"redirected"}', 'detail.onShow:redirected']);
  assert.deepEqual(await s.run('stack'), ['pages/home/home', 'pages/detail/detail?redirected']);
  await s.tap('relaunch');
  await s.onPage('pages/mine/mine');
  assert.deepEqual(await s.run('log'), ['detail.onUnload:redirected', 'home.onUnload', 'mine.onLoad:{"x":"1"}', 'mine.onShow']);
  assert.deepEqual(await s.run('stack'), ['pages/mine/mine']);
  assert.deepEqual(s.page.errors, []);
  await s.close();
});

test('tab bar: switchTab keeps tab pages alive, onTabItemTap, tab pages refused by navigateTo and redirectTo; badges and red dots; the navigation bar from window settings and the APIs', async () => {
  const s = await start('nav');
  await s.run('log');
  assert.equal(await s.run('inc'), 1);
  assert.equal(await s.run('inc'), 2);
  const tab = (i) => s.frame.locator('#om-tabbar .om-tab').nth(i);
  assert.equal(await tab(0).getAttribute('class'), 'om-tab om-tab-on');
  assert.equal(await tab(0).evaluate((el) => getComputedStyle(el).color), 'rgb(255, 0, 0)', 'selectedColor');
  assert.equal(await tab(1).evaluate((el) => getComputedStyle(el).color), 'rgb(153, 153, 153)', 'color');
  // A tab bar tap: switchTab, then the tab page's onTabItemTap.
  await tab(1).click();
  await s.onPage('pages/mine/mine');
  assert.deepEqual(await s.run('log'), ['home.onHide', 'mine.onLoad:{}', 'mine.onShow', 'mine.onTabItemTap:{"index":1,"pagePath":"pages/mine/mine","text":"Mine"}']);
  assert.deepEqual(await s.run('stack'), ['pages/mine/mine']);
  await tab(0).click();
  await s.onPage('pages/home/home');
  // Home was kept: shown again (not loaded again), with its data.
  assert.deepEqual(await s.run('log'), ['mine.onHide', 'home.onShow', 'home.onTabItemTap:{"index":0,"pagePath":"pages/home/home","text":"Home"}']);
  assert.equal(await s.visible('.title').textContent(), 'home 2');
  // Tapping the tab of the page on screen: onTabItemTap only.
  await tab(0).click();
  assert.deepEqual(await until(async () => { const l = await s.run('log'); return l.length && l; }), ['home.onTabItemTap:{"index":0,"pagePath":"pages/home/home","text":"Home"}']);
  // Refusals, with WeChat's errMsg texts.
  assert.deepEqual(await s.run('errors'), {
    navigateToTab: 'navigateTo:fail can not navigateTo a tabbar page',
    redirectToTab: 'redirectTo:fail can not redirectTo a tabbar page',
    switchTabToPage: 'switchTab:fail can not switch to no-tabBar page',
    unknown: 'navigateTo:fail page "pages/nope/nope" is not found',
    backAtFirst: 1,
  });
  // From a page above a tab page, switchTab unloads it.
  await s.tap('go');
  await s.onPage('pages/detail/detail');
  await s.run('log');
  await s.tap('toMine');
  await s.onPage('pages/mine/mine');
  assert.deepEqual(await s.run('log'), ['detail.onUnload:7', 'mine.onShow']);
  assert.deepEqual(await s.run('stack'), ['pages/mine/mine']);
  await s.tap('home');
  await s.onPage('pages/home/home');
  // The navigation bar: the page's title over app.json's window; the APIs change it.
  const nav = s.frame.locator('#om-nav');
  assert.equal(await nav.locator('.om-title').textContent(), 'Home');
  assert.equal(await nav.evaluate((el) => getComputedStyle(el).backgroundColor), 'rgb(17, 34, 51)');
  assert.equal(await nav.evaluate((el) => getComputedStyle(el).color), 'rgb(255, 255, 255)');
  assert.equal(await s.run('bars'), 'ok');
  assert.equal(await nav.locator('.om-title').textContent(), 'Changed');
  assert.equal(await nav.evaluate((el) => getComputedStyle(el).backgroundColor), 'rgb(0, 255, 0)');
  assert.equal(await nav.evaluate((el) => getComputedStyle(el).color), 'rgb(0, 0, 0)');
  assert.equal(await tab(1).locator('.om-badge').textContent(), '5');
  assert.equal(await tab(0).locator('.om-dot').count(), 1);
  assert.equal(await s.run('unbars'), 'ok');
  assert.equal(await s.frame.locator('#om-tabbar .om-badge, #om-tabbar .om-dot').count(), 0);
  // navigationStyle: custom: no navigation bar.
  await s.tap('toPlain');
  await s.onPage('pages/plain/plain');
  assert.equal(await nav.isVisible(), false);
  await s.tap('back');
  await s.onPage('pages/home/home');
  assert.equal(await nav.isVisible(), true);
  assert.deepEqual(s.page.errors, []);
  await s.close();
});

test('share: onShareAppMessage from a share button and from the menu, onShareTimeline from the menu, their cards sent to the host', async () => {
  const s = await start('nav');
  await s.run('log');
  await s.visible('#share').click();
  await until(async () => (await s.page.evaluate(() => hostLog.filter((x) => x.name === 'shareAppMessage').length)) === 1);
  await s.page.evaluate(() => frameEl.contentWindow.postMessage({ t: 'appEvent', name: 'share', options: {} }, '*'));
  await until(async () => (await s.page.evaluate(() => hostLog.filter((x) => x.name === 'shareAppMessage').length)) === 2);
  const cards = await s.page.evaluate(() => hostLog.filter((x) => x.name === 'shareAppMessage').map((x) => ({ title: x.args.title, path: x.args.path })));
  assert.deepEqual(cards, [{ title: 'Shared home', path: '/pages/home/home?shared=1' }, { title: 'Shared home', path: '/pages/home/home?shared=1' }]);
  assert.deepEqual(await s.run('log'), ['home.onShareAppMessage:button:button', 'home.onShareAppMessage:menu']);
  // The menu's "share to moments": onShareTimeline's title and query.
  await s.page.evaluate(() => frameEl.contentWindow.postMessage({ t: 'appEvent', name: 'shareTimeline', options: {} }, '*'));
  await until(async () => (await s.page.evaluate(() => hostLog.filter((x) => x.name === 'shareTimeline').length)) === 1);
  const post = await s.page.evaluate(() => hostLog.find((x) => x.name === 'shareTimeline').args);
  assert.deepEqual({ title: post.title, path: post.path, query: post.query }, { title: 'Home on moments', path: 'pages/home/home', query: 'from=moments' });
  assert.deepEqual(await s.run('log'), ['home.onShareTimeline']);
  await s.close();
});

test('subpackages: loaded when first opened; an independent one starts without the main package, which registers App (onLaunch, onShow) when first entered', async () => {
  const seen = (file) => host.requests.some((p) => p.endsWith('/' + file));
  host.requests.length = 0;
  const s = await start('nav');
  assert.ok(seen('main/logic.js'));
  assert.ok(!seen('sub/pkg/logic.js'), 'the subpackage is not loaded at launch');
  await s.run('log');
  await s.tap('toSub');
  await s.onPage('pkg/pages/sub/sub');
  assert.ok(seen('sub/pkg/logic.js') && seen('sub/pkg/view.js'));
  assert.deepEqual(await s.run('info'), { route: 'pkg/pages/sub/sub', options: { k: 'v' }, app: 'main' });
  assert.equal(await s.visible('wx-subc').textContent(), 'sub component v');
  assert.deepEqual(await s.run('log'), ['home.onHide', 'sub.onLoad']);
  await s.close();

  host.requests.length = 0;
  const t = await start('nav', { path: 'solo/pages/alone/alone' });
  assert.ok(seen('sub/solo/logic.js'));
  assert.ok(!seen('main/logic.js'), 'no main package for an independent subpackage');
  assert.deepEqual(await t.run('info'), { appAtLoad: 'undefined', app: null, fromSolo: null, pages: ['solo/pages/alone/alone'] });
  // No app.wxss on its pages.
  assert.ok(!host.requests.some((p) => p.endsWith('main/css/app.css')));
  await t.visible('#c-toDetail').click();
  await t.onPage('pages/detail/detail');
  assert.ok(seen('main/logic.js'));
  assert.deepEqual(await t.run('log'), ['app.onLaunch:solo/pages/alone/alone', 'app.onShow', 'detail.onLoad:{"id":"fromSolo"}', 'detail.onShow:fromSolo']);
  await t.tap('back');
  await t.onPage('solo/pages/alone/alone');
  // App() adopted the default object (what it was given stays).
  assert.deepEqual(await t.run('info'), { appAtLoad: 'undefined', app: 'main', fromSolo: 'solo', pages: ['solo/pages/alone/alone'] });
  assert.deepEqual(t.page.errors, []);
  await t.close();
});

test('page not found: App.onPageNotFound and wx.onPageNotFound at launch, which may redirect; otherwise the home page', async () => {
  const s = await start('nav', { path: 'pages/moved', query: { a: '1' } });
  await s.onPage('pages/detail/detail');
  assert.deepEqual(await s.run('log'), [
    'app.onLaunch:pages/moved',
    'app.onShow',
    'app.onPageNotFound:pages/moved:{"a":"1"}:true',
    // App's handler redirected synchronously: the page opened there and then.
    'detail.onLoad:{"from":"notfound"}',
    'detail.onShow:undefined',
    'wx.onPageNotFound:pages/moved',
  ]);
  await s.close();
  const t = await start('nav', { path: 'pages/gone' });
  await t.onPage('pages/home/home');
  assert.deepEqual(await t.run('log'), ['app.onLaunch:pages/gone', 'app.onShow', 'app.onPageNotFound:pages/gone:{}:true', 'wx.onPageNotFound:pages/gone', 'home.onLoad', 'home.onShow', 'home.onReady']);
  await t.close();
});

test('page scroll: pull-down refresh (the user’s and wx.startPullDownRefresh), onReachBottom with onReachBottomDistance, onPageScroll, wx.pageScrollTo', async () => {
  const s = await start('nav');
  await s.tap('toLong');
  await s.onPage('pages/long/long');
  // The page's own window settings.
  const nav = s.frame.locator('#om-nav');
  assert.equal(await nav.locator('.om-title').textContent(), 'Long');
  assert.equal(await nav.evaluate((el) => getComputedStyle(el).backgroundColor), 'rgb(255, 0, 0)');
  assert.equal(await nav.evaluate((el) => getComputedStyle(el).color), 'rgb(0, 0, 0)');
  await s.run('log');
  // (Scrolling is logged once, whenever it first happens.)
  const log = async () => (await s.run('log')).filter((x) => x !== 'long.onPageScroll');
  assert.equal(await s.run('refresh'), 'startPullDownRefresh:ok');
  assert.equal(await s.frame.locator('.om-refresh').count(), 1);
  assert.equal(await s.run('stop'), 'stopPullDownRefresh:ok');
  assert.equal(await s.frame.locator('.om-refresh').count(), 0);
  assert.deepEqual(await log(), ['long.onPullDownRefresh']);
  // The user pulls the page down from its top.
  await s.inPage((root) => (root.host.scrollTop = 0));
  const box = await s.frame.locator('.om-page[style*="visible"]').boundingBox();
  await s.page.mouse.move(box.x + 100, box.y + 300);
  await s.page.mouse.down();
  for (let y = 300; y <= 520; y += 20) await s.page.mouse.move(box.x + 100, box.y + y);
  await s.page.mouse.up();
  await until(async () => (await log()).includes('long.onPullDownRefresh'));
  await s.run('stop');
  // pageScrollTo: the page scrolls, onPageScroll hears it; not near the bottom yet.
  assert.equal(await s.run('scrollTo'), 'pageScrollTo:ok');
  await until(async () => (await s.inPage((root) => root.host.scrollTop)) >= 800);
  assert.deepEqual(await log(), []);
  // Within onReachBottomDistance (100px, not the default 50) of the bottom.
  await s.frame.evaluate(() => {
    const el = [...document.querySelectorAll('.om-page')].find((x) => x.style.visibility === 'visible');
    el.scrollTop = el.scrollHeight - el.clientHeight - 90;
  });
  await s.visible('.hits').filter({ hasText: 'bottom 1' }).waitFor();
  assert.ok((await s.run('scrollTop')) >= 800);
  await s.run('log');
  assert.equal(await s.run('scrollEnd'), 'pageScrollTo:ok');
  // (Polled without tapping: a tap would scroll the page back to the case.)
  await s.visible('.hits').filter({ hasText: 'bottom 2' }).waitFor();
  assert.deepEqual(s.page.errors, []);
  await s.close();
});

test('styles: isolated, apply-shared, shared, addGlobalClass and options.styleIsolation; externalClasses; :host; app.wxss tag selectors', async () => {
  const s = await start('styles');
  // The computed colour of each view of component `id` (by its class as written), and
  // its host's top border (set by the component's `:host` rule).
  const colors = (id) =>
    s.inPage((root, id) => {
      const host = root.querySelector('#' + id);
      const out = { host: getComputedStyle(host).borderTopColor };
      host.querySelectorAll('wx-view').forEach((v) => (out[v.className.split(' ')[0].replace(/^c[0-9a-f]{8}--/, '')] = getComputedStyle(v).color));
      return out;
    }, id);
  const rgb = (n) => `rgb(${n}, ${n}, ${n})`;
  const inherited = rgb(50); // the page's colour (`page { color }`, the shadow root's :host)
  // isolated (the default): neither app nor page classes reach in; its own rules apply.
  assert.deepEqual(await colors('iso'), { host: rgb(4), p: inherited, g: inherited, own: rgb(10), leak: inherited });
  // apply-shared: page and app rules reach in, and so do a shared component's.
  const applied = { host: rgb(4), p: rgb(2), g: rgb(1), own: rgb(10), leak: rgb(9) };
  assert.deepEqual(await colors('applied'), applied);
  assert.deepEqual(await colors('global'), applied, 'options.addGlobalClass is apply-shared');
  assert.deepEqual(await colors('jsiso'), applied, 'options.styleIsolation in JS');
  // shared: page rules reach in, and its rules reach out (to the page and to apply-shared
  // components, not to isolated ones).
  assert.deepEqual(await colors('shared'), { host: inherited, p: rgb(2), g: rgb(1), own: inherited, leak: rgb(9) });
  const page = await s.inPage((root) => ({ own: getComputedStyle(root.querySelector('.page-own')).color, leak: getComputedStyle(root.querySelector('.page-leak')).color }));
  assert.deepEqual(page, { own: inherited, leak: rgb(9) }, "an isolated component's .own stays inside it; shared's .leak does not");
  // externalClasses: `ext-class` becomes the class the page passed, in the page's scope.
  assert.equal(await s.visible('#ext wx-view').first().getAttribute('class'), 'p');
  assert.deepEqual(await colors('ext'), { host: inherited, p: rgb(2), x: rgb(12) });
  // A tag selector of app.wxss reaches into every component.
  assert.equal(await s.visible('#iso wx-view').first().evaluate((el) => getComputedStyle(el).letterSpacing), '2px');
  assert.deepEqual(s.page.errors, []);
  await s.close();
});

test('slots: named slots and the default slot with multipleSlots; one slot takes everything without it; slot content follows a slot that comes and goes', async () => {
  const s = await start('features', { path: 'pages/slots/slots' });
  // Where each child of a component landed: the class of the component's view it is in.
  const layout = (id) =>
    s.inPage((root, id) => {
      const out = {};
      root.querySelector('#' + id).querySelectorAll(':scope > wx-view').forEach((v) => {
        out[v.className.replace(/^c[0-9a-f]{8}--/, '')] = [...v.children].map((c) => c.className);
      });
      return out;
    }, id);
  // Named slots get their children, the default slot the others, in the page's order; a
  // child naming a slot that does not exist is not shown.
  assert.deepEqual(await layout('multi'), { head: ['H'], body: ['D1', 'D2'], foot: ['F'] });
  assert.equal(await s.visible('.N').count(), 0);
  // Without multipleSlots, the one slot takes every child.
  assert.deepEqual(await layout('single'), { only: ['S1', 'S2'] });
  // The footer slot goes with its wx:if; its content comes back, up to date.
  assert.equal(await s.run('toggle'), false);
  assert.deepEqual(await layout('multi'), { head: ['H'], body: ['D1', 'D2'] });
  assert.equal(await s.visible('.F').count(), 0);
  assert.equal(await s.run('toggle'), true);
  assert.deepEqual(await layout('multi'), { head: ['H'], body: ['D1', 'D2'], foot: ['F'] });
  assert.equal(await s.visible('.F').textContent(), 'F 2');
  assert.equal(await s.visible('.D2').textContent(), 'D2 2');
  assert.deepEqual(s.page.errors, []);
  await s.close();
});

test('errors: a throwing handler reaches App.onError and wx.onError, and a component’s error lifetime', async () => {
  const s = await start('features');
  await s.run('log');
  await s.visible('#boom').click();
  await s.visible('#oops').click();
  assert.deepEqual(await s.run('log'), [
    'app.onError:Error: page failed',
    'wx.onError:Error: page failed',
    'app.onError:Error: component failed',
    'wx.onError:Error: component failed',
    'oops.error:component failed',
  ]);
  // (The runtime reports each error on the console too.)
  assert.equal(s.page.errors.filter((e) => /page failed|component failed/.test(e)).length, 2);
  await s.close();
});
