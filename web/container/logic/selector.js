// Selectors over the worker's node tree: selectComponent / selectAllComponents, and the
// node-finding half of wx.createSelectorQuery (the frame measures what is found).
// WeChat's selector language: `#id`, `.class`, a tag, compounds of these, descendant
// (` `), child (`>`) and across-components (`>>>`) combinators, comma-separated lists.
'use strict';

(function (om) {
  /** `'.a > .b, #c >>> .d'` → [[{tag, id, classes, comb}]] (right to left per group). */
  function parse(sel) {
    var groups = [];
    String(sel)
      .split(',')
      .forEach(function (g) {
        var tokens = g.trim().replace(/\s*(>>>|>)\s*/g, ' $1 ').split(/\s+/).filter(Boolean);
        var parts = [];
        var comb = ' ';
        for (var i = 0; i < tokens.length; i++) {
          var t = tokens[i];
          if (t === '>' || t === '>>>') {
            comb = t;
            continue;
          }
          var c = { tag: null, id: null, classes: [], comb: comb };
          var re = /([#.]?)([^#.]+)/g;
          var m;
          while ((m = re.exec(t))) {
            if (m[1] === '#') c.id = m[2];
            else if (m[1] === '.') c.classes.push(m[2]);
            else c.tag = m[2];
          }
          parts.push(c);
          comb = ' ';
        }
        if (parts.length) groups.push(parts);
      });
    return groups;
  }

  function matchOne(v, c) {
    if (v.tag === '#text' || v.slotName !== undefined) return false;
    if (c.tag && v.tag !== c.tag) return false;
    if (c.id && v.nodeId !== c.id) return false;
    for (var i = 0; i < c.classes.length; i++) if (v.classes.indexOf(c.classes[i]) < 0) return false;
    return true;
  }

  /** The node above `v` in its own template (crossing to the host with `deep`). */
  function up(v, deep) {
    if (v.parent) return v.parent;
    if (deep && !v.owner.__.isPage && v.owner.__.host) return v.owner.__.host;
    return null;
  }

  /** Does `v` match the compound list `parts` (right to left from index `i`)? */
  function matches(v, parts, i) {
    if (!matchOne(v, parts[i])) return false;
    if (i === 0) return true;
    var comb = parts[i].comb;
    if (comb === '>') {
      var p = up(v, false);
      return !!p && matches(p, parts, i - 1);
    }
    var deep = comb === '>>>';
    for (var a = up(v, deep); a; a = up(a, deep)) if (matches(a, parts, i - 1)) return true;
    return false;
  }

  /** Every node of `scope`'s template (and, with `deep`, of the components in it), in
   *  tree order. */
  function walk(list, deep, out) {
    for (var i = 0; i < list.length; i++) {
      var v = list[i];
      out.push(v);
      walk(v.children, deep, out);
      if (deep && v.comp && v.comp.__.root) walk(v.comp.__.root, deep, out);
    }
    return out;
  }

  function find(scope, sel, all) {
    var groups = parse(sel);
    var deep = String(sel).indexOf('>>>') >= 0;
    var nodes = walk(scope.__.root || [], deep, []);
    var found = [];
    for (var i = 0; i < nodes.length; i++) {
      for (var g = 0; g < groups.length; g++) {
        if (matches(nodes[i], groups[g], groups[g].length - 1)) {
          found.push(nodes[i]);
          if (!all) return found;
          break;
        }
      }
    }
    return found;
  }

  var I = om.component.Instance.prototype;

  I.selectComponent = function (sel) {
    var list = find(this, sel, true).filter(function (v) {
      return v.comp;
    });
    return list.length ? om.component.publicOf(list[0].comp) : null;
  };

  I.selectAllComponents = function (sel) {
    return find(this, sel, true)
      .filter(function (v) {
        return v.comp;
      })
      .map(function (v) {
        return om.component.publicOf(v.comp);
      });
  };

  // ---- SelectorQuery ---------------------------------------------------------------

  function SelectorQuery(scope) {
    this.scope = scope;
    this.items = [];
  }

  function NodesRef(query, sel, single, viewport) {
    this.query = query;
    // The scope when the node was selected: `in(component)` applies to the selections
    // made after it (WeChat's NodesRef keeps the component it was made with).
    this.scope = query.scope;
    this.sel = sel;
    this.single = single;
    this.viewport = viewport;
  }

  NodesRef.prototype.fields = function (fields, cb) {
    this.query.items.push({ ref: this, fields: fields || {}, cb: cb });
    return this.query;
  };
  NodesRef.prototype.boundingClientRect = function (cb) {
    return this.fields({ id: true, dataset: true, rect: true, size: true }, cb);
  };
  NodesRef.prototype.scrollOffset = function (cb) {
    return this.fields({ id: true, dataset: true, scrollOffset: true }, cb);
  };
  NodesRef.prototype.node = function (cb) {
    return this.fields({ node: true }, cb);
  };
  NodesRef.prototype.context = function (cb) {
    return this.fields({ context: true }, cb);
  };

  SelectorQuery.prototype.in = function (comp) {
    if (comp && comp.__) this.scope = comp;
    return this;
  };
  SelectorQuery.prototype.select = function (sel) {
    return new NodesRef(this, sel, true, false);
  };
  SelectorQuery.prototype.selectAll = function (sel) {
    return new NodesRef(this, sel, false, false);
  };
  SelectorQuery.prototype.selectViewport = function () {
    return new NodesRef(this, null, true, true);
  };

  SelectorQuery.prototype.exec = function (cb) {
    var current = om.pages.current();
    var items = this.items;
    this.items = [];
    var asked = items.map(function (it) {
      var scope = it.ref.scope || current;
      var ids = [];
      if (!it.ref.viewport && scope) {
        ids = find(scope, it.ref.sel, !it.ref.single).map(function (v) {
          return v.id;
        });
      }
      return { ids: ids, viewport: it.ref.viewport, page: scope && scope.__.page ? scope.__.page.__.id : 0, fields: it.fields };
    });
    return om.bridge.call('$query', { items: asked }).then(
      function (res) {
        var out = items.map(function (it, i) {
          var list = (res && res[i]) || [];
          // The frame answers each id in its place (null if the node is gone by then).
          list = list
            .map(function (r, j) {
              var v = r && om.tree.node(asked[i].ids[j]);
              if (v) complete(r, v, it.fields);
              return r;
            })
            .filter(function (r) {
              return r;
            });
          var value = it.ref.single ? (list[0] === undefined ? null : list[0]) : list;
          if (typeof it.cb === 'function') om.guard(it.cb, null, [value], 'SelectorQuery callback');
          return value;
        });
        if (typeof cb === 'function') om.guard(cb, null, [out], 'SelectorQuery.exec callback');
        return out;
      },
      function (e) {
        om.warn('SelectorQuery failed: ' + (e && e.errMsg));
      }
    );
  };

  /** What the worker knows itself: id, dataset, properties. */
  function complete(r, v, fields) {
    // A canvas's node (its OffscreenCanvas, api/canvas.js) and a component's context
    // object (VideoContext, CanvasContext: api/media.js, api/canvas.js).
    if (r.node && om.canvas) r.node = om.canvas.wrap(r.node);
    if (fields.context && om.nodeContext) r.context = om.nodeContext(v);
    if (fields.id) r.id = v.nodeId || '';
    if (fields.dataset) r.dataset = v.dataset || {};
    if (fields.mark) r.mark = v.marks || {};
    if (Array.isArray(fields.properties)) {
      fields.properties.forEach(function (p) {
        var src = v.comp ? v.comp.data : v.raw || {};
        r[p] = v.comp ? src[om.camel(p)] : src[om.dash(p)] !== undefined ? src[om.dash(p)] : src[p];
      });
    }
  }

  om.selector = {
    find: find,
    parse: parse,
    query: function (scope) {
      return new SelectorQuery(scope);
    },
  };
  I.createSelectorQuery = function () {
    return new SelectorQuery(this);
  };
})(__om);
