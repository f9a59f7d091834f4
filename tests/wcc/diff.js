#!/usr/bin/env node
// Differential check: renders a page with WeChat's wcc (render.js) and with
// openmini-compiler's output, normalises both the same way, and compares.
//
// usage: node diff.js <case_dir> <ours.js> [entry.wxml]
//   <ours.js>  the JavaScript expression openmini-compiler produced for the case
// Exit 0 when the trees are equal; 1 with both trees and the first difference.
'use strict';
const fs = require('fs');
const path = require('path');
const vm = require('vm');
const { render, normValue } = require('./render.js');

const [dir, oursFile, entry = 'index.wxml'] = process.argv.slice(2);
const dataFile = path.join(dir, 'data.json');
const data = fs.existsSync(dataFile) ? JSON.parse(fs.readFileSync(dataFile, 'utf8')) : {};

// wcc camelCases attribute names, except datasets and names with a colon.
function attrName(k) {
  if (k.startsWith('data-') || k.includes(':')) return k;
  return k.replace(/-([a-z])/g, (_, c) => c.toUpperCase());
}

function normOurs(node) {
  if (typeof node === 'string') return node;
  const attrs = {};
  for (const k of Object.keys(node.attrs)) attrs[attrName(k)] = normValue(node.attrs[k]);
  const sorted = {};
  for (const k of Object.keys(attrs).sort()) sorted[k] = attrs[k];
  const out = { tag: node.tag, attrs: sorted };
  // wcc's names: generics prefixed like its tags, model bindings as raw attributes.
  if (node.generics) {
    out.generics = {};
    for (const k of Object.keys(node.generics).sort()) out.generics['wx-' + k] = 'wx-' + node.generics[k];
  }
  if (node.model) {
    out.rawAttr = {};
    for (const k of Object.keys(node.model).sort()) out.rawAttr['model:' + k] = node.model[k];
  }
  out.children = node.children.map(normOurs);
  return out;
}

// wcc drops whitespace-only text and keeps the rest; it also joins adjacent texts
// into one string per text node, as ours does.
const theirs = render(dir, entry, data, { log: () => {} });
const ctx = { console };
vm.createContext(ctx);
const pkg = vm.runInContext(fs.readFileSync(oursFile, 'utf8'), ctx, { filename: oursFile });
const ourData = vm.runInContext('(' + JSON.stringify(data) + ')', ctx);
const ours = { tag: 'page', attrs: {}, children: pkg.pages[entry](ourData).map(normOurs) };

const a = JSON.stringify(theirs), b = JSON.stringify(ours);
if (a === b) process.exit(0);

function firstDiff(x, y, at) {
  if (JSON.stringify(x) === JSON.stringify(y)) return null;
  if (typeof x !== 'object' || typeof y !== 'object' || x === null || y === null) return { at, wcc: x, ours: y };
  const keys = new Set([...Object.keys(x), ...Object.keys(y)]);
  for (const k of keys) {
    const d = firstDiff(x[k], y[k], at + '/' + k);
    if (d) return d;
  }
  return { at, wcc: x, ours: y };
}
process.stdout.write(JSON.stringify(firstDiff(theirs, ours, ''), null, 2) + '\n');
process.exit(1);
