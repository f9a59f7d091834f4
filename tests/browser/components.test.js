// The built-in components (web/container/components/) in headless Chromium: each one
// created the way the view runtime creates it (createElement + setProp, children into
// __slot), driven with real mouse, keyboard and touch input, under a CSP like the
// frame's (scripts only from /container/, no eval, no inline styles, opaque origin).
// The events they emit and the host calls they make are recorded by the test page
// (fixtures/components.html). A gallery of every component is saved as screenshots
// under target/screenshots/components-*.png.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const { launch, phonePage, serveStatic, screenshot, REPO } = require('./lib/harness');

const FIXTURES = path.join(__dirname, 'fixtures');
let browser;
let server;

test.before(async () => {
  browser = await launch();
  // web/ as the platform serves it, and the test page from fixtures/ on the same origin,
  // with a CSP like the frame's: scripts and styles only from those folders, no eval, no
  // inline code, an opaque origin (sandbox).
  const here = 'http://127.0.0.1:*';
  const csp = [
    "default-src 'none'",
    `script-src ${here}/container/ ${here}/__fixture/`,
    `style-src ${here}/container/ ${here}/__fixture/`,
    'img-src * data: blob:',
    'media-src * data: blob:',
    'frame-src *',
    'sandbox allow-scripts',
  ].join('; ');
  server = await serveStatic(path.join(REPO, 'web'), { 'content-security-policy': csp }, { '/__fixture/': FIXTURES });
});
test.after(async () => {
  if (browser) await browser.close();
  if (server) await server.close();
});

/** An SVG picture of w×h pixels (its natural size), for image tests. */
function svg(w, h, color) {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}">` +
    `<rect width="${w}" height="${h}" fill="${color || '#07c160'}"/>` +
    `<circle cx="${w / 2}" cy="${h / 2}" r="${Math.min(w, h) / 4}" fill="#fff" fill-opacity=".6"/></svg>`;
}

/** A phone-sized page on the test page, components loaded; resolves to the page. */
async function open(opts) {
  const page = await phonePage(browser, opts);
  const base = server.base;
  // Generated pictures, a missing file and a page for web-view; the rest is served.
  await page.route((url) => /^\/__fixture\/(img\/|missing|web\/)/.test(url.pathname), async (route) => {
    const name = new URL(route.request().url()).pathname.slice('/__fixture/'.length);
    const img = /^img\/(\d+)x(\d+)(?:-(\w+))?\.svg$/.exec(name);
    if (img) return route.fulfill({ status: 200, contentType: 'image/svg+xml', body: svg(+img[1], +img[2], img[3] && '#' + img[3]) });
    if (name.startsWith('web/')) {
      // Answers a ping with what wx.miniProgram.postMessage would send.
      const body = '<!doctype html><p>web page</p><script>addEventListener("message", function () {' +
        ' parent.postMessage({type: "openmini:webview", data: {from: "web"}}, "*"); });</script>';
      return route.fulfill({ status: 200, contentType: 'text/html', body });
    }
    return route.fulfill({ status: 404, body: 'not found' });
  });
  await page.goto(`${base}/__fixture/components.html`);
  await page.waitForFunction(() => window.T && window.T.ready, null, { timeout: 10000 });
  page.base = base;
  return page;
}

const run = (page, fn, arg) => page.evaluate(fn, arg);
const events = (page, type) => page.evaluate((t) => (t ? T.of(t) : T.events), type);
const calls = (page) => page.evaluate(() => T.calls);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function waitEvent(page, type, count = 1, timeout = 5000) {
  await page.waitForFunction(([t, n]) => T.of(t).length >= n, [type, count], { timeout });
  return events(page, type);
}
/** The box of the first element matching `sel` in the page root. */
function box(page, sel) {
  return page.evaluate((s) => {
    const r = T.q(s).getBoundingClientRect();
    return { x: r.left, y: r.top, width: r.width, height: r.height, cx: r.left + r.width / 2, cy: r.top + r.height / 2 };
  }, sel);
}
/** A mouse drag in `steps` moves; `hold` ms of rest before the button goes up (no flick). */
async function mouseDrag(page, from, to, steps = 12, hold = 0) {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  for (let i = 1; i <= steps; i++) {
    await page.mouse.move(from.x + ((to.x - from.x) * i) / steps, from.y + ((to.y - from.y) * i) / steps);
    await sleep(16);
  }
  if (hold) await sleep(hold);
  await page.mouse.up();
}
/** A one-finger drag through CDP touch events (the page has touch). */
async function touchDrag(page, from, to, steps = 12) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [{ x: from.x, y: from.y }] });
  for (let i = 1; i <= steps; i++) {
    const x = from.x + ((to.x - from.x) * i) / steps;
    const y = from.y + ((to.y - from.y) * i) / steps;
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [{ x, y }] });
    await sleep(16);
  }
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  await cdp.detach();
}
/** No errors in the page but those expected (`allow`, e.g. the 404 of a missing file). */
function noErrors(page, allow) {
  assert.deepEqual(page.errors.filter((e) => !(allow && allow.test(e))), [], 'no errors in the page');
}

// ── base: the registry, setProp, slots, callHost ─────────────────────────────────────

test('every component is registered and built the way the runtime builds it', async () => {
  const page = await open();
  const r = await run(page, () => {
    const tags = Object.keys(window.__wx.components).sort();
    // view and text are light components (plain elements, props through __wx.setProp);
    // every other tag is a custom element.
    const LIGHT = ['text', 'view'];
    const defined = tags.every((t) => (LIGHT.includes(t) ? !customElements.get('wx-' + t) : customElements.get('wx-' + t) === window.__wx.components[t]));
    // Props before the element is connected; coercion per declared type.
    const b = T.el('button', { type: 'primary', disabled: 'false', size: 'mini' }, ['OK']);
    const sl = T.el('slider', { value: '30', max: '50' });
    T.mount(b, sl);
    // Children the runtime puts on the element itself still end up in the slot.
    const sv = T.el('scroll-view', { scrollY: true });
    T.mount(sv);
    const v = T.el('view', {}, ['x']);
    sv.appendChild(v);
    return new Promise((res) =>
      setTimeout(() => res({
        tags,
        defined,
        disabled: b.props.disabled,
        attrs: [b.getAttribute('type'), b.getAttribute('size'), b.hasAttribute('disabled')],
        slider: [sl.props.value, sl.props.max],
        inSlot: v.parentNode === sv.__slot,
        internalsKept: sv.firstChild.className,
      }), 0)
    );
  });
  assert.deepEqual(r.tags, [
    'button', 'canvas', 'checkbox', 'checkbox-group', 'cover-image', 'cover-view', 'form', 'icon', 'image', 'input',
    'label', 'movable-area', 'movable-view', 'navigator', 'picker', 'picker-view', 'picker-view-column', 'progress',
    'radio', 'radio-group', 'rich-text', 'scroll-view', 'slider', 'swiper', 'swiper-item', 'switch', 'text', 'textarea',
    'video', 'view', 'web-view',
  ]);
  assert.ok(r.defined);
  assert.equal(r.disabled, true, 'Boolean props are truthiness, as on WeChat ("false" is true)');
  assert.deepEqual(r.attrs, ['primary', 'mini', true]);
  assert.deepEqual(r.slider, [30, 50]);
  assert.ok(r.inSlot);
  assert.equal(r.internalsKept, 'wx-scroll-view');
  const rejected = await run(page, async () => {
    const call = window.__wx.call;
    delete window.__wx.call;
    const b = T.el('button');
    try {
      await b.callHost('getPhoneNumber', {});
    } catch (e) {
      return e;
    } finally {
      window.__wx.call = call;
    }
  });
  assert.deepEqual(rejected, { errMsg: 'getPhoneNumber:fail not supported' });
  noErrors(page);
});

// ── view: hover-class ───────────────────────────────────────────────────────────────

test('view: hover-class after hover-start-time, kept hover-stay-time, stopped from ancestors', async () => {
  const page = await open();
  await run(page, () => {
    const inner = T.el('view', { hoverClass: 'inner-on', hoverStopPropagation: true, hoverStartTime: 50, hoverStayTime: 300 }, ['inner'], { id: 'inner', style: 'height:60px' });
    const outer = T.el('view', { hoverClass: 'outer-on' }, [inner], { id: 'outer', style: 'padding:20px' });
    const plain = T.el('view', { hoverClass: 'p-on', hoverStartTime: 20, hoverStayTime: 100 }, ['plain'], { id: 'plain', style: 'height:60px' });
    const btn = T.el('button', { disabled: true }, ['disabled'], { id: 'dis' });
    T.mount(outer, plain, btn);
  });
  const b = await box(page, '#inner');
  await page.mouse.move(b.cx, b.cy);
  await page.mouse.down();
  assert.equal(await run(page, () => T.q('#inner').classList.contains('inner-on')), false, 'not before hover-start-time');
  await sleep(120);
  assert.deepEqual(await run(page, () => [T.q('#inner').className, T.q('#outer').className]), ['inner-on', ''], 'hover-stop-propagation keeps it off the ancestor');
  await page.mouse.up();
  await sleep(100);
  assert.equal(await run(page, () => T.q('#inner').className), 'inner-on', 'kept during hover-stay-time');
  await sleep(350);
  assert.equal(await run(page, () => T.q('#inner').className), '');
  // Without stop-propagation both get it; a disabled button gets none.
  const p = await box(page, '#plain');
  await page.mouse.move(p.cx, p.cy);
  await page.mouse.down();
  await sleep(60);
  assert.equal(await run(page, () => T.q('#plain').className), 'p-on');
  await page.mouse.up();
  const d = await box(page, '#dis');
  await page.mouse.move(d.cx, d.cy);
  await page.mouse.down();
  await sleep(60);
  assert.equal(await run(page, () => T.q('#dis').classList.contains('button-hover')), false);
  await page.mouse.up();
  // A move cancels the press state (a scroll is not a press).
  await page.mouse.move(p.cx, p.cy);
  await sleep(200);
  await page.mouse.down();
  await sleep(40);
  await page.mouse.move(p.cx, p.cy + 40, { steps: 4 });
  assert.equal(await run(page, () => T.q('#plain').className), '');
  await page.mouse.up();
  noErrors(page);
});

// ── text ────────────────────────────────────────────────────────────────────────────

test('text: decode, space, and text the runtime changes later', async () => {
  const page = await open();
  const r = await run(page, () => {
    const a = T.el('text', { decode: true }, ['a&nbsp;b &lt;c&gt; &amp;lt; &apos;q&apos; &ensp;&emsp;.']);
    const b = T.el('text', { space: 'nbsp' }, ['x  y']);
    const c = T.el('text', {}, ['&lt;raw&gt;']);
    T.mount(a, b, c);
    return new Promise((res) => setTimeout(() => {
      const out = [a.textContent, b.textContent, c.textContent];
      a.firstChild.data = '1&gt;0'; // op [4]: the runtime sets the text again
      setTimeout(() => {
        out.push(a.textContent);
        window.__wx.setProp(a, 'decode', false);
        out.push(a.textContent);
        res(out);
      }, 0);
    }, 0));
  });
  assert.deepEqual(r, ["a\u00a0b <c> &lt; 'q' \u2002\u2003.", 'x\u00a0\u00a0y', '&lt;raw&gt;', '1>0', '1&gt;0']);
  noErrors(page);
});

// ── image ───────────────────────────────────────────────────────────────────────────

test('image: the 13 modes, widthFix / heightFix sizes, load and error details', async () => {
  const page = await open();
  const modes = ['scaleToFill', 'aspectFit', 'aspectFill', 'widthFix', 'heightFix', 'top', 'bottom', 'center', 'left', 'right', 'top left', 'top right', 'bottom left', 'bottom right'];
  await run(page, (ms) => {
    for (const m of ms) T.mount(T.el('image', { src: '/__fixture/img/200x100.svg', mode: m }, [], { 'data-mode': m, style: m === 'heightFix' ? 'height:50px' : 'width:160px' }));
    T.mount(T.el('image', { src: '/__fixture/missing.png' }, [], { id: 'bad' }));
  }, modes);
  await waitEvent(page, 'load', modes.length);
  await waitEvent(page, 'error');
  await sleep(50);
  const r = await run(page, () =>
    Array.from(T.root.querySelectorAll('wx-image[data-mode]')).map((el) => {
      const cs = getComputedStyle(el.firstChild);
      const r = el.getBoundingClientRect();
      return [el.dataset.mode, cs.backgroundSize, cs.backgroundPosition, Math.round(r.width), Math.round(r.height)];
    })
  );
  const got = Object.fromEntries(r.map((x) => [x[0], x.slice(1)]));
  assert.deepEqual(got.scaleToFill, ['100% 100%', '0% 0%', 160, 240]);
  assert.deepEqual(got.aspectFit.slice(0, 2), ['contain', '50% 50%']);
  assert.deepEqual(got.aspectFill.slice(0, 2), ['cover', '50% 50%']);
  assert.deepEqual(got.widthFix.slice(2), [160, 80], 'widthFix: height from the width and the 2:1 picture');
  assert.deepEqual(got.heightFix.slice(2), [100, 50], 'heightFix: width from the height');
  assert.deepEqual(got.top.slice(0, 2), ['auto', '50% 0%']);
  assert.deepEqual(got.bottom.slice(0, 2), ['auto', '50% 100%']);
  assert.deepEqual(got.center.slice(0, 2), ['auto', '50% 50%']);
  assert.deepEqual(got.left.slice(0, 2), ['auto', '0% 50%']);
  assert.deepEqual(got.right.slice(0, 2), ['auto', '100% 50%']);
  assert.deepEqual(got['top left'].slice(0, 2), ['auto', '0% 0%']);
  assert.deepEqual(got['top right'].slice(0, 2), ['auto', '100% 0%']);
  assert.deepEqual(got['bottom left'].slice(0, 2), ['auto', '0% 100%']);
  assert.deepEqual(got['bottom right'].slice(0, 2), ['auto', '100% 100%']);
  const loads = await events(page, 'load');
  assert.deepEqual(loads[0].detail, { width: 200, height: 100 });
  const err = (await events(page, 'error'))[0];
  assert.equal(err.id, 'bad');
  assert.match(err.detail.errMsg, /missing\.png/);
  // Default size 320×240.
  const def = await run(page, () => {
    const el = T.mount(T.el('image', {}));
    const r = el.getBoundingClientRect();
    return [r.width, r.height];
  });
  assert.deepEqual(def, [320, 240]);
  noErrors(page, /404 \(Not Found\)/);
});

test('image: lazy-load waits until the image nears the screen', async () => {
  const page = await open();
  await run(page, () => {
    T.mount(T.el('view', {}, [], { style: 'height:5000px' }));
    T.mount(T.el('image', { src: '/__fixture/img/20x20.svg', lazyLoad: true }, [], { id: 'lazy' }));
  });
  await sleep(300);
  assert.equal((await events(page, 'load')).length, 0, 'far below: not loaded');
  await run(page, () => T.q('#lazy').scrollIntoView());
  const loads = await waitEvent(page, 'load');
  assert.deepEqual(loads[0].detail, { width: 20, height: 20 });
  noErrors(page);
});

// ── button ──────────────────────────────────────────────────────────────────────────

test('button: open-types ask the host and emit WeChat events; share; keyboard; disabled', async () => {
  const page = await open();
  await run(page, () => {
    T.host.getPhoneNumber = { code: 'code-123' };
    T.host.enterContact = { path: '/pages/a', query: { x: '1' } };
    T.host.chooseAvatar = { avatarUrl: 'blob:avatar' };
    T.mount(
      T.el('button', { openType: 'getPhoneNumber', type: 'primary' }, ['phone'], { id: 'phone' }),
      T.el('button', { openType: 'share' }, ['share'], { id: 'share' }),
      T.el('button', { openType: 'contact', sessionFrom: 'web' }, ['contact'], { id: 'contact' }),
      T.el('button', { openType: 'chooseAvatar' }, ['avatar'], { id: 'avatar' }),
      T.el('button', { openType: 'getPhoneNumber', disabled: true }, ['off'], { id: 'off' }),
      T.el('button', { openType: 'openSetting' }, ['setting'], { id: 'setting' })
    );
  });
  await page.click('#phone');
  let ev = await waitEvent(page, 'getphonenumber');
  assert.deepEqual(ev[0].detail, { errMsg: 'getPhoneNumber:ok', code: 'code-123' });
  // The user says no.
  await run(page, () => (T.host.getPhoneNumber = { fail: 'getPhoneNumber:fail user deny' }));
  await page.click('#phone');
  ev = await waitEvent(page, 'getphonenumber', 2);
  assert.deepEqual(ev[1].detail, { errMsg: 'getPhoneNumber:fail user deny' });
  await page.click('#share');
  assert.equal((await waitEvent(page, '$share'))[0].id, 'share');
  await page.click('#contact');
  ev = await waitEvent(page, 'contact');
  assert.deepEqual(ev[0].detail, { errMsg: 'enterContact:ok', path: '/pages/a', query: { x: '1' } });
  await page.click('#avatar');
  assert.deepEqual((await waitEvent(page, 'chooseavatar'))[0].detail, { avatarUrl: 'blob:avatar' });
  await page.click('#off', { force: true });
  // Not supported by the host: the event carries the error.
  await page.click('#setting');
  assert.deepEqual((await waitEvent(page, 'opensetting'))[0].detail, { errMsg: 'openSetting:fail not supported' });
  // Keyboard: Tab to a button, Enter activates it.
  await run(page, () => T.q('#share').focus());
  await page.keyboard.press('Enter');
  await waitEvent(page, '$share', 2);
  const c = await calls(page);
  assert.deepEqual(c.map((x) => x.name), ['getPhoneNumber', 'getPhoneNumber', 'enterContact', 'chooseAvatar', 'openSetting']);
  assert.equal(c[2].args.sessionFrom, 'web');
  const roles = await run(page, () => [T.q('#phone').getAttribute('role'), T.q('#phone').tabIndex, T.q('#off').getAttribute('aria-disabled')]);
  assert.deepEqual(roles, ['button', 0, 'true']);
  noErrors(page);
});

// ── input, textarea ─────────────────────────────────────────────────────────────────

test('input: input/focus/blur/confirm details, maxlength, number type, placeholder', async () => {
  const page = await open();
  await run(page, () => {
    T.mount(
      T.el('input', { placeholder: '请输入', maxlength: 5, placeholderClass: 'ph' }, [], { id: 'a' }),
      T.el('input', { type: 'number' }, [], { id: 'n' }),
      T.el('input', { password: true, value: 'secret' }, [], { id: 'p' }),
      T.el('input', { maxlength: -1, confirmHold: true }, [], { id: 'u' })
    );
  });
  assert.deepEqual(await run(page, () => {
    const ph = T.q('#a .input-placeholder');
    return [ph.textContent, ph.className, getComputedStyle(ph).display];
  }), ['请输入', 'input-placeholder ph', 'block']);
  await page.click('#a');
  assert.deepEqual((await waitEvent(page, 'focus'))[0].detail, { value: '', height: 0 });
  await page.keyboard.type('abcdefg');
  const inputs = await events(page, 'input');
  assert.equal(inputs.length, 5, 'maxlength 5: two keys do nothing');
  assert.deepEqual(inputs[4].detail, { value: 'abcde', cursor: 5, keyCode: 69 });
  assert.equal(await run(page, () => getComputedStyle(T.q('#a .input-placeholder')).display), 'none');
  await page.keyboard.press('Enter');
  assert.deepEqual((await waitEvent(page, 'confirm'))[0].detail, { value: 'abcde' });
  const blur = await waitEvent(page, 'blur');
  assert.equal(blur[0].detail.value, 'abcde', 'confirm without confirm-hold blurs');
  await page.click('#n');
  await page.keyboard.type('1a2.3');
  assert.equal(await run(page, () => T.q('#n')._field.value), '123');
  assert.equal(await run(page, () => T.q('#p')._field.type), 'password');
  await page.click('#u');
  await page.keyboard.type('x'.repeat(200));
  assert.equal(await run(page, () => T.q('#u')._field.value.length), 200, 'maxlength -1: no limit');
  await page.keyboard.press('Enter');
  assert.equal(await run(page, () => T.q('#u')._focused), true, 'confirm-hold keeps focus');
  // The runtime drives the value (setData).
  await run(page, () => T.q('#a').setProp('value', 'hello world'));
  assert.equal(await run(page, () => T.q('#a')._field.value), 'hello', 'a set value is cut to maxlength too');
  noErrors(page);
});

test('input: a value the input handler returns replaces the text without moving the caret', async () => {
  const page = await open();
  await run(page, () => {
    const el = T.el('input', {}, [], { id: 'a' });
    T.mount(el);
    // Like the worker: each input event answers with the upper-cased value (the handler's return).
    const emit = window.__wx.emit;
    window.__wx.emit = (e, type, detail) => {
      emit(e, type, detail);
      if (type === 'input') Promise.resolve().then(() => e.setProp('value', detail.value.toUpperCase()));
    };
  });
  await page.click('#a');
  await page.keyboard.type('abc');
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.type('x');
  await sleep(20);
  const r = await run(page, () => {
    const f = T.q('#a')._field;
    return [f.value, f.selectionStart];
  });
  assert.deepEqual(r, ['ABXC', 3], 'the caret stays after the typed character');
  noErrors(page);
});

test('textarea: auto-height grows with lines and emits linechange; Enter is a newline', async () => {
  const page = await open();
  await run(page, () => T.mount(T.el('textarea', { autoHeight: true, placeholder: '多行' }, [], { id: 't', style: 'width:200px; line-height:20px; font-size:16px' })));
  const h0 = (await box(page, '#t')).height;
  await page.click('#t');
  await page.keyboard.type('one');
  await page.keyboard.press('Enter');
  await page.keyboard.type('two');
  await page.keyboard.press('Enter');
  await page.keyboard.type('three');
  const lc = await waitEvent(page, 'linechange', 2);
  assert.deepEqual(lc[lc.length - 1].detail, { height: 60, heightRpx: 120, lineCount: 3 });
  const h1 = (await box(page, '#t')).height;
  assert.equal(h0, 20);
  assert.equal(h1, 60);
  assert.equal(await run(page, () => T.q('#t')._field.value), 'one\ntwo\nthree');
  assert.equal((await events(page, 'confirm')).length, 0);
  noErrors(page);
});

// ── checkbox, radio, label, switch ──────────────────────────────────────────────────

test('checkbox-group, radio-group, label and switch', async () => {
  const page = await open();
  await run(page, () => {
    const cbs = ['a', 'b', 'c'].map((v) => T.el('label', {}, [T.el('checkbox', { value: v, checked: v === 'b', disabled: v === 'c' }, [], { id: 'cb-' + v }), 'item ' + v], { id: 'lb-' + v }));
    T.mount(T.el('checkbox-group', { name: 'cbs' }, cbs, { id: 'cg' }));
    const radios = ['x', 'y'].map((v) => T.el('radio', { value: v }, ['radio ' + v], { id: 'r-' + v }));
    T.mount(T.el('radio-group', { name: 'rg' }, radios, { id: 'rgrp' }));
    T.mount(T.el('label', { for: 'sw' }, ['switch label'], { id: 'lsw' }));
    T.mount(T.el('switch', { checked: false }, [], { id: 'sw' }));
    T.mount(T.el('switch', { type: 'checkbox', color: '#ff0000' }, [], { id: 'swc' }));
  });
  await page.click('#cb-a');
  let ch = await waitEvent(page, 'change');
  assert.deepEqual(ch[0].detail, { value: ['a', 'b'] });
  assert.equal(ch[0].id, 'cg');
  // The label's text toggles its checkbox.
  const lb = await box(page, '#lb-b');
  await page.mouse.click(lb.x + lb.width - 10, lb.cy);
  ch = await waitEvent(page, 'change', 2);
  assert.deepEqual(ch[1].detail, { value: ['a'] });
  await page.click('#cb-c', { force: true }); // disabled: nothing
  await page.click('#r-y');
  await page.click('#r-y'); // already checked: nothing
  await page.click('#r-x');
  ch = await waitEvent(page, 'change', 4);
  assert.deepEqual(ch.slice(2).map((e) => [e.id, e.detail]), [['rgrp', { value: 'y' }], ['rgrp', { value: 'x' }]]);
  assert.equal(await run(page, () => T.q('#r-y').props.checked), false);
  await page.click('#lsw'); // label for="sw"
  await page.click('#sw');
  await page.click('#swc');
  ch = await waitEvent(page, 'change', 7);
  assert.deepEqual(ch.slice(4).map((e) => [e.id, e.detail]), [['sw', { value: true }], ['sw', { value: false }], ['swc', { value: true }]]);
  // The runtime sets checked again (setData): it shows it.
  await run(page, () => T.q('#sw').setProp('checked', true));
  const cls = await run(page, () => [T.q('#sw .wx-switch-input').className, T.q('#swc .wx-checkbox-input').style.color, T.q('#cb-a .wx-checkbox-input').className]);
  assert.deepEqual(cls, ['wx-switch-input wx-switch-input-checked', 'rgb(255, 0, 0)', 'wx-checkbox-input wx-checkbox-input-checked']);
  // Keyboard: Space toggles a focused switch.
  await run(page, () => T.q('#sw').focus());
  await page.keyboard.press(' ');
  ch = await waitEvent(page, 'change', 8);
  assert.deepEqual(ch[7].detail, { value: false });
  const changed = await run(page, () => T.changed.filter((c) => c.name === 'checked').length);
  assert.ok(changed >= 6, 'each user change is reported with propChanged');
  noErrors(page);
});

// ── slider ──────────────────────────────────────────────────────────────────────────

test('slider: a drag emits changing then change, on the step grid', async () => {
  const page = await open();
  await run(page, () => T.mount(T.el('slider', { min: 0, max: 100, step: 5, value: 20, showValue: true }, [], { id: 's' })));
  const track = await box(page, '#s .wx-slider-handle-wrapper');
  const from = { x: track.x + track.width * 0.2, y: track.cy };
  const to = { x: track.x + track.width * 0.63, y: track.cy };
  await mouseDrag(page, from, to);
  const changing = await events(page, 'changing');
  const change = await waitEvent(page, 'change');
  assert.ok(changing.length >= 3, 'changing while moving');
  for (const e of changing.concat(change)) assert.equal(e.detail.value % 5, 0, 'on the step grid');
  assert.deepEqual(change[0].detail, { value: 65 });
  assert.equal(await run(page, () => T.q('#s .wx-slider-value').textContent), '65');
  // A tap on the track jumps there.
  await page.mouse.click(track.x + track.width * 0.9, track.cy);
  assert.deepEqual((await waitEvent(page, 'change', 2))[1].detail, { value: 90 });
  // Touch too.
  await touchDrag(page, { x: track.x + track.width * 0.9, y: track.cy }, { x: track.x + track.width * 0.1, y: track.cy });
  assert.deepEqual((await waitEvent(page, 'change', 3))[2].detail, { value: 10 });
  // Arrow keys step it.
  await run(page, () => T.q('#s').focus());
  await page.keyboard.press('ArrowRight');
  assert.deepEqual((await waitEvent(page, 'change', 4))[3].detail, { value: 15 });
  noErrors(page);
});

// ── picker ──────────────────────────────────────────────────────────────────────────

async function openPicker(page, sel) {
  await page.click(sel);
  await page.waitForFunction(() => {
    const s = T.pop('.wx-picker-popup-show .wx-picker-popup-sheet');
    return s && s.getBoundingClientRect().bottom <= window.innerHeight + 1 && getComputedStyle(s).transform === 'matrix(1, 0, 0, 1, 0, 0)';
  });
}
/** Clicks the item labelled `label` in column `col` of the open sheet and waits for it to settle. */
async function pickItem(page, col, label) {
  await page.evaluate(([c, l]) => {
    const column = T.pops('.wx-picker-popup-column')[c];
    const item = Array.from(column.querySelectorAll('.wx-picker-item')).find((i) => i.textContent === l);
    item.scrollIntoView({ block: 'nearest' });
  }, [col, label]);
  // scrollIntoView moves the column: let it settle, then tap the item itself.
  await sleep(400);
  const r = await page.evaluate(([c, l]) => {
    const column = T.pops('.wx-picker-popup-column')[c];
    const item = Array.from(column.querySelectorAll('.wx-picker-item')).find((i) => i.textContent === l);
    const b = item.getBoundingClientRect();
    return { x: b.left + b.width / 2, y: b.top + b.height / 2 };
  }, [col, label]);
  await page.mouse.click(r.x, r.y);
  await page.waitForFunction(([c, l]) => {
    const column = T.pops('.wx-picker-popup-column')[c];
    const w = column.querySelector('.wx-picker');
    const items = column.querySelectorAll('.wx-picker-item');
    const i = Math.round(w.scrollTop / items[0].offsetHeight);
    return items[i] && items[i].textContent === l && Math.abs(w.scrollTop - i * items[0].offsetHeight) < 1;
  }, [col, label]);
  await sleep(250);
}

test('picker: date selection emits change with "2024-05-01"', async () => {
  const page = await open();
  await run(page, () => T.mount(T.el('picker', { mode: 'date', value: '2024-04-15', start: '2020-01-01', end: '2030-12-31' }, [T.el('view', {}, ['pick a date'])], { id: 'd' })));
  await openPicker(page, '#d');
  const labels = await run(page, () => Array.from(T.pops('.wx-picker-popup-column')).map((c) => c.querySelectorAll('.wx-picker-item').length));
  assert.deepEqual(labels, [11, 12, 30], 'years 2020–2030, 12 months, 30 days of April');
  await pickItem(page, 1, '05月');
  assert.equal(await run(page, () => T.pops('.wx-picker-popup-column')[2].querySelectorAll('.wx-picker-item').length), 31, 'May has 31 days');
  await pickItem(page, 2, '01日');
  await page.click('.wx-picker-popup-confirm');
  const ch = await waitEvent(page, 'change');
  assert.deepEqual(ch[0].detail, { value: '2024-05-01' });
  await page.waitForFunction(() => !T.pop('.wx-picker-popup'));
  noErrors(page);
});

test('picker: selector, time, multiSelector with columnchange, region, cancel', async () => {
  const page = await open();
  await run(page, () => {
    T.mount(
      T.el('picker', { range: [{ n: '美国' }, { n: '中国' }, { n: '巴西' }], rangeKey: 'n', value: 0, headerText: '国家' }, ['country'], { id: 'sel' }),
      T.el('picker', { mode: 'time', value: '09:30', start: '09:00', end: '18:45' }, ['time'], { id: 'time' }),
      T.el('picker', { mode: 'multiSelector', range: [['无脊柱', '脊柱'], ['扁性', '线形']], value: [0, 0] }, ['multi'], { id: 'multi' }),
      T.el('picker', { mode: 'region', value: ['广东省', '广州市', '海珠区'], customItem: '全部' }, ['region'], { id: 'region' })
    );
  });
  await openPicker(page, '#sel');
  assert.equal(await run(page, () => T.pop('.wx-picker-popup-title').textContent), '国家');
  await pickItem(page, 0, '巴西');
  await page.click('.wx-picker-popup-confirm');
  assert.deepEqual((await waitEvent(page, 'change'))[0].detail, { value: 2 });
  await page.waitForFunction(() => !T.pop('.wx-picker-popup'));

  await openPicker(page, '#time');
  assert.equal(await run(page, () => T.pops('.wx-picker-popup-column')[0].querySelectorAll('.wx-picker-item').length), 10, '09–18');
  await pickItem(page, 0, '18');
  assert.equal(await run(page, () => T.pops('.wx-picker-popup-column')[1].querySelectorAll('.wx-picker-item').length), 46, '18:00–18:45');
  await pickItem(page, 1, '45');
  await page.click('.wx-picker-popup-confirm');
  assert.deepEqual((await waitEvent(page, 'change', 2))[1].detail, { value: '18:45' });
  await page.waitForFunction(() => !T.pop('.wx-picker-popup'));

  await openPicker(page, '#multi');
  await pickItem(page, 0, '脊柱');
  const cc = await waitEvent(page, 'columnchange');
  assert.deepEqual(cc[0].detail, { column: 0, value: 1 });
  // The page answers columnchange with a new second column while the sheet is open.
  await run(page, () => {
    const m = T.q('#multi');
    m.setProp('range', [['无脊柱', '脊柱'], ['鱼', '两栖', '爬行']]);
    m.setProp('value', [1, 0]);
  });
  assert.deepEqual(await run(page, () => Array.from(T.pops('.wx-picker-popup-column')[1].querySelectorAll('.wx-picker-item')).map((i) => i.textContent)), ['鱼', '两栖', '爬行']);
  await pickItem(page, 1, '爬行');
  await page.click('.wx-picker-popup-confirm');
  assert.deepEqual((await waitEvent(page, 'change', 3))[2].detail, { value: [1, 2] });
  await page.waitForFunction(() => !T.pop('.wx-picker-popup'));

  await openPicker(page, '#region');
  const shown = await run(page, () => Array.from(T.pops('.wx-picker-popup-column')).map((c) => {
    const w = c.querySelector('.wx-picker');
    const items = c.querySelectorAll('.wx-picker-item');
    return items[Math.round(w.scrollTop / items[0].offsetHeight)].textContent;
  }));
  assert.deepEqual(shown, ['广东省', '广州市', '海珠区'], 'opens on the value');
  await pickItem(page, 2, '天河区');
  await page.click('.wx-picker-popup-confirm');
  assert.deepEqual((await waitEvent(page, 'change', 4))[3].detail, { value: ['广东省', '广州市', '天河区'], code: ['440000', '440100', '440106'], postcode: '' });
  await page.waitForFunction(() => !T.pop('.wx-picker-popup'));

  // Dismissed by the mask: cancel, no change.
  await openPicker(page, '#sel');
  await page.mouse.click(180, 40);
  await waitEvent(page, 'cancel');
  assert.equal((await events(page, 'change')).length, 4);
  noErrors(page);
});

// ── picker-view ─────────────────────────────────────────────────────────────────────

test('picker-view: dragging a column emits pickstart, change {value}, pickend', async () => {
  const page = await open();
  await run(page, () => {
    const col = (prefix, n) => T.el('picker-view-column', {}, Array.from({ length: n }, (_, i) => T.el('view', {}, [prefix + i], { style: 'line-height:50px;text-align:center' })));
    T.mount(T.el('picker-view', { value: [1, 2], indicatorStyle: 'height: 50px;' }, [col('Y', 10), col('M', 12)], { id: 'pv', style: 'width:100%;height:250px' }));
  });
  await sleep(100);
  const pos = await run(page, () => Array.from(T.root.querySelectorAll('wx-picker-view-column .wx-picker')).map((w) => w.scrollTop));
  assert.deepEqual(pos, [50, 100], 'value [1, 2] with 50px items');
  const col = await box(page, 'wx-picker-view-column');
  await mouseDrag(page, { x: col.cx, y: col.cy }, { x: col.cx, y: col.cy - 110 }, 10, 150);
  const ch = await waitEvent(page, 'change');
  await waitEvent(page, 'pickend');
  assert.deepEqual(ch[0].detail, { value: [3, 2] });
  assert.equal((await events(page, 'pickstart')).length, 1);
  // The runtime sets value: the columns move, no events.
  await run(page, () => T.q('#pv').setProp('value', [0, 11]));
  await sleep(300);
  assert.deepEqual(await run(page, () => Array.from(T.root.querySelectorAll('wx-picker-view-column .wx-picker')).map((w) => w.scrollTop)), [0, 550]);
  assert.equal((await events(page, 'change')).length, 1);
  // Touch scrolling (native) settles on an item too.
  const col2 = await box(page, 'wx-picker-view-column:nth-child(2)');
  await touchDrag(page, { x: col2.cx, y: col2.cy - 60 }, { x: col2.cx, y: col2.cy + 60 }, 8);
  const ch2 = await waitEvent(page, 'change', 2);
  assert.equal(ch2[1].detail.value[0], 0);
  assert.ok(ch2[1].detail.value[1] < 11 && ch2[1].detail.value[1] >= 7, 'moved up by about two items');
  noErrors(page);
});

// ── form ────────────────────────────────────────────────────────────────────────────

test('form: submit collects every named field (a custom form field too), reset clears them', async () => {
  const page = await open();
  await run(page, () => {
    const custom = T.el('view', {}, ['custom field'], { id: 'custom' });
    custom.__formField = { name: 'rating', value: 4 };
    const form = T.el('form', { reportSubmit: false }, [
      T.el('input', { name: 'user', value: 'ann' }, [], { id: 'user' }),
      T.el('textarea', { name: 'bio', value: 'hi' }),
      T.el('switch', { name: 'agree', checked: true }),
      T.el('slider', { name: 'age', value: 30 }),
      T.el('checkbox-group', { name: 'tags' }, [T.el('checkbox', { value: 'a', checked: true }), T.el('checkbox', { value: 'b' }), T.el('checkbox', { value: 'c', checked: true })]),
      T.el('radio-group', { name: 'size' }, [T.el('radio', { value: 's' }), T.el('radio', { value: 'l', checked: true })]),
      T.el('picker', { name: 'idx', range: ['x', 'y'], value: 1 }, ['picker']),
      T.el('input', { value: 'unnamed' }),
      custom,
      T.el('button', { formType: 'submit' }, ['提交'], { id: 'submit' }),
      T.el('button', { formType: 'reset' }, ['重置'], { id: 'reset' }),
    ], { id: 'f' });
    T.mount(form);
  });
  await page.click('#user');
  await page.keyboard.type('e');
  await page.click('#submit');
  const sub = await waitEvent(page, 'submit');
  assert.equal(sub[0].id, 'f');
  assert.deepEqual(sub[0].detail, { value: { user: 'anne', bio: 'hi', agree: true, age: 30, tags: ['a', 'c'], size: 'l', idx: 1, rating: 4 } });
  await page.click('#reset');
  await waitEvent(page, 'reset');
  await page.click('#submit');
  const sub2 = await waitEvent(page, 'submit', 2);
  assert.deepEqual(sub2[1].detail.value, { user: '', bio: '', agree: false, age: 0, tags: [], size: '', idx: 0, rating: 4 });
  // report-submit: a formId from the host.
  await run(page, () => {
    T.host.createFormId = { formId: 'fid-1' };
    T.q('#f').setProp('reportSubmit', true);
  });
  await page.click('#submit');
  const sub3 = await waitEvent(page, 'submit', 3);
  assert.equal(sub3[2].detail.formId, 'fid-1');
  noErrors(page);
});

// ── navigator ───────────────────────────────────────────────────────────────────────

test('navigator: asks the host to navigate per open-type, with navigator-hover', async () => {
  const page = await open();
  await run(page, () => {
    T.host.navigateTo = {};
    T.host.redirectTo = {};
    T.host.navigateBack = {};
    T.host.navigateToMiniProgram = { fail: 'navigateToMiniProgram:fail cancel' };
    T.mount(
      T.el('navigator', { url: '../logs/logs?x=1' }, ['go'], { id: 'n1' }),
      T.el('navigator', { url: '/pages/b', openType: 'redirect' }, ['redirect'], { id: 'n2' }),
      T.el('navigator', { openType: 'navigateBack', delta: 2 }, ['back'], { id: 'n3' }),
      T.el('navigator', { target: 'miniProgram', appId: 'wx0123456789abcdef', path: 'pages/x' }, ['other'], { id: 'n4' })
    );
  });
  const b = await box(page, '#n1');
  await page.mouse.move(b.cx, b.cy);
  await page.mouse.down();
  await sleep(80);
  assert.equal(await run(page, () => T.q('#n1').className), 'navigator-hover');
  await page.mouse.up();
  await page.click('#n2');
  await page.click('#n3');
  await page.click('#n4');
  await waitEvent(page, 'complete');
  const c = await calls(page);
  assert.deepEqual(c.map((x) => [x.name, x.args]), [
    ['navigateTo', { url: '../logs/logs?x=1' }],
    ['redirectTo', { url: '/pages/b' }],
    ['navigateBack', { delta: 2 }],
    ['navigateToMiniProgram', { appId: 'wx0123456789abcdef', path: 'pages/x', envVersion: 'release', shortLink: '' }],
  ]);
  assert.deepEqual((await events(page, 'fail'))[0].detail, { errMsg: 'navigateToMiniProgram:fail cancel' });
  noErrors(page);
});

// ── scroll-view ─────────────────────────────────────────────────────────────────────

test('scroll-view: scroll details, scrolltolower / scrolltoupper, scroll-top, scroll-into-view', async () => {
  const page = await open();
  await run(page, () => {
    const items = Array.from({ length: 30 }, (_, i) => T.el('view', {}, ['row ' + i], { id: 'row' + i, style: 'height:50px' }));
    T.mount(T.el('scroll-view', { scrollY: true, lowerThreshold: 60 }, items, { id: 'sv', style: 'height:300px' }));
  });
  const sv = await box(page, '#sv');
  await page.mouse.move(sv.cx, sv.cy);
  await page.mouse.wheel(0, 400);
  const sc = await waitEvent(page, 'scroll');
  const last = sc[sc.length - 1].detail;
  assert.equal(last.scrollHeight, 1500);
  assert.equal(last.scrollLeft, 0);
  assert.ok(last.deltaY < 0, 'scrolling down: deltaY is negative, as on WeChat');
  await page.mouse.wheel(0, 2000);
  const low = await waitEvent(page, 'scrolltolower');
  assert.deepEqual(low[0].detail, { direction: 'bottom' });
  await page.mouse.wheel(0, -3000);
  const up = await waitEvent(page, 'scrolltoupper');
  assert.deepEqual(up[0].detail, { direction: 'top' });
  // The runtime sets scroll-top, then scroll-into-view.
  await run(page, () => T.q('#sv').setProp('scrollTop', 250));
  await page.waitForFunction(() => T.q('#sv .wx-scroll-view').scrollTop === 250);
  await run(page, () => T.q('#sv').setProp('scrollIntoView', 'row20'));
  await page.waitForFunction(() => T.q('#sv .wx-scroll-view').scrollTop === 1000);
  // More rows arrive (infinite list): the bottom fires again.
  await run(page, () => {
    const sv = T.q('#sv');
    for (let i = 30; i < 40; i++) sv.__slot.appendChild(T.el('view', {}, ['row ' + i], { style: 'height:50px' }));
  });
  const n = (await events(page, 'scrolltolower')).length;
  await page.mouse.wheel(0, 3000);
  await waitEvent(page, 'scrolltolower', n + 1);
  noErrors(page);
});

test('scroll-view: pull to refresh (refresherpulling, refresherrefresh, restore, abort) and horizontal', async () => {
  const page = await open();
  await run(page, () => {
    const items = Array.from({ length: 10 }, (_, i) => T.el('view', {}, ['row ' + i], { style: 'height:50px' }));
    T.mount(T.el('scroll-view', { scrollY: true, refresherEnabled: true, refresherThreshold: 50 }, items, { id: 'sv', style: 'height:300px' }));
    const cells = Array.from({ length: 10 }, (_, i) => T.el('view', {}, ['c' + i], { id: 'c' + i, style: 'display:inline-block;width:100px;height:40px' }));
    T.mount(T.el('scroll-view', { scrollX: true, scrollIntoView: 'c6', scrollWithAnimation: false }, cells, { id: 'hx', style: 'white-space:nowrap' }));
  });
  const sv = await box(page, '#sv');
  await touchDrag(page, { x: sv.cx, y: sv.y + 20 }, { x: sv.cx, y: sv.y + 180 }, 10);
  const pulling = await events(page, 'refresherpulling');
  assert.ok(pulling.length >= 5);
  assert.ok(pulling[pulling.length - 1].detail.dy >= 50, 'pulled past the threshold');
  await waitEvent(page, 'refresherrefresh');
  assert.equal(await run(page, () => T.q('#sv .wx-scroll-view-refresher').classList.contains('wx-scroll-view-refreshing')), true);
  // The page ends the refresh by setting refresher-triggered false.
  await run(page, () => T.q('#sv').setProp('refresherTriggered', false));
  await waitEvent(page, 'refresherrestore');
  // A short pull is aborted.
  await touchDrag(page, { x: sv.cx, y: sv.y + 20 }, { x: sv.cx, y: sv.y + 50 }, 5);
  await waitEvent(page, 'refresherabort');
  assert.equal((await events(page, 'refresherrefresh')).length, 1);
  // scroll-x with scroll-into-view on the first layout.
  await page.waitForFunction(() => T.q('#hx .wx-scroll-view').scrollLeft > 0);
  const left = await run(page, () => T.q('#hx .wx-scroll-view').scrollLeft);
  assert.equal(left, 600 - 0, 'c6 at the left edge (or as far as it goes)');
  noErrors(page);
});

// ── swiper ──────────────────────────────────────────────────────────────────────────

test('swiper: autoplay changes with source "autoplay", then animationfinish', async () => {
  const page = await open();
  await run(page, () => {
    T.mount(T.el('swiper', { autoplay: true, interval: 300, duration: 200, indicatorDots: true, circular: true }, T.slides(3), { id: 'sw' }));
  });
  const ch = await waitEvent(page, 'change', 3, 4000);
  assert.deepEqual(ch.slice(0, 3).map((e) => e.detail), [
    { current: 1, currentItemId: 'it1', source: 'autoplay' },
    { current: 2, currentItemId: 'it2', source: 'autoplay' },
    { current: 0, currentItemId: 'it0', source: 'autoplay' },
  ]);
  const fin = await waitEvent(page, 'animationfinish', 3);
  assert.deepEqual(fin[0].detail, { current: 1, currentItemId: 'it1', source: 'autoplay' });
  assert.ok((await events(page, 'transition')).length > 3, 'transition while the slides move');
  assert.equal(await run(page, () => T.root.querySelectorAll('#sw .wx-swiper-dot').length), 3);
  noErrors(page);
});

test('swiper: a drag changes with source "touch"; current set by the page; vertical; multiple items', async () => {
  const page = await open();
  await run(page, () => {
    T.mount(T.el('swiper', { duration: 150, indicatorDots: true }, T.slides(4), { id: 'sw' }));
    T.mount(T.el('swiper', { duration: 100, vertical: true, current: 2 }, T.slides(4), { id: 'sv' }));
    T.mount(T.el('swiper', { duration: 0, displayMultipleItems: 2, previousMargin: '20px', nextMargin: '20px' }, T.slides(4), { id: 'sm' }));
  });
  const sw = await box(page, '#sw');
  await mouseDrag(page, { x: sw.x + sw.width * 0.8, y: sw.cy }, { x: sw.x + sw.width * 0.2, y: sw.cy });
  let ch = await waitEvent(page, 'change');
  assert.deepEqual(ch[0].detail, { current: 1, currentItemId: 'it1', source: 'touch' });
  assert.deepEqual((await waitEvent(page, 'animationfinish'))[0].detail, { current: 1, currentItemId: 'it1', source: 'touch' });
  const dx = (await events(page, 'transition')).map((e) => e.detail.dx);
  assert.ok(dx.some((v) => v > 100), 'transition dx follows the drag');
  // A touch swipe to the right goes back.
  await touchDrag(page, { x: sw.x + sw.width * 0.2, y: sw.cy }, { x: sw.x + sw.width * 0.8, y: sw.cy }, 8);
  ch = await waitEvent(page, 'change', 2);
  assert.deepEqual(ch[1].detail, { current: 0, currentItemId: 'it0', source: 'touch' });
  // Non-circular: no going before the first.
  await mouseDrag(page, { x: sw.x + sw.width * 0.2, y: sw.cy }, { x: sw.x + sw.width * 0.9, y: sw.cy });
  await sleep(300);
  assert.equal((await events(page, 'change')).length, 2);
  // The page sets current: it moves there, change with source "".
  await run(page, () => T.q('#sw').setProp('current', 3));
  ch = await waitEvent(page, 'change', 3);
  assert.deepEqual(ch[2].detail, { current: 3, currentItemId: 'it3', source: '' });
  await sleep(250);
  const dots = await run(page, () => Array.from(T.root.querySelectorAll('#sw .wx-swiper-dot')).map((d) => d.classList.contains('wx-swiper-dot-active')));
  assert.deepEqual(dots, [false, false, false, true]);
  // Vertical swiper opened on current 2 (set before its items existed).
  const vt = await run(page, () => Array.from(T.root.querySelectorAll('#sv wx-swiper-item')).map((i) => i.style.transform));
  assert.match(vt[2], /translate\(0(px)?, 0%\)/);
  const sv = await box(page, '#sv');
  await mouseDrag(page, { x: sv.cx, y: sv.y + sv.height * 0.8 }, { x: sv.cx, y: sv.y + sv.height * 0.1 });
  ch = await waitEvent(page, 'change', 4);
  assert.deepEqual([ch[3].id, ch[3].detail.current], ['sv', 3]);
  // display-multiple-items 2 with margins: two slides in view, 3 positions.
  const sm = await run(page, () => {
    const s = T.q('#sm');
    const items = Array.from(s.querySelectorAll('wx-swiper-item')).map((i) => Math.round(i.getBoundingClientRect().left - s.getBoundingClientRect().left));
    return [items, s.positions(), Math.round(s.querySelector('wx-swiper-item').getBoundingClientRect().width)];
  });
  assert.deepEqual(sm, [[20, 188, 355, 523], 3, 168], 'slides of (375 - 2 × 20) / 2 from the left margin');
  noErrors(page);
});

// ── movable-area / movable-view ─────────────────────────────────────────────────────

test('movable-view: drags within the area, change {x, y, source}, out of bounds springs back', async () => {
  const page = await open();
  await run(page, () => {
    const v = T.el('movable-view', { direction: 'all' }, ['drag'], { id: 'mv', style: 'width:50px;height:50px;background:#07c160' });
    T.mount(T.el('movable-area', {}, [v], { id: 'ma', style: 'width:200px;height:200px;background:#eee' }));
    const h = T.el('movable-view', { direction: 'horizontal', outOfBounds: true, x: 20 }, [], { id: 'mh', style: 'width:50px;height:50px;background:#10aeff' });
    T.mount(T.el('movable-area', {}, [h], { id: 'mb', style: 'width:200px;height:60px;background:#eee' }));
  });
  await sleep(50);
  const mv = await box(page, '#mv');
  await mouseDrag(page, { x: mv.cx, y: mv.cy }, { x: mv.cx + 80, y: mv.cy + 300 });
  const ch = await waitEvent(page, 'change');
  assert.deepEqual(ch[ch.length - 1].detail, { x: 80, y: 150, source: 'touch' }, 'y kept within the area');
  assert.equal((await events(page, 'htouchmove')).length + (await events(page, 'vtouchmove')).length, 1);
  const mh = await box(page, '#mh');
  assert.equal(Math.round(mh.x - (await box(page, '#mb')).x), 20, 'x prop');
  await mouseDrag(page, { x: mh.cx, y: mh.cy }, { x: mh.cx + 300, y: mh.cy + 30 });
  await page.waitForFunction(() => T.of('change').some((e) => e.detail.source === 'out-of-bounds'));
  const all = await events(page, 'change');
  assert.ok(all.some((e) => e.id === 'mh' && e.detail.source === 'touch-out-of-bounds'));
  const back = all.filter((e) => e.detail.source === 'out-of-bounds')[0];
  assert.deepEqual(back.detail, { x: 150, y: 0, source: 'out-of-bounds' });
  // The page sets x: change with source "".
  await run(page, () => T.q('#mv').setProp('x', 10));
  const last = (await waitEvent(page, 'change', all.length + 1)).pop();
  assert.deepEqual(last.detail, { x: 10, y: 150, source: '' });
  noErrors(page);
});

// ── what the runtime does to elements: style rewrites, hidden, disabled, propChanged ─

test('the runtime rewriting style, hidden; disabled controls emit nothing; propChanged', async () => {
  const page = await open();
  await run(page, () => {
    const mv = T.el('movable-view', { direction: 'all', x: 30, y: 40 }, [], { id: 'mv', style: 'width:20px;height:20px' });
    T.mount(T.el('movable-area', {}, [mv], { style: 'width:200px;height:200px' }));
    T.mount(T.el('swiper', { currentItemId: 'it2' }, T.slides(3), { id: 'sw' }));
    T.mount(T.el('button', { size: 'mini' }, ['mini'], { id: 'mini' }), T.el('view', {}, ['v'], { id: 'v', style: 'display:flex' }));
    T.mount(T.el('slider', { disabled: true, value: 10 }, [], { id: 'sl' }), T.el('switch', { disabled: true }, [], { id: 'sw2' }));
    T.mount(T.el('input', { disabled: true, value: 'x' }, [], { id: 'in' }), T.el('input', {}, [], { id: 'in2' }));
  });
  await sleep(100);
  const before = await box(page, '#mv');
  // The whole inline style replaced, as when the runtime applies a WXML style change
  // (it writes the attribute; this page's CSP allows only the CSSOM, same effect).
  await run(page, () => {
    T.q('#mv').style.cssText = 'width:30px;height:30px;background:red';
    T.q('#sw wx-swiper-item').style.cssText = 'background:blue';
    T.q('#mini').setAttribute('hidden', '');
    T.q('#v').setAttribute('hidden', '');
  });
  await sleep(50);
  const after = await box(page, '#mv');
  assert.deepEqual([before.x, before.y, after.x, after.y, after.width], [30, 40, 30, 40, 30], 'still at x 30, y 40');
  const r = await run(page, () => [
    T.q('#sw wx-swiper-item').style.transform,
    T.q('#sw').positions(),
    T.q('#sw')._cur,
    getComputedStyle(T.q('#mini')).display,
    getComputedStyle(T.q('#v')).display,
  ]);
  assert.deepEqual(r, ['translate(-200%, 0px) translateZ(0px)', 3, 2, 'none', 'flex'], 'current-item-id before its items; [hidden] loses to a page\'s display as on WeChat');
  const sl = await box(page, '#sl');
  await mouseDrag(page, { x: sl.x + 30, y: sl.cy }, { x: sl.x + sl.width - 30, y: sl.cy });
  await page.click('#sw2', { force: true });
  await page.click('#in', { force: true });
  await page.click('#in2');
  await page.keyboard.type('hi');
  const ev = await events(page);
  assert.deepEqual(ev.map((e) => e.type + '@' + e.id), ['focus@in2', 'input@in2', 'input@in2']);
  const changed = await run(page, () => T.changed);
  assert.deepEqual(changed.filter((c) => c.name === 'value').map((c) => c.value), ['h', 'hi']);
  noErrors(page);
});

test('scroll-view enable-flex, movable-view scale, picker-view immediate-change, aria-*', async () => {
  const page = await open();
  await run(page, () => {
    const cells = Array.from({ length: 4 }, (_, i) => T.el('view', {}, ['c' + i], { style: 'width:50px;height:30px' }));
    T.mount(T.el('scroll-view', { scrollX: true, enableFlex: true }, cells, { id: 'fx', style: 'display:flex;flex-direction:row-reverse' }));
    const mv = T.el('movable-view', { direction: 'all', scale: true, scaleMax: 2 }, [], { id: 'mv', style: 'width:40px;height:40px;background:#07c160' });
    T.mount(T.el('movable-area', {}, [mv], { style: 'width:200px;height:200px' }));
    const col = (n) => T.el('picker-view-column', {}, Array.from({ length: n }, (_, i) => T.el('view', {}, ['i' + i])));
    T.mount(T.el('picker-view', { immediateChange: true }, [col(20)], { id: 'pv', style: 'height:170px' }));
    T.mount(T.el('view', { ariaRole: 'button', ariaLabel: '关闭' }, ['x'], { id: 'ar' }));
  });
  await sleep(100);
  const fx = await run(page, () => [getComputedStyle(T.q('#fx').__slot).display, getComputedStyle(T.q('#fx').__slot).flexDirection]);
  assert.deepEqual(fx, ['flex', 'row-reverse'], 'enable-flex: the content takes the flex layout');
  const mv = await box(page, '#mv');
  await page.mouse.move(mv.cx, mv.cy);
  await page.keyboard.down('Control');
  await page.mouse.wheel(0, -400);
  await page.keyboard.up('Control');
  const sc = await waitEvent(page, 'scale');
  assert.equal(sc[sc.length - 1].detail.scale, 2, 'pinch (ctrl+wheel) up to scale-max');
  // immediate-change: change as the mouse lets go, before the column comes to rest.
  const pv = await box(page, '#pv');
  await mouseDrag(page, { x: pv.cx, y: pv.cy }, { x: pv.cx, y: pv.cy - 102 }, 6, 120);
  await waitEvent(page, 'change');
  const order = (await events(page)).filter((e) => e.id === 'pv').map((e) => e.type);
  assert.deepEqual(order.slice(0, 2), ['pickstart', 'change'], 'change before pickend');
  assert.deepEqual((await events(page, 'change'))[0].detail, { value: [3] });
  assert.deepEqual(await run(page, () => [T.q('#ar').getAttribute('role'), T.q('#ar').getAttribute('aria-label')]), ['button', '关闭']);
  noErrors(page);
});

// ── icon, progress ──────────────────────────────────────────────────────────────────

test('icon and progress', async () => {
  const page = await open();
  await run(page, () => {
    T.mount(T.el('icon', { type: 'success' }, [], { id: 'i1' }), T.el('icon', { type: 'search', size: 40, color: 'red' }, [], { id: 'i2' }));
    T.mount(T.el('progress', { percent: 40, showInfo: true, strokeWidth: 4, activeColor: '#10aeff' }, [], { id: 'p1', style: 'width:300px' }));
    T.mount(T.el('progress', { percent: 30, active: true, duration: 5 }, [], { id: 'p2' }));
  });
  const r = await run(page, () => {
    const s1 = T.q('#i1 svg').getBoundingClientRect();
    const s2 = T.q('#i2 svg').getBoundingClientRect();
    return [s1.width, s2.width, T.q('#i1 circle').getAttribute('fill'), T.q('#i2 path').getAttribute('stroke'), T.q('#p1 .wx-progress-info').textContent, T.q('#p1 .wx-progress-inner-bar').style.width, T.q('#p1 .wx-progress-bar').style.height];
  });
  assert.deepEqual(r, [23, 40, '#09BB07', 'red', '40%', '40%', '4px']);
  const end = await waitEvent(page, 'activeend');
  assert.deepEqual(end[0].detail, { curPercent: 30 });
  noErrors(page);
});

// ── rich-text ───────────────────────────────────────────────────────────────────────

test('rich-text: keeps allowed tags and attributes, strips scripts, handlers and javascript: URLs', async () => {
  const page = await open();
  const html = await run(page, () => {
    window.__pwned = 0;
    const s = '<div class="a" style="color:red" onclick="__pwned=1" id="x"><b>bold</b><script>__pwned=2</script>' +
      '<img src="javascript:__pwned=3" onerror="__pwned=4" alt="i"><img src="/__fixture/img/10x10.svg" width="10">' +
      '<a href="javascript:__pwned=5">link</a><iframe src="/x"></iframe><svg onload="__pwned=6"></svg>' +
      '<unknown>kept text</unknown><style>*{display:none}</style><span style="background:url(javascript:alert(1))">s</span></div>';
    const el = T.mount(T.el('rich-text', { nodes: s }, [], { id: 'r1' }));
    const el2 = T.mount(T.el('rich-text', {
      space: 'nbsp',
      nodes: [{ name: 'p', attrs: { class: 'p', onclick: 'x()', style: 'font-weight:bold' }, children: [{ type: 'text', text: 'a  &lt;b&gt;' }] },
        { name: 'script', children: [{ type: 'text', text: '__pwned=7' }] },
        { name: 'img', attrs: { src: 'javascript:alert(1)' } }],
    }, [], { id: 'r2' }));
    return [el._box.innerHTML, el2._box.innerHTML];
  });
  await sleep(200);
  assert.equal(await run(page, () => window.__pwned), 0, 'nothing ran');
  assert.equal(html[0], '<div class="a" style="color: red;"><b>bold</b><img alt="i" draggable="false"><img src="/__fixture/img/10x10.svg" width="10" draggable="false" alt=""><a role="link">link</a>kept text<span>s</span></div>');
  assert.equal(html[1], '<p class="p" style="font-weight: bold;">a&nbsp;&nbsp;&lt;b&gt;</p><img draggable="false" alt="">');
  // The tokenizer: implied end tags, unquoted and entity-bearing attributes, comments, raw text.
  const parsed = await run(page, () => {
    const el = T.mount(T.el('rich-text', {
      nodes: '<!-- c --><ul><li>one<li>two</ul><p>para<div class=x>block</div>' +
        '<table><tr><td colspan=2>a<td>b</table><img src="/__fixture/img/10x10.svg?a=1&amp;b=2" alt=\'q"x\'>' +
        '<script>document.write("<b>no</b>")</script>1 &lt; 2 &amp;&amp; x<br/>end</p>',
    }));
    return el._box.innerHTML;
  });
  assert.equal(parsed, '<ul><li>one</li><li>two</li></ul><p>para</p><div class="x">block</div>' +
    '<table><tr><td colspan="2">a</td><td>b</td></tr></table><img alt="q&quot;x" src="/__fixture/img/10x10.svg?a=1&amp;b=2" draggable="false">' +
    '1 &lt; 2 &amp;&amp; x<br>end');
  noErrors(page);
});

// ── web-view, cover-view / cover-image, video, canvas ───────────────────────────────

test('web-view: an iframe only for an allowed domain, an error box otherwise', async () => {
  const page = await open();
  await run(page, (base) => {
    T.host.webViewAllowed = { allowed: true };
    T.mount(T.el('view', { }, [T.el('web-view', { src: base.replace('http://', 'http://') + '/__fixture/web/page.html' }, [], { id: 'ok' })], { style: 'position:relative;height:200px' }));
  }, page.base);
  const load = await waitEvent(page, 'load');
  assert.match(load[0].detail.src, /\/__fixture\/web\/page\.html$/);
  assert.equal(await run(page, () => T.q('#ok iframe').getAttribute('sandbox')), 'allow-scripts allow-forms');
  assert.deepEqual((await calls(page))[0].args, { src: `${page.base}/__fixture/web/page.html` });
  // What the page posts (wx.miniProgram.postMessage) comes out as one message event.
  await run(page, () => T.q('#ok iframe').contentWindow.postMessage('ping', '*'));
  await page.waitForFunction(() => T.q('#ok')._messages.length === 1);
  await run(page, () => T.q('#ok').flushMessages());
  assert.deepEqual((await waitEvent(page, 'message'))[0].detail, { data: [{ from: 'web' }] });
  await run(page, () => {
    T.host.webViewAllowed = { allowed: false };
    T.mount(T.el('view', {}, [T.el('web-view', { src: 'https://evil.example/' }, [], { id: 'no' })], { style: 'position:relative;height:200px' }));
    T.mount(T.el('view', {}, [T.el('web-view', { src: 'javascript:alert(1)' }, [], { id: 'js' })], { style: 'position:relative;height:200px' }));
  });
  const err = await waitEvent(page, 'error', 2);
  assert.deepEqual(err.map((e) => [e.id, e.detail.errMsg]).sort(), [['js', 'web-view:fail src must be https'], ['no', 'web-view:fail domain not allowed']]);
  assert.equal(await run(page, () => [T.q('#no iframe'), T.q('#no .wx-web-view-error') !== null].join()), ',true');
  noErrors(page);
});

test('cover-view and cover-image; canvas backing store and 2d context', async () => {
  const page = await open();
  await run(page, () => {
    T.mount(T.el('cover-view', {}, [T.el('cover-image', { src: '/__fixture/img/30x20.svg' }, [], { id: 'ci', style: 'width:30px' }), 'cover text'], { id: 'cv' }));
    T.mount(T.el('canvas', { type: '2d' }, [], { id: 'cn', style: 'width:150px;height:100px' }));
  });
  assert.deepEqual((await waitEvent(page, 'load'))[0].detail, { width: 30, height: 20 });
  const r = await run(page, () => {
    const c = T.q('#cn');
    const ctx = c.getContext2d();
    ctx.fillStyle = '#07c160';
    ctx.fillRect(0, 0, 10, 10);
    const px = ctx.getImageData(5, 5, 1, 1).data;
    return [c.__canvas.width, c.__canvas.height, Array.from(px), getComputedStyle(T.q('#cv')).display];
  });
  assert.deepEqual(r, [300, 200, [7, 193, 96, 255], 'block']);
  noErrors(page);
});

test('video: play, timeupdate, pause, loadedmetadata and error details; VideoContext methods', async () => {
  const page = await open();
  // A short WebM made in the page (canvas + MediaRecorder): no media files in the repository.
  const url = await run(page, async () => {
    const c = document.createElement('canvas');
    c.width = 64;
    c.height = 48;
    const g = c.getContext('2d');
    const stream = c.captureStream(30);
    const rec = new MediaRecorder(stream, { mimeType: 'video/webm' });
    const chunks = [];
    rec.ondataavailable = (e) => chunks.push(e.data);
    const done = new Promise((r) => (rec.onstop = r));
    rec.start();
    for (let i = 0; i < 20; i++) {
      g.fillStyle = `hsl(${i * 18},70%,50%)`;
      g.fillRect(0, 0, 64, 48);
      await new Promise((r) => setTimeout(r, 40));
    }
    rec.stop();
    await done;
    return URL.createObjectURL(new Blob(chunks, { type: 'video/webm' }));
  });
  await run(page, (src) => T.mount(T.el('video', { src, muted: true, objectFit: 'cover' }, [], { id: 'v' })), url);
  const meta = await waitEvent(page, 'loadedmetadata');
  assert.deepEqual([meta[0].detail.width, meta[0].detail.height], [64, 48]);
  await run(page, () => T.q('#v').play());
  await waitEvent(page, 'play');
  const tu = await waitEvent(page, 'timeupdate');
  assert.equal(typeof tu[0].detail.currentTime, 'number');
  assert.ok('duration' in tu[0].detail);
  await run(page, () => T.q('#v').pause());
  await waitEvent(page, 'pause');
  assert.equal(await run(page, () => T.q('#v video').style.objectFit), 'cover');
  await run(page, () => T.mount(T.el('video', { src: '/__fixture/missing.png' }, [], { id: 'bad' })));
  const err = await waitEvent(page, 'error');
  assert.match(err[0].detail.errMsg, /MEDIA_ERR/);
  noErrors(page, /404 \(Not Found\)/);
});

// ── the gallery: every component at phone size, for people to look at ──────────────

test('gallery screenshots', async () => {
  const page = await open();
  await run(page, () => {
    const E = T.el;
    const sec = (title, ...kids) => E('view', {}, [E('view', {}, [title], { class: 'g-title', style: 'padding:16px 16px 6px;color:rgba(0,0,0,.5);font-size:14px' }), E('view', {}, kids, { style: 'background:#fff;padding:12px 16px' })]);
    const row = (...kids) => E('view', {}, kids, { style: 'display:flex;align-items:center;margin:6px 0' });
    const gap = (px) => E('view', {}, [], { style: 'height:' + (px || 10) + 'px' });
    T.mount(
      sec('button',
        E('button', { type: 'primary' }, ['主要操作 Primary']), gap(),
        E('button', { type: 'primary', loading: true }, ['加载中']), gap(),
        E('button', {}, ['次要操作 Default']), gap(),
        E('button', { type: 'warn' }, ['警告类操作 Warn']), gap(),
        E('button', { type: 'primary', disabled: true }, ['禁用 Disabled']), gap(),
        row(E('button', { type: 'primary', plain: true, size: 'mini' }, ['按钮']), E('view', {}, [], { style: 'width:8px' }), E('button', { plain: true, size: 'mini' }, ['按钮']), E('view', {}, [], { style: 'width:8px' }), E('button', { type: 'warn', size: 'mini' }, ['按钮']), E('view', {}, [], { style: 'width:8px' }), E('button', { size: 'mini', loading: true }, ['按钮']))
      ),
      sec('checkbox · radio · switch',
        E('checkbox-group', {}, [row(E('checkbox', { value: 'a', checked: true }, ['中国']), E('view', {}, [], { style: 'width:16px' }), E('checkbox', { value: 'b' }, ['美国']), E('view', {}, [], { style: 'width:16px' }), E('checkbox', { value: 'c', disabled: true, checked: true }, ['禁用']))]),
        E('radio-group', {}, [row(E('radio', { value: 'a', checked: true }, ['选项一']), E('view', {}, [], { style: 'width:16px' }), E('radio', { value: 'b' }, ['选项二']), E('view', {}, [], { style: 'width:16px' }), E('radio', { value: 'c', disabled: true }, ['禁用']))]),
        row(E('switch', { checked: true }), E('switch', {}), E('switch', { type: 'checkbox', checked: true }), E('switch', { checked: true, color: '#10aeff' }))
      ),
      sec('input · textarea',
        E('input', { placeholder: '这是一个输入框' }, [], { style: 'height:44px;border-bottom:1px solid #eee' }),
        E('input', { value: 'OpenMini 小程序', maxlength: 20 }, [], { style: 'height:44px;border-bottom:1px solid #eee' }),
        E('input', { password: true, value: 'secret' }, [], { style: 'height:44px;border-bottom:1px solid #eee' }),
        E('textarea', { placeholder: '多行输入 textarea', autoHeight: true }, [], { style: 'width:100%;padding-top:12px;min-height:60px' })
      ),
      sec('slider · progress',
        E('slider', { value: 40, showValue: true }),
        E('slider', { value: 70, activeColor: '#10aeff', blockSize: 20 }),
        E('progress', { percent: 60, showInfo: true, strokeWidth: 3 }, [], { style: 'margin:12px 0' }),
        E('progress', { percent: 80, activeColor: '#10aeff', borderRadius: 6, strokeWidth: 8 }, [], { style: 'margin:12px 0' })
      )
    );
  });
  await sleep(400);
  const shots = [];
  shots.push(await screenshot(page, 'components-1-controls'));
  await run(page, () => T.q('.page-body').firstChild.nextSibling.nextSibling.scrollIntoView());
  await sleep(200);
  shots.push(await screenshot(page, 'components-2-controls'));

  await run(page, () => {
    T.clear();
    const E = T.el;
    const sec = (title, ...kids) => E('view', {}, [E('view', {}, [title], { style: 'padding:16px 16px 6px;color:rgba(0,0,0,.5);font-size:14px' }), E('view', {}, kids, { style: 'background:#fff;padding:12px 16px' })]);
    const icons = ['success', 'success_no_circle', 'info', 'warn', 'waiting', 'cancel', 'download', 'search', 'clear'].map((t) => E('view', {}, [E('icon', { type: t, size: 32 })], { style: 'display:inline-block;margin:6px 10px' }));
    const slide = (i) => E('swiper-item', {}, [E('view', {}, ['swiper ' + (i + 1)], { style: 'height:100%;display:flex;align-items:center;justify-content:center;color:#fff;font-size:20px;background:' + ['#07c160', '#10aeff', '#fa9d3b'][i] })]);
    window.scrollTo(0, 0);
    T.mount(
      sec('icon', ...icons),
      sec('swiper', E('swiper', { indicatorDots: true, indicatorActiveColor: '#fff', indicatorColor: 'rgba(255,255,255,.5)', current: 1 }, [0, 1, 2].map(slide))),
      sec('image (aspectFill · aspectFit · widthFix)', E('view', {}, [
        E('image', { src: '/__fixture/img/200x100-fa9d3b.svg', mode: 'aspectFill' }, [], { style: 'width:100px;height:100px;background:#eee;margin-right:8px' }),
        E('image', { src: '/__fixture/img/200x100-10aeff.svg', mode: 'aspectFit' }, [], { style: 'width:100px;height:100px;background:#eee;margin-right:8px' }),
        E('image', { src: '/__fixture/img/200x100.svg', mode: 'widthFix' }, [], { style: 'width:100px' }),
      ])),
      sec('text · rich-text', E('text', { decode: true, selectable: true }, ['text 组件：&lt;可选中&gt;\n第二行']), E('rich-text', { nodes: '<p style="margin:8px 0">rich-text 支持 <b>粗体</b>、<i>斜体</i>、<span style="color:#07c160">颜色</span></p><ul style="margin:0;padding-left:20px"><li>列表一</li><li>列表二</li></ul>' })),
      sec('navigator', E('navigator', { url: '/pages/a' }, ['跳转到新页面 ›'], { style: 'padding:8px 0' }), E('navigator', { url: '/pages/b', openType: 'redirect' }, ['在当前页打开 ›'], { style: 'padding:8px 0' })),
      sec('movable-area', E('movable-area', {}, [E('movable-view', { direction: 'all', x: 40, y: 20 }, ['拖我'], { style: 'width:60px;height:60px;background:#07c160;color:#fff;display:flex;align-items:center;justify-content:center;border-radius:6px' })], { style: 'width:100%;height:120px;background:#eee' }))
    );
  });
  await sleep(500);
  shots.push(await screenshot(page, 'components-3-media'));
  await run(page, () => {
    const last = T.q('.page-body').lastChild;
    last.scrollIntoView();
  });
  await sleep(200);
  shots.push(await screenshot(page, 'components-4-media'));

  await run(page, () => {
    T.clear();
    const E = T.el;
    window.scrollTo(0, 0);
    const sec = (title, ...kids) => E('view', {}, [E('view', {}, [title], { style: 'padding:16px 16px 6px;color:rgba(0,0,0,.5);font-size:14px' }), E('view', {}, kids, { style: 'background:#fff;padding:12px 16px' })]);
    const col = (items) => E('picker-view-column', {}, items.map((t) => E('view', {}, [t], { style: 'line-height:50px;text-align:center' })));
    const years = Array.from({ length: 30 }, (_, i) => 2000 + i + '年');
    const months = Array.from({ length: 12 }, (_, i) => i + 1 + '月');
    const rows = Array.from({ length: 12 }, (_, i) => E('view', {}, ['scroll-view 第 ' + (i + 1) + ' 行'], { style: 'height:44px;line-height:44px;border-bottom:1px solid #f0f0f0' }));
    T.mount(
      sec('picker-view', E('picker-view', { value: [24, 4], indicatorStyle: 'height: 50px;' }, [col(years), col(months)], { style: 'width:100%;height:250px' })),
      sec('scroll-view', E('scroll-view', { scrollY: true, refresherEnabled: true }, rows, { style: 'height:200px' })),
      sec('picker', E('picker', { mode: 'region', value: ['广东省', '深圳市', '南山区'], headerText: '选择地区' }, [E('view', {}, ['当前选择：广东省 深圳市 南山区'], { id: 'pick', style: 'padding:8px 0' })]))
    );
  });
  await sleep(500);
  shots.push(await screenshot(page, 'components-5-pickers'));
  await openPicker(page, '#pick');
  shots.push(await screenshot(page, 'components-6-picker-sheet'));
  await page.click('.wx-picker-popup-cancel');
  await page.waitForFunction(() => !T.pop('.wx-picker-popup'));
  await run(page, () => {
    T.clear();
    T.mount(T.el('picker', { mode: 'date', value: '2024-05-01', headerText: '选择日期' }, [T.el('view', {}, ['date'], { id: 'dp' })]));
  });
  await openPicker(page, '#dp');
  shots.push(await screenshot(page, 'components-7-date-sheet'));
  for (const s of shots) assert.ok(fs.statSync(s).size > 5000, s);
  noErrors(page);
});
