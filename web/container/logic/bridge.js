// The worker's side of the channel to the frame (docs/container.md, "Messages"): DOM
// operations out, events and replies in, calls to APIs the frame or host performs.
'use strict';

(function (om) {
  var calls = {};
  var nextCall = 1;
  var nextSeq = 1;
  var waiting = {}; // seq → [callbacks] run once the frame has applied that batch
  var handlers = {};

  function post(msg) {
    self.postMessage(msg);
  }

  om.bridge = {
    post: post,

    /** Sends a batch of DOM operations; `done` runs once the frame has applied it. */
    ops: function (ops, done) {
      var seq = nextSeq++;
      if (done) waiting[seq] = [done];
      // As JSON text: one string crosses to the frame instead of thousands of small
      // arrays through structured cloning (half the cost of a 1,000-row list), and what
      // arrives is what WeChat's JSON bridge would deliver (setData data is JSON).
      post({ t: 'ops', ops: JSON.stringify(ops), seq: seq });
      return seq;
    },

    /** Calls an API the frame (or, through it, the host) performs. Resolves with its
     *  result; rejects with {errMsg}. */
    call: function (name, args) {
      var id = nextCall++;
      return new Promise(function (resolve, reject) {
        calls[id] = { resolve: resolve, reject: reject };
        post({ t: 'call', id: id, name: name, args: args === undefined ? {} : args });
      });
    },

    /** A handler for messages of type `t` from the frame. */
    on: function (t, fn) {
      handlers[t] = fn;
    },
  };

  self.onmessage = function (e) {
    var m = e.data;
    if (!m || typeof m !== 'object') return;
    switch (m.t) {
      case 'reply': {
        var c = calls[m.id];
        if (!c) return;
        delete calls[m.id];
        if (m.ok) c.resolve(m.res);
        else c.reject(m.errCode === undefined ? { errMsg: m.errMsg || 'fail' } : { errMsg: m.errMsg || 'fail', errCode: m.errCode });
        return;
      }
      case 'applied': {
        var list = waiting[m.seq];
        delete waiting[m.seq];
        if (list) list.forEach(function (fn) {
          om.guard(fn, null, [], 'setData callback');
        });
        return;
      }
      default: {
        var h = handlers[m.t];
        if (h) {
          try {
            h(m);
          } catch (err) {
            om.reportError(err, 'runtime (' + m.t + ')');
          }
        }
      }
    }
  };
})(__om);
