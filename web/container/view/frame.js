// The frame's start: loads the built-in components, waits for the host's `launch`,
// starts the logic worker and routes messages among host, frame and worker
// (docs/container.md, "Starting a mini program" and "Messages").
'use strict';

(function (om) {
  // The platform's origin, from this script's own address (the frame's is opaque).
  var self = document.currentScript.src;
  om.containerBase = self.slice(0, self.indexOf('/container/') + '/container/'.length);
  om.origin = om.containerBase.slice(0, -'/container/'.length);

  var worker = null;
  var queue = []; // messages for the worker before it exists
  var hostCalls = {}; // our call id → the worker's call id
  var nextHostCall = 1;

  om.toWorker = function (m, transfer) {
    if (worker) worker.postMessage(m, transfer || []);
    else queue.push(m);
  };

  // A frame API's result may carry ArrayBuffers or OffscreenCanvases to hand over to
  // the worker rather than copy: `return om.transfer(res, [buffers…])`.
  var transfers = new WeakMap();
  om.transfer = function (res, list) {
    if (res && typeof res === 'object' && list && list.length) transfers.set(res, list);
    return res;
  };

  /** The ArrayBuffers of a host's answer (the frame's own copies), to transfer. */
  function buffersOf(res) {
    var out = [];
    (function walk(v, depth) {
      if (!v || typeof v !== 'object' || depth > 3) return;
      if (v instanceof ArrayBuffer) {
        if (out.indexOf(v) < 0) out.push(v);
        return;
      }
      for (var k in v) walk(v[k], depth + 1);
    })(res, 0);
    return out;
  }

  function toHost(m) {
    parent.postMessage(m, '*');
  }

  /** APIs the frame performs itself: name → function(args) → result or Promise. */
  om.frameApis = om.frameApis || {};

  function reply(id, ok, res, fromHost) {
    if (ok) om.toWorker({ t: 'reply', id: id, ok: true, res: res }, fromHost ? buffersOf(res) : res && typeof res === 'object' ? transfers.get(res) : null);
    else {
      var fail = { t: 'reply', id: id, ok: false, errMsg: res && res.errMsg ? res.errMsg : String(res) };
      if (res && res.errCode !== undefined) fail.errCode = res.errCode;
      om.toWorker(fail);
    }
  }

  /** A call from the worker: here, or on to the host. */
  function call(m) {
    var fn = om.frameApis[m.name];
    if (fn) {
      var r;
      try {
        r = fn(m.args || {});
      } catch (e) {
        reply(m.id, false, e);
        return;
      }
      Promise.resolve(r).then(
        function (res) {
          reply(m.id, true, res);
        },
        function (e) {
          reply(m.id, false, e);
        }
      );
      return;
    }
    hostCall(m.name, m.args).then(
      function (res) {
        reply(m.id, true, res, true);
      },
      function (e) {
        reply(m.id, false, e);
      }
    );
  }

  // The user's last real tap in this frame: calls that must follow a tap carry how long
  // ago it was (docs/container.md, "Host calls"); the worker cannot fake it.
  var lastTap = 0;
  document.addEventListener(
    'pointerup',
    function (e) {
      if (e.isTrusted) lastTap = performance.now();
    },
    true
  );

  /** Calls an API the host performs (components use this too). */
  function hostCall(name, args) {
    var id = nextHostCall++;
    args = args && typeof args === 'object' ? Object.assign({}, args) : {};
    delete args.tapAt;
    if (lastTap) args.tapAt = Math.round(performance.now() - lastTap);
    return new Promise(function (resolve, reject) {
      hostCalls[id] = { resolve: resolve, reject: reject };
      toHost({ t: 'call', id: id, name: name, args: args || {} });
    });
  }
  om.hostCall = hostCall;

  function fromWorker(e) {
    var m = e.data;
    if (!m) return;
    switch (m.t) {
      case 'ops':
        try {
          om.dom.apply(typeof m.ops === 'string' ? JSON.parse(m.ops) : m.ops);
        } catch (err) {
          console.error('[openmini] applying ops: ' + (err && err.stack || err));
        }
        // `applied` once the page's styles are in, so onReady sees the real layout.
        var page = om.pages.current();
        (page ? page.ready : Promise.resolve()).then(function () {
          worker.postMessage({ t: 'applied', seq: m.seq });
        });
        break;
      case 'call':
        call(m);
        break;
      case 'worker-ready':
        break;
    }
  }

  function start(m) {
    om.env = m;
    // The built-in components and their attributes, for wx.canIUse.
    var defined = (window.__wx && window.__wx.components) || {};
    m.components = {};
    Object.keys(defined).forEach(function (tag) {
      var props = defined[tag] && defined[tag].props;
      m.components[tag] = props && typeof props === 'object' ? Object.keys(props).map(function (p) {
        return p.replace(/[A-Z]/g, function (c) {
          return '-' + c.toLowerCase();
        });
      }) : [];
    });
    var blob = new Blob(['self.__omContainer=' + JSON.stringify(om.containerBase) + ';importScripts(self.__omContainer+"logic/boot.js");'], { type: 'text/javascript' });
    worker = new Worker(URL.createObjectURL(blob));
    worker.onmessage = fromWorker;
    worker.onerror = function (e) {
      console.error('[openmini] logic layer: ' + e.message);
      toHost({ t: 'error', message: String(e.message) });
    };
    worker.postMessage(m);
    queue.forEach(function (q) {
      worker.postMessage(q);
    });
    queue = [];
  }

  window.addEventListener('message', function (e) {
    if (e.source !== parent) return;
    var m = e.data;
    if (!m || typeof m !== 'object') return;
    switch (m.t) {
      case 'launch':
        if (!worker) {
          var launch = {
            t: 'launch',
            appid: m.appid,
            base: m.base,
            version: m.version,
            manifest: m.manifest,
            launch: m.launch || {},
            system: m.system || {},
            storage: m.storage || {},
            menuRect: m.menuRect || null,
          };
          om.env = launch;
          start(launch);
        }
        break;
      case 'reply': {
        var c = hostCalls[m.id];
        if (!c) return;
        delete hostCalls[m.id];
        if (m.ok) c.resolve(m.res);
        else c.reject(m.errCode === undefined ? { errMsg: m.errMsg || 'fail' } : { errMsg: m.errMsg || 'fail', errCode: m.errCode });
        break;
      }
      case 'appEvent':
        if (om.onAppEvent) om.onAppEvent(m);
        om.toWorker({ t: 'appEvent', name: m.name, options: m.options });
        break;
    }
  });

  // The built-in components' hooks (components/base.js).
  window.__wx = window.__wx || {};
  window.__wx.emit = function (el, type, detail) {
    om.emitFromComponent(el, type, detail);
  };
  // A control the user changed (typed, toggled, dragged): the worker learns the value
  // the DOM now has, so setting the old value again still reaches the control.
  window.__wx.propChanged = function (el, name, value) {
    if (el && el.__id !== undefined) om.toWorker({ t: 'prop', node: el.__id, name: name, value: value });
  };
  // Package paths the worker did not resolve (rich-text images): from the package root.
  window.__wx.resolveUrl = function (url) {
    var u = String(url || '');
    if (!u || /^(https?:|data:|blob:|\/\/)/i.test(u) || !om.env) return u;
    return om.env.base + 'main/files/' + u.replace(/^\//, '');
  };
  window.__wx.call = function (name, args) {
    var fn = om.frameApis[name];
    if (fn) return Promise.resolve().then(function () {
      return fn(args || {});
    });
    return hostCall(name, args);
  };

  window.addEventListener('resize', function () {
    om.toWorker({ t: 'appEvent', name: 'resize', size: { windowWidth: innerWidth, windowHeight: innerHeight } });
  });

  toHost({ t: 'ready' });
})((window.__om = window.__om || {}));
