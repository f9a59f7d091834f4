// The `wx` object: how an API is declared (asynchronous with success/fail/complete and a
// promise, synchronous, or plain), where it runs (here, in the frame, or in the host:
// docs/container.md, "The wx API"), and the fallback for every name not implemented.
// The APIs themselves are declared in this file (the ones the runtime needs) and in
// the api/*.js files loaded after it.
'use strict';

(function (om) {
  var impl = {};

  function okMsg(name, r) {
    var out = r && typeof r === 'object' && !Array.isArray(r) ? r : r === undefined ? {} : { result: r };
    if (!out.errMsg) out.errMsg = name + ':ok';
    return out;
  }

  function failMsg(name, e) {
    if (e && typeof e === 'object' && typeof e.errMsg === 'string') {
      if (e.errMsg.indexOf(name + ':') !== 0) e.errMsg = name + ':fail ' + e.errMsg.replace(/^[\w$]+:fail\s*/, '');
      return e;
    }
    var msg = e && e.message ? e.message : String(e === undefined ? '' : e);
    return { errMsg: name + ':fail ' + msg };
  }

  /** Wraps `fn(args) → value | Promise` as a WeChat asynchronous API: callbacks when
   *  any is given (returning `fn`'s task object if it has one), a promise otherwise. */
  function asyncApi(name, fn, returnsTask) {
    return function (args) {
      var opts = args && typeof args === 'object' ? args : {};
      var task;
      var p = new Promise(function (resolve, reject) {
        try {
          var r = fn(opts);
          if (returnsTask && r && r.task) {
            task = r.task;
            r = r.result;
          }
          Promise.resolve(r).then(resolve, reject);
        } catch (e) {
          reject(e);
        }
      }).then(
        function (r) {
          return okMsg(name, r);
        },
        function (e) {
          throw failMsg(name, e);
        }
      );
      var cb = typeof opts.success === 'function' || typeof opts.fail === 'function' || typeof opts.complete === 'function';
      if (cb || returnsTask) {
        p.then(
          function (r) {
            if (typeof opts.success === 'function') om.guard(opts.success, null, [r], name + ' success');
            if (typeof opts.complete === 'function') om.guard(opts.complete, null, [r], name + ' complete');
          },
          function (e) {
            if (typeof opts.fail === 'function') om.guard(opts.fail, null, [e], name + ' fail');
            if (typeof opts.complete === 'function') om.guard(opts.complete, null, [e], name + ' complete');
          }
        );
        return returnsTask ? task : undefined;
      }
      return p;
    };
  }

  function notSupported(name) {
    if (/Sync$/.test(name)) {
      return function () {
        throw { errMsg: name + ':fail not supported' };
      };
    }
    return asyncApi(name, function () {
      throw { errMsg: name + ':fail not supported' };
    });
  }

  /** Listener APIs (`onX` / `offX`) share one list per event. */
  var listeners = {};
  function listen(event) {
    return {
      on: function (fn) {
        if (typeof fn !== 'function') return;
        (listeners[event] = listeners[event] || []).push(fn);
      },
      off: function (fn) {
        var l = listeners[event] || [];
        listeners[event] = fn
          ? l.filter(function (x) {
              return x !== fn;
            })
          : [];
      },
    };
  }
  function fire(event, args) {
    (listeners[event] || []).slice().forEach(function (fn) {
      om.guard(fn, null, args || [], event + ' listener');
    });
  }

  om.api = {
    /** An asynchronous API implemented by `fn(args)` in the worker. */
    async: function (name, fn) {
      impl[name] = asyncApi(name, fn);
    },
    /** An asynchronous API returning a task object: `fn` returns {task, result}. */
    task: function (name, fn) {
      impl[name] = asyncApi(name, fn, true);
    },
    /** An asynchronous API the frame (or the host through it) performs. */
    remote: function (name, prepare) {
      impl[name] = asyncApi(name, function (args) {
        var a = prepare ? prepare(args) : plainArgs(args);
        return om.bridge.call(name, a);
      });
    },
    /** A synchronous or plain function. */
    sync: function (name, fn) {
      impl[name] = fn;
    },
    /** `onX(fn)` / `offX(fn)` pairs; `fire(event, args)` calls the listeners. */
    events: function (event, onName, offName) {
      var l = listen(event);
      impl[onName] = l.on;
      if (offName) impl[offName] = l.off;
    },
    fire: fire,
    /** Whether anyone listens for `event` (`onX` was called). */
    listening: function (event) {
      return !!(listeners[event] && listeners[event].length);
    },
    /** The asynchronous wrapper itself, for APIs taking more than the object
     *  (`canvasToTempFilePath(object, component)`). */
    wrap: asyncApi,
    has: function (name) {
      return om.hasOwn(impl, name);
    },
    failMsg: failMsg,
  };

  /** The arguments without callbacks, as they can cross to the frame. */
  function plainArgs(args) {
    var out = {};
    for (var k in args) if (typeof args[k] !== 'function') out[k] = args[k];
    return out;
  }
  om.plainArgs = plainArgs;

  /** Builds `wx` once every api file has declared its APIs (called last). */
  om.buildWx = function () {
    var wx = {};
    om.apiNames.forEach(function (name) {
      wx[name] = impl[name] || notSupported(name);
    });
    for (var k in impl) if (!wx[k]) wx[k] = impl[k];
    wx.env = { USER_DATA_PATH: 'wxfile://usr' };
    self.wx = wx;
    om.coverage = om.apiNames.filter(function (n) {
      return om.hasOwn(impl, n);
    }).length;
  };

  // ---- the APIs the runtime itself needs ------------------------------------------

  var api = om.api;

  // Navigation (pages.js decides; the frame animates).
  ['navigateTo', 'redirectTo', 'navigateBack', 'switchTab', 'reLaunch'].forEach(function (n) {
    api.async(n, function (o) {
      return om.pages.nav[n](o);
    });
  });

  api.sync('nextTick', function (fn) {
    if (typeof fn === 'function') om.nextTick(fn);
  });
  api.sync('getLaunchOptionsSync', function () {
    return om.clone(om.launchOptions || {});
  });
  api.sync('getEnterOptionsSync', function () {
    return om.clone(om.enterOptions || {});
  });
  api.events('appShow', 'onAppShow', 'offAppShow');
  api.events('appHide', 'onAppHide', 'offAppHide');
  api.events('error', 'onError', 'offError');
  api.events('pageNotFound', 'onPageNotFound', 'offPageNotFound');
  api.events('unhandledRejection', 'onUnhandledRejection', 'offUnhandledRejection');
  api.events('windowResize', 'onWindowResize', 'offWindowResize');
  api.sync('createSelectorQuery', function () {
    return om.selector.query(null);
  });

  // UI drawn by the frame.
  ['showToast', 'hideToast', 'showLoading', 'hideLoading', 'showModal', 'showActionSheet', 'setNavigationBarTitle', 'setNavigationBarColor', 'showNavigationBarLoading', 'hideNavigationBarLoading', 'setBackgroundColor', 'setBackgroundTextStyle', 'pageScrollTo', 'startPullDownRefresh', 'stopPullDownRefresh', 'setTabBarBadge', 'removeTabBarBadge', 'showTabBarRedDot', 'hideTabBarRedDot', 'setTabBarStyle', 'setTabBarItem', 'showTabBar', 'hideTabBar'].forEach(
    function (n) {
      api.remote(n, function (a) {
        var out = plainArgs(a);
        var page = om.pages.current();
        out.page = page ? page.__.id : 0;
        return out;
      });
    }
  );

  // The user, the platform: performed by the host.
  ['login', 'checkSession', 'getUserProfile', 'requestSubscribeMessage', 'makePhoneCall', 'setClipboardData', 'getClipboardData', 'scanCode', 'navigateToMiniProgram', 'navigateBackMiniProgram', 'exitMiniProgram', 'openSetting', 'getSetting', 'authorize', 'reportEvent'].forEach(function (n) {
    api.remote(n);
  });
})(__om);
