// Touch events for every element: pointer input becomes WeChat's touchstart /
// touchmove / touchend / touchcancel, tap and longpress, reported to the worker only
// when some node on the way up listens for that type (`$on`), so unbound moves cost
// nothing. Built-in components report their own events through `__wx.emit`.
'use strict';

(function (om) {
  var TAP_SLOP = 10; // px a finger may move and still tap
  var LONGPRESS_MS = 350;
  var active = null; // the pointer being followed

  function listens(path, type) {
    for (var i = 0; i < path.length; i++) {
      var n = path[i];
      if (n.__on && n.__on.indexOf(type) >= 0) return true;
    }
    return false;
  }

  /** Runtime nodes from the innermost outwards (across built-ins' shadow roots). */
  function runtimePath(e) {
    var out = [];
    var path = e.composedPath ? e.composedPath() : [];
    for (var i = 0; i < path.length; i++) if (path[i].__id !== undefined && path[i].nodeType === 1) out.push(path[i]);
    return out;
  }

  function touchOf(e) {
    return { identifier: e.pointerId || 0, pageX: e.pageX, pageY: e.pageY, clientX: e.clientX, clientY: e.clientY, force: e.pressure || 0 };
  }

  function send(type, path, e, detail) {
    if (!path.length || !listens(path, type)) return;
    var t = touchOf(e);
    // A lifted finger is in no `touches` of touchend/touchcancel; a tap and a longpress
    // carry their point in `touches` too, as WeChat's do (its documented tap event;
    // @vant/weapp's slider reads `event.touches[0]` of a tap).
    var ended = type === 'touchend' || type === 'touchcancel';
    om.toWorker({
      t: 'ev',
      node: path[0].__id,
      type: type,
      detail: detail || { x: e.pageX, y: e.pageY },
      touches: ended ? [] : [t],
      changedTouches: [t],
      timeStamp: Math.round(e.timeStamp || performance.now()),
    });
  }

  function disabled(path) {
    // A tap on a disabled control is not a tap.
    return path.length && path[0].props && path[0].props.disabled === true && /^wx-(button|switch|checkbox|radio|slider|picker|input|textarea)$/.test(path[0].localName);
  }

  var pendingMove = null;
  var moveScheduled = false;

  function flushMove() {
    moveScheduled = false;
    if (pendingMove) {
      send('touchmove', pendingMove.path, pendingMove.e);
      pendingMove = null;
    }
  }

  document.addEventListener(
    'pointerdown',
    function (e) {
      if (active || (e.pointerType === 'mouse' && e.button !== 0)) return;
      var path = runtimePath(e);
      if (!path.length) return;
      active = { id: e.pointerId, x: e.clientX, y: e.clientY, path: path, moved: false, long: false, t: e.timeStamp };
      send('touchstart', path, e);
      var a = active;
      a.timer = setTimeout(function () {
        if (active !== a || a.moved) return;
        a.long = listens(a.path, 'longpress');
        send('longpress', a.path, e);
        if (listens(a.path, 'longtap')) send('longtap', a.path, e);
      }, LONGPRESS_MS);
    },
    true
  );

  document.addEventListener(
    'pointermove',
    function (e) {
      if (!active || e.pointerId !== active.id) return;
      if (Math.abs(e.clientX - active.x) > TAP_SLOP || Math.abs(e.clientY - active.y) > TAP_SLOP) active.moved = true;
      if (!listens(active.path, 'touchmove')) return;
      pendingMove = { path: active.path, e: e };
      if (!moveScheduled) {
        moveScheduled = true;
        requestAnimationFrame(flushMove);
      }
    },
    true
  );

  function end(e, cancelled) {
    if (!active || e.pointerId !== active.id) return;
    var a = active;
    active = null;
    clearTimeout(a.timer);
    flushMove();
    send(cancelled ? 'touchcancel' : 'touchend', a.path, e);
    // A longpress that someone handled takes the place of the tap, as on WeChat.
    if (!cancelled && !a.moved && !a.long && !disabled(a.path)) send('tap', a.path, e);
  }

  document.addEventListener(
    'pointerup',
    function (e) {
      end(e, false);
    },
    true
  );
  document.addEventListener(
    'pointercancel',
    function (e) {
      end(e, true);
    },
    true
  );

  // Keyboard: Enter or Space on a focused control taps it.
  document.addEventListener(
    'keydown',
    function (e) {
      if (e.key !== 'Enter' && e.key !== ' ') return;
      var path = runtimePath(e);
      if (!path.length || !/^wx-(button|navigator|checkbox|radio|switch|label)$/.test(path[0].localName)) return;
      var r = path[0].getBoundingClientRect();
      var fake = { pageX: r.left + r.width / 2, pageY: r.top + r.height / 2, clientX: r.left + r.width / 2, clientY: r.top + r.height / 2, pointerId: 0, timeStamp: e.timeStamp };
      send('tap', path, fake);
    },
    true
  );

  /** A built-in component's own event (window.__wx.emit, components/base.js). */
  om.emitFromComponent = function (el, type, detail) {
    if (el.__id === undefined) return;
    var always = type === '$share' || type === 'input' || type === 'change';
    if (!always && !(el.__on && el.__on.indexOf(type) >= 0)) return;
    om.toWorker({ t: 'ev', node: el.__id, type: type, detail: detail === undefined ? {} : detail, touches: [], changedTouches: [], timeStamp: Math.round(performance.now()) });
  };
})((window.__om = window.__om || {}));
