// WXS event handlers (`bindtap="{{wxs.handler}}"`) receive `(event, ownerInstance)`,
// where both the event's `instance` and `ownerInstance` are ComponentDescriptors. Here
// they run in the logic layer with the node tree at hand; style and class changes go
// to the frame as DOM operations.
'use strict';

(function (om) {
  var states = {};

  function Descriptor(v, inst) {
    this._v = v;
    this._inst = inst || (v && v.comp) || null;
  }

  Descriptor.prototype.selectComponent = function (sel) {
    var scope = this._inst || (this._v && this._v.owner);
    if (!scope) return null;
    var found = om.selector.find(scope, sel, false)[0];
    return found ? new Descriptor(found) : null;
  };
  Descriptor.prototype.selectAllComponents = function (sel) {
    var scope = this._inst || (this._v && this._v.owner);
    return scope
      ? om.selector.find(scope, sel, true).map(function (v) {
          return new Descriptor(v);
        })
      : [];
  };
  Descriptor.prototype.setStyle = function (style) {
    if (!this._v) return this;
    var text = style;
    if (style && typeof style === 'object') {
      text = Object.keys(style)
        .map(function (k) {
          return om.dash(k) + ':' + style[k];
        })
        .join(';');
    }
    om.tree.emit([3, this._v.id, 'style', om.tree.rpx(String(text || ''))]);
    om.tree.schedule();
    return this;
  };
  Descriptor.prototype._classes = function (fn) {
    var v = this._v;
    if (!v) return this;
    var list = v.classes.slice();
    fn(list);
    v.classes = list;
    om.tree.emit([3, v.id, 'class', om.tree.mapClass(v.owner, list.join(' '))]);
    om.tree.schedule();
    return this;
  };
  Descriptor.prototype.addClass = function (c) {
    return this._classes(function (l) {
      if (l.indexOf(c) < 0) l.push(c);
    });
  };
  Descriptor.prototype.removeClass = function (c) {
    return this._classes(function (l) {
      var i = l.indexOf(c);
      if (i >= 0) l.splice(i, 1);
    });
  };
  Descriptor.prototype.hasClass = function (c) {
    return !!this._v && this._v.classes.indexOf(c) >= 0;
  };
  Descriptor.prototype.getDataset = function () {
    return this._v ? this._v.dataset : {};
  };
  Descriptor.prototype.getState = function () {
    var k = this._v ? this._v.id : 0;
    return (states[k] = states[k] || {});
  };
  Descriptor.prototype.callMethod = function (name, args) {
    var inst = this._inst || (this._v && this._v.owner);
    if (inst && typeof inst[name] === 'function') return om.guard(inst[name], inst, [args], 'callMethod ' + name);
    return undefined;
  };
  Descriptor.prototype.triggerEvent = function (name, detail) {
    if (this._inst) this._inst.triggerEvent(name, detail);
  };
  Descriptor.prototype.requestAnimationFrame = function (fn) {
    return setTimeout(fn, 16);
  };
  Descriptor.prototype.getComputedStyle = function () {
    return {};
  };

  om.wxs = {
    descriptor: function (v, inst) {
      return new Descriptor(v, inst);
    },
  };
})(__om);
