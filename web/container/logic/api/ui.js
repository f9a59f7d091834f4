// Interface objects made in the worker and carried out by the frame: createAnimation
// (the Animation whose export() the `animation` attribute plays, view/animation.js),
// createIntersectionObserver and createMediaQueryObserver (view/observe.js),
// loadFontFace and hideKeyboard (view/device.js).
'use strict';

(function (om) {
  var api = om.api;
  var I = om.component.Instance.prototype;

  // ---- Animation ------------------------------------------------------------------------

  var TIMING = ['linear', 'ease', 'ease-in', 'ease-in-out', 'ease-out', 'step-start', 'step-end'];

  function len(v) {
    return typeof v === 'number' ? v + 'px' : String(v);
  }

  function Animation(o) {
    o = o || {};
    this._option = {
      duration: o.duration === undefined ? 400 : Number(o.duration),
      timingFunction: o.timingFunction === undefined ? 'linear' : String(o.timingFunction),
      delay: o.delay === undefined ? 0 : Number(o.delay),
      transformOrigin: o.transformOrigin === undefined ? '50% 50% 0' : String(o.transformOrigin),
    };
    this.actions = [];
    this.currentStepAnimates = [];
  }
  var P = Animation.prototype;

  function add(self, type, args) {
    self.currentStepAnimates.push({ type: type, args: args });
    return self;
  }

  P.step = function (o) {
    o = o || {};
    var d = this._option;
    var tf = o.timingFunction === undefined ? d.timingFunction : String(o.timingFunction);
    this.actions.push({
      animates: this.currentStepAnimates,
      option: {
        transformOrigin: o.transformOrigin === undefined ? d.transformOrigin : String(o.transformOrigin),
        transition: { duration: o.duration === undefined ? d.duration : Number(o.duration), timingFunction: TIMING.indexOf(tf) >= 0 || /^cubic-bezier\(/.test(tf) ? tf : 'linear', delay: o.delay === undefined ? d.delay : Number(o.delay) },
      },
    });
    this.currentStepAnimates = [];
    return this;
  };
  /** The steps so far, for an element's `animation` attribute; the queue is emptied. */
  P.export = function () {
    var out = { actions: this.actions };
    this.actions = [];
    return out;
  };
  P.opacity = function (v) {
    return add(this, 'style', ['opacity', Number(v)]);
  };
  P.backgroundColor = function (v) {
    return add(this, 'style', ['background-color', String(v)]);
  };
  ['width', 'height', 'top', 'left', 'bottom', 'right'].forEach(function (k) {
    P[k] = function (v) {
      return add(this, 'style', [k, len(v)]);
    };
  });
  P.rotate = function (a) {
    return add(this, 'rotate', [Number(a)]);
  };
  ['rotateX', 'rotateY', 'rotateZ'].forEach(function (k) {
    P[k] = function (a) {
      return add(this, k, [Number(a)]);
    };
  });
  P.rotate3d = function (x, y, z, a) {
    return add(this, 'rotate3d', [Number(x), Number(y), Number(z), Number(a)]);
  };
  P.scale = function (sx, sy) {
    return add(this, 'scale', [Number(sx), sy === undefined ? Number(sx) : Number(sy)]);
  };
  ['scaleX', 'scaleY', 'scaleZ'].forEach(function (k) {
    P[k] = function (s) {
      return add(this, k, [Number(s)]);
    };
  });
  P.scale3d = function (sx, sy, sz) {
    return add(this, 'scale3d', [Number(sx), Number(sy), Number(sz)]);
  };
  P.translate = function (tx, ty) {
    return add(this, 'translate', [len(tx === undefined ? 0 : tx), len(ty === undefined ? 0 : ty)]);
  };
  ['translateX', 'translateY', 'translateZ'].forEach(function (k) {
    P[k] = function (t) {
      return add(this, k, [len(t === undefined ? 0 : t)]);
    };
  });
  P.translate3d = function (tx, ty, tz) {
    return add(this, 'translate3d', [len(tx || 0), len(ty || 0), len(tz || 0)]);
  };
  P.skew = function (ax, ay) {
    return add(this, 'skew', [Number(ax) || 0, Number(ay) || 0]);
  };
  ['skewX', 'skewY'].forEach(function (k) {
    P[k] = function (a) {
      return add(this, k, [Number(a) || 0]);
    };
  });
  P.matrix = function () {
    return add(this, 'matrix', [].slice.call(arguments, 0, 6).map(Number));
  };
  P.matrix3d = function () {
    return add(this, 'matrix3d', [].slice.call(arguments, 0, 16).map(Number));
  };

  api.sync('createAnimation', function (o) {
    return new Animation(o);
  });

  // ---- IntersectionObserver ------------------------------------------------------------------

  var observers = {}; // id → {callback, nodes: {vnode id → vnode}}

  om.onApiEvent('intersection', function (id, name, d) {
    var ob = observers[id];
    if (!ob) return;
    var v = om.tree.node(d.node);
    var res = {
      id: v ? v.nodeId || '' : '',
      dataset: v ? v.dataset || {} : {},
      time: d.time,
      intersectionRatio: d.intersectionRatio,
      intersectionRect: d.intersectionRect,
      boundingClientRect: d.boundingClientRect,
      relativeRect: d.relativeRect,
    };
    om.guard(ob.callback, null, [res], 'IntersectionObserver callback');
  });

  function margins(m) {
    m = m || {};
    return { left: Number(m.left) || 0, right: Number(m.right) || 0, top: Number(m.top) || 0, bottom: Number(m.bottom) || 0 };
  }

  function IntersectionObserver(comp, o) {
    o = o || {};
    this._scope = comp && comp.__ ? comp : null;
    this._thresholds = Array.isArray(o.thresholds) && o.thresholds.length ? o.thresholds.map(Number) : [0];
    this._initialRatio = Number(o.initialRatio) || 0;
    this._observeAll = !!o.observeAll;
    this._relatives = [];
    this._ids = [];
  }
  IntersectionObserver.prototype.relativeTo = function (selector, m) {
    this._relatives.push({ selector: String(selector), margins: margins(m) });
    return this;
  };
  IntersectionObserver.prototype.relativeToViewport = function (m) {
    this._relatives.push({ viewport: true, margins: margins(m) });
    return this;
  };
  IntersectionObserver.prototype.observe = function (selector, callback) {
    if (typeof callback !== 'function') return;
    var scope = this._scope || om.pages.current();
    if (!scope) return;
    var targets = om.selector.find(scope, selector, this._observeAll);
    if (!targets.length) {
      om.warn('Node "' + selector + '" is not found. Intersection observer will not trigger.');
      return;
    }
    var rel = [];
    for (var i = 0; i < this._relatives.length; i++) {
      var r = this._relatives[i];
      if (r.viewport) {
        rel.push({ viewport: true, margins: r.margins });
      } else {
        var n = om.selector.find(scope, r.selector, false)[0];
        if (!n) {
          om.warn('Node "' + r.selector + '" is not found. Intersection observer will not trigger.');
          return;
        }
        rel.push({ node: n.id, margins: r.margins });
      }
    }
    if (!rel.length) rel.push({ viewport: true, margins: margins() });
    var id = om.objectId();
    observers[id] = { callback: callback };
    this._ids.push(id);
    om.bridge
      .call('$intersection', {
        op: 'observe',
        id: id,
        targets: targets.map(function (v) {
          return v.id;
        }),
        relatives: rel,
        thresholds: this._thresholds,
        initialRatio: this._initialRatio,
      })
      .catch(function (e) {
        om.warn('IntersectionObserver: ' + (e && e.errMsg));
      });
  };
  IntersectionObserver.prototype.disconnect = function () {
    this._ids.splice(0).forEach(function (id) {
      delete observers[id];
      om.bridge.call('$intersection', { op: 'disconnect', id: id }).catch(function () {});
    });
  };

  api.sync('createIntersectionObserver', function (comp, o) {
    if (comp && !comp.__ && !o) {
      o = comp;
      comp = null;
    }
    return new IntersectionObserver(comp, o);
  });
  I.createIntersectionObserver = function (o) {
    return new IntersectionObserver(this, o);
  };

  // ---- MediaQueryObserver ---------------------------------------------------------------------

  var mqObservers = {};
  om.onApiEvent('mediaQuery', function (id, name, d) {
    var ob = mqObservers[id];
    if (ob) om.guard(ob, null, [{ matches: !!d.matches }], 'MediaQueryObserver callback');
  });

  function MediaQueryObserver() {
    this._ids = [];
  }
  MediaQueryObserver.prototype.observe = function (descriptor, callback) {
    if (typeof callback !== 'function') return;
    var d = descriptor || {};
    var parts = [];
    [['minWidth', 'min-width'], ['maxWidth', 'max-width'], ['width', 'width'], ['minHeight', 'min-height'], ['maxHeight', 'max-height'], ['height', 'height']].forEach(function (p) {
      if (d[p[0]] !== undefined) parts.push('(' + p[1] + ': ' + Number(d[p[0]]) + 'px)');
    });
    if (d.orientation === 'landscape' || d.orientation === 'portrait') parts.push('(orientation: ' + d.orientation + ')');
    var id = om.objectId();
    mqObservers[id] = callback;
    this._ids.push(id);
    om.bridge.call('$mediaQuery', { op: 'observe', id: id, query: parts.join(' and ') || 'all' }).catch(function () {});
  };
  MediaQueryObserver.prototype.disconnect = function () {
    this._ids.splice(0).forEach(function (id) {
      delete mqObservers[id];
      om.bridge.call('$mediaQuery', { op: 'disconnect', id: id }).catch(function () {});
    });
  };
  api.sync('createMediaQueryObserver', function () {
    return new MediaQueryObserver();
  });
  I.createMediaQueryObserver = function () {
    return new MediaQueryObserver();
  };

  // ---- fonts, keyboard ------------------------------------------------------------------------

  api.async('loadFontFace', function (o) {
    var family = om.need('loadFontFace', o, 'family', 'String');
    var source = om.need('loadFontFace', o, 'source', 'String');
    var m = /^\s*url\(\s*(['"]?)(.*?)\1\s*\)\s*$/.exec(source);
    var src = m ? m[2] : source.trim();
    var local = om.fs.kind(om.fs.normalize(src));
    var bytes = local === 'usr' || local === 'store' || (local === 'temp' && om.fs.peek(src)) ? om.fs.peek(src) : null;
    var args = { family: family, src: src, desc: om.clone(o.desc || {}), global: !!o.global };
    if (bytes) args.data = bytes.data;
    else if (local === 'package') args.src = om.fs.packagePath(src);
    return om.bridge.call('loadFontFace', args).then(
      function () {
        return { status: 'loaded' };
      },
      function (e) {
        var err = om.api.failMsg('loadFontFace', e);
        err.status = 'error';
        throw err;
      }
    );
  });

  api.remote('hideKeyboard');
})(__om);
