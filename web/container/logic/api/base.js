// Shared tools of the API files (loaded first of them, api/index.js) and the basic APIs:
// events the frame reports for API objects (`apiEvent`), WeChat's parameter checks,
// base64, random values, log managers, the update manager, debug, reporting, ext
// config, privacy, idle callbacks.
'use strict';

(function (om) {
  var api = om.api;

  // ---- events of API objects ------------------------------------------------------

  // The frame reports what happens to the things it keeps for API objects (an audio
  // element, an intersection observer, the network…) as {t: 'apiEvent', kind, id,
  // name, data}; each API file registers a handler per kind.
  var kinds = {};
  om.onApiEvent = function (kind, fn) {
    kinds[kind] = fn;
  };
  om.bridge.on('apiEvent', function (m) {
    var fn = kinds[m.kind];
    if (fn) fn(m.id, m.name, m.data || {});
  });

  var nextObject = 1;
  /** An id for an object whose other half lives in the frame. */
  om.objectId = function () {
    return nextObject++;
  };

  // ---- WeChat's parameter checks ---------------------------------------------------

  function typeName(v) {
    if (v === null) return 'Null';
    if (v === undefined) return 'Undefined';
    if (Array.isArray(v)) return 'Array';
    if (v instanceof ArrayBuffer) return 'ArrayBuffer';
    var t = typeof v;
    if (t === 'string') return 'String';
    if (t === 'number') return 'Number';
    if (t === 'boolean') return 'Boolean';
    if (t === 'function') return 'Function';
    return 'Object';
  }
  om.typeName = typeName;

  /** `{errMsg: "name:fail parameter error: parameter.key should be String instead of
   *  Undefined;"}`, the base library's text. */
  om.paramError = function (name, key, want, v) {
    return { errMsg: name + ':fail parameter error: parameter.' + key + ' should be ' + want + ' instead of ' + typeName(v) + ';' };
  };

  /** Throws the base library's error when `args[key]` is not of type `want`
   *  ('String', 'Number', 'Array', 'Object', 'Boolean', 'ArrayBuffer', or several
   *  joined by '/'); `optional` lets undefined through. */
  om.need = function (name, args, key, want, optional) {
    var v = args ? args[key] : undefined;
    if (v === undefined && optional) return v;
    var types = want.split('/');
    if (types.indexOf(typeName(v)) < 0) {
      throw om.paramError(name, key, types.join(' or '), v);
    }
    return v;
  };

  // ---- base64 --------------------------------------------------------------------

  function toBytes(buf) {
    if (buf instanceof ArrayBuffer) return new Uint8Array(buf);
    if (ArrayBuffer.isView(buf)) return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    return null;
  }
  om.toBytes = toBytes;

  om.base64Encode = function (bytes) {
    var s = '';
    for (var i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    return btoa(s);
  };

  /** Bytes of a base64 text (URL-safe letters and missing padding accepted, spaces
   *  ignored); null if it is not base64. */
  om.base64Decode = function (text) {
    var s = String(text).replace(/[\s]/g, '').replace(/-/g, '+').replace(/_/g, '/');
    while (s.length % 4) s += '=';
    var bin;
    try {
      bin = atob(s);
    } catch (_) {
      return null;
    }
    var out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  };

  api.sync('arrayBufferToBase64', function (buf) {
    var b = toBytes(buf);
    if (!b) throw new TypeError('arrayBufferToBase64: the argument should be an ArrayBuffer');
    return om.base64Encode(b);
  });
  api.sync('base64ToArrayBuffer', function (text) {
    var b = om.base64Decode(text === undefined || text === null ? '' : text);
    return b ? b.buffer : new ArrayBuffer(0);
  });

  // ---- random values ----------------------------------------------------------------

  api.async('getRandomValues', function (o) {
    var n = om.need('getRandomValues', o, 'length', 'Number');
    if (!(n > 0) || n !== Math.floor(n) || n > 1048576) throw { errMsg: 'getRandomValues:fail invalid length' };
    var out = new Uint8Array(n);
    for (var i = 0; i < n; i += 65536) crypto.getRandomValues(out.subarray(i, Math.min(n, i + 65536)));
    return { randomValues: out.buffer };
  });

  // ---- logs ------------------------------------------------------------------------

  function fmt(args) {
    return [].map.call(args, function (a) {
      if (typeof a === 'string') return a;
      try {
        return JSON.stringify(a);
      } catch (_) {
        return String(a);
      }
    });
  }

  /** wx.getLogManager({level}): the four outputs, to the console (level 1 would only
   *  keep WeChat from adding its own lifecycle lines, which this platform never adds). */
  var logManager = null;
  api.sync('getLogManager', function () {
    if (logManager) return logManager;
    function out(kind, method) {
      return function () {
        (console[method] || console.log).apply(console, ['[LogManager ' + kind + ']'].concat(fmt(arguments)));
      };
    }
    logManager = { debug: out('debug', 'debug'), log: out('log', 'log'), info: out('info', 'info'), warn: out('warn', 'warn') };
    return logManager;
  });

  /** wx.getRealtimeLogManager(): info/warn/error with filter messages and tags. */
  var realtime = null;
  api.sync('getRealtimeLogManager', function () {
    if (realtime) return realtime;
    function make(page, tag) {
      var filters = [];
      function out(kind) {
        return function () {
          var prefix = '[RealtimeLog ' + kind + (page ? ' ' + page : '') + (tag ? ' #' + tag : '') + (filters.length ? ' {' + filters.join(',') + '}' : '') + ']';
          (console[kind] || console.log).apply(console, [prefix].concat(fmt(arguments)));
        };
      }
      var m = {
        info: out('info'),
        warn: out('warn'),
        error: out('error'),
        setFilterMsg: function (msg) {
          if (typeof msg !== 'string') return;
          filters = [msg];
        },
        addFilterMsg: function (msg) {
          if (typeof msg === 'string') filters.push(msg);
        },
        in: function (p) {
          var route = p && p.route ? p.route : '';
          return make(route, tag);
        },
        tag: function (t) {
          return make(page, String(t));
        },
        getCurrentState: function () {
          return { size: 0, maxSize: 5 * 1024 * 1024, logCount: 0, maxLogCount: 5000 };
        },
      };
      return m;
    }
    realtime = make('', '');
    return realtime;
  });

  // ---- debug -------------------------------------------------------------------------

  // setEnableDebug: the frame shows a debug panel (vConsole's place) with what the
  // app logs; the worker copies its console there while debug is on.
  om.enableDebug = false;
  var plainConsole = null;
  function mirrorConsole(on) {
    if (on && !plainConsole) {
      plainConsole = {};
      ['log', 'info', 'warn', 'error', 'debug'].forEach(function (k) {
        var orig = (plainConsole[k] = console[k]);
        console[k] = function () {
          orig.apply(console, arguments);
          try {
            om.bridge.post({ t: 'call', id: 0, name: '$debugLog', args: { level: k, text: fmt(arguments).join(' ') } });
          } catch (_) {}
        };
      });
    } else if (!on && plainConsole) {
      for (var k in plainConsole) console[k] = plainConsole[k];
      plainConsole = null;
    }
  }
  api.async('setEnableDebug', function (o) {
    om.need('setEnableDebug', o, 'enableDebug', 'Boolean');
    return om.bridge.call('$debug', { enable: o.enableDebug }).then(function () {
      om.enableDebug = o.enableDebug;
      mirrorConsole(o.enableDebug);
      return {};
    });
  });

  // ---- the update manager ---------------------------------------------------------------

  // A running mini program is always the version the host gave it (it asks for the
  // current one at each start), so the check reports no update, once.
  var updateManager = null;
  api.sync('getUpdateManager', function () {
    if (updateManager) return updateManager;
    var checked = null;
    var checkListeners = [];
    updateManager = {
      onCheckForUpdate: function (fn) {
        if (typeof fn !== 'function') return;
        if (checked) return setTimeout(function () {
          om.guard(fn, null, [checked], 'onCheckForUpdate');
        });
        checkListeners.push(fn);
      },
      onUpdateReady: function () {},
      onUpdateFailed: function () {},
      applyUpdate: function () {
        var m = om.env.manifest;
        var entry = m.app.entryPagePath || m.packages[0].pages[0];
        om.pages.nav.reLaunch({ url: '/' + entry });
      },
    };
    setTimeout(function () {
      checked = { hasUpdate: false };
      checkListeners.splice(0).forEach(function (fn) {
        om.guard(fn, null, [checked], 'onCheckForUpdate');
      });
    }, 0);
    return updateManager;
  });

  // ---- reporting (host call `reportEvent`) ---------------------------------------------

  function report(name) {
    return function (eventId, data) {
      if (typeof eventId !== 'string' || !eventId) {
        om.warn(name + ': the event name should be a non-empty string');
        return;
      }
      om.bridge.call('reportEvent', { eventId: eventId, data: om.clone(data && typeof data === 'object' ? data : {}) }).catch(function (e) {
        om.warn(name + ' failed: ' + (e && e.errMsg));
      });
    };
  }
  api.sync('reportEvent', report('reportEvent'));
  api.sync('reportAnalytics', report('reportAnalytics'));

  // ---- ext config, api category, privacy, skyline, user agent -----------------------------

  /** A package file's text, read synchronously (the worker may fetch its package). */
  om.packageText = function (path) {
    var url = om.packageUrl(path);
    if (!url) return null;
    var x = new XMLHttpRequest();
    x.open('GET', url, false);
    try {
      x.send();
    } catch (_) {
      return null;
    }
    return x.status === 200 ? x.responseText : null;
  };

  /** The URL of a package file (`images/a.png`, `/images/a.png`), or null. */
  om.packageUrl = function (path) {
    var p = String(path).replace(/^\//, '');
    var m = om.env && om.env.manifest;
    if (!m) return null;
    var pk = m.packages;
    for (var i = 0; i < pk.length; i++) {
      var dir = pk[i].root ? 'sub/' + pk[i].root + '/files/' : 'main/files/';
      var cands = [dir + p];
      if (pk[i].root && p.indexOf(pk[i].root + '/') === 0) cands.push(dir + p.slice(pk[i].root.length + 1));
      for (var c = 0; c < cands.length; c++) {
        for (var j = 0; j < pk[i].files.length; j++) if (pk[i].files[j].path === cands[c]) return om.env.base + cands[c];
      }
    }
    return null;
  };

  var extConfig;
  function ext() {
    if (extConfig === undefined) {
      extConfig = {};
      var text = om.packageText('ext.json');
      if (text) {
        try {
          var j = JSON.parse(text);
          if (j && j.extEnable && j.ext && typeof j.ext === 'object') extConfig = j.ext;
        } catch (_) {}
      }
    }
    return om.clone(extConfig);
  }
  api.sync('getExtConfigSync', ext);
  api.async('getExtConfig', function () {
    return { extConfig: ext() };
  });

  api.sync('getApiCategory', function () {
    return { apiCategory: (om.enterOptions && om.enterOptions.apiCategory) || 'default' };
  });
  api.events('apiCategoryChange', 'onApiCategoryChange', 'offApiCategoryChange');

  // The platform shows no privacy guide of its own: nothing needs the user's consent
  // before the APIs, so requirePrivacyAuthorize passes at once (as WeChat does for an
  // app that declared no personal data).
  api.async('getPrivacySetting', function () {
    return { needAuthorization: false, privacyContractName: '' };
  });
  api.async('requirePrivacyAuthorize', function () {
    return {};
  });
  api.events('needPrivacyAuthorization', 'onNeedPrivacyAuthorization');

  function skyline() {
    return { isSupported: false, version: '', reason: 'the Skyline renderer is not available: pages render as WebView' };
  }
  api.sync('getSkylineInfoSync', skyline);
  api.async('getSkylineInfo', skyline);

  api.async('getRendererUserAgent', function () {
    return { userAgent: String(self.navigator && navigator.userAgent) };
  });

  // ---- idle callbacks -------------------------------------------------------------------

  var idle = {};
  var nextIdle = 1;
  api.sync('requestIdleCallback', function (fn, opts) {
    if (typeof fn !== 'function') return 0;
    var id = nextIdle++;
    var start = Date.now();
    var timeout = opts && Number(opts.timeout) > 0 ? Number(opts.timeout) : 0;
    // The worker runs nothing but the app: the next empty turn of its loop is idle.
    idle[id] = setTimeout(function () {
      delete idle[id];
      var began = Date.now();
      om.guard(fn, null, [{
        didTimeout: timeout > 0 && began - start >= timeout,
        timeRemaining: function () {
          return Math.max(0, 50 - (Date.now() - began));
        },
      }], 'requestIdleCallback');
    }, 1);
    return id;
  });
  api.sync('cancelIdleCallback', function (id) {
    if (idle[id]) clearTimeout(idle[id]);
    delete idle[id];
  });
})(__om);
