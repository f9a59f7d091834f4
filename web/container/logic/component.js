// Component, Behavior and the instances of pages and components: definitions merged
// with their behaviors, properties with types, defaults and observers, `observers`,
// lifetimes, relations, setData with path keys, and style scope (docs/bundle.md,
// "Styles"). Pages are instances too (Page() or Component() in a page's module).
'use strict';

(function (om) {
  var defs = {}; // component path → normalized definition
  var nextInstance = 1;

  var LIFETIMES = ['created', 'attached', 'ready', 'moved', 'detached', 'error'];
  var PAGE_LIFETIMES = ['show', 'hide', 'resize', 'routeDone'];

  // ---- behaviors and definitions ------------------------------------------------

  var behaviorIds = 0;
  var BUILTIN_BEHAVIORS = {
    'wx://form-field': { properties: { name: { type: String, value: '' }, value: { type: null, value: '' } } },
    'wx://form-field-group': {},
    'wx://form-field-button': {},
    'wx://component-export': {},
  };

  function Behavior(def) {
    def = def || {};
    applyFilters(def);
    var b = normalize(def, false);
    b.behaviorId = 'behavior-' + ++behaviorIds;
    b.isBehavior = true;
    // Its own filter, and those of its own behaviors (the filter's second argument).
    b.ownFilter = typeof def.definitionFilter === 'function' ? def.definitionFilter : null;
    b.childFilters = directBehaviors(def)
      .map(function (x) {
        return x.ownFilter;
      })
      .filter(Boolean);
    return b;
  }

  function directBehaviors(def) {
    return (Array.isArray(def.behaviors) ? def.behaviors : []).filter(function (b) {
      return b && b.isBehavior;
    });
  }

  /** `definitionFilter(defFields, definitionFilterArr)` of each behavior `def` uses, run
   *  before `def` is read: the filter may change the definition (add data, methods,
   *  observers…), as libraries such as miniprogram-computed do. */
  function applyFilters(def) {
    directBehaviors(def).forEach(function (b) {
      if (b.ownFilter) om.guard(b.ownFilter, null, [def, b.childFilters.slice()], 'definitionFilter');
    });
  }

  function emptyDef() {
    var d = {
      data: {},
      properties: {},
      methods: {},
      lifetimes: {},
      pageLifetimes: {},
      observers: [],
      relations: {},
      externalClasses: [],
      options: {},
      behaviors: [],
      exportFn: null,
      extra: {},
    };
    LIFETIMES.forEach(function (l) {
      d.lifetimes[l] = [];
    });
    PAGE_LIFETIMES.forEach(function (l) {
      d.pageLifetimes[l] = [];
    });
    return d;
  }

  /** A property as `{type, optionalTypes, value, observer}`. */
  function normProp(p) {
    if (p === null || typeof p === 'function') return { type: p, optionalTypes: null, value: defaultOf(p), observer: null };
    if (typeof p !== 'object') return { type: null, optionalTypes: null, value: p, observer: null };
    var type = p.type === undefined ? null : p.type;
    return {
      type: type,
      optionalTypes: Array.isArray(p.optionalTypes) ? p.optionalTypes : null,
      value: om.hasOwn(p, 'value') ? p.value : defaultOf(type),
      observer: p.observer || null,
    };
  }

  function defaultOf(type) {
    switch (type) {
      case String:
        return '';
      case Number:
        return 0;
      case Boolean:
        return false;
      case Array:
        return [];
      case Object:
        return null;
      default:
        return null;
    }
  }

  function matches(type, v) {
    switch (type) {
      case String:
        return typeof v === 'string';
      case Number:
        return typeof v === 'number' && isFinite(v);
      case Boolean:
        return typeof v === 'boolean';
      case Array:
        return Array.isArray(v);
      case Object:
        return v !== null && typeof v === 'object';
      default:
        return true;
    }
  }

  /** A value given to a property, converted to its type the way the base library does. */
  function coerce(p, v) {
    // Any type: anything but undefined, which is null.
    if (p.type === null || p.type === undefined) return v === undefined ? null : v;
    if (matches(p.type, v)) return v;
    if (p.optionalTypes) for (var i = 0; i < p.optionalTypes.length; i++) if (matches(p.optionalTypes[i], v)) return v;
    switch (p.type) {
      case String:
        return v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
      case Number:
        var n = Number(v);
        return isFinite(n) ? n : om.clone(p.value);
      case Boolean:
        return !!v;
      case Array:
        return om.clone(p.value);
      case Object:
        // null is an object value (WeChat's default for Object); undefined becomes null.
        return v === null || v === undefined ? null : om.clone(p.value);
      default:
        return v;
    }
  }

  /** Splits `'a, b.c, d.**'` into field paths; `**` alone watches everything. */
  function parseFields(spec) {
    return String(spec)
      .split(',')
      .map(function (f) {
        f = f.trim();
        var deep = /(^|\.)\*\*$/.test(f);
        var base = f.replace(/\.?\*\*$/, '');
        return { segs: base ? om.parsePath(base) : [], deep: deep };
      });
  }

  /** Merges a definition (a Component/Page/Behavior object) over its behaviors. */
  function normalize(def, isPage) {
    var out = emptyDef();
    (def.behaviors || []).forEach(function (b) {
      if (typeof b === 'string') {
        if (BUILTIN_BEHAVIORS[b]) {
          merge(out, normalize(BUILTIN_BEHAVIORS[b], false));
          out.behaviors.push(b);
        } else om.warn('unknown behavior ' + b);
        return;
      }
      if (!b || !b.isBehavior) {
        om.warn('behaviors must be made with Behavior()');
        return;
      }
      merge(out, b);
      out.behaviors.push(b.behaviorId);
    });
    var own = emptyDef();
    own.data = om.isPlainObject(def.data) ? def.data : typeof def.data === 'function' ? def.data() : {};
    var props = def.properties || def.props || {};
    for (var k in props) own.properties[k] = normProp(props[k]);
    var methods = def.methods || {};
    for (var m in methods) if (typeof methods[m] === 'function') own.methods[m] = methods[m];
    LIFETIMES.forEach(function (l) {
      var fn = (def.lifetimes && def.lifetimes[l]) || def[l];
      if (typeof fn === 'function') own.lifetimes[l].push(fn);
    });
    if (def.pageLifetimes)
      PAGE_LIFETIMES.forEach(function (l) {
        if (typeof def.pageLifetimes[l] === 'function') own.pageLifetimes[l].push(def.pageLifetimes[l]);
      });
    if (Array.isArray(def.observers)) {
      // The array form: [{fields: 'a, b', observer: fn}].
      def.observers.forEach(function (x) {
        if (x && typeof x.observer === 'function') own.observers.push({ fields: parseFields(x.fields), fn: x.observer });
      });
    } else if (def.observers) for (var o in def.observers) if (typeof def.observers[o] === 'function') own.observers.push({ fields: parseFields(o), fn: def.observers[o] });
    if (def.relations) for (var r in def.relations) own.relations[r] = def.relations[r];
    own.externalClasses = (def.externalClasses || []).map(String);
    own.options = def.options || {};
    own.exportFn = typeof def.export === 'function' ? def.export : null;
    if (isPage) {
      // Page(): every other field is the page's own — functions as methods.
      for (var f in def) {
        if (/^(data|behaviors|options|properties|methods|lifetimes|pageLifetimes|observers|relations|externalClasses)$/.test(f)) continue;
        if (typeof def[f] === 'function') own.methods[f] = def[f];
        else own.extra[f] = def[f];
      }
    }
    merge(out, own);
    return out;
  }

  function deepMerge(a, b) {
    for (var k in b) {
      if (om.isPlainObject(a[k]) && om.isPlainObject(b[k])) deepMerge(a[k], b[k]);
      else a[k] = b[k];
    }
    return a;
  }

  /** The items of `add` not in `list` yet, appended to it: a behavior reached twice (two
   *  behaviors including the same one) has its lifetimes and observers run once. */
  function addOnce(list, add) {
    for (var i = 0; i < add.length; i++) if (list.indexOf(add[i]) < 0) list.push(add[i]);
    return list;
  }

  /** `b` over `a`: data, properties and methods of `b` win; lifetimes and observers add up. */
  function merge(a, b) {
    deepMerge(a.data, om.clone(b.data));
    for (var p in b.properties) a.properties[p] = b.properties[p];
    for (var m in b.methods) a.methods[m] = b.methods[m];
    LIFETIMES.forEach(function (l) {
      a.lifetimes[l] = addOnce(a.lifetimes[l].slice(), b.lifetimes[l]);
    });
    PAGE_LIFETIMES.forEach(function (l) {
      a.pageLifetimes[l] = addOnce(a.pageLifetimes[l].slice(), b.pageLifetimes[l]);
    });
    a.observers = addOnce(a.observers.slice(), b.observers);
    for (var r in b.relations) a.relations[r] = b.relations[r];
    b.externalClasses.forEach(function (c) {
      if (a.externalClasses.indexOf(c) < 0) a.externalClasses.push(c);
    });
    for (var o in b.options) a.options[o] = b.options[o];
    if (b.exportFn) a.exportFn = b.exportFn;
    for (var e in b.extra) a.extra[e] = b.extra[e];
    b.behaviors.forEach(function (x) {
      if (a.behaviors.indexOf(x) < 0) a.behaviors.push(x);
    });
  }

  /** Component(def): registers the definition of the module being run. */
  function Component(def) {
    var module = om.currentModule;
    if (!module) {
      om.warn('Component() called outside a module');
      return;
    }
    def = def || {};
    var isPage = om.pages && om.pages.isPagePath(module.replace(/\.js$/, ''));
    applyFilters(def);
    var d = normalize(def, false);
    d.usedAsPage = isPage;
    defs[module.replace(/\.js$/, '')] = d;
  }

  /** Page(def) in a page's module. */
  function PageDef(def) {
    var module = om.currentModule;
    if (!module) {
      om.warn('Page() called outside a page module');
      return;
    }
    def = def || {};
    applyFilters(def);
    var d = normalize(def, true);
    d.isPageDef = true;
    defs[module.replace(/\.js$/, '')] = d;
  }

  /** The definition of the page or component at `path` (its module run on first use). */
  function definition(path) {
    if (!defs[path]) {
      om.pages.ensureFor(path);
      var mod = path + '.js';
      if (om.modules.has(mod)) {
        try {
          om.modules.load(mod);
        } catch (e) {
          om.reportError(e, mod);
        }
      }
      if (!defs[path]) defs[path] = emptyDef();
    }
    return defs[path];
  }

  // ---- instances -----------------------------------------------------------------

  function Instance() {}

  var manifest = function () {
    return om.env.manifest;
  };

  /** The component a tag names in `owner`'s template, or null for a built-in tag. */
  function resolveTag(owner, tag) {
    var c = owner.__;
    var uses = manifest().components.uses[c.is];
    if (uses && om.hasOwn(uses, tag)) return uses[tag];
    if (c.generics && om.hasOwn(c.generics, tag)) return c.generics[tag];
    var g = manifest().components.generics && manifest().components.generics[c.is];
    if (g && om.hasOwn(g, tag) && g[tag]) return g[tag];
    return null;
  }

  function renderFn(path) {
    var root = om.pages.packageOf(path);
    var v = om.views[root];
    var f = v && v.pages[path + '.wxml'];
    if (!f) om.warn('no template for ' + path);
    return f || null;
  }

  /** A new instance of the definition at `path`: `host` is its node in `owner`'s
   *  template (or the page root), `raw` the rendered host node. */
  function create(path, host, owner, raw, isPage) {
    var def = definition(path);
    var inst = new Instance();
    var info = manifest().components.components[path];
    var opts = def.options || {};
    var isolation = opts.styleIsolation || (info && info.styleIsolation) || (opts.addGlobalClass ? 'apply-shared' : 'isolated');
    var c = (inst.__ = {
      id: nextInstance++,
      def: def,
      is: path,
      host: host,
      owner: owner,
      page: isPage ? inst : owner ? owner.__.page : null,
      depth: owner ? owner.__.depth + 1 : 0,
      isPage: !!isPage,
      root: null,
      slots: [],
      alive: true,
      rendered: false,
      dirty: false,
      attached: false,
      virtual: !isPage && !!opts.virtualHost,
      multipleSlots: !!opts.multipleSlots,
      // Pages write classes as they are; components with their prefix.
      prefix: isPage ? '' : info ? info.prefix : '',
      globalClass: !isPage && /shared/.test(isolation),
      formField: def.behaviors.indexOf('wx://form-field') >= 0,
      isolation: isolation,
      external: null,
      scope: 0,
      generics: null,
      modelBindings: null,
      relations: {},
      render: renderFn(path),
      renderData: function () {
        return inst.data;
      },
    });
    inst.is = path;
    inst.data = {};
    deepMerge(inst.data, om.clone(def.data));
    for (var p in def.properties) inst.data[p] = om.clone(def.properties[p].value);
    inst.properties = inst.data;
    for (var e in def.extra) inst[e] = om.clone(def.extra[e]);
    for (var m in def.methods) inst[m] = def.methods[m];
    if (isPage) inst.route = path;
    Object.defineProperty(inst, 'id', {
      get: function () {
        return c.host && c.host.nodeId ? c.host.nodeId : '';
      },
    });
    Object.defineProperty(inst, 'dataset', {
      get: function () {
        return c.host ? c.host.dataset : {};
      },
    });
    lifetime(inst, 'created');
    return inst;
  }

  function lifetime(inst, name, args) {
    var list = inst.__.def.lifetimes[name];
    for (var i = 0; i < list.length; i++) om.guard(list[i], inst, args || [], inst.__.is + ' ' + name);
  }

  /** Calls a method of `inst` (an event handler): an error goes to App.onError and
   *  wx.onError, and to the component's `error` lifetime ("每当组件方法抛出错误时执行"). */
  function callMethod(inst, fn, args, where) {
    try {
      return fn.apply(inst, args);
    } catch (e) {
      om.reportError(e, where);
      if (!inst.__.isPage) lifetime(inst, 'error', [e]);
      return undefined;
    }
  }

  /** Properties and the rest given by the user of a component (tree.applyAttrs). */
  function receive(inst, props, external, generics, model) {
    var c = inst.__;
    var changed = [];
    for (var k in props) {
      var p = c.def.properties[k];
      var v = coerce(p, props[k]);
      var old = inst.data[k];
      if (old === v && c.rendered) continue;
      if (!c.rendered && old === v) continue;
      inst.data[k] = v;
      changed.push({ name: k, value: v, old: old });
    }
    var ext = external || null;
    if (JSON.stringify(ext) !== JSON.stringify(c.external)) {
      c.external = ext;
      // Class tokens of its nodes map differently now: every node's attributes again.
      c.scope++;
      if (c.rendered) om.tree.invalidate(inst);
    }
    if (generics) {
      var owner = c.owner;
      c.generics = {};
      for (var g in generics) {
        var path = resolveTag(owner, String(generics[g]));
        if (path) c.generics[g] = path;
        else om.warn('generic:' + g + ' names "' + generics[g] + '", which ' + owner.__.is + ' does not use');
      }
    }
    c.modelBindings = model;
    if (changed.length) {
      // `observers` first, then each property's own observer (as WeChat's base library).
      runObservers(
        inst,
        changed.map(function (ch) {
          return [ch.name];
        })
      );
      propertyObservers(inst, changed);
      if (c.rendered) om.tree.invalidate(inst);
    }
  }

  /** The `observer(newValue, oldValue)` of each changed property. */
  function propertyObservers(inst, changed) {
    var c = inst.__;
    for (var i = 0; i < changed.length; i++) {
      var ch = changed[i];
      var obs = c.def.properties[ch.name].observer;
      if (typeof obs === 'string') obs = inst[obs];
      if (typeof obs === 'function') om.guard(obs, inst, [ch.value, ch.old, [ch.name]], c.is + ' observer of ' + ch.name);
    }
  }

  function prefixOf(a, b) {
    if (a.length > b.length) return false;
    for (var i = 0; i < a.length; i++) if (String(a[i]) !== String(b[i])) return false;
    return true;
  }

  /** Runs the `observers` watching any of `paths` (each an array of segments). */
  function runObservers(inst, paths) {
    var list = inst.__.def.observers;
    for (var i = 0; i < list.length; i++) {
      var o = list[i];
      var hit = false;
      for (var f = 0; f < o.fields.length && !hit; f++) {
        var field = o.fields[f];
        for (var p = 0; p < paths.length && !hit; p++) {
          hit = prefixOf(paths[p], field.segs) || (field.deep && prefixOf(field.segs, paths[p]));
        }
      }
      if (hit) {
        var args = o.fields.map(function (fd) {
          return fd.segs.length ? om.getPath(inst.data, fd.segs) : inst.data;
        });
        om.guard(o.fn, inst, args, inst.__.is + ' observer');
      }
    }
  }

  function firstRender(inst) {
    var c = inst.__;
    c.rendered = true;
    om.tree.render(inst);
  }

  function attached(inst) {
    var c = inst.__;
    if (c.attached || !c.alive) return;
    c.attached = true;
    lifetime(inst, 'attached');
    // Relations link after `attached` (WeChat: linked "触发在 attached 生命周期之后").
    if (c.alive) relink(inst, false);
  }

  function ready(inst) {
    if (!inst.__.alive) return;
    lifetime(inst, 'ready');
  }

  /** The component's node moved (a keyed wx:for reorder put it elsewhere): `moved`, then
   *  its relations again (linkChanged if it keeps its target). */
  function moved(inst) {
    var c = inst.__;
    if (!c.alive || !c.attached) return;
    lifetime(inst, 'moved');
    if (c.alive) relink(inst, false);
  }

  function destroy(inst) {
    var c = inst.__;
    if (!c.alive) return;
    if (c.attached) {
      lifetime(inst, 'detached');
      // unlinked after detached.
      relink(inst, true);
    }
    c.alive = false;
  }

  // ---- relations -------------------------------------------------------------------

  var OPPOSITE = { parent: 'child', child: 'parent', ancestor: 'descendant', descendant: 'ancestor' };

  /** The relations of a definition as [{key, path or target behavior, type, def}]. */
  function relationsOf(inst) {
    var d = inst.__.def;
    if (d.relationList) return d.relationList;
    var rel = d.relations;
    var out = [];
    for (var key in rel) {
      var r = rel[key];
      out.push({ key: key, path: r.target ? null : om.resolvePath(inst.__.is, key), target: r.target || null, type: r.type, def: r });
    }
    return (d.relationList = out);
  }

  function relationMatches(r, other) {
    if (r.target) return other.__.def.behaviors.indexOf(r.target.behaviorId) >= 0;
    return r.path === other.__.is;
  }

  /** Component ancestors in the composed tree, nearest first. */
  function ancestors(inst) {
    var out = [];
    var v = om.tree.domParentOf(inst.__.host);
    for (var guard = 0; v && guard < 10000; guard++) {
      if (v.comp) {
        if (v.comp.__.isPage) break;
        out.push(v.comp);
      }
      v = om.tree.domParentOf(v);
    }
    return out;
  }

  /** The target of `inst`'s parent or ancestor relation `r` now: {other, theirs} or null. */
  function findLink(inst, r, up) {
    for (var i = 0; i < up.length; i++) {
      if (r.type === 'parent' && i > 0) break;
      var cand = up[i];
      if (!relationMatches(r, cand)) continue;
      var list = relationsOf(cand);
      for (var j = 0; j < list.length; j++) {
        var x = list[j];
        if (x.type === OPPOSITE[r.type] && relationMatches(x, inst)) return { other: cand, theirs: x };
      }
    }
    return null;
  }

  function call(fn, self, arg, what) {
    if (typeof fn === 'function') om.guard(fn, self, [arg], what);
  }

  /** Links `inst`'s parent and ancestor relations to what is above it now (nothing when
   *  `gone`), calling linked / linkChanged / unlinked: the parent's callback first, then
   *  the child's (WeChat's order). Each side keeps a list for getRelationNodes. */
  function relink(inst, gone) {
    var c = inst.__;
    var mine = relationsOf(inst);
    var up = null;
    for (var i = 0; i < mine.length; i++) {
      var r = mine[i];
      if (r.type !== 'parent' && r.type !== 'ancestor') continue;
      var links = (c.links = c.links || {});
      var old = links[r.key] || null;
      if (!gone && !up) up = ancestors(inst);
      var now = gone ? null : findLink(inst, r, up);
      links[r.key] = now;
      var same = !!old && !!now && old.other === now.other && old.theirs === now.theirs;
      if (same) {
        call(old.theirs.def.linkChanged, old.other, inst, 'relation linkChanged');
        call(r.def.linkChanged, inst, old.other, 'relation linkChanged');
        continue;
      }
      if (old) {
        c.relations[r.key] = without(c.relations[r.key], old.other);
        old.other.__.relations[old.theirs.key] = without(old.other.__.relations[old.theirs.key], inst);
        call(old.theirs.def.unlinked, old.other, inst, 'relation unlinked');
        call(r.def.unlinked, inst, old.other, 'relation unlinked');
      }
      if (now) {
        (c.relations[r.key] = c.relations[r.key] || []).push(now.other);
        (now.other.__.relations[now.theirs.key] = now.other.__.relations[now.theirs.key] || []).push(inst);
        call(now.theirs.def.linked, now.other, inst, 'relation linked');
        call(r.def.linked, inst, now.other, 'relation linked');
      }
    }
  }

  function without(list, x) {
    return (list || []).filter(function (y) {
      return y !== x;
    });
  }

  // ---- the instance API ------------------------------------------------------------

  Instance.prototype.setData = function (obj, cb) {
    var c = this.__;
    if (!om.isPlainObject(obj)) {
      om.error('setData expects an object, got ' + om.typeOf(obj));
      return;
    }
    var paths = [];
    var props = c.def.properties;
    var changed = null; // properties this setData changed (or changed inside)
    for (var k in obj) {
      var segs = om.parsePath(k);
      var top = segs[0];
      var p = om.hasOwn(props, top) ? props[top] : null;
      if (p && segs.length === 1) {
        // A property set by the component itself: converted to its type like a value
        // its user passes, and observed when it changes.
        var old = this.data[top];
        var v = coerce(p, obj[k]);
        this.data[top] = v;
        if (old !== v) (changed = changed || []).push({ name: top, value: v, old: old });
      } else {
        om.setPath(this.data, segs, obj[k]);
        if (p) (changed = changed || []).push({ name: top, value: undefined, old: undefined, inside: true });
      }
      paths.push(segs);
    }
    if (!c.alive) return;
    runObservers(this, paths);
    if (changed) {
      var up = null;
      for (var i = 0; i < changed.length; i++) {
        var ch = changed[i];
        if (ch.inside) ch.value = this.data[ch.name];
        // model:prop on this component's host: the user's bound field follows.
        if (c.modelBindings && c.owner && om.hasOwn(c.modelBindings, ch.name)) (up = up || {})[c.modelBindings[ch.name]] = ch.value;
      }
      if (up) c.owner.setData(up);
      propertyObservers(this, changed);
    }
    if (c.rendered) om.tree.invalidate(this);
    if (typeof cb === 'function') {
      var self = this;
      om.tree.afterApplied(function () {
        cb.call(self);
      });
    }
  };

  Instance.prototype.groupSetData = function (fn) {
    if (typeof fn === 'function') fn.call(this);
  };

  Instance.prototype.triggerEvent = function (name, detail, options) {
    om.events.trigger(this, String(name), detail === undefined ? {} : detail, options || {});
  };

  Instance.prototype.hasBehavior = function (b) {
    var id = typeof b === 'string' ? b : b && b.behaviorId;
    return this.__.def.behaviors.indexOf(id) >= 0;
  };

  /** The components linked by relation `key`, in the order of the node tree. */
  Instance.prototype.getRelationNodes = function (key) {
    var list = this.__.relations[key] || [];
    return list.length > 1 ? om.tree.inTreeOrder(this, list) : list.slice();
  };

  Instance.prototype.selectOwnerComponent = function () {
    var o = this.__.owner;
    return o ? publicOf(o) : null;
  };

  Instance.prototype.getPageId = function () {
    return 'pageId:' + (this.__.page ? this.__.page.__.id : 0);
  };

  Instance.prototype.getTabBar = function () {
    return om.pages.tabBarOf ? om.pages.tabBarOf(this.__.page) : null;
  };

  Instance.prototype.getOpenerEventChannel = function () {
    var p = this.__.page;
    return p && p.__.eventChannel ? p.__.eventChannel : om.pages.emptyChannel();
  };

  /** What selectComponent returns: `export()`'s result when the component defines it. */
  function publicOf(inst) {
    var f = inst.__.def.exportFn;
    if (f && inst.hasBehavior('wx://component-export')) {
      var r = om.guard(f, inst, [], 'export');
      return r === undefined ? inst : r;
    }
    return inst;
  }

  /** Runs a page-lifetime of every component of `page` (show, hide, resize). */
  function pageLifetime(page, name, args) {
    function walk(list) {
      for (var i = 0; i < list.length; i++) {
        var v = list[i];
        if (v.comp && !v.comp.__.isPage && v.comp.__.alive) {
          var fns = v.comp.__.def.pageLifetimes[name];
          for (var f = 0; f < fns.length; f++) om.guard(fns[f], v.comp, args || [], v.comp.__.is + ' pageLifetimes.' + name);
          if (v.comp.__.root) walk(v.comp.__.root);
        }
        walk(v.children);
      }
    }
    if (page.__.root) walk(page.__.root);
  }

  om.component = {
    Component: Component,
    Page: PageDef,
    Behavior: Behavior,
    definition: definition,
    resolveTag: resolveTag,
    create: create,
    receive: receive,
    firstRender: firstRender,
    attached: attached,
    ready: ready,
    moved: moved,
    destroy: destroy,
    lifetime: lifetime,
    callMethod: callMethod,
    pageLifetime: pageLifetime,
    publicOf: publicOf,
    Instance: Instance,
  };
  self.Component = Component;
  self.Behavior = Behavior;
  self.Page = PageDef;
})(__om);
