// The frame's half of IntersectionObserver and MediaQueryObserver (api/ui.js): the
// worker found the nodes; here their layout is measured whenever something may have
// moved (any scroll, a resize, and a steady check for layout changes of setData), and
// the crossings of the observer's thresholds go back as apiEvents. Rectangles are
// relative to the page's viewport (below the navigation bar), as SelectorQuery's.
'use strict';

(function (om) {
  var api = (om.frameApis = om.frameApis || {});
  var observers = {}; // id → {targets: [{id, prev}], relatives, thresholds}
  var count = 0;
  var timer = 0;
  var scheduled = false;

  function rect(r) {
    var top = document.getElementById('om-pages').getBoundingClientRect().top;
    return { left: r.left, right: r.right, top: r.top - top, bottom: r.bottom - top, width: r.right - r.left, height: r.bottom - r.top };
  }

  function viewportRect() {
    var p = om.pages.current();
    var el = p ? p.el : document.getElementById('om-pages');
    var r = el.getBoundingClientRect();
    return { left: r.left, right: r.left + el.clientWidth, top: r.top, bottom: r.top + el.clientHeight };
  }

  function expand(r, m) {
    return { left: r.left - m.left, right: r.right + m.right, top: r.top - m.top, bottom: r.bottom + m.bottom };
  }

  function crossed(thresholds, prev, cur) {
    for (var i = 0; i < thresholds.length; i++) {
      var t = thresholds[i];
      if (t <= 0 ? prev > 0 !== cur > 0 : prev >= t !== cur >= t) return true;
    }
    return false;
  }

  function check() {
    scheduled = false;
    for (var id in observers) {
      var ob = observers[id];
      // The reference area: the intersection of every relative (node or viewport).
      var ref = null;
      var gone = false;
      for (var r = 0; r < ob.relatives.length; r++) {
        var rel = ob.relatives[r];
        var box;
        if (rel.viewport) box = viewportRect();
        else {
          var n = om.dom.node(rel.node);
          if (!n || !n.isConnected) {
            gone = true;
            break;
          }
          box = n.getBoundingClientRect();
        }
        box = expand(box, rel.margins || { left: 0, right: 0, top: 0, bottom: 0 });
        ref = ref ? { left: Math.max(ref.left, box.left), right: Math.min(ref.right, box.right), top: Math.max(ref.top, box.top), bottom: Math.min(ref.bottom, box.bottom) } : box;
      }
      // Targets the worker has forgotten (their page closed) end the observer.
      ob.targets = ob.targets.filter(function (t) {
        return !!om.dom.node(t.id);
      });
      if (!ob.targets.length) {
        api.$intersection({ op: 'disconnect', id: id });
        continue;
      }
      if (gone || !ref) continue;
      ob.targets.forEach(function (t) {
        var el = om.dom.node(t.id);
        if (!el || !el.isConnected) return;
        var b = el.getBoundingClientRect();
        var i = { left: Math.max(b.left, ref.left), right: Math.min(b.right, ref.right), top: Math.max(b.top, ref.top), bottom: Math.min(b.bottom, ref.bottom) };
        var inside = i.right >= i.left && i.bottom >= i.top;
        if (!inside) i = { left: 0, right: 0, top: 0, bottom: 0 };
        var area = b.width * b.height;
        var ratio = area > 0 ? ((i.right - i.left) * (i.bottom - i.top)) / area : inside && (el.offsetWidth || el.offsetHeight || b.width || b.height) ? 1 : 0;
        ratio = Math.round(ratio * 10000) / 10000;
        if (!crossed(ob.thresholds, t.prev, ratio)) return;
        t.prev = ratio;
        om.toWorker({
          t: 'apiEvent',
          kind: 'intersection',
          id: ob.id,
          name: 'change',
          data: { node: t.id, time: Date.now(), intersectionRatio: ratio, intersectionRect: rect(i), boundingClientRect: rect(b), relativeRect: rect(ref) },
        });
      });
    }
  }

  function schedule() {
    if (scheduled || !count) return;
    scheduled = true;
    requestAnimationFrame(check);
  }

  document.addEventListener('scroll', schedule, { capture: true, passive: true });
  window.addEventListener('resize', schedule);

  api.$intersection = function (a) {
    if (a.op === 'observe') {
      var page = om.pages.current();
      observers[a.id] = {
        id: a.id,
        targets: (a.targets || []).map(function (id) {
          return { id: id, prev: Number(a.initialRatio) || 0 };
        }),
        relatives: a.relatives || [{ viewport: true }],
        thresholds: (a.thresholds || [0]).map(Number).sort(function (x, y) {
          return x - y;
        }),
      };
      count++;
      // The first answer once the page is laid out; then on every change.
      (page ? page.ready : Promise.resolve()).then(schedule);
      if (!timer) timer = setInterval(schedule, 120);
    } else if (a.op === 'disconnect' && observers[a.id]) {
      delete observers[a.id];
      if (--count <= 0) {
        count = 0;
        clearInterval(timer);
        timer = 0;
      }
    }
    return {};
  };

  // ---- media queries ---------------------------------------------------------------------

  var queries = {};
  api.$mediaQuery = function (a) {
    if (a.op === 'observe') {
      var mq = window.matchMedia(String(a.query));
      var send = function () {
        om.toWorker({ t: 'apiEvent', kind: 'mediaQuery', id: a.id, name: 'change', data: { matches: mq.matches } });
      };
      queries[a.id] = { mq: mq, send: send };
      if (mq.addEventListener) mq.addEventListener('change', send);
      else mq.addListener(send);
      send();
    } else if (a.op === 'disconnect' && queries[a.id]) {
      var q = queries[a.id];
      if (q.mq.removeEventListener) q.mq.removeEventListener('change', q.send);
      else q.mq.removeListener(q.send);
      delete queries[a.id];
    }
    return {};
  };
})((window.__om = window.__om || {}));
