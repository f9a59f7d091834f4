// The wx.* APIs in Chromium: a compiled mini program (fixtures/apps/apis) runs in the
// sandboxed frame of the test host (fixtures/host.html), whose host calls go to a real
// HTTP server started here (request, uploadFile, downloadFile, images, fonts, audio).
// Each test taps a case of the app's page and reads the JSON the case rendered.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('child_process');
const fs = require('fs');
const http = require('http');
const os = require('os');
const path = require('path');
const zlib = require('zlib');
const { BIN, launch, phonePage, freePort, screenshot } = require('./lib/harness');
const { devHost } = require('./lib/devhost');

const APPID = 'wx00000000000000a9';
const APP_DIR = path.join(__dirname, 'fixtures/apps/apis');

function build() {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'openmini-apis-'));
  execFileSync(BIN, ['build', APP_DIR, '-o', out], { stdio: 'pipe' });
  return out;
}

/** A PNG of w×h pixels, all of one colour. */
function png(w, h, rgba) {
  const raw = Buffer.alloc((w * 4 + 1) * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) Buffer.from(rgba).copy(raw, y * (w * 4 + 1) + 1 + x * 4);
  const crcTable = [];
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    crcTable[n] = c >>> 0;
  }
  const crc = (buf) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 255] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type), data]);
    const c = Buffer.alloc(4);
    c.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, c]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8;
  ihdr[9] = 6;
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

const FONT = ['/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf', '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf'].find((f) => fs.existsSync(f));

/** The developer's server the mini program talks to (through the host). */
async function apiServer() {
  const port = await freePort();
  const uploads = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    const cors = { 'access-control-allow-origin': '*', 'access-control-allow-headers': '*', 'access-control-allow-methods': '*', 'access-control-expose-headers': '*' };
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const send = (status, type, data) => {
        res.writeHead(status, { 'content-type': type, ...cors });
        res.end(data);
      };
      if (req.method === 'OPTIONS') return send(204, 'text/plain', '');
      switch (url.pathname) {
        case '/json':
          return send(200, 'application/json; charset=utf-8', JSON.stringify({ hello: 'world', query: Object.fromEntries(url.searchParams) }));
        case '/echo': {
          const type = req.headers['content-type'] || '';
          const out = { method: req.method, type };
          out.body = /octet-stream/.test(type) ? [...body] : body.toString('utf8');
          return send(200, 'application/json', JSON.stringify(out));
        }
        case '/bin':
          return send(200, 'application/octet-stream', Buffer.from([0, 1, 2, 255]));
        case '/upload': {
          // A small multipart reader: the parts' names, file names and contents.
          const type = req.headers['content-type'] || '';
          const boundary = (/boundary=(.+)$/.exec(type) || [])[1];
          const parts = {};
          if (boundary) {
            body
              .toString('latin1')
              .split('--' + boundary)
              .slice(1, -1)
              .forEach((p) => {
                const [head, ...rest] = p.split('\r\n\r\n');
                const name = (/name="([^"]*)"/.exec(head) || [])[1];
                const filename = (/filename="([^"]*)"/.exec(head) || [])[1];
                const content = Buffer.from(rest.join('\r\n\r\n').replace(/\r\n$/, ''), 'latin1').toString('utf8');
                parts[name] = filename === undefined ? content : { filename, content };
              });
          }
          uploads.push(parts);
          return send(200, 'application/json', JSON.stringify({ multipart: !!boundary, parts }));
        }
        case '/file.txt':
          return send(200, 'text/plain', 'downloaded text');
        case '/img.png':
          return send(200, 'image/png', png(5, 4, [0, 128, 0, 255]));
        case '/tone.wav':
          return send(200, 'audio/wav', fs.readFileSync(path.join(APP_DIR, 'audio/tone.wav')));
        case '/font.ttf':
          if (!FONT) return send(404, 'text/plain', 'no font');
          return send(200, 'font/ttf', fs.readFileSync(FONT));
        case '/slow':
          return setTimeout(() => send(200, 'text/plain', 'late'), 3000);
      }
      send(404, 'text/plain', 'not found');
    });
  });
  await new Promise((r) => server.listen(port, '127.0.0.1', r));
  return { origin: `http://127.0.0.1:${port}`, uploads, close: () => new Promise((r) => server.close(r)) };
}

let host, api, browser, page, frame;

test.before(async () => {
  host = await devHost({ [APPID]: build() });
  api = await apiServer();
  browser = await launch();
  page = await phonePage(browser);
  await page.goto(host.base + '/');
  await page.evaluate(([appid, origin]) => {
    window.hostConfig = { domains: [origin], choices: [] };
    return startApp(appid, { scene: 1001, query: { api: origin } });
  }, [APPID, api.origin]);
  frame = await (await page.waitForSelector('iframe')).contentFrame();
  await frame.waitForFunction(() => {
    const p = [...document.querySelectorAll('.om-page')].find((x) => x.style.visibility === 'visible');
    return p && p.shadowRoot.querySelector('.case');
  });
});

test.after(async () => {
  await browser?.close();
  await host?.close();
  await api?.close();
});

const visible = (sel) => frame.locator(`.om-page[style*="visible"] ${sel}`);

/** Taps case `name` and returns what it rendered. */
async function run(name, timeout = 15000) {
  await visible('#c-' + name).click();
  const out = visible('#o-' + name);
  await out.filter({ hasText: /./ }).waitFor({ timeout });
  const text = await out.textContent();
  if (text.startsWith('THROW')) throw new Error(name + ': ' + text);
  return JSON.parse(text);
}

function choices(list) {
  return page.evaluate((l) => {
    window.hostConfig.choices = l;
  }, list);
}

test('coverage: at least 150 of the wx API names are implemented', async () => {
  const r = await run('coverage');
  console.log(`wx API coverage: ${r.coverage}/${r.total} names`);
  assert.equal(r.total, 495);
  assert.ok(r.coverage >= 150, `only ${r.coverage} names`);
});

test('request: GET with a query, headers before success, the RequestTask', async () => {
  const r = await run('requestGet');
  assert.equal(r.statusCode, 200);
  assert.equal(r.errMsg, 'request:ok');
  assert.deepEqual(r.data, { hello: 'world', query: { a: '1', b: 'x y' } });
  assert.deepEqual(r.headers, ['application/json; charset=utf-8']);
  assert.equal(r.abort, 'function');
});

test('request: JSON and form bodies, ArrayBuffers both ways, dataType text', async () => {
  const r = await run('requestPost');
  assert.deepEqual(r.json, { method: 'POST', type: 'application/json', body: '{"n":1,"s":"中"}' });
  assert.deepEqual(r.form, { method: 'POST', type: 'application/x-www-form-urlencoded', body: 'a=1&b=c%20d' });
  assert.deepEqual(r.bin, { isBuffer: true, bytes: [0, 1, 2, 255] });
  assert.deepEqual(r.sent, { method: 'PUT', type: 'application/octet-stream', body: [1, 2, 3, 250] });
  assert.equal(r.bodyStill, 4, 'the app keeps its ArrayBuffer (cloned, not transferred)');
  assert.equal(r.textType, 'string');
});

test('request: parameter errors, the domain list, abort and timeout', async () => {
  const r = await run('requestErrors', 20000);
  assert.equal(r.noUrl, 'request:fail parameter error: parameter.url should be String instead of Undefined;');
  assert.equal(r.badUrl, 'request:fail invalid url "ftp://x"');
  assert.equal(r.domain, 'request:fail url not in domain list');
  assert.equal(r.aborted, 'request:fail abort');
  assert.equal(r.timedOut, 'request:fail timeout');
});

test('downloadFile: a blob: temp file the FileSystemManager reads; saveFile and the saved list', async () => {
  const r = await run('download');
  assert.equal(r.statusCode, 200);
  assert.ok(r.blob);
  assert.equal(r.text, 'downloaded text');
  assert.deepEqual(r.progress.slice(-1), [100]);
  assert.ok(r.saved);
  assert.equal(r.listed, 1);
  assert.equal(r.size, 15);
  assert.equal(r.afterSave, false, 'saveFile moves the temporary file');
  assert.equal(r.savedText, 'downloaded text');
  assert.deepEqual(r.toFile, { filePath: 'wxfile://usr/dl.txt', text: 'downloaded text' });
  assert.equal(r.removed, 'removeSavedFile:ok');
  assert.equal(r.listed2, 0);
});

test('uploadFile: a wxfile:// file and a temp file, multipart with formData', async () => {
  const r = await run('upload');
  assert.equal(r.statusCode, 200);
  assert.equal(r.data.multipart, true);
  assert.deepEqual(r.data.parts, { kind: 'note', n: '2', file: { filename: 'up.txt', content: 'upload me' } });
  assert.deepEqual(r.progress, [[0, 9], [100, 9]]);
  assert.deepEqual(r.second.parts.doc.content, 'downloaded text');
  assert.equal(r.second.parts.doc.filename, 'file.txt');
  assert.match(r.missing, /^uploadFile:fail file not found/);
});

test('FileSystemManager: Sync forms, WeChat errMsg texts, package files, descriptors', async () => {
  const r = await run('fsSync');
  assert.deepEqual(r.readMissing, { ok: false, errMsg: 'readFileSync:fail no such file or directory, open wxfile://usr/t/a.txt', errno: 1300002 });
  assert.equal(r.read, 'hello world');
  assert.equal(r.readPart, 'world');
  assert.equal(r.hex, '6865');
  assert.equal(r.base64, 'aGVsbG8gd29ybGQ=');
  assert.equal(r.buffer, 11);
  assert.equal(r.mkdirNoParent.errMsg, 'mkdirSync:fail no such file or directory wxfile://usr/t/x/y');
  assert.equal(r.mkdirExists.errMsg, 'mkdirSync:fail file already exists wxfile://usr/t/x');
  assert.deepEqual(r.readdir, ['a.txt', 'x']);
  assert.equal(r.readdirFile.errMsg, 'readdirSync:fail not a directory wxfile://usr/t/a.txt');
  assert.deepEqual(r.stat, { size: 11, isFile: true, isDir: false, t: 'number' });
  assert.deepEqual(r.statRec, ['/:d', '/y:d', '/y/b.bin:3']);
  assert.equal(r.rmdirNotEmpty.errMsg, 'rmdirSync:fail directory not empty');
  assert.deepEqual(r.renamed, ['accessSync:fail no such file or directory wxfile://usr/t/x/c.txt', 'hello world']);
  assert.equal(r.unlinkDir.errMsg, 'unlinkSync:fail operation not permitted, unlink wxfile://usr/t/x');
  assert.equal(r.unlinkAgain.errMsg, 'unlinkSync:fail no such file or directory wxfile://usr/t/d.txt');
  assert.deepEqual(r.afterRmdir, ['a.txt']);
  assert.equal(r.writeOutside.errMsg, 'writeFileSync:fail permission denied, open wxfile://tmp/z.txt');
  assert.equal(r.writeNoDir.errMsg, 'writeFileSync:fail no such file or directory, open wxfile://usr/t/none/z.txt');
  assert.deepEqual(r.packageJson, { hi: 1, name: '包' });
  assert.equal(r.packageMissing.errMsg, 'readFileSync:fail no such file or directory, open /data/none.json');
  assert.equal(r.writePackage.errMsg, 'writeFileSync:fail permission denied, open /data/hello.json');
  assert.equal(r.truncated, 'hell');
  assert.deepEqual(r.fd, { bytesRead: 3, text: 'cde', size: 6 });
  assert.equal(r.badFd.errMsg, 'closeSync:fail bad file descriptor');
  assert.match(r.encodingBad.errMsg, /^readFileSync:fail invalid encoding/);
});

test('FileSystemManager: callback forms, digests, saveFile moves a usr file', async () => {
  const r = await run('fsAsync');
  assert.equal(r.write, 'writeFile:ok');
  assert.deepEqual(r.read, ['readFile:ok', '异步']);
  assert.equal(r.missing, 'readFile:fail no such file or directory, open wxfile://usr/nothing.txt');
  assert.equal(r.missingErrno, 1300002);
  assert.equal(r.access, 'access:fail no such file or directory wxfile://usr/nothing');
  // md5("异步") and sha1("异步") of its UTF-8 bytes.
  const crypto = require('crypto');
  assert.deepEqual(r.info, { size: 6, digest: crypto.createHash('md5').update('异步').digest('hex'), errMsg: 'getFileInfo:ok' });
  assert.equal(r.sha, crypto.createHash('sha1').update('异步').digest('hex'));
  assert.deepEqual(r.stat, ['stat:ok', 6]);
  assert.equal(r.mk, 'mkdir:ok');
  assert.deepEqual(r.rd, ['er']);
  assert.deepEqual(r.saved, ['saveFile:ok', true, false]);
  assert.equal(r.listed, 1);
  assert.equal(r.gInfo, crypto.createHash('md5').update('异步').digest('hex'));
  assert.equal(r.rm, 'removeSavedFile:ok');
});

test('storage: sync and async forms', async () => {
  const r = await run('storage');
  assert.deepEqual(r.sync, { a: [1, 2] });
  assert.deepEqual(r.got, { a: [1, 2] });
  assert.equal(r.missing, 'getStorage:fail data not found');
  assert.ok(r.info.includes('k'));
});

test('chooseImage / chooseMedia: the host picker, blob files, getImageInfo, compressImage, saving', async () => {
  const b64 = png(6, 4, [255, 0, 0, 255]).toString('base64');
  await choices([[{ name: 'a.png', type: 'image/png', base64: b64 }, { name: 'b.png', type: 'image/png', base64: b64 }], [{ name: 'c.png', type: 'image/png', base64: b64 }]]);
  const r = await run('choose');
  assert.equal(r.errMsg, 'chooseImage:ok');
  assert.equal(r.paths, 2);
  assert.deepEqual(r.tempFiles, [Buffer.from(b64, 'base64').length, Buffer.from(b64, 'base64').length]);
  assert.ok(r.blob);
  assert.deepEqual(r.info, { w: 6, h: 4, type: 'png', orientation: 'up', same: true });
  assert.equal(r.size, Buffer.from(b64, 'base64').length);
  assert.deepEqual(r.compressed, { w: 2, h: 1, type: 'jpeg' });
  assert.equal(r.saved, 'saveImageToPhotosAlbum:ok');
  assert.equal(r.notImage, 'saveVideoToPhotosAlbum:fail invalid file type');
  assert.deepEqual(r.media, { type: 'image', fileType: 'image', w: 6 });
  const saved = await page.evaluate(() => window.hostSaved);
  assert.deepEqual(saved, [{ name: 'a.png', type: 'image/png', size: Buffer.from(b64, 'base64').length }]);
  const calls = await page.evaluate(() => hostLog.filter((c) => c.name === 'chooseMedia').map((c) => c.args));
  assert.deepEqual(calls[0].mediaType, ['image']);
  assert.equal(calls[0].count, 2);
});

test('choosing: the user cancels; chooseMessageFile gives any file', async () => {
  await choices([]);
  const r = await run('chooseCancel');
  assert.deepEqual(r, { image: 'chooseImage:fail cancel', message: 'chooseMessageFile:fail cancel' });
  await choices([[{ name: 'notes.txt', type: 'text/plain', base64: Buffer.from('some notes').toString('base64') }]]);
  const f = await run('chooseFile');
  assert.deepEqual(f, { errMsg: 'chooseMessageFile:ok', n: 1, name: 'notes.txt', type: 'file', size: 10, text: 'some notes' });
});

test('getImageInfo: package images, network images through the host, errors', async () => {
  const r = await run('imageInfo');
  assert.deepEqual(r.pkg, { width: 4, height: 3, path: '/images/dot.png', orientation: 'up', type: 'png', errMsg: 'getImageInfo:ok' });
  assert.deepEqual(r.net, { w: 5, h: 4, type: 'png', blob: true, netBytes: png(5, 4, [0, 128, 0, 255]).length });
  assert.match(r.bad, /^getImageInfo:fail file not found/);
});

test('previewImage: an overlay to swipe through, tap closes it', async () => {
  const r = await run('preview');
  assert.equal(r.errMsg, 'previewImage:ok');
  assert.equal(r.empty, 'previewImage:fail parameter error: urls should not be empty');
  const box = frame.locator('.om-preview');
  await box.waitFor();
  assert.equal(await frame.locator('.om-preview img').count(), 2);
  assert.equal(await frame.locator('.om-preview-count').textContent(), '2/2');
  // Swipe right: back to the first.
  const b = await box.boundingBox();
  await page.mouse.move(b.x + 100, b.y + 200);
  await page.mouse.down();
  await page.mouse.move(b.x + 250, b.y + 200, { steps: 5 });
  await page.mouse.up();
  assert.equal(await frame.locator('.om-preview-count').textContent(), '1/2');
  await frame.waitForFunction(() => document.querySelector('.om-preview img').naturalWidth === 4);
  await box.click();
  await box.waitFor({ state: 'detached' });
});

test('toasts, modals, action sheets: WeChat parameter checks and results', async () => {
  const r = await run('ui');
  assert.equal(r.toast, 'showToast:ok');
  assert.equal(r.noTitle, 'showToast:fail parameter error: parameter.title should be String instead of Undefined;');
  assert.equal(r.longBtn, 'showModal:fail confirmText length should not larger than 4 Chinese characters');
  assert.equal(r.sheet, 'showActionSheet:fail parameter error: itemList should not be large than 6');
  assert.equal(r.hid, 'hideToast:ok');
  assert.equal(await frame.locator('.om-toast').count(), 0, 'hideToast hides a loading too');
  assert.equal(r.style, 'setBackgroundTextStyle:ok');
  assert.match(r.styleBad, /^setBackgroundTextStyle:fail parameter error/);
  // A modal the user confirms.
  await visible('#c-modal').click();
  await frame.locator('.om-dialog-confirm').click();
  await visible('#o-modal').filter({ hasText: /./ }).waitFor();
  assert.deepEqual(JSON.parse(await visible('#o-modal').textContent()), { confirm: true, cancel: false, errMsg: 'showModal:ok' });
});

test('host calls: the user, subscriptions (client checks, errCodes), clipboard, payments, sharing', async () => {
  const r = await run('host');
  assert.equal(r.login.errMsg, 'login:ok');
  assert.match(r.login.code, /^code-/);
  assert.equal(r.session, 'checkSession:ok');
  assert.equal(r.profileNoDesc, 'getUserProfile:fail parameter error: parameter.desc should be String instead of Undefined;');
  assert.deepEqual(r.profile, ['getUserProfile:ok', 'Tester']);
  assert.deepEqual(r.subEmpty, { errMsg: "requestSubscribeMessage:fail TmplIds can't be empty", errCode: 10001 });
  assert.deepEqual(r.subMany, { errMsg: 'requestSubscribeMessage:fail Templates count out of max bounds', errCode: 20003 });
  assert.deepEqual(r.sub, { tpl1: 'accept', tpl2: 'accept', errMsg: 'requestSubscribeMessage:ok' });
  assert.deepEqual(r.subBad, { errMsg: 'requestSubscribeMessage:fail No template data return, verify the template id exist', errCode: 20001 });
  assert.equal(r.clipBad, 'setClipboardData:fail parameter error: parameter.data should be String instead of Undefined;');
  assert.equal(r.clip, 'setClipboardData:ok');
  assert.deepEqual(r.clipGet, { data: '剪贴板', errMsg: 'getClipboardData:ok' });
  assert.equal(r.phone, 'makePhoneCall:ok');
  assert.equal(r.phoneBad, 'makePhoneCall:fail parameter error: parameter.phoneNumber should be String instead of Undefined;');
  assert.equal(r.scan.result, 'hello');
  assert.equal(r.nav, 'navigateToMiniProgram:ok');
  assert.equal(r.navBad, 'navigateToMiniProgram:fail parameter error: parameter.appId should be String instead of Undefined;');
  assert.equal(r.loc.latitude, 39.9);
  assert.equal(r.auth, 'authorize:ok');
  assert.equal(r.authDeny, 'authorize:fail auth deny');
  assert.deepEqual(r.setting.authSetting, { 'scope.userLocation': true });
  assert.equal(r.pay, 'requestPayment:fail cancel');
  assert.equal(r.payBad, 'requestPayment:fail parameter error: parameter.nonceStr should be String instead of Undefined;');
  assert.equal(r.share, 'showShareMenu:ok');
  assert.deepEqual(r.shareInfo, { encryptedData: 'enc-tk', iv: 'iv', errMsg: 'getShareInfo:ok' });
  assert.equal(r.cs, 'openCustomerServiceChat:ok');
  assert.equal(r.userInfo, '微信用户');
  // What reached the host, with the contract's arguments.
  const log = await page.evaluate(() => hostLog.filter((c) => c.name).map((c) => ({ name: c.name, args: c.args })));
  const find = (n) => log.filter((c) => c.name === n).map((c) => c.args);
  assert.deepEqual(find('reportEvent').map((a) => [a.eventId, a.data]), [['buy', { sku: 7 }], ['view', { page: 'index' }]]);
  const sub = find('requestSubscribeMessage');
  assert.equal(sub.length, 2, 'the invalid calls never reach the host');
  assert.ok(sub[0].tapAt >= 0 && sub[0].tapAt < 5000, 'the frame adds the time since the tap');
  assert.deepEqual(find('navigateToMiniProgram')[0], { appId: 'wx00000000000000b2', path: 'pages/a', extraData: { x: 1 }, envVersion: 'release', tapAt: find('navigateToMiniProgram')[0].tapAt });
  assert.deepEqual(find('showShareMenu')[0].menus, ['shareAppMessage', 'shareTimeline']);
  assert.deepEqual(find('requestPayment')[0].signType, 'RSA');
});

test('system: canIUse, base64, random values, network, unsupported names fail in every form', async () => {
  const r = await run('system');
  assert.deepEqual(r.canIUse, { request: true, connectSocket: false, safeArea: true, nothing: false, toastIcon: true, buttonOpenType: true, buttonNonsense: false, map: false, view: true, env: true });
  assert.equal(r.b64, 'AAEC+v8=');
  assert.deepEqual(r.back, [0, 1, 2, 250, 255]);
  assert.deepEqual(r.rnd, [16, true]);
  assert.equal(r.rndBad, 'getRandomValues:fail parameter error: parameter.length should be Number instead of Undefined;');
  assert.ok(['wifi', '2g', '3g', '4g', '5g', 'unknown', 'none'].includes(r.net.networkType), r.net.networkType);
  assert.equal(r.net.errMsg, 'getNetworkType:ok');
  assert.equal(r.unsupportedSync, 'getExptInfoSync:fail not supported');
  assert.equal(r.unsupported, 'getWeRunData:fail not supported');
  assert.deepEqual(r.unsupportedCb, [false, 'getWeRunData:fail not supported']);
  // Battery: real numbers where the browser has the Battery API, an honest failure otherwise.
  assert.ok(r.battery === 'number' || r.battery === 'getBatteryInfoSync:fail not supported', r.battery);
  assert.ok(r.batteryAsync === 'number' || r.batteryAsync === 'getBatteryInfo:fail not supported', r.batteryAsync);
  assert.equal(r.vib, 'vibrateShort:ok');
  assert.equal(r.vibBad, 'vibrateShort:fail parameter error: parameter.type should be heavy, medium or light');
  assert.equal(r.vibLong, 'vibrateLong:ok');
  assert.match(r.awake, /^setKeepScreenOn:(ok|fail )/);
  assert.equal(r.kb, 'hideKeyboard:ok');
  assert.equal(r.skyline, false);
  assert.equal(r.ua, true);
  assert.deepEqual(r.ext, {});
  assert.equal(r.privacy, false);
  assert.equal(r.cat, 'default');
  assert.equal(r.idle, 'number');
});

test('update manager: no update, reported once to every listener', async () => {
  const r = await run('lifecycle');
  assert.deepEqual(r, { update: { hasUpdate: false }, again: { hasUpdate: false }, same: true, launch: 1001 });
});

test('createAnimation: export() as WeChat, the animation attribute plays the steps', async () => {
  const r = await run('animate');
  assert.equal(r.steps, 2);
  assert.equal(r.empty, 0, 'export() empties the queue');
  assert.deepEqual(r.first, {
    animates: [{ type: 'translateX', args: ['50px'] }, { type: 'rotate', args: [45] }],
    option: { transformOrigin: '50% 50% 0', transition: { duration: 100, timingFunction: 'ease', delay: 0 } },
  });
  const anim = visible('#anim');
  await frame.waitForFunction(() => {
    const p = [...document.querySelectorAll('.om-page')].find((x) => x.style.visibility === 'visible');
    const el = p.shadowRoot.querySelector('#anim');
    return el.style.opacity === '0.5';
  });
  const t = await anim.evaluate((el) => ({ transform: el.style.transform, opacity: getComputedStyle(el).opacity }));
  // Step 2 keeps step 1's translate and rotate, and adds the scale.
  assert.equal(t.transform, 'translateX(50px) rotate(45deg) scale(2, 2)');
  assert.equal(t.opacity, '0.5');
  // bindtransitionend on the element: once per step.
  const ends = await run('animEnds');
  assert.equal(ends.ends, 2);
});

test('canvas: the 2d node (OffscreenCanvas), createImage, toDataURL, exports, offscreen canvases', async () => {
  const r = await run('canvas');
  assert.deepEqual(r.size, [120, 60]);
  assert.deepEqual(r.px, [255, 0, 0, 255]);
  assert.equal(r.dataUrl, 'data:image/png;base64,');
  assert.ok(r.dataLen);
  assert.deepEqual(r.loaded, [4, 3]);
  assert.deepEqual(r.drawn, [0, 0, 255, 255]);
  assert.equal(r.same, true, 'a second query gives the same Canvas');
  assert.deepEqual(r.temp, ['canvasToTempFilePath:ok', true]);
  assert.deepEqual(r.info, [120, 60, 'png']);
  assert.deepEqual(r.off, [0, 0, 255, 255]);
});

test('legacy canvas: createCanvasContext by canvas-id, draw, image data in and out, export', async () => {
  const r = await run('legacyCanvas');
  assert.deepEqual(r.px, [0, 255, 0, 255]);
  assert.deepEqual(r.size, [1, 1]);
  assert.equal(r.put, 'canvasPutImageData:ok');
  assert.deepEqual(r.px2, [0, 0, 255, 255]);
  assert.equal(r.measured, true);
  assert.equal(r.file, 'jpeg');
  assert.equal(r.missing, 'canvasToTempFilePath:fail canvas is empty');
});

test('createIntersectionObserver: relative to the viewport, thresholds crossed on scroll', async () => {
  const before = await run('observe');
  assert.equal(before.before, 0, 'the target starts out of view (ratio 0 = initialRatio: no call)');
  const down = await run('scrollDown');
  assert.equal(down.errMsg, 'pageScrollTo:ok');
  assert.ok(down.events.length >= 1, JSON.stringify(down.events));
  const last = down.events[down.events.length - 1];
  assert.equal(last.id, 'target');
  assert.equal(last.kind, 'io');
  assert.equal(last.ratio, 1);
  const up = await run('scrollUp');
  assert.equal(up.events[up.events.length - 1].ratio, 0);
});

test('InnerAudioContext: <audio> in the frame, events and state in the worker; VideoContext', async () => {
  const r = await run('audio', 20000);
  assert.equal(r.duration, 0.4);
  assert.ok(r.seen.includes('canplay'), r.seen.join());
  assert.ok(r.seen.includes('play'), r.seen.join());
  assert.ok(r.seen.includes('ended'), r.seen.join());
  assert.ok(r.seen.includes('time'), r.seen.join());
  assert.deepEqual(r.after, { paused: true, currentTime: true });
  assert.equal(r.err, 10003);
  // The background audio manager plays as soon as src is set.
  assert.deepEqual(r.bg, { seen: ['play', 'ended'], title: 'Tone', same: true, paused: true });
  const meta = await frame.evaluate(() => navigator.mediaSession && navigator.mediaSession.metadata && [navigator.mediaSession.metadata.title, navigator.mediaSession.metadata.artist]);
  if (meta) assert.deepEqual(meta, ['Tone', 'Test']);
  const v = await run('video');
  assert.equal(v.played, true);
});

test('loadFontFace: network fonts through the host, errors with status', async () => {
  const r = await run('fonts');
  assert.deepEqual(r.bad, ['error', true]);
  assert.equal(r.missing, 'loadFontFace:fail parameter error: parameter.source should be String instead of Undefined;');
  if (FONT) {
    assert.deepEqual(r.good, { status: 'loaded', errMsg: 'loadFontFace:ok' });
    assert.ok(await frame.evaluate(() => document.fonts.check('12px TestSans')));
  }
});

test('setEnableDebug: a debug panel with what the app logs', async () => {
  const r = await run('debug');
  assert.deepEqual(r, { errMsg: 'setEnableDebug:ok', info: true });
  await frame.locator('.om-debug button').click();
  await frame.locator('.om-debug-panel').filter({ hasText: 'debug line from the app' }).waitFor();
  const off = await run('debugOff');
  assert.deepEqual(off, { errMsg: 'setEnableDebug:ok', info: false });
  assert.equal(await frame.locator('.om-debug').count(), 0);
});

test('no errors in the page or the frame', async () => {
  // (The screenshot comes last: taking one upsets Playwright's later clicks in the frame.)
  await visible('#cv').scrollIntoViewIfNeeded();
  await screenshot(page, 'apis-canvas');
  const errors = page.errors.filter((e) => !/Failed to load resource/.test(e));
  assert.deepEqual(errors, []);
});
