// The measuring half of SelectorQuery: the worker found the nodes, the frame reports
// their layout (rect, size, scroll offset, computed style), and hands a canvas's
// drawing surface to the worker as an OffscreenCanvas.
'use strict';

(function (om) {
  function measure(n, f) {
    var r = {};
    var rect = n.getBoundingClientRect();
    // Positions relative to the page's viewport (below the navigation bar), as on WeChat.
    var top = document.getElementById('om-pages').getBoundingClientRect().top;
    if (f.rect) {
      r.left = rect.left;
      r.right = rect.right;
      r.top = rect.top - top;
      r.bottom = rect.bottom - top;
    }
    if (f.size) {
      r.width = rect.width;
      r.height = rect.height;
    }
    if (f.scrollOffset) {
      var s = n.scrollTarget || n;
      r.scrollLeft = s.scrollLeft;
      r.scrollTop = s.scrollTop;
      r.scrollWidth = s.scrollWidth;
      r.scrollHeight = s.scrollHeight;
    }
    if (Array.isArray(f.computedStyle)) {
      var cs = getComputedStyle(n);
      f.computedStyle.forEach(function (k) {
        r[k] = cs.getPropertyValue(k.replace(/[A-Z]/g, function (c) {
          return '-' + c.toLowerCase();
        }));
      });
    }
    if (f.node) {
      var node = canvasNode(n);
      if (node) {
        r.node = node;
        if (node.offscreen) transferList.push(node.offscreen);
      }
    }
    return r;
  }

  var transferList = [];

  /**
   * A canvas's drawing surface for the worker (NodesRef.node(), createCanvasContext):
   * the first time, its <canvas> is transferred as an OffscreenCanvas (the component's
   * `offscreen()` if it has one, else its `__canvas`); later, only its id (the worker
   * keeps the one it got). Other nodes have no node object here.
   */
  function canvasNode(n) {
    if (n.localName !== 'wx-canvas') return null;
    var info = { $canvas: n.__id, width: n.clientWidth, height: n.clientHeight, dpr: window.devicePixelRatio || 1 };
    if (n.__omOffscreen) return info;
    var off = null;
    try {
      if (typeof n.offscreen === 'function') off = n.offscreen();
      else if (n.__canvas && n.__canvas.transferControlToOffscreen) {
        if (typeof n._autoSize === 'function') n._autoSize();
        off = n.__canvas.transferControlToOffscreen();
      }
    } catch (e) {
      console.error('[openmini] canvas: ' + e);
    }
    if (!off) return null;
    n.__omOffscreen = true;
    info.offscreen = off;
    return info;
  }

  om.frameApis = om.frameApis || {};
  om.frameApis.$query = function (args) {
    var page = om.pages.current();
    return (page ? page.ready : Promise.resolve()).then(function () {
      transferList = [];
      var out = (args.items || []).map(function (item) {
        if (item.viewport) {
          var el = om.pages.current() ? om.pages.current().el : document.documentElement;
          return [measure(el, item.fields)];
        }
        // One answer per id, in order (null for a node no longer here: a render between
        // the query and this answer removed it), so the worker pairs each with its node.
        return item.ids.map(function (id) {
          var n = om.dom.node(id);
          return n && n.nodeType === 1 ? measure(n, item.fields) : null;
        });
      });
      return om.transfer(out, transferList);
    });
  };
})((window.__om = window.__om || {}));
