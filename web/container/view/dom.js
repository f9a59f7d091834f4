// Applies the worker's DOM operations (docs/container.md, "The view: DOM operations").
// Every node the worker made is kept by id; elements are `wx-<tag>`, built-in ones
// (custom elements with setProp) take attribute values as properties.
'use strict';

(function (om) {
  var nodes = new Map(); // id → Node (element, text, or a page's shadow root)
  var DIRECT = { class: 1, style: 1, id: 1, hidden: 1, slot: 1 };

  function camel(name) {
    return name.replace(/-([a-z])/g, function (_, c) {
      return c.toUpperCase();
    });
  }

  function create(id, tag) {
    var el = document.createElement('wx-' + tag);
    el.__id = id;
    nodes.set(id, el);
    return el;
  }

  function setAttr(el, name, value) {
    if (name === 'animation') {
      // Animation.export()'s steps, played by view/animation.js.
      if (om.animation && value) om.animation.play(el, value);
      return;
    }
    if (name === '$on') {
      el.__on = value ? value.slice() : null;
      return;
    }
    if (name === '$formField') {
      // A custom component with wx://form-field: {name, value} for wx-form to submit.
      el.__formField = value ? JSON.parse(value) : null;
      return;
    }
    if (DIRECT[name] || name.indexOf('data-') === 0) {
      if (name === 'hidden') {
        el.hidden = !!value;
      } else if (value === undefined || value === null) {
        el.removeAttribute(name);
      } else {
        el.setAttribute(name, String(value));
      }
      return;
    }
    // Built-in components (custom elements, and the light ones: view, text).
    try {
      if (window.__wx.setProp(el, camel(name), value)) return;
    } catch (e) {
      console.error('[openmini] ' + el.localName + '.setProp(' + name + '): ' + (e && e.stack || e));
      return;
    }
    // An element the platform has no component for: plain attributes.
    if (value === undefined || value === null || value === false) el.removeAttribute(name);
    else if (typeof value !== 'object' && /^[a-zA-Z_:][-\w:.]*$/.test(name)) el.setAttribute(name, value === true ? '' : String(value));
  }

  function isOurs(n) {
    return n.__id !== undefined;
  }

  /** Makes `parent`'s runtime children exactly `ids`, in order, moving as little as
   *  possible; nodes a built-in component made itself are left where they are. */
  function setChildren(parent, ids) {
    var host = parent.childHost || parent;
    var i;
    if (!firstOurs(host.firstChild)) {
      // A parent with none of ours yet (every new element): append them in order.
      for (i = 0; i < ids.length; i++) {
        var add = nodes.get(ids[i]);
        if (add) host.appendChild(add);
      }
      if (typeof parent.childrenChanged === 'function') parent.childrenChanged();
      return;
    }
    var want = [];
    var keep = new Set();
    for (i = 0; i < ids.length; i++) {
      var n = nodes.get(ids[i]);
      if (n) {
        want.push(n);
        keep.add(n);
      }
    }
    var c = host.firstChild;
    while (c) {
      var next = c.nextSibling;
      if (isOurs(c) && !keep.has(c)) host.removeChild(c);
      c = next;
    }
    var ref = firstOurs(host.firstChild);
    for (var j = 0; j < want.length; j++) {
      var node = want[j];
      if (node === ref) {
        ref = firstOurs(ref.nextSibling);
        continue;
      }
      host.insertBefore(node, ref);
    }
    if (typeof parent.childrenChanged === 'function') parent.childrenChanged();
  }

  function firstOurs(n) {
    while (n && !isOurs(n)) n = n.nextSibling;
    return n;
  }

  /** Op 6: the node and every runtime node inside it are gone for good. */
  function forget(id) {
    var n = nodes.get(id);
    if (!n) return;
    if (n.parentNode) n.parentNode.removeChild(n);
    drop(n);
  }

  function drop(n) {
    if (n.__id !== undefined) nodes.delete(n.__id);
    if (typeof n.destroy === 'function') {
      try {
        n.destroy();
      } catch (_) {}
    }
    for (var c = n.firstChild; c; c = c.nextSibling) if (c.__id !== undefined || c.nodeType === 1) drop(c);
  }

  /** Applies one batch. Page operations go to the page manager. */
  function apply(ops) {
    for (var i = 0; i < ops.length; i++) {
      var op = ops[i];
      switch (op[0]) {
        case 1:
          var el = create(op[1], op[2]);
          var attrs = op[3];
          for (var k in attrs) setAttr(el, k, attrs[k]);
          break;
        case 2:
          var t = document.createTextNode(op[2]);
          t.__id = op[1];
          nodes.set(op[1], t);
          break;
        case 3:
          var target = nodes.get(op[1]);
          if (target && target.nodeType === 1) setAttr(target, op[2], op[3]);
          break;
        case 4:
          var tn = nodes.get(op[1]);
          if (tn) tn.data = op[2];
          break;
        case 5:
          var p = nodes.get(op[1]);
          if (p) setChildren(p, op[2]);
          break;
        case 6:
          forget(op[1]);
          break;
        case 7:
          nodes.set(op[2], om.pages.create(op[1], op[2], op[3], op[4]));
          break;
        case 8:
          om.pages.action(op[1], op[2], op[3] || {});
          break;
      }
    }
  }

  om.dom = {
    apply: apply,
    node: function (id) {
      return nodes.get(typeof id === 'string' ? Number(id) : id);
    },
    /** The id of the runtime node nearest to `n` (itself or an ancestor, across the
     *  shadow roots of built-in components). */
    idOf: function (n) {
      while (n) {
        if (n.__id !== undefined && n.nodeType === 1) return n.__id;
        n = n.parentNode || n.host;
      }
      return undefined;
    },
    forgetPage: function (root) {
      nodes.forEach(function (n, id) {
        if (n === root) nodes.delete(id);
      });
    },
  };
})((window.__om = window.__om || {}));
