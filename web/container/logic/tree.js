// The node tree the worker keeps and the DOM operations it sends (docs/container.md,
// "The view: DOM operations"). Each instance (page or component) renders its template
// into nodes; a re-render is reconciled with the previous nodes (by position and tag,
// and by `key` for keyed wx:for items) so that only what changed is sent.
//
// The DOM is the composed tree: a component's host element holds its template's nodes,
// and each <slot> is replaced by the host's children assigned to it. Whenever a list of
// nodes changes, the DOM parents whose flattened child lists may have changed are
// marked, and at the end of a flush each gets one "children" operation if its list
// really differs from what the frame has.
'use strict';

(function (om) {
  var nextId = 1;
  var nodes = new Map(); // id → VNode (live ones)

  var OP_ELEMENT = 1, OP_TEXT = 2, OP_ATTR = 3, OP_SET_TEXT = 4, OP_CHILDREN = 5, OP_FORGET = 6;

  function VNode(tag, owner, parent) {
    this.id = nextId++;
    this.tag = tag; // '#text' for text
    this.owner = owner; // the instance whose template made this node
    this.parent = parent; // the node above it in that template (null at the top)
    this.children = [];
    this.key = undefined;
    this.text = undefined;
    this.raw = null; // the attributes as rendered last time
    this.sent = {}; // DOM attributes the frame has
    this.classText = ''; // the class attribute as written (selectors read its tokens)
    this.nodeId = ''; // the `id` attribute
    this.dataset = {};
    this.marks = null;
    this.listeners = null; // type → [{handler, capture, catch, mut}]
    this.listened = ''; // the types sent with `$on`
    this.comp = null; // the instance rendered inside this node (component host, page root)
    this.slotName = undefined; // a <slot> placeholder: its name ('' for the default)
    this.slotAttr = ''; // `slot="…"` of a host's child
    this.model = null; // model:prop → data path of the owner
    this.domKids = null; // ids of the DOM children the frame has (DOM parents only)
    this.creating = null; // the attributes of its create operation, while being made
    this.scope = 0; // the owner's class-mapping version its attributes were mapped with
    this.alive = true;
    this.pos = 0; // a keyed node's index in its list, while the list is reconciled
    this.marked = null; // the batch that has it in dirtyDom
    nodes.set(this.id, this);
  }

  // ---- the batch being built ----------------------------------------------------

  var batch = {
    ops: [],
    dirtyDom: [], // DOM parents whose child lists may have changed
    forget: [],
    keep: [], // slotted nodes to take out of elements being forgotten (keepSlotted)
    created: [], // instances created in this batch (attached after the ops)
    moved: [], // instances whose nodes a keyed reorder moved
    applied: [], // callbacks once the frame applied the batch
  };
  var dirtyInsts = [];
  var scheduled = false;

  function emit(op) {
    batch.ops.push(op);
  }

  function markDom(v) {
    // Marked once per batch (a flag, not a search of the list: a new 1,000-row list
    // marks thousands of parents).
    if (v && v.alive && v.marked !== batch) {
      v.marked = batch;
      batch.dirtyDom.push(v);
    }
  }

  /** The DOM parent of an instance's top-level nodes. */
  function hostDomParent(inst) {
    var host = inst.__.host;
    if (inst.__.virtual) return domParentOf(host);
    return host;
  }

  /** The node whose DOM element holds `v`'s DOM nodes (null: `v` is not in the DOM). */
  function domParentOf(v) {
    var p = v.parent;
    if (!p) return hostDomParent(v.owner);
    if (p.comp) {
      var s = slotFor(p.comp, v);
      return s ? domParentOf(s) : null;
    }
    return p;
  }

  /** The slot of component `inst` that `light` (a child of its host) goes to. */
  function slotFor(inst, light) {
    var slots = inst.__.slots;
    if (!slots || !slots.length) return null;
    if (!inst.__.multipleSlots) return slots[0];
    var name = light.slotAttr || '';
    for (var i = 0; i < slots.length; i++) if (slots[i].slotName === name) return slots[i];
    return null;
  }

  /** The host children assigned to slot placeholder `s`. */
  function assigned(s) {
    var inst = s.owner;
    var out = [];
    var light = inst.__.host.children;
    for (var i = 0; i < light.length; i++) if (slotFor(inst, light[i]) === s) out.push(light[i]);
    return out;
  }

  function flatten(v, out) {
    if (v.slotName !== undefined) {
      var a = assigned(v);
      for (var i = 0; i < a.length; i++) flatten(a[i], out);
    } else if (v.comp && v.comp.__.virtual) {
      var r = v.comp.__.root;
      for (var j = 0; j < r.length; j++) flatten(r[j], out);
    } else {
      out.push(v.id);
    }
    return out;
  }

  function domChildren(p) {
    var list = p.comp ? p.comp.__.root || [] : p.children;
    var out = [];
    for (var i = 0; i < list.length; i++) flatten(list[i], out);
    return out;
  }

  /** A list of nodes under `parent` (in `owner`'s template) changed. */
  function listChanged(owner, parent) {
    if (!parent) {
      markDom(hostDomParent(owner));
    } else if (parent.comp) {
      var slots = parent.comp.__.slots || [];
      for (var i = 0; i < slots.length; i++) markDom(domParentOf(slots[i]));
    } else {
      markDom(parent);
    }
  }

  // ---- attributes ----------------------------------------------------------------

  var EVENT = /^(capture-bind|capture-catch|mut-bind|bind|catch):?(.+)$/;
  var CLASS_ATTRS = { 'hover-class': 1, 'placeholder-class': 1, 'indicator-class': 1, 'mask-class': 1 };
  // Elements whose `src` may be a file of the package, written relative to the template.
  var MEDIA_TAGS = { image: 1, 'cover-image': 1, video: 1, audio: 1 };

  /** `width: 100rpx` in an inline style: 750rpx is the screen width, as in WXSS. */
  function rpx(style) {
    if (typeof style !== 'string' || style.indexOf('rpx') < 0) return style;
    return style.replace(/(-?\d*\.?\d+)rpx\b/g, function (_, n) {
      return +(Number(n) / 7.5).toFixed(4) + 'vw';
    });
  }

  /** Class tokens as the owner's scope writes them (docs/bundle.md, "Styles"). */
  function mapClass(owner, value) {
    if (value === undefined || value === null || value === false) return '';
    var c = owner.__;
    // A page writes its classes as they are.
    if (!c.prefix) return String(value);
    var tokens = String(value).split(/\s+/);
    var out = [];
    for (var i = 0; i < tokens.length; i++) {
      var t = tokens[i];
      if (!t) continue;
      if (!c.prefix) {
        out.push(t);
      } else if (c.external && om.hasOwn(c.external, t)) {
        if (c.external[t]) out.push(c.external[t]);
      } else {
        out.push(c.prefix + '--' + t);
        if (c.globalClass) out.push(t);
      }
    }
    return out.join(' ');
  }

  // Attribute names repeat in every row of a list: what they mean is worked out once.
  var eventOf = Object.create(null);
  var datasetKey = Object.create(null);

  function parseEvent(name) {
    var hit = eventOf[name];
    if (hit !== undefined) return hit;
    return (eventOf[name] = parseEventName(name));
  }

  function parseEventName(name) {
    var wxs = false;
    if (name.indexOf('$wxs:') === 0) {
      wxs = true;
      name = name.slice(5);
    }
    var m = EVENT.exec(name);
    if (!m) return null;
    var kind = m[1];
    return {
      type: m[2].toLowerCase(),
      capture: kind.indexOf('capture') === 0,
      catch: kind.indexOf('catch') >= 0,
      mut: kind === 'mut-bind',
      wxs: wxs,
    };
  }

  function setDom(v, name, value) {
    if (v.sent[name] === value) return;
    if (value === undefined) delete v.sent[name];
    else v.sent[name] = value;
    // A node being created carries its first attributes in its create operation.
    if (v.creating) {
      if (value !== undefined) v.creating[name] = value;
      return;
    }
    // No value: the attribute goes (JSON has no `undefined`).
    emit(value === undefined ? [OP_ATTR, v.id, name] : [OP_ATTR, v.id, name, value]);
  }

  /** Applies rendered attributes to a node: DOM attributes, listeners, dataset, marks,
   *  and for a component host its properties. */
  function applyAttrs(v, raw, isHost) {
    var attrs = raw.attrs || {};
    var owner = v.owner;
    var want = {};
    var listeners = null;
    var dataset = {};
    var marks = null;
    var props = isHost ? {} : null;
    var slot = '';
    var nodeId = '';
    var external = null;
    var comp = v.comp;
    for (var name in attrs) {
      var value = attrs[name];
      var ev = parseEvent(name);
      if (ev) {
        if (value === '' || value === null || value === undefined || value === false) continue;
        listeners = listeners || {};
        (listeners[ev.type] = listeners[ev.type] || []).push({ handler: value, capture: ev.capture, catch: ev.catch, mut: ev.mut, wxs: ev.wxs });
        continue;
      }
      if (name.charCodeAt(0) === 100 && name.indexOf('data-') === 0) {
        dataset[datasetKey[name] || (datasetKey[name] = om.camel(name.slice(5).toLowerCase()))] = value;
        want[name] = value === undefined || value === null ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
        continue;
      }
      if (name.indexOf('mark:') === 0) {
        (marks = marks || {})[name.slice(5)] = value;
        continue;
      }
      switch (name) {
        case 'class':
          v.classText = value === undefined || value === null ? '' : String(value);
          want['class'] = mapClass(owner, value);
          continue;
        case 'style':
          want.style = value === undefined || value === null ? '' : rpx(String(value));
          continue;
        case 'id':
          nodeId = value === undefined || value === null ? '' : String(value);
          want.id = nodeId;
          continue;
        case 'hidden':
          want.hidden = !!value;
          continue;
        case 'slot':
          slot = value === undefined || value === null ? '' : String(value);
          continue;
      }
      if (isHost) {
        var prop = om.camel(name);
        if (comp && comp.__.def.properties[prop]) props[prop] = value;
        else if (comp && comp.__.def.externalClasses.indexOf(name) >= 0) (external = external || {})[name] = mapClass(owner, value);
        // Anything else on a custom component is not rendered, as on WeChat.
        continue;
      }
      if (CLASS_ATTRS[name]) value = mapClass(owner, value);
      else if ((name === 'src' && MEDIA_TAGS[v.tag]) || (name === 'poster' && v.tag === 'video')) value = om.pages.fileUrl(owner.__.is, value);
      want[name] = value;
    }
    if (isHost && comp) {
      // The component's own element carries its prefix, for `:host` rules.
      want['class'] = (want['class'] ? want['class'] + ' ' : '') + comp.__.prefix;
      if (comp.__.virtual) want = {};
    }
    // DOM attributes: set what changed, remove what is gone.
    // (`$on`, `$formField`: the runtime's own, not rendered attributes.)
    for (var k in v.sent) if (k.charCodeAt(0) !== 36 && !om.hasOwn(want, k)) setDom(v, k, undefined);
    for (var w in want) setDom(v, w, want[w]);
    v.listeners = listeners;
    var typeList = listeners ? Object.keys(listeners) : [];
    // model:value needs what is typed even when nobody binds `input`.
    if (raw.model && !isHost && typeList.indexOf('input') < 0) typeList.push('input');
    var types = typeList.sort().join(' ');
    if (types !== v.listened) {
      v.listened = types;
      if (!(isHost && comp && comp.__.virtual)) setDom(v, '$on', types ? types.split(' ') : undefined);
    }
    v.dataset = dataset;
    v.marks = marks;
    if (!('class' in attrs)) v.classText = '';
    v.nodeId = nodeId;
    if (v.slotAttr !== slot) {
      v.slotAttr = slot;
      if (v.parent && v.parent.comp) listChanged(owner, v.parent);
    }
    v.model = raw.model ? parseModel(raw.model) : null;
    v.raw = attrs;
    v.scope = owner.__.scope;
    if (isHost && comp) om.component.receive(comp, props, external, raw.generics, v.model);
  }

  function parseModel(model) {
    var out = {};
    for (var k in model) {
      var m = /^\s*\{\{\s*([\s\S]*?)\s*\}\}\s*$/.exec(String(model[k]));
      if (m) out[om.camel(k)] = m[1];
    }
    return out;
  }

  // ---- creating, patching, removing ---------------------------------------------

  function isNode(raw) {
    return raw !== null && typeof raw === 'object';
  }

  function create(owner, parent, raw) {
    if (!isNode(raw)) {
      var t = new VNode('#text', owner, parent);
      t.text = raw === undefined || raw === null ? '' : String(raw);
      emit([OP_TEXT, t.id, t.text]);
      return t;
    }
    var tag = String(raw.tag);
    var v = new VNode(tag, owner, parent);
    v.key = raw.key;
    if (tag === 'slot' && !owner.__.isPage) {
      v.slotName = raw.attrs && raw.attrs.name !== undefined && raw.attrs.name !== null ? String(raw.attrs.name) : '';
      return v;
    }
    var path = om.component.resolveTag(owner, tag);
    if (path) {
      var inst = om.component.create(path, v, owner, raw);
      v.comp = inst;
      batch.created.push(inst);
      v.creating = {};
      if (!inst.__.virtual) emit([OP_ELEMENT, v.id, tag, v.creating]);
      applyAttrs(v, raw, true);
      v.creating = null;
      // Its own template first, then the children its user wrote inside it: components
      // are created, and so attached, in that order (the host, its shadow tree, its
      // slotted children), as WeChat attaches a subtree.
      om.component.firstRender(inst);
      v.children = list(owner, v, [], raw.children || []);
      return v;
    }
    v.creating = {};
    emit([OP_ELEMENT, v.id, tag, v.creating]);
    applyAttrs(v, raw, false);
    v.creating = null;
    v.children = list(owner, v, [], raw.children || []);
    markDom(v);
    return v;
  }

  function patch(v, raw) {
    if (v.tag === '#text') {
      var text = raw === undefined || raw === null ? '' : String(raw);
      if (text !== v.text) {
        v.text = text;
        emit([OP_SET_TEXT, v.id, text]);
      }
      return;
    }
    if (v.slotName !== undefined) {
      var name = raw.attrs && raw.attrs.name !== undefined && raw.attrs.name !== null ? String(raw.attrs.name) : '';
      if (name !== v.slotName) {
        v.slotName = name;
        listChanged(v.owner, v.parent);
        listChanged(v.owner.__.host.owner, v.owner.__.host);
      }
      return;
    }
    // Most nodes of a re-render have the very same attribute values: nothing to do for
    // them unless the owner's class mapping changed meanwhile.
    if (raw.model || raw.generics || v.scope !== v.owner.__.scope || !sameAttrs(v.raw, raw.attrs)) applyAttrs(v, raw, !!v.comp);
    v.children = list(v.owner, v, v.children, raw.children || []);
  }

  function sameAttrs(a, b) {
    if (!a || !b) return a === b;
    var n = 0;
    for (var k in b) {
      if (a[k] !== b[k]) return false;
      n++;
    }
    for (var j in a) n--;
    return n === 0;
  }

  /** Removes `v` for good: its component instances detach, the frame forgets its nodes.
   *  `inDom`: an ancestor's DOM element is forgotten already, and the frame forgets
   *  everything inside a forgotten element, so only the tops of subtrees are sent. */
  function remove(v, inDom) {
    if (!v.alive) return;
    if (v.slotName !== undefined) keepSlotted(v);
    v.alive = false;
    nodes.delete(v.id);
    var isElement = v.slotName === undefined && !(v.comp && v.comp.__.virtual);
    if (isElement && !inDom) batch.forget.push(v.id);
    var covered = inDom || isElement;
    for (var i = 0; i < v.children.length; i++) {
      // A host's children sit in its component's slots; unassigned ones in no element.
      var c = v.children[i];
      remove(c, covered && !(v.comp && v.comp.__.virtual) && (!v.comp || !!slotFor(v.comp, c)));
    }
    if (v.comp && v.comp.__.root) for (var j = 0; j < v.comp.__.root.length; j++) remove(v.comp.__.root[j], covered && !v.comp.__.virtual);
    // Detached after everything inside it (its slotted children, then its own template),
    // as WeChat detaches a subtree: a parent still sees its children unlink.
    if (v.comp) om.component.destroy(v.comp);
  }

  /** A slot goes (its component stays, say a `wx:if` around it): the nodes assigned to it
   *  live on, unshown until a slot takes them again, but their elements sit in elements
   *  the frame is about to forget with all they contain. Take them out of the slot's
   *  element first (a children operation without them, sent before the forgets). */
  function keepSlotted(s) {
    var light = assigned(s);
    var ids = [];
    for (var i = 0; i < light.length; i++) if (light[i].alive) flatten(light[i], ids);
    if (ids.length) batch.keep.push({ parent: domParentOf(s), ids: ids });
  }

  function sameKind(v, raw) {
    if (!isNode(raw)) return v.tag === '#text';
    return v.tag === String(raw.tag) && v.key === raw.key;
  }

  /** Reconciles `old` (nodes) with `raws` (render output) under `parent` of `owner`'s
   *  template; returns the new list. */
  function list(owner, parent, old, raws) {
    var out = new Array(raws.length);
    var i;
    // The common re-render: the same nodes in the same order (keys, tags). Matched by
    // position without the key map below, which for a 1,000-row list was most of the
    // cost of a one-row setData.
    if (old.length === raws.length) {
      for (i = 0; i < old.length; i++) if (!sameKind(old[i], raws[i])) break;
      if (i === old.length) {
        for (i = 0; i < old.length; i++) {
          patch(old[i], raws[i]);
          out[i] = old[i];
        }
        return out;
      }
    }
    var byKey = null;
    var repeats = false; // a key that several old nodes share
    for (i = 0; i < old.length; i++) {
      if (old[i].key !== undefined) {
        var name = old[i].tag + '\u0001' + old[i].key;
        byKey = byKey || {};
        if (byKey[name] !== undefined) repeats = true;
        byKey[name] = old[i];
        old[i].pos = i;
      }
    }
    // Repeated keys (@vant/weapp's `wx:key="index"` on items that have no `index`: every
    // key is "undefined"): as WeChat's glass-easel makes a repeated key unique by its
    // occurrence, the n-th node with a key is matched with the n-th item with that key,
    // so such a list is patched in place instead of re-created on every render. Only
    // lists with repeats take this path.
    var seen = null;
    if (repeats) {
      byKey = {};
      seen = {};
      for (i = 0; i < old.length; i++) {
        if (old[i].key === undefined) continue;
        var rn = old[i].tag + '\u0001' + old[i].key;
        byKey[rn + '\u0002' + (seen[rn] = (seen[rn] || 0) + 1)] = old[i];
      }
      seen = {};
    }
    var used = {};
    var pos = 0; // the next unkeyed old node to consider
    var changed = old.length !== raws.length;
    var lastPos = -1; // keyed nodes kept so far came in their old order up to here
    var reordered = false;
    for (i = 0; i < raws.length; i++) {
      var raw = raws[i];
      var v = null;
      var key = isNode(raw) ? raw.key : undefined;
      if (key !== undefined) {
        var kn = String(raw.tag) + '\u0001' + key;
        if (seen) kn += '\u0002' + (seen[kn] = (seen[kn] || 0) + 1);
        var k = byKey && byKey[kn];
        if (k && !used[k.id]) {
          v = k;
          if (k.pos < lastPos) reordered = true;
          else lastPos = k.pos;
        }
      } else {
        while (pos < old.length && (old[pos].key !== undefined || used[old[pos].id])) pos++;
        if (pos < old.length && sameKind(old[pos], raw)) v = old[pos++];
      }
      if (v) {
        used[v.id] = true;
        patch(v, raw);
      } else {
        v = create(owner, parent, raw);
      }
      if (old[i] !== v) changed = true;
      out[i] = v;
    }
    if (reordered) markMoved(out, used);
    for (i = 0; i < old.length; i++) if (!used[old[i].id]) remove(old[i], false);
    if (changed) listChanged(owner, parent);
    return out;
  }

  /** A keyed list was reordered: the kept nodes outside the longest run still in their
   *  old order are the ones that moved (the DOM moves them, keeping them and their
   *  components); their components get `moved` (and relations linkChanged) once the batch
   *  is built, as WeChat does when a node is moved within the tree. */
  function markMoved(out, used) {
    var kept = [];
    for (var i = 0; i < out.length; i++) {
      var v = out[i];
      // Kept: an old node matched by its key (not one created now).
      if (v.key !== undefined && used[v.id]) kept.push(v);
    }
    // Longest increasing subsequence of the old positions (patience sorting).
    var tails = []; // index in `kept` of the smallest tail of each run length
    var prev = new Array(kept.length);
    for (var j = 0; j < kept.length; j++) {
      var lo = 0, hi = tails.length;
      while (lo < hi) {
        var mid = (lo + hi) >> 1;
        if (kept[tails[mid]].pos < kept[j].pos) lo = mid + 1;
        else hi = mid;
      }
      prev[j] = lo > 0 ? tails[lo - 1] : -1;
      tails[lo] = j;
    }
    var stay = {};
    for (var t = tails.length ? tails[tails.length - 1] : -1; t >= 0; t = prev[t]) stay[kept[t].id] = true;
    for (var m = 0; m < kept.length; m++) if (!stay[kept[m].id]) movedIn(kept[m]);
  }

  /** The components in `v`'s subtree, inner ones first, for `moved`. */
  function movedIn(v) {
    for (var i = 0; i < v.children.length; i++) movedIn(v.children[i]);
    if (v.comp) {
      var r = v.comp.__.root || [];
      for (var j = 0; j < r.length; j++) movedIn(r[j]);
      batch.moved.push(v.comp);
    }
  }

  /** `list` (components linked to `inst` by a relation) in the order their nodes come in
   *  the composed tree below `inst`; any not in it last (getRelationNodes). */
  function inTreeOrder(inst, list) {
    var out = [];
    function walk(vs) {
      for (var i = 0; i < vs.length && out.length < list.length; i++) {
        var v = vs[i];
        if (v.slotName !== undefined) walk(assigned(v));
        else if (v.comp) {
          if (list.indexOf(v.comp) >= 0 && out.indexOf(v.comp) < 0) out.push(v.comp);
          walk(v.comp.__.root || []);
        } else walk(v.children);
      }
    }
    walk(inst.__.root || []);
    for (var j = 0; j < list.length; j++) if (out.indexOf(list[j]) < 0) out.push(list[j]);
    return out;
  }

  // ---- rendering and flushing ---------------------------------------------------

  /** Renders `inst`'s template with its data and reconciles the result. */
  function render(inst) {
    var c = inst.__;
    var out;
    try {
      out = c.render ? c.render(c.renderData()) : [];
    } catch (e) {
      om.reportError(e, 'render ' + c.is);
      out = c.root || [];
      return;
    }
    var before = c.slots;
    c.root = list(inst, null, c.root || [], out || []);
    // wx://form-field: the component's element carries its name and value, which a
    // <form> around it submits (components/form.js reads `__formField`).
    if (c.formField && !c.virtual) setDom(c.host, '$formField', JSON.stringify({ name: inst.data.name, value: inst.data.value }));
    c.slots = [];
    // A page has no slots (a <slot> in a page is an ordinary element).
    if (!c.isPage) collectSlots(c.root, c.slots);
    if (!sameList(before, c.slots)) {
      // Slots came or went: where the host's children go may have changed.
      var light = c.host.children;
      for (var i = 0; i < light.length; i++) markDom(domParentOf(light[i]) || c.host);
      if (before) for (var j = 0; j < before.length; j++) if (before[j].alive) markDom(domParentOf(before[j]));
    }
  }

  function sameList(a, b) {
    if (!a || a.length !== b.length) return !a && !b.length;
    for (var i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }

  function collectSlots(list, out) {
    for (var i = 0; i < list.length; i++) {
      var v = list[i];
      if (v.slotName !== undefined) out.push(v);
      else if (!v.comp) collectSlots(v.children, out);
      else collectSlots(v.children, out); // a host's children are still this template's
    }
  }

  function schedule() {
    if (scheduled) return;
    scheduled = true;
    om.nextTick(flush);
  }

  /** Renders every instance that changed, then sends one batch of operations. */
  function flush() {
    scheduled = false;
    var guard = 0;
    while (dirtyInsts.length) {
      if (++guard > 10000) {
        om.error('render loop: setData keeps being called while rendering');
        dirtyInsts = [];
        break;
      }
      dirtyInsts.sort(function (a, b) {
        return a.__.depth - b.__.depth;
      });
      var inst = dirtyInsts.shift();
      inst.__.dirty = false;
      if (inst.__.alive && inst.__.rendered) render(inst);
    }
    send();
  }

  function send() {
    var b = batch;
    batch = { ops: [], dirtyDom: [], forget: [], keep: [], created: [], moved: [], applied: [] };
    // Slotted nodes out of the elements that go (keepSlotted); a living parent gets its
    // whole new list below anyway.
    for (var kp = 0; kp < b.keep.length; kp++) {
      var kept = b.keep[kp];
      var from = kept.parent;
      if (!from || from.alive || !from.domKids) continue;
      var rest = from.domKids.filter(function (id) {
        return kept.ids.indexOf(id) < 0;
      });
      if (rest.length === from.domKids.length) continue;
      from.domKids = rest;
      b.ops.push([OP_CHILDREN, from.id, rest]);
    }
    for (var i = 0; i < b.dirtyDom.length; i++) {
      var p = b.dirtyDom[i];
      if (!p.alive) continue;
      var kids = domChildren(p);
      if (p.domKids && sameIds(p.domKids, kids)) continue;
      if (!p.domKids && !kids.length) {
        p.domKids = kids;
        continue;
      }
      p.domKids = kids;
      b.ops.push([OP_CHILDREN, p.id, kids]);
    }
    for (var f = 0; f < b.forget.length; f++) b.ops.push([OP_FORGET, b.forget[f]]);
    // Components made in this batch are attached once they are in the tree.
    var created = b.created;
    var readyList = [];
    for (var c = 0; c < created.length; c++) {
      if (created[c].__.alive) {
        om.component.attached(created[c]);
        readyList.push(created[c]);
      }
    }
    for (var mv = 0; mv < b.moved.length; mv++) om.component.moved(b.moved[mv]);
    if (!b.ops.length && !b.applied.length && !readyList.length) return;
    om.bridge.ops(b.ops, function () {
      // `ready` once laid out: children before their parents.
      for (var r = readyList.length - 1; r >= 0; r--) if (readyList[r].__.alive) om.component.ready(readyList[r]);
      for (var a = 0; a < b.applied.length; a++) om.guard(b.applied[a], null, [], 'after render');
    });
  }

  function sameIds(a, b) {
    if (a.length !== b.length) return false;
    for (var i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }

  /** The user changed a control's value in the frame (`prop` message): remember it as
   *  what the DOM has, so the next render compares against it. */
  function userChanged(m) {
    var v = nodes.get(typeof m.node === 'string' ? Number(m.node) : m.node);
    if (!v || !v.alive) return;
    var name = String(m.name);
    var key = om.hasOwn(v.sent, name) ? name : om.hasOwn(v.sent, om.dash(name)) ? om.dash(name) : name;
    v.sent[key] = m.value;
  }
  om.bridge.on('prop', userChanged);

  Object.defineProperty(VNode.prototype, 'classes', {
    get: function () {
      return this.classText ? this.classText.split(/\s+/).filter(Boolean) : [];
    },
    set: function (list) {
      this.classText = list.join(' ');
    },
  });

  om.tree = {
    VNode: VNode,
    node: function (id) {
      return nodes.get(typeof id === 'string' ? Number(id) : id);
    },
    /** A node of the frame's making (a page's root): the frame created it with op 7. */
    root: function (owner) {
      var v = new VNode('page', owner, null);
      return v;
    },
    invalidate: function (inst) {
      if (inst.__.dirty) return;
      inst.__.dirty = true;
      dirtyInsts.push(inst);
      schedule();
    },
    /** Runs `fn` once the frame has applied the next batch (setData callbacks). */
    afterApplied: function (fn) {
      batch.applied.push(fn);
      schedule();
    },
    render: render,
    emit: emit,
    markDom: markDom,
    remove: remove,
    flush: flush,
    schedule: schedule,
    domParentOf: domParentOf,
    slotFor: slotFor,
    inTreeOrder: inTreeOrder,
    mapClass: mapClass,
    rpx: rpx,
  };
})(__om);
