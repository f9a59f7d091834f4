// The logic layer's namespace and the small tools every part uses. Runs in the mini
// program's Web Worker (docs/container.md), loaded first by importScripts.
'use strict';

var __om = (self.__om = {
  /** Set at launch: {appid, base, manifest, launch, system, storage, menuRect}. */
  env: null,
  /** Per-package {view: {pages}} as registered by each view.js. */
  views: {},
});

(function (om) {
  var toString = Object.prototype.toString;
  var hasOwn = Object.prototype.hasOwnProperty;

  om.hasOwn = function (o, k) {
    return o !== null && o !== undefined && hasOwn.call(o, k);
  };

  om.typeOf = function (v) {
    return toString.call(v).slice(8, -1);
  };

  om.isPlainObject = function (v) {
    return v !== null && typeof v === 'object' && toString.call(v) === '[object Object]';
  };

  /** A copy through JSON's types, as data crossing to the view would be (functions and
   *  undefined dropped, dates as strings), so the logic layer sees what the view sees. */
  om.clone = function (v) {
    if (v === undefined) return undefined;
    if (v === null || typeof v !== 'object') return v;
    if (Array.isArray(v)) {
      var a = new Array(v.length);
      for (var i = 0; i < v.length; i++) a[i] = om.clone(v[i]);
      return a;
    }
    if (v instanceof Date) return v.toJSON();
    if (v instanceof ArrayBuffer || ArrayBuffer.isView(v)) return v;
    var o = {};
    for (var k in v) {
      if (hasOwn.call(v, k) && v[k] !== undefined && typeof v[k] !== 'function') o[k] = om.clone(v[k]);
    }
    return o;
  };

  /** `a.b[2].c` → ['a', 'b', 2, 'c']; a key with brackets or dots escaped is not
   *  supported by WeChat either. */
  om.parsePath = function (path) {
    var out = [];
    var re = /([^.[\]]+)|\[(\d+)\]/g;
    var m;
    var last = 0;
    path = String(path);
    while ((m = re.exec(path))) {
      if (m[1] !== undefined) out.push(m[1]);
      else out.push(Number(m[2]));
      last = re.lastIndex;
    }
    if (last !== path.length || !out.length) return [path];
    return out;
  };

  /** Sets `value` at `segs` inside `root`, creating objects and arrays on the way. */
  om.setPath = function (root, segs, value) {
    var o = root;
    for (var i = 0; i < segs.length - 1; i++) {
      var k = segs[i];
      var next = o[k];
      if (next === null || typeof next !== 'object') {
        next = typeof segs[i + 1] === 'number' ? [] : {};
        o[k] = next;
      }
      o = next;
    }
    o[segs[segs.length - 1]] = value;
  };

  om.getPath = function (root, segs) {
    var o = root;
    for (var i = 0; i < segs.length; i++) {
      if (o === null || o === undefined) return undefined;
      o = o[segs[i]];
    }
    return o;
  };

  /** `hover-class` → `hoverClass`; `data-*` names keep their case. */
  om.camel = function (name) {
    return name.replace(/-([a-z])/g, function (_, c) {
      return c.toUpperCase();
    });
  };

  om.dash = function (name) {
    return name.replace(/[A-Z]/g, function (c) {
      return '-' + c.toLowerCase();
    });
  };

  /** Resolves `rel` against the folder of `from` (both package paths, no leading /). */
  om.resolvePath = function (from, rel) {
    var parts = rel.charAt(0) === '/' ? [] : from.split('/').slice(0, -1);
    var segs = rel.split('/');
    for (var i = 0; i < segs.length; i++) {
      var s = segs[i];
      if (s === '' || s === '.') continue;
      if (s === '..') parts.pop();
      else parts.push(s);
    }
    return parts.join('/');
  };

  /** `pages/a/a?x=1&y=%E4%B8%AD` → {path, query: {x: '1', y: '中'}}; `from` resolves relative paths. */
  om.parseUrl = function (url, from) {
    url = String(url || '');
    var q = url.indexOf('?');
    var path = q < 0 ? url : url.slice(0, q);
    var query = {};
    if (q >= 0) {
      url
        .slice(q + 1)
        .split('&')
        .forEach(function (pair) {
          if (!pair) return;
          var eq = pair.indexOf('=');
          var k = eq < 0 ? pair : pair.slice(0, eq);
          var v = eq < 0 ? '' : pair.slice(eq + 1);
          try {
            query[decodeURIComponent(k)] = decodeURIComponent(v);
          } catch (_) {
            query[k] = v;
          }
        });
    }
    path = path.charAt(0) === '/' ? path.slice(1) : from ? om.resolvePath(from, path) : path;
    return { path: path.replace(/\.html$/, ''), query: query };
  };

  om.warn = function () {
    var args = ['[openmini]'].concat([].slice.call(arguments));
    console.warn.apply(console, args);
  };

  om.error = function () {
    var args = ['[openmini]'].concat([].slice.call(arguments));
    console.error.apply(console, args);
  };

  /** Runs a developer's function; an exception goes to App.onError and the console,
   *  never up into the runtime. */
  om.guard = function (fn, self, args, where) {
    try {
      return fn.apply(self, args || []);
    } catch (e) {
      om.reportError(e, where);
      return undefined;
    }
  };

  om.reportError = function (e, where) {
    var msg = (e && (e.stack || e.message)) || String(e);
    om.error((where ? where + ': ' : '') + msg);
    if (om.app && om.app.onErrorHandlers) {
      om.app.onErrorHandlers.forEach(function (h) {
        try {
          h(msg);
        } catch (_) {}
      });
    }
    // wx.onError listeners hear the same (also where App is not registered yet); an
    // error in one of them is not reported again.
    if (om.api && !reporting) {
      reporting = true;
      try {
        om.api.fire('error', [msg]);
      } finally {
        reporting = false;
      }
    }
  };
  var reporting = false;

  /** Microtask scheduling (setData renders once per tick). */
  om.nextTick = function (fn) {
    Promise.resolve().then(fn);
  };
})(__om);
