#!/usr/bin/env node
// Render a WXML page with WeChat's own wcc (npm miniprogram-compiler) and print
// the resulting virtual tree as normalised JSON.
//
// usage: node render.js <dir> <entry.wxml> [data.json] [options]
//   <dir>        project root; every **/*.wxml and **/*.wxs under it is compiled
//   <entry>      page path relative to <dir>, e.g. index.wxml or pages/a/a.wxml
//   [data.json]  page data: a file, or inline JSON text (default {})
// options:
//   --keep-virtual  keep wx:for / wx:if / block / template "virtual" nodes
//                   (sets window.__webview_engine_version__=0.02, like the real
//                   webview; otherwise the runtime flattens them via _ev())
//   --keep-prefix   keep wcc's "wx-" tag prefix (default: strip one "wx-")
//   --raw           print wcc's tree unmodified (JSON.stringify of root)
//   --js FILE       also write the generated JS to FILE
//   --components    honour <page>.json "usingComponents" (passes -cc list to wcc)
// Runtime warnings (template not found, etc.) and wxs console.log go to stderr.
// Exit codes: 0 ok, 2 wcc compile error (wcc stderr echoed), 3 runtime error.
'use strict';
const fs = require('fs');
const path = require('path');
const vm = require('vm');
const { spawnSync } = require('child_process');

const WCC = process.env.WCC || path.join(__dirname,
  'node_modules/miniprogram-compiler/bin/linux/wcc');

function walk(root, rel = '', out = []) {
  for (const ent of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
    if (ent.name === 'node_modules') continue;
    const r = rel ? rel + '/' + ent.name : ent.name;
    if (ent.isDirectory()) walk(root, r, out);
    else if (/\.(wxml|wxs)$/.test(ent.name)) out.push(r);
  }
  return out.sort();
}

function compile(dir, { components = false } = {}) {
  try { fs.chmodSync(WCC, 0o755); } catch (e) { /* ignore */ }
  const files = walk(dir);
  // "./" prefix matters: wcc resolves absolute "/x" paths (import/include/wxs src)
  // against "." — without it "/common/x" is "not found".
  const wxml = files.filter(f => f.endsWith('.wxml')).map(f => './' + f);
  const wxs = files.filter(f => f.endsWith('.wxs')).map(f => './' + f);
  const args = ['-d'];
  if (components) {
    const comp = [];
    let n = 0;
    for (const f of wxml) {
      const j = path.join(dir, f.replace(/\.wxml$/, '.json'));
      if (!fs.existsSync(j)) continue;
      const uc = (JSON.parse(fs.readFileSync(j, 'utf8')).usingComponents) || {};
      const names = Object.keys(uc);
      if (!names.length) continue;
      comp.push(f, names.length, ...names); n++;
    }
    args.push('-cc', [n, ...comp].join(' '));
  }
  args.push(...wxml, ...wxs, '-gn', '$gwx');
  const r = spawnSync(WCC, args, { cwd: dir, maxBuffer: 256 * 1024 * 1024 });
  if (r.error) throw r.error;
  if (r.status !== 0) {
    const err = new Error('wcc failed (exit ' + r.status + '): ' +
      (r.stderr.toString() || r.stdout.toString()));
    err.wccStderr = r.stderr.toString(); err.wccStatus = r.status;
    throw err;
  }
  return r.stdout.toString();
}

function evaluate(code, entry, data, { keepVirtual = false, log = () => {} } = {}) {
  const con = {
    log: (...a) => log('log', a), info: (...a) => log('info', a),
    warn: (...a) => log('warn', a), error: (...a) => log('error', a),
  };
  // A fresh context: wcc's wxs runtime patches Object/Array/String.prototype
  // with nv_* properties, so keep that away from our own realm.
  const ctx = { console: con };
  ctx.window = ctx;           // generated code reads/writes window.*
  ctx.global = ctx;           // -xc output writes global.__wcc_version__
  if (keepVirtual) ctx.__webview_engine_version__ = 0.02;
  vm.createContext(ctx);
  vm.runInContext(code, ctx, { filename: 'wcc-output.js' });
  const key = './' + entry.replace(/^\.?\//, '');
  const gen = ctx.$gwx(key);
  if (typeof gen !== 'function') throw new Error('no page ' + key + ' in wcc output');
  // data must be created inside the context so that wxs sees context intrinsics
  const env = vm.runInContext('(' + JSON.stringify(data) + ')', ctx);
  return gen(env, {}, {});     // (env, dd, global)
}

function normValue(v) {
  if (typeof v === 'function') return '[Function]';
  if (Array.isArray(v)) return v.map(normValue);
  if (v && typeof v === 'object') {
    const o = {};
    for (const k of Object.keys(v).sort()) o[k] = normValue(v[k]);
    return o;
  }
  return v === undefined ? '[undefined]' : v;
}

function normalise(node, opts = {}) {
  if (node === null || typeof node !== 'object') return String(node);
  let tag = node.tag;
  if (!opts.keepPrefix && tag.startsWith('wx-')) tag = tag.slice(3);
  const out = { tag, attrs: {} };
  for (const k of Object.keys(node.attr || {}).sort()) {
    if (k === '$gdc') continue;            // helper fn attached for wxs-function attrs
    out.attrs[k] = normValue(node.attr[k]);
  }
  if (node.generics && Object.keys(node.generics).length) out.generics = normValue(node.generics);
  if (node.wxKey !== undefined) out.wxKey = normValue(node.wxKey);
  if (node.wxVkey !== undefined) out.wxVkey = node.wxVkey;      // if: branch no. (1,2..); template: "file:name"
  if (node.wxXCkey !== undefined) out.wxXCkey = node.wxXCkey;   // 1:wx:if 2:wx:for 3:template is=
  if (node.wxScopeData !== undefined) out.wxScopeData = normValue(node.wxScopeData);
  if (node.extraAttr) out.extraAttr = normValue(node.extraAttr);
  if (node.rawAttr) out.rawAttr = normValue(node.rawAttr);       // model:xxx="{{path}}" bindings
  out.children = (node.children || []).map(c => normalise(c, opts));
  return out;
}

function render(dir, entry, data, opts = {}) {
  const code = compile(dir, opts);
  if (opts.jsOut) fs.writeFileSync(opts.jsOut, code);
  const root = evaluate(code, entry, data, opts);
  return opts.raw ? JSON.parse(JSON.stringify(root, (k, v) =>
    typeof v === 'function' ? '[Function]' : v)) : normalise(root, opts);
}

module.exports = { compile, evaluate, normalise, normValue, render };

if (require.main === module) {
  const argv = process.argv.slice(2);
  const pos = [], opts = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--keep-virtual') opts.keepVirtual = true;
    else if (a === '--keep-prefix') opts.keepPrefix = true;
    else if (a === '--raw') opts.raw = true;
    else if (a === '--components') opts.components = true;
    else if (a === '--js') opts.jsOut = argv[++i];
    else pos.push(a);
  }
  if (pos.length < 2) {
    console.error('usage: node render.js <dir> <entry.wxml> [data.json] [--keep-virtual] [--keep-prefix] [--raw] [--components] [--js out.js]');
    process.exit(1);
  }
  const [dir, entry, dataFile] = pos;
  const data = !dataFile ? {} : JSON.parse(/^\s*[{\[]/.test(dataFile) ? dataFile
    : fs.readFileSync(dataFile, 'utf8'));   // file path or inline JSON
  opts.log = (lvl, args) => process.stderr.write('[' + lvl + '] ' + args.map(x =>
    typeof x === 'string' ? x : (x && x.stack) || JSON.stringify(x)).join(' ') + '\n');
  let code;
  try { code = compile(dir, opts); } catch (e) {
    process.stderr.write(e.wccStderr !== undefined ? e.wccStderr : e.message);
    process.stderr.write('\n');
    process.exit(2);
  }
  if (opts.jsOut) fs.writeFileSync(opts.jsOut, code);
  let root;
  try { root = evaluate(code, entry, data, opts); } catch (e) {
    process.stderr.write('runtime error: ' + ((e && e.stack) || e) + '\n');
    process.exit(3);
  }
  const out = opts.raw ? JSON.parse(JSON.stringify(root, (k, v) =>
    typeof v === 'function' ? '[Function]' : v)) : normalise(root, opts);
  process.stdout.write(JSON.stringify(out, null, 2) + '\n');
}
