// Driving the host shell (web/shell) in tests: sign-in with the code from the server's
// log, links pasted into 扫一扫, the running app's frame and its page, the host's
// dialogs and the capsule. Shared by shell.test.js and e2e.test.js.
'use strict';
const { screenshot, signinCode } = require('./harness');

/** Signs `phone` in on `server`'s shell (the code comes from the server's log). */
async function signIn(page, server, phone) {
  await page.goto(server.base + '/');
  await page.fill('#signin-phone', phone);
  await page.click('#signin-get');
  await page.locator('#signin-status', { hasText: '服务器日志' }).waitFor();
  await page.fill('#signin-code', await signinCode(server, phone));
  await page.click('#signin-submit');
  await page.locator('#tabbar').waitFor();
}

/** Back to a tab: the host's back closes the screens pushed over the tabs first. */
async function toTab(page, tab) {
  for (let i = 0; i < 10 && (await page.locator('#screens > .screen.pushed').count()); i++) await page.goBack();
  await page.click(`.tab[data-tab=${tab}]`);
}

/** Opens a link through 发现 › 扫一扫 › paste (a plain scheme opens with scene 1286). */
async function openLink(page, link) {
  await toTab(page, 'discover');
  await page.click('#open-scan');
  await page.fill('#scan-text', link);
  await page.click('.scan-paste button');
}

function scheme(appid, query = {}, p = 'pages/index/index') {
  return `weixin://dl/business/?appid=${appid}&path=${p}&query=${encodeURIComponent(new URLSearchParams(query).toString())}&env_version=release`;
}

/** The running app's frame, once its page has rendered. */
async function appFrame(page, appid, ready = '.launch') {
  const el = await page.waitForSelector(`.runner[data-appid="${appid}"]:not([hidden]) iframe`, { state: 'attached' });
  const frame = await el.contentFrame();
  await frame.waitForFunction((ready) => {
    const p = [...document.querySelectorAll('.om-page')].find((x) => x.style.visibility === 'visible');
    return p && p.shadowRoot && p.shadowRoot.querySelector(ready);
  }, ready);
  // The runner slides in: taps and boxes are only where they look once it has stopped.
  await el.evaluate((f) => Promise.all(f.closest('.runner').getAnimations().map((a) => a.finished.catch(() => {}))));
  return frame;
}

const view = (frame, sel) => frame.locator(`.om-page[style*="visible"] ${sel}`);

async function waitText(frame, sel, re) {
  try {
    await frame.waitForFunction(
      ([s, src]) => {
        const p = [...document.querySelectorAll('.om-page')].find((x) => x.style.visibility === 'visible');
        const el = p && p.shadowRoot.querySelector(s);
        return el && new RegExp(src).test(el.textContent);
      },
      [sel, re.source],
      { timeout: 10000 }
    );
  } catch (e) {
    const seen = await view(frame, sel).textContent({ timeout: 1000 }).catch(() => '(none)');
    throw new Error(`${sel} never matched ${re}; it reads ${JSON.stringify(seen)}`);
  }
  return view(frame, sel).textContent();
}

/**
 * A host call made by the frame itself (`__om.hostCall`, the path every wx API that
 * the host performs takes). `tap`: a real tap in the frame first (calls that need one).
 * ArrayBuffers in the result come back as {bytes: […]}.
 */
async function hostCall(frame, name, args = {}, { tap = false } = {}) {
  if (tap) await view(frame, '.launch').click();
  return frame.evaluate(
    ([n, a]) => {
      const plain = (v) => (v instanceof ArrayBuffer ? { bytes: [...new Uint8Array(v)] } : Array.isArray(v) ? v.map(plain) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)])) : v);
      if (a && a.$bytes) {
        a.data = new Uint8Array(a.$bytes).buffer;
        a.fileData = a.data;
        delete a.$bytes;
      }
      return window.__om.hostCall(n, a).then(
        (res) => ({ ok: true, res: plain(res) }),
        (e) => ({ ok: false, errMsg: e.errMsg })
      );
    },
    [name, args]
  );
}

/** A screenshot once sheets and screens have finished sliding in. */
async function shot(page, name) {
  await page.waitForTimeout(350);
  return screenshot(page, name);
}

/** The page's errors, less the console lines of refused calls the test makes on purpose. */
const errors = (page) => page.errors.filter((e) => !/^Failed to load resource: the server responded with a status of 4\d\d/.test(e));

const dialog = (page) => page.locator('#dialogs [role=dialog], #dialogs [role=alertdialog]').last();
const dialogButton = (page, name) => dialog(page).getByRole('button', { name, exact: true });

async function capsuleMenu(page, appid) {
  await page.click(`.runner[data-appid="${appid}"] .capsule-more`);
  await dialog(page).waitFor();
}

async function closeApp(page, appid) {
  await page.click(`.runner[data-appid="${appid}"] .capsule-close`);
  await page.waitForFunction(() => !document.getElementById('apps').classList.contains('active'));
  // The runner slides away, then is hidden (kept for a hot start): wait for that, so the
  // next appFrame() finds the app opened next, not this one on its way out.
  await page.waitForSelector(`.runner[data-appid="${appid}"]:not([hidden])`, { state: 'detached' });
}

module.exports = { signIn, toTab, openLink, scheme, appFrame, view, waitText, hostCall, shot, errors, dialog, dialogButton, capsuleMenu, closeApp };
