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
    if (f.node && typeof n.offscreen === 'function') {
      r.node = n.offscreen();
    }
    return r;
  }

  om.frameApis = om.frameApis || {};
  om.frameApis.$query = function (args) {
    var page = om.pages.current();
    return (page ? page.ready : Promise.resolve()).then(function () {
      return (args.items || []).map(function (item) {
        if (item.viewport) {
          var el = om.pages.current() ? om.pages.current().el : document.documentElement;
          return [measure(el, item.fields)];
        }
        return item.ids
          .map(function (id) {
            var n = om.dom.node(id);
            return n && n.nodeType === 1 ? measure(n, item.fields) : null;
          })
          .filter(function (x) {
            return x;
          });
      });
    });
  };
})((window.__om = window.__om || {}));
