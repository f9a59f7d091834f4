// The `animation` attribute: what Animation.export() gave ({actions: [{animates,
// option}]}, api/ui.js) played on the element step by step with the Web Animations
// API. As on WeChat, what a step sets stays: each transform function keeps its last
// value across steps (rotate then scale ends rotated and scaled), and so do styles.
// After each step the element reports `transitionend` if someone listens.
'use strict';

(function (om) {
  function rpx(v) {
    return String(v).replace(/(-?\d*\.?\d+)rpx\b/g, function (_, n) {
      return +(Number(n) / 7.5).toFixed(4) + 'vw';
    });
  }

  function deg(v) {
    return typeof v === 'number' ? v + 'deg' : String(v);
  }

  function fn(type, args) {
    switch (type) {
      case 'rotate':
      case 'rotateX':
      case 'rotateY':
      case 'rotateZ':
      case 'skewX':
      case 'skewY':
        return type + '(' + deg(args[0]) + ')';
      case 'skew':
        return 'skew(' + deg(args[0]) + ', ' + deg(args[1]) + ')';
      case 'rotate3d':
        return 'rotate3d(' + args[0] + ', ' + args[1] + ', ' + args[2] + ', ' + deg(args[3]) + ')';
      case 'translate':
      case 'translateX':
      case 'translateY':
      case 'translateZ':
      case 'translate3d':
        return type + '(' + args.map(function (a) {
          return rpx(typeof a === 'number' ? a + 'px' : a);
        }).join(', ') + ')';
      default:
        // scale*, matrix, matrix3d
        return type + '(' + args.join(', ') + ')';
    }
  }

  function camel(name) {
    return String(name).replace(/-([a-z])/g, function (_, c) {
      return c.toUpperCase();
    });
  }

  /** Plays `value` (an export) on `el`, after any steps still playing are dropped. */
  function play(el, value) {
    var st = el.__omAnim || (el.__omAnim = { transforms: {}, order: [], styles: {}, run: 0, current: null });
    var run = ++st.run;
    if (st.current) {
      try {
        st.current.commitStyles();
      } catch (_) {}
      st.current.cancel();
      st.current = null;
    }
    var actions = value && Array.isArray(value.actions) ? value.actions : [];
    var i = 0;
    function next() {
      if (st.run !== run || i >= actions.length || !el.isConnected) return;
      var step = actions[i++] || {};
      var opt = step.option || {};
      var tr = opt.transition || {};
      (step.animates || []).forEach(function (a) {
        if (!a || !Array.isArray(a.args)) return;
        if (a.type === 'style') {
          st.styles[camel(a.args[0])] = typeof a.args[1] === 'number' && a.args[0] !== 'opacity' ? a.args[1] + 'px' : rpx(a.args[1]);
        } else {
          if (!(a.type in st.transforms)) st.order.push(a.type);
          st.transforms[a.type] = fn(a.type, a.args);
        }
      });
      var frame = {};
      for (var k in st.styles) frame[k] = st.styles[k];
      if (st.order.length) {
        frame.transform = st.order
          .map(function (t) {
            return st.transforms[t];
          })
          .join(' ');
      }
      var origin = opt.transformOrigin ? rpx(opt.transformOrigin) : '50% 50% 0';
      el.style.transformOrigin = origin;
      var duration = Math.max(0, Number(tr.duration) || 0);
      var delay = Math.max(0, Number(tr.delay) || 0);
      var done = function () {
        if (st.run !== run) return;
        // The step's end state stays on the element.
        for (var p in frame) el.style[p] = frame[p];
        if (anim) anim.cancel();
        st.current = null;
        if (el.__on && el.__on.indexOf('transitionend') >= 0 && om.emitFromComponent) om.emitFromComponent(el, 'transitionend', {});
        next();
      };
      var anim = null;
      if (!el.animate || duration + delay === 0) {
        done();
        return;
      }
      try {
        anim = el.animate([frame], { duration: duration, delay: delay, easing: tr.timingFunction || 'linear', fill: 'forwards' });
      } catch (e) {
        // An easing the browser does not know: linear.
        anim = el.animate([frame], { duration: duration, delay: delay, easing: 'linear', fill: 'forwards' });
      }
      st.current = anim;
      anim.onfinish = done;
    }
    // After the batch of operations: a new element is in the page by then.
    Promise.resolve().then(next);
  }

  om.animation = { play: play };
})((window.__om = window.__om || {}));
