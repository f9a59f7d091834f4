// A stand-in for `openmini serve` while parts of the server are being built: serves
// web/container with the frame's CSP, compiled bundles under /pkg/<appid>/1/, and a
// minimal host page (fixtures/host.html). The end-to-end tests use the real server.
'use strict';
const fs = require('fs');
const http = require('http');
const path = require('path');
const { REPO, freePort } = require('./harness');

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.png': 'image/png', '.svg': 'image/svg+xml' };

function csp(origin, appid) {
  return [
    "default-src 'none'",
    `script-src ${origin}/container/ ${origin}/pkg/${appid}/`,
    'worker-src blob:',
    `connect-src ${origin}/pkg/${appid}/`,
    `style-src 'unsafe-inline' ${origin}/container/ ${origin}/pkg/${appid}/`,
    'img-src * data: blob:',
    'media-src * data: blob:',
    `font-src ${origin}/container/ data:`,
    "frame-src 'none'",
    "form-action 'none'",
    "base-uri 'none'",
    'sandbox allow-scripts',
  ].join('; ');
}

function send(res, file, headers) {
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) {
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end('{"errcode":48004,"errmsg":"not found"}');
    return;
  }
  res.writeHead(200, { 'content-type': TYPES[path.extname(file)] || 'application/octet-stream', ...headers });
  fs.createReadStream(file).pipe(res);
}

/** Serves `bundles` ({appid: bundle dir}); resolves to {base, requests, close()}. */
async function devHost(bundles) {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const web = path.join(REPO, 'web');
  const requests = []; // every path asked for, in order (tests check what loads when)
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, origin);
    const p = decodeURIComponent(url.pathname);
    requests.push(p);
    if (p === '/' || p === '/host.html') return send(res, path.join(__dirname, '../fixtures/host.html'), { 'cache-control': 'no-store' });
    if (p === '/favicon.ico') {
      // Chromium asks for one; a 404 would show as a console error in every test.
      res.writeHead(204);
      return res.end();
    }
    if (p === '/container/frame') {
      const appid = url.searchParams.get('appid') || '';
      return send(res, path.join(web, 'container/frame.html'), { 'content-security-policy': csp(origin, appid), 'cache-control': 'no-store' });
    }
    if (p.startsWith('/container/bundle/')) {
      // As the server does (crates/server/src/web.rs): the listed files, joined.
      const lists = JSON.parse(fs.readFileSync(path.join(web, 'container/bundles.json'), 'utf8'));
      const list = lists[p.slice('/container/bundle/'.length)];
      if (!list) return send(res, '/nonexistent');
      const body = list.map((f) => `/* container/${f} */\n` + fs.readFileSync(path.join(web, 'container', f), 'utf8') + '\n;\n').join('');
      res.writeHead(200, { 'content-type': 'text/javascript', 'access-control-allow-origin': '*', 'cache-control': 'no-store' });
      res.end(body);
      return;
    }
    if (p.startsWith('/container/')) {
      const file = path.join(web, p);
      if (!file.startsWith(path.join(web, 'container'))) return send(res, '/nonexistent');
      return send(res, file, { 'access-control-allow-origin': '*', 'cache-control': 'no-store' });
    }
    const m = /^\/pkg\/([^/]+)\/1\/(.+)$/.exec(p);
    if (m && bundles[m[1]]) {
      const file = path.join(bundles[m[1]], m[2]);
      if (!file.startsWith(bundles[m[1]])) return send(res, '/nonexistent');
      return send(res, file, { 'access-control-allow-origin': '*' });
    }
    if (p.startsWith('/manifest/')) {
      const dir = bundles[p.slice('/manifest/'.length)];
      return send(res, dir ? path.join(dir, 'manifest.json') : '/nonexistent');
    }
    send(res, '/nonexistent');
  });
  await new Promise((r) => server.listen(port, '127.0.0.1', r));
  return { base: origin, requests, close: () => new Promise((r) => server.close(r)) };
}

module.exports = { devHost, csp };
