// Device APIs the frame answers from the browser: the network (navigator.onLine and
// navigator.connection), vibration, the battery (navigator.getBattery), the screen
// wake lock, the colour scheme, the keyboard, web fonts (loadFontFace), and the debug
// panel of setEnableDebug. Changes go to the worker as apiEvents of kind `device`.
'use strict';

(function (om) {
  var api = (om.frameApis = om.frameApis || {});

  function event(name, data) {
    // frame.js (loaded after this file) makes toWorker; early news waits for it.
    if (!om.toWorker) return setTimeout(function () {
      event(name, data);
    }, 0);
    om.toWorker({ t: 'apiEvent', kind: 'device', id: 0, name: name, data: data });
  }

  // ---- network ------------------------------------------------------------------------

  function networkType() {
    if (navigator.onLine === false) return 'none';
    var c = navigator.connection;
    if (!c) return 'unknown';
    if (c.type === 'wifi' || c.type === 'ethernet') return 'wifi';
    if (c.type === 'none') return 'none';
    switch (c.effectiveType) {
      case 'slow-2g':
      case '2g':
        return '2g';
      case '3g':
        return '3g';
      case '4g':
        return c.type === 'cellular' ? '4g' : 'wifi';
    }
    return 'unknown';
  }

  function weak() {
    var c = navigator.connection;
    return navigator.onLine !== false && !!c && (c.effectiveType === 'slow-2g' || c.effectiveType === '2g' || (c.rtt || 0) > 1500);
  }

  api.getNetworkType = function () {
    var c = navigator.connection;
    return { networkType: networkType(), signalStrength: 0, hasSystemProxy: false, weakNet: weak(), rtt: c && c.rtt !== undefined ? c.rtt : undefined };
  };

  var lastWeak = weak();
  function networkChanged() {
    var w = weak();
    event('network', { isConnected: navigator.onLine !== false, networkType: networkType(), weakNet: w, weakChanged: w !== lastWeak });
    lastWeak = w;
  }
  window.addEventListener('online', networkChanged);
  window.addEventListener('offline', networkChanged);
  if (navigator.connection && navigator.connection.addEventListener) navigator.connection.addEventListener('change', networkChanged);

  // ---- vibration ------------------------------------------------------------------------

  // A device without a vibrator (or a browser that refuses) vibrates silently, as WeChat
  // succeeds there too.
  api.vibrateShort = function (a) {
    var ms = { heavy: 30, medium: 15, light: 8 }[a.type] || 15;
    if (navigator.vibrate) {
      try {
        navigator.vibrate(ms);
      } catch (_) {}
    }
    return {};
  };
  api.vibrateLong = function () {
    if (navigator.vibrate) {
      try {
        navigator.vibrate(400);
      } catch (_) {}
    }
    return {};
  };

  // ---- battery -------------------------------------------------------------------------------

  var batteryP = typeof navigator.getBattery === 'function' ? navigator.getBattery().catch(function () {
    return null;
  }) : Promise.resolve(null);

  function batteryInfo(b) {
    return { level: Math.round(b.level * 100), isCharging: !!b.charging };
  }

  api.getBatteryInfo = function () {
    return batteryP.then(function (b) {
      if (!b) throw { errMsg: 'getBatteryInfo:fail not supported' };
      return batteryInfo(b);
    });
  };

  batteryP.then(function (b) {
    if (!b) return;
    var send = function (changed) {
      var i = batteryInfo(b);
      i.changed = changed;
      event('battery', i);
    };
    send(false);
    b.addEventListener('levelchange', function () {
      send(true);
    });
    b.addEventListener('chargingchange', function () {
      send(true);
    });
  });

  // ---- the screen ----------------------------------------------------------------------------

  var wakeLock = null;
  var wantAwake = false;
  function acquire() {
    return navigator.wakeLock.request('screen').then(function (l) {
      wakeLock = l;
      l.addEventListener('release', function () {
        if (wakeLock === l) wakeLock = null;
      });
    });
  }
  api.setKeepScreenOn = function (a) {
    if (!navigator.wakeLock || typeof navigator.wakeLock.request !== 'function') throw { errMsg: 'setKeepScreenOn:fail not supported' };
    // The host's <iframe> must allow it (allow="screen-wake-lock").
    var policy = document.permissionsPolicy || document.featurePolicy;
    if (policy && typeof policy.allowsFeature === 'function' && !policy.allowsFeature('screen-wake-lock')) throw { errMsg: 'setKeepScreenOn:fail not allowed by the host' };
    wantAwake = !!a.keepScreenOn;
    if (!wantAwake) {
      var l = wakeLock;
      wakeLock = null;
      return l ? l.release().then(function () {
        return {};
      }) : {};
    }
    if (wakeLock) return {};
    return acquire().then(
      function () {
        return {};
      },
      function (e) {
        wantAwake = false;
        throw { errMsg: 'setKeepScreenOn:fail ' + ((e && e.message) || 'not allowed') };
      }
    );
  };
  // The browser drops the lock when the page is hidden; it comes back with the page.
  document.addEventListener('visibilitychange', function () {
    if (wantAwake && !wakeLock && document.visibilityState === 'visible' && navigator.wakeLock) acquire().catch(function () {});
  });

  // ---- theme --------------------------------------------------------------------------------

  if (window.matchMedia) {
    var dark = window.matchMedia('(prefers-color-scheme: dark)');
    var onTheme = function () {
      event('theme', { theme: dark.matches ? 'dark' : 'light' });
    };
    if (dark.addEventListener) dark.addEventListener('change', onTheme);
    else if (dark.addListener) dark.addListener(onTheme);
  }

  // ---- the keyboard -------------------------------------------------------------------------

  api.hideKeyboard = function () {
    var a = document.activeElement;
    while (a && a.shadowRoot && a.shadowRoot.activeElement) a = a.shadowRoot.activeElement;
    if (a && a !== document.body && typeof a.blur === 'function') a.blur();
    return {};
  };

  // ---- fonts -------------------------------------------------------------------------------

  /**
   * loadFontFace: the font's bytes come from the worker (a file it holds), the package,
   * a data: URL, or an http(s) URL downloaded through the host (the app's download
   * domains: the frame's own policy allows fonts from nowhere else). The FontFace goes
   * into document.fonts, which the pages' shadow roots use too.
   */
  api.loadFontFace = function (a) {
    var bytes;
    if (a.data instanceof ArrayBuffer) bytes = Promise.resolve(a.data);
    else
      bytes = om.files.load('loadFontFace', a.src).then(function (f) {
        return f.blob.arrayBuffer();
      });
    return bytes.then(function (buf) {
      var desc = {};
      ['style', 'weight', 'variant', 'stretch', 'unicodeRange', 'featureSettings'].forEach(function (k) {
        if (a.desc && a.desc[k] !== undefined) desc[k] = String(a.desc[k]);
      });
      var face;
      try {
        face = new FontFace(a.family, buf, desc);
      } catch (e) {
        throw { errMsg: 'loadFontFace:fail ' + e.message };
      }
      return face.load().then(
        function (f) {
          document.fonts.add(f);
          return { status: 'loaded' };
        },
        function (e) {
          throw { errMsg: 'loadFontFace:fail ' + ((e && e.message) || 'the font face failed to load') };
        }
      );
    });
  };

  // ---- the debug panel (setEnableDebug) ----------------------------------------------------------

  var debug = null;
  var style = document.createElement('style');
  style.textContent = [
    '.om-debug{position:fixed;right:8px;bottom:64px;z-index:3000;font:12px/1.4 monospace}',
    '.om-debug>button{background:#07c160;color:#fff;border:0;border-radius:4px;padding:6px 10px;font:inherit}',
    '.om-debug-panel{position:fixed;left:0;right:0;bottom:0;height:45%;overflow:auto;background:#fff;color:#000;border-top:1px solid #ccc;margin:0;padding:4px 8px;box-sizing:border-box;white-space:pre-wrap;font:12px/1.4 monospace}',
    '.om-debug-panel div{border-bottom:1px solid #eee;padding:2px 0}.om-debug-panel .warn{color:#a60;background:#fffbe5}.om-debug-panel .error{color:#d00;background:#fff0f0}',
  ].join('\n');
  document.head.appendChild(style);

  api.$debug = function (a) {
    if (a.enable && !debug) {
      var box = document.createElement('div');
      box.className = 'om-debug';
      var btn = document.createElement('button');
      btn.textContent = 'vConsole';
      var panel = document.createElement('div');
      panel.className = 'om-debug-panel';
      panel.hidden = true;
      btn.addEventListener('click', function () {
        panel.hidden = !panel.hidden;
      });
      box.appendChild(btn);
      document.body.appendChild(box);
      document.body.appendChild(panel);
      debug = { box: box, panel: panel };
    } else if (!a.enable && debug) {
      debug.box.remove();
      debug.panel.remove();
      debug = null;
    }
    return {};
  };
  api.$debugLog = function (a) {
    if (!debug) return {};
    var line = document.createElement('div');
    line.className = a.level === 'warn' || a.level === 'error' ? a.level : '';
    line.textContent = String(a.text);
    debug.panel.appendChild(line);
    while (debug.panel.childNodes.length > 500) debug.panel.removeChild(debug.panel.firstChild);
    return {};
  };
})((window.__om = window.__om || {}));
