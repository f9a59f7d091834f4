// Events: a DOM event reported by the frame, or a component's triggerEvent, dispatched
// through the composed tree the way WeChat's base library does: capture then bubble,
// bind / catch / capture-bind / capture-catch / mut-bind, `target` retargeted at
// component boundaries, `currentTarget` with its id and dataset, `mark` merged from
// the path. Touch events bubble and cross components; other built-in events stay on
// their node; custom events follow their `bubbles`, `composed` and `capturePhase`.
'use strict';

(function (om) {
  var TOUCH = {
    touchstart: 1,
    touchmove: 1,
    touchcancel: 1,
    touchend: 1,
    tap: 1,
    longpress: 1,
    longtap: 1,
    transitionend: 1,
    animationstart: 1,
    animationiteration: 1,
    animationend: 1,
    touchforcechange: 1,
  };

  /** Is the tree of instance `a` an ancestor (or the same) of the tree of `b`? */
  function ancestorScope(a, b) {
    for (var x = b; x; x = x.__.isPage ? null : x.__.owner) if (x === a) return true;
    return false;
  }

  /** `t` as a listener on `n` sees it: the host of a component `n` is outside of. */
  function retarget(t, n) {
    var guard = 0;
    while (t.owner !== n.owner && !ancestorScope(t.owner, n.owner) && guard++ < 1000) {
      if (t.owner.__.isPage) break;
      t = t.owner.__.host;
    }
    return t;
  }

  /** The next node up from `v` in the composed tree, component hosts included: a node
   *  the user of a component put in it goes up through the slot it is in (and that
   *  slot's place in the component's template) to the component's host; the top of a
   *  component's template goes to its host; null past the page's top or for a child
   *  assigned to no slot. */
  function composedParent(v) {
    var p = v.parent;
    if (!p) return v.owner.__.isPage ? null : v.owner.__.host;
    if (!p.comp || p.comp.__.isPage) return p;
    var s = om.tree.slotFor(p.comp, v);
    if (!s) return null;
    return s.parent || p;
  }

  /** The nodes an event from `target` passes, target first: with `composed`, through the
   *  composed tree (into the components the nodes are slotted in, out of the component
   *  the target is in); otherwise only the target's own template, up its tree as written
   *  (a node's parent there may be the host of a component it is slotted into: WeChat's
   *  "bubbles on the Shadow tree"). */
  function pathOf(target, composed) {
    var path = [target];
    for (var v = target, guard = 0; guard < 100000; guard++) {
      v = composed ? composedParent(v) : v.parent;
      if (!v) break;
      path.push(v);
    }
    return path;
  }

  function nodeInfo(v) {
    return { id: v.nodeId || '', dataset: v.dataset || {}, offsetLeft: 0, offsetTop: 0 };
  }

  /** `event.mark` for a listener of `scope`: the marks from the target to the page's top,
   *  nearer ones winning, without those of nodes outside `scope` (a component's listener
   *  does not see the marks of the tree it is used in). */
  function markFor(chain, scope) {
    var mark = {};
    for (var i = chain.length - 1; i >= 0; i--) {
      var m = chain[i].marks;
      if (m && ancestorScope(scope, chain[i].owner)) for (var k in m) mark[k] = m[k];
    }
    return mark;
  }

  /** Calls one listener; false when it stops the event (catch, or a WXS handler
   *  returning false). */
  function invoke(l, node, target, type, base) {
    var owner = node.owner;
    var e = {
      type: type,
      timeStamp: base.timeStamp,
      target: nodeInfo(retarget(target, node)),
      currentTarget: nodeInfo(node),
      mark: base.marks(owner),
      detail: base.detail,
      touches: base.touches,
      changedTouches: base.changedTouches,
      mut: !!l.mut,
    };
    if (base.extra) for (var k in base.extra) e[k] = base.extra[k];
    var result;
    if (typeof l.handler === 'function') {
      e.instance = om.wxs.descriptor(node);
      result = om.guard(l.handler, null, [e, om.wxs.descriptor(owner.__.host && !owner.__.isPage ? owner.__.host : null, owner)], 'WXS handler of ' + type);
      if (result === false) return false;
    } else {
      var name = String(l.handler);
      var fn = owner[name];
      if (typeof fn !== 'function') {
        om.warn('Component "' + owner.__.is + '" does not have a method "' + name + '" to handle event "' + type + '".');
      } else {
        result = om.component.callMethod(owner, fn, [e], owner.__.is + ' ' + name);
        // An input handler may return the value the field should show instead.
        if (type === 'input' && node === target && (typeof result === 'string' || typeof result === 'number') && !node.comp) {
          om.tree.emit([3, node.id, 'value', String(result)]);
          om.tree.schedule();
        }
      }
    }
    return !l.catch;
  }

  /** Dispatches `type` from node `target`. */
  function dispatch(target, type, opts, base) {
    if (!target || !target.alive) return;
    var path = opts.bubbles || opts.capturePhase ? pathOf(target, opts.composed) : [target];
    // Marks come from the whole way up, whether or not the event bubbles.
    var chain = opts.composed && path.length > 1 ? path : pathOf(target, true);
    var cache = [];
    base.marks = function (scope) {
      for (var i = 0; i < cache.length; i++) if (cache[i].scope === scope) return cache[i].mark;
      var mark = markFor(chain, scope);
      cache.push({ scope: scope, mark: mark });
      return mark;
    };
    var mutDone = false;
    var stopped = false;
    if (opts.capturePhase) {
      for (var i = path.length - 1; i >= 0 && !stopped; i--) {
        var ls = path[i].listeners && path[i].listeners[type];
        if (!ls) continue;
        for (var j = 0; j < ls.length; j++) {
          if (!ls[j].capture) continue;
          if (invoke(ls[j], path[i], target, type, base) === false) stopped = true;
        }
      }
    }
    var bubblePath = opts.bubbles ? path : [target];
    for (var b = 0; b < bubblePath.length && !stopped; b++) {
      var list = bubblePath[b].listeners && bubblePath[b].listeners[type];
      if (!list) continue;
      for (var x = 0; x < list.length; x++) {
        var l = list[x];
        if (l.capture) continue;
        if (l.mut) {
          if (mutDone) continue;
          mutDone = true;
        }
        if (invoke(l, bubblePath[b], target, type, base) === false) stopped = true;
      }
    }
  }

  /** A DOM event the frame reported (docs/container.md, `ev`). */
  function fromView(m) {
    var v = om.tree.node(m.node);
    if (!v || !v.alive) return;
    var type = String(m.type);
    var detail = m.detail === undefined ? {} : m.detail;
    if (type === '$share') {
      om.pages.shareFromButton(v);
      return;
    }
    // model:value on an input or textarea: the bound field follows what was typed.
    if ((type === 'input' || type === 'change') && v.model && !v.comp) {
      var prop = type === 'input' ? 'value' : null;
      var up = {};
      var any = false;
      for (var k in v.model) {
        if ((prop && k === prop) || (!prop && om.hasOwn(detail, k))) {
          up[v.model[k]] = prop ? detail.value : detail[k];
          any = true;
        }
      }
      if (any) v.owner.setData(up);
    }
    var touch = om.hasOwn(TOUCH, type);
    dispatch(v, type, { bubbles: touch, composed: touch, capturePhase: touch }, {
      timeStamp: m.timeStamp || 0,
      detail: detail,
      touches: m.touches || [],
      changedTouches: m.changedTouches || [],
    });
  }

  /** `this.triggerEvent(name, detail, options)` of a component. */
  function trigger(inst, name, detail, options) {
    var host = inst.__.host;
    if (!host || inst.__.isPage) return;
    dispatch(host, name.toLowerCase(), { bubbles: !!options.bubbles, composed: !!options.composed, capturePhase: !!options.capturePhase }, {
      timeStamp: Date.now(),
      detail: detail,
      touches: [],
      changedTouches: [],
    });
  }

  om.events = { fromView: fromView, trigger: trigger, dispatch: dispatch, retarget: retarget };
})(__om);
