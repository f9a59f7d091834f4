// Modules: the bundle's logic.js calls define(path, deps, factory) for each JS file
// (docs/bundle.md); require runs a module on first use and returns its exports.
'use strict';

(function (om) {
  var defs = {};
  var cache = {};
  var loading = {};

  /** `define(path, factory)` or `define(path, deps, factory)`; `deps` maps the
   *  specifiers the compiler resolved to bundle paths. */
  function define(path, deps, factory) {
    if (typeof deps === 'function') {
      factory = deps;
      deps = null;
    }
    defs[path] = { factory: factory, deps: deps || {} };
  }

  function candidates(from, spec) {
    var base = om.resolvePath(from, spec);
    var out = [base];
    if (!/\.js$/.test(base)) out.push(base + '.js', base + '/index.js');
    return out;
  }

  /** The module `spec` as seen from module `from`, or undefined. */
  function resolve(from, spec) {
    var d = defs[from];
    if (d && om.hasOwn(d.deps, spec)) return d.deps[spec];
    if (spec.charAt(0) !== '.' && spec.charAt(0) !== '/') {
      // A package name: miniprogram_npm folders up the tree, then a sibling (old projects).
      var dir = from.split('/').slice(0, -1);
      for (;;) {
        var prefix = dir.length ? dir.join('/') + '/' : '';
        var npm = candidates(prefix + 'x', './miniprogram_npm/' + spec);
        for (var i = 0; i < npm.length; i++) if (defs[npm[i]]) return npm[i];
        if (!dir.length) break;
        dir.pop();
      }
    }
    var list = candidates(from, spec);
    for (var j = 0; j < list.length; j++) if (defs[list[j]]) return list[j];
    return undefined;
  }

  function load(path) {
    if (om.hasOwn(cache, path)) return cache[path].exports;
    var d = defs[path];
    if (!d) throw new Error('module "' + path + '" is not defined');
    var module = { exports: {} };
    cache[path] = module;
    loading[path] = true;
    var prev = om.currentModule;
    om.currentModule = path;
    try {
      d.factory.call(module.exports, requireFrom(path), module, module.exports);
    } catch (e) {
      delete cache[path];
      throw e;
    } finally {
      om.currentModule = prev;
      delete loading[path];
    }
    return module.exports;
  }

  function requireFrom(from) {
    var req = function (spec) {
      var path = resolve(from, String(spec));
      if (path === undefined) throw new Error('module "' + spec + '" is not defined, require args is \'' + spec + '\' (from ' + from + ')');
      return load(path);
    };
    // require(path, callback) for modules of another package (async require).
    req.async = function (spec) {
      return om.pages.ensureFor(om.resolvePath(from, spec)).then(function () {
        return req(spec);
      });
    };
    return req;
  }

  om.modules = {
    define: define,
    has: function (path) {
      return om.hasOwn(defs, path);
    },
    load: load,
    resolve: resolve,
  };
  self.define = define;
  self.require = requireFrom('app.js');
  // The compiled view.js of each package registers its render functions here.
  self.__wxView = function (root, views) {
    om.views[root] = views;
  };
})(__om);
