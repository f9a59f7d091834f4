// Shared set-up of the browser tests: Debian's Chromium through playwright-core, the
// openmini binary started on a free port with a fresh data folder, and a static file
// server for tests that load parts of web/ on their own.
'use strict';
const { chromium } = require('playwright-core');
const { spawn, execFileSync } = require('child_process');
const fs = require('fs');
const http = require('http');
const net = require('net');
const os = require('os');
const path = require('path');

const REPO = path.resolve(__dirname, '../../..');
const BIN = process.env.OPENMINI_BIN || path.join(REPO, 'target/debug/openmini');
// Screenshots the run leaves for people to look at.
const SHOTS = path.join(process.env.CARGO_TARGET_DIR || path.join(REPO, 'target'), 'screenshots');

/** Headless Chromium with the flags this machine needs (no network but loopback). */
async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'],
  });
}

/** A phone-sized page, with console errors and page errors collected for assertions. */
async function phonePage(browser, opts = {}) {
  const context = await browser.newContext({ viewport: { width: 375, height: 667 }, deviceScaleFactor: 2, hasTouch: true, isMobile: false, ...opts });
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(String(e && e.stack || e)));
  page.on('console', (m) => {
    if (m.type() === 'error') page.errors.push(m.text());
    if (process.env.OPENMINI_BROWSER_LOG) console.log(`[browser ${m.type()}] ${m.text()}`);
  });
  return page;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/** Runs an admin command of the binary against `data`; returns parsed `--json` output. */
function admin(data, args) {
  const out = execFileSync(BIN, [...args, '--data', data, '--json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return JSON.parse(out);
}

/**
 * `openmini serve` on a free port with a fresh data folder (seeded demo). Resolves to
 * {base, data, port, log(), credentials(), stop()}. `log()` is what it printed so far
 * (sign-in codes appear there).
 */
async function startServer(extraArgs = [], env = {}) {
  const data = fs.mkdtempSync(path.join(os.tmpdir(), 'openmini-browser-'));
  const port = await freePort();
  const child = spawn(BIN, ['serve', '--addr', `127.0.0.1:${port}`, '--data', data, ...extraArgs], {
    env: { ...process.env, OPENMINI_LOG_FORMAT: 'text', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout.on('data', (d) => (log += d));
  child.stderr.on('data', (d) => (log += d));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`openmini serve exited ${child.exitCode}:\n${log}`);
    try {
      const r = await fetch(`${base}/healthz`);
      if (r.ok) break;
    } catch (_) {}
    if (Date.now() > deadline) throw new Error(`openmini serve did not start:\n${log}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    base,
    data,
    port,
    log: () => log,
    credentials: () => JSON.parse(fs.readFileSync(path.join(data, 'demo-credentials.json'), 'utf8')),
    admin: (args) => admin(data, args),
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((r) => child.once('exit', r));
      }
      fs.rmSync(data, { recursive: true, force: true });
    },
  };
}

/** The newest sign-in code the server logged for `phone` (demo: no SMS gateway). */
async function signinCode(server, phone) {
  const masked = `${phone.slice(0, 3)}****${phone.slice(-4)}`;
  for (let i = 0; i < 100; i++) {
    const lines = server.log().split('\n').filter((l) => l.includes('signin_code=') && l.includes(masked));
    if (lines.length) return lines[lines.length - 1].match(/signin_code=(\d{6})/)[1];
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no sign-in code for ${phone} in the log`);
}

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.png': 'image/png', '.svg': 'image/svg+xml' };

/**
 * Serves `root` (files only, no listing) on a free port; resolves to {base, close()}.
 * `mounts` maps URL prefixes ("/__fixture/") to other folders served the same way.
 */
async function serveStatic(root, extraHeaders = {}, mounts = {}) {
  const port = await freePort();
  const server = http.createServer((req, res) => {
    let rel = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    let dir = root;
    for (const prefix of Object.keys(mounts)) {
      if (rel.startsWith(prefix)) {
        dir = mounts[prefix];
        rel = rel.slice(prefix.length - 1);
        break;
      }
    }
    const file = path.join(dir, rel);
    if (!file.startsWith(path.resolve(dir)) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404);
      res.end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] || 'application/octet-stream', 'access-control-allow-origin': '*', ...extraHeaders });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise((r) => server.listen(port, '127.0.0.1', r));
  return { base: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(r)) };
}

/** Saves a screenshot under target/screenshots/<name>.png for people to look at. */
async function screenshot(page, name) {
  fs.mkdirSync(SHOTS, { recursive: true });
  const file = path.join(SHOTS, `${name}.png`);
  await page.screenshot({ path: file });
  // Chromium 156 with playwright 1.57: after a screenshot at deviceScaleFactor 2, later
  // clicks land at half their coordinates until the viewport is set again.
  const size = page.viewportSize();
  if (size) {
    await page.setViewportSize({ width: size.width + 1, height: size.height });
    await page.setViewportSize(size);
  }
  return file;
}

module.exports = { REPO, BIN, launch, phonePage, startServer, signinCode, serveStatic, screenshot, admin, freePort };
