// App, the page stack and navigation: App()/getApp(), getCurrentPages(), the launch
// sequence, navigateTo / redirectTo / navigateBack / switchTab / reLaunch with
// WeChat's rules (10 pages at most, tab pages only through switchTab, tab pages kept
// alive), page lifecycles, packages loaded on first use, and sharing.
'use strict';

(function (om) {
  var MAX_PAGES = 10;
  var stack = []; // page instances, bottom first
  var tabPages = {}; // route → live tab page instance
  var loaded = {}; // package root → true
  var app = null; // the App instance, once App() ran
  var appDefault = null; // what getApp({allowDefault: true}) gave before App()
  var appWaiting = false; // started in an independent subpackage: App comes with the main package
  var appDef = {};
  var launched = false;

  function env() {
    return om.env;
  }

  function manifest() {
    return om.env.manifest;
  }

  // ---- packages ------------------------------------------------------------------

  function packageOf(path) {
    var pk = manifest().packages;
    for (var i = 1; i < pk.length; i++) if (path.indexOf(pk[i].root + '/') === 0) return pk[i].root;
    return '';
  }

  function dirOf(root) {
    return root ? 'sub/' + root + '/' : 'main/';
  }

  /** Loads a package's logic.js and view.js (synchronously: importScripts). */
  function isIndependent(root) {
    var pk = manifest().packages;
    for (var i = 1; i < pk.length; i++) if (pk[i].root === root) return !!pk[i].independent;
    return false;
  }

  /** Loads a package's logic.js and view.js (synchronously: importScripts); a normal
   *  subpackage needs the main package first, an independent one does not. The main
   *  package loaded after a start in an independent subpackage registers App then. */
  function ensurePackage(root) {
    if (loaded[root]) return;
    if (root && !isIndependent(root) && !loaded['']) ensurePackage('');
    loaded[root] = true;
    var dir = env().base + dirOf(root);
    importScripts(dir + 'logic.js', dir + 'view.js');
    if (!root && appWaiting) {
      appWaiting = false;
      startApp();
    }
  }

  function ensureFor(path) {
    ensurePackage(packageOf(path));
    return Promise.resolve();
  }

  /** The URL of a package file named in `owner`'s template (`/images/a.png`, or relative
   *  to the template); network, data and blob URLs stay as they are. */
  function fileUrl(owner, src) {
    if (typeof src !== 'string' || !src || /^(https?:|data:|blob:|wxfile:|\/\/)/i.test(src)) return src;
    var path = src.charAt(0) === '/' ? src.slice(1) : om.resolvePath(owner, src);
    path = path.split(/[?#]/)[0];
    var pk = manifest().packages;
    for (var i = 0; i < pk.length; i++) {
      var f = dirOf(pk[i].root) + 'files/' + path;
      for (var j = 0; j < pk[i].files.length; j++) if (pk[i].files[j].path === f) return env().base + f;
    }
    return env().base + 'main/files/' + path;
  }

  function isPagePath(path) {
    var pk = manifest().packages;
    for (var i = 0; i < pk.length; i++) if (pk[i].pages.indexOf(path) >= 0) return true;
    return false;
  }

  function tabList() {
    var tb = manifest().app.tabBar;
    return (tb && Array.isArray(tb.list) && tb.list) || [];
  }

  function isTab(path) {
    return tabList().some(function (t) {
      return t.pagePath === path;
    });
  }

  // ---- styles of a page ------------------------------------------------------------

  function fileExists(path) {
    var pk = manifest().packages;
    for (var i = 0; i < pk.length; i++) for (var j = 0; j < pk[i].files.length; j++) if (pk[i].files[j].path === path) return true;
    return false;
  }

  function cssOf(path) {
    var f = dirOf(packageOf(path)) + 'css/' + path + '.css';
    return fileExists(f) ? f : null;
  }

  /** The stylesheets a page's shadow root needs: its components', the app's, its own. */
  function sheetsOf(route) {
    var comps = manifest().components;
    var seen = {};
    var order = [];
    var queue = [route];
    while (queue.length) {
      var p = queue.shift();
      var uses = comps.uses[p] || {};
      var gens = (comps.generics && comps.generics[p]) || {};
      var next = Object.keys(uses)
        .map(function (k) {
          return uses[k];
        })
        .concat(
          Object.keys(gens)
            .map(function (k) {
              return gens[k];
            })
            .filter(Boolean)
        );
      for (var i = 0; i < next.length; i++) {
        if (seen[next[i]]) continue;
        seen[next[i]] = true;
        order.push(next[i]);
        queue.push(next[i]);
      }
    }
    var sheets = [];
    order.forEach(function (c) {
      var href = cssOf(c);
      if (!href) return;
      var info = comps.components[c] || {};
      var def = om.component.definition(c);
      var iso = (def.options && def.options.styleIsolation) || info.styleIsolation || '';
      sheets.push({ href: href, strip: iso === 'shared' && info.prefix ? info.prefix + '--' : '' });
    });
    // app.wxss does not apply to an independent subpackage's pages (WeChat's rule).
    if (fileExists('main/css/app.css') && !isIndependent(packageOf(route))) sheets.push({ href: 'main/css/app.css', strip: '' });
    var own = cssOf(route);
    if (own) sheets.push({ href: own, strip: '' });
    return sheets;
  }

  /** app.json's window, then the page's own settings. */
  function windowOf(route) {
    var w = {};
    var aw = manifest().app.window || {};
    for (var k in aw) w[k] = aw[k];
    var pw = (manifest().pages && manifest().pages[route]) || {};
    for (var p in pw) if (p !== 'component' && p !== 'componentGenerics') w[p] = pw[p];
    return w;
  }

  // ---- pages -----------------------------------------------------------------------

  function EventChannel() {
    this.listeners = {};
    this.peer = null;
  }
  EventChannel.prototype.on = function (name, fn) {
    (this.listeners[name] = this.listeners[name] || []).push({ fn: fn, once: false });
  };
  EventChannel.prototype.once = function (name, fn) {
    (this.listeners[name] = this.listeners[name] || []).push({ fn: fn, once: true });
  };
  EventChannel.prototype.off = function (name, fn) {
    var l = this.listeners[name] || [];
    this.listeners[name] = fn
      ? l.filter(function (x) {
          return x.fn !== fn;
        })
      : [];
  };
  EventChannel.prototype.emit = function (name) {
    var args = [].slice.call(arguments, 1);
    var target = this.peer || this;
    var l = target.listeners[name] || [];
    target.listeners[name] = l.filter(function (x) {
      return !x.once;
    });
    l.forEach(function (x) {
      om.guard(x.fn, null, args, 'eventChannel ' + name);
    });
  };

  function hook(page, name, args) {
    var fn = page[name];
    if (typeof fn === 'function') return om.guard(fn, page, args || [], page.route + ' ' + name);
    return undefined;
  }

  /** Creates the page `route` with `query` and puts it on screen with `animation`. */
  function openPage(route, query, animation, channel) {
    ensurePackage(packageOf(route));
    var root = om.tree.root(null);
    var page = om.component.create(route, root, null, null, true);
    root.owner = page;
    root.comp = page;
    page.options = query;
    page.__.eventChannel = channel || null;
    page.__.query = query;
    var def = page.__.def;
    if (!def.isPageDef) {
      // A page built with Component(): its properties receive the query.
      var props = {};
      for (var k in query) if (def.properties[k]) props[k] = query[k];
      om.component.receive(page, props, null, null, null);
    }
    var win = windowOf(route);
    var listens = ['onPageScroll', 'onReachBottom', 'onPullDownRefresh', 'onShareAppMessage', 'onShareTimeline', 'onTabItemTap', 'onResize'].filter(function (h) {
      return typeof page[h] === 'function';
    });
    om.tree.emit([7, page.__.id, root.id, sheetsOf(route), { route: route, window: win, listens: listens, isTab: isTab(route), index: stack.length }]);
    om.component.firstRender(page);
    // Components of the first render are attached before the page loads, as on WeChat.
    om.tree.flush();
    return page;
  }

  function show(page, animation) {
    // The frame draws the back button and keeps pages from the stack it is told.
    var ids = stack.map(function (p) {
      return p.__.id;
    });
    om.tree.emit([8, page.__.id, 'show', { animation: animation || 'none', stack: ids }]);
    om.tree.schedule();
  }

  function loadAndShow(page, animation) {
    var shown = false;
    hook(page, 'onLoad', [page.__.query]);
    show(page, animation);
    pageShow(page);
    shown = true;
    om.tree.afterApplied(function () {
      if (!page.__.alive || page.__.readyDone) return;
      page.__.readyDone = true;
      hook(page, 'onReady');
      om.component.pageLifetime(page, 'routeDone');
    });
    return shown;
  }

  function pageShow(page) {
    if (page.__.showing) return;
    page.__.showing = true;
    hook(page, 'onShow');
    om.component.pageLifetime(page, 'show');
  }

  function pageHide(page) {
    if (!page.__.showing) return;
    page.__.showing = false;
    hook(page, 'onHide');
    om.component.pageLifetime(page, 'hide');
  }

  function unload(page) {
    if (!page.__.alive) return;
    // A page that goes gets onUnload only, no onHide (WeChat's table of routes:
    // navigateBack, redirectTo, reLaunch: "onUnload" for the page before).
    page.__.showing = false;
    hook(page, 'onUnload');
    if (tabPages[page.route] === page) delete tabPages[page.route];
    var root = page.__.host;
    (page.__.root || []).forEach(function (v) {
      om.tree.remove(v);
    });
    page.__.root = [];
    om.component.destroy(page);
    root.alive = false;
    om.tree.emit([8, page.__.id, 'remove', {}]);
    om.tree.schedule();
  }

  function current() {
    return stack[stack.length - 1] || null;
  }

  function fail(name, reason) {
    return Promise.reject({ errMsg: name + ':fail ' + reason });
  }

  function target(name, url) {
    var from = current() ? current().route : '';
    var u = om.parseUrl(url, from);
    if (!u.path) return { error: name + ':fail parameter error: parameter.url should be String instead of Undefined;' };
    if (!isPagePath(u.path)) return { error: name + ':fail page "' + u.path + '" is not found' };
    return u;
  }

  var nav = {
    navigateTo: function (o) {
      var u = target('navigateTo', o.url);
      if (u.error) return Promise.reject({ errMsg: u.error });
      if (isTab(u.path)) return fail('navigateTo', 'can not navigateTo a tabbar page');
      if (stack.length >= MAX_PAGES) return fail('navigateTo', 'webview count limit exceed');
      var opener = current();
      var mine = new EventChannel();
      var theirs = new EventChannel();
      mine.peer = theirs;
      theirs.peer = mine;
      if (o.events) for (var k in o.events) if (typeof o.events[k] === 'function') mine.on(k, o.events[k]);
      if (opener) pageHide(opener);
      var page = openPage(u.path, u.query, 'push', theirs);
      stack.push(page);
      loadAndShow(page, 'push');
      return Promise.resolve({ errMsg: 'navigateTo:ok', eventChannel: mine });
    },
    redirectTo: function (o) {
      var u = target('redirectTo', o.url);
      if (u.error) return Promise.reject({ errMsg: u.error });
      if (isTab(u.path)) return fail('redirectTo', 'can not redirectTo a tabbar page');
      var old = stack.pop();
      var page = openPage(u.path, u.query, 'none');
      stack.push(page);
      if (old) unload(old);
      loadAndShow(page, 'none');
      return Promise.resolve({ errMsg: 'redirectTo:ok' });
    },
    navigateBack: function (o) {
      var delta = Math.max(1, Number((o && o.delta) || 1) | 0);
      if (stack.length <= 1) {
        // At the first page: the host may close the mini program.
        om.bridge.call('exitMiniProgram', { reason: 'back' }).catch(function () {});
        return Promise.resolve({ errMsg: 'navigateBack:ok' });
      }
      delta = Math.min(delta, stack.length - 1);
      var gone = stack.splice(stack.length - delta, delta);
      var top = current();
      show(top, 'pop');
      for (var i = gone.length - 1; i >= 0; i--) unload(gone[i]);
      pageShow(top);
      return Promise.resolve({ errMsg: 'navigateBack:ok' });
    },
    switchTab: function (o) {
      var u = target('switchTab', o.url);
      if (u.error) return Promise.reject({ errMsg: u.error });
      if (!isTab(u.path)) return fail('switchTab', 'can not switch to no-tabBar page');
      var old = stack.slice();
      stack = [];
      for (var i = old.length - 1; i >= 0; i--) {
        if (isTab(old[i].route) && tabPages[old[i].route] === old[i]) pageHide(old[i]);
        else unload(old[i]);
      }
      var page = tabPages[u.path];
      if (page && page.__.alive) {
        stack.push(page);
        show(page, 'none');
        pageShow(page);
      } else {
        page = openPage(u.path, {}, 'none');
        tabPages[u.path] = page;
        stack.push(page);
        loadAndShow(page, 'none');
      }
      return Promise.resolve({ errMsg: 'switchTab:ok' });
    },
    reLaunch: function (o) {
      var u = target('reLaunch', o.url);
      if (u.error) return Promise.reject({ errMsg: u.error });
      var old = stack.slice();
      stack = [];
      for (var i = old.length - 1; i >= 0; i--) unload(old[i]);
      for (var t in tabPages) unload(tabPages[t]);
      var page = openPage(u.path, u.query, 'none');
      if (isTab(u.path)) tabPages[u.path] = page;
      stack.push(page);
      loadAndShow(page, 'none');
      return Promise.resolve({ errMsg: 'reLaunch:ok' });
    },
  };

  // ---- the app ---------------------------------------------------------------------

  function App(def) {
    if (app) {
      om.warn('App() may only be called once');
      return;
    }
    appDef = def || {};
    // The object getApp({allowDefault: true}) handed out stays the app; what was set on
    // it wins over App()'s fields ("默认实现中定义的属性会被覆盖合并到 App 中").
    app = appDefault || {};
    for (var k in appDef) if (!om.hasOwn(appDefault, k)) app[k] = appDef[k];
    Object.defineProperty(app, 'onErrorHandlers', { value: [], configurable: true });
    if (typeof appDef.onError === 'function') app.onErrorHandlers.push(appDef.onError.bind(app));
    om.app = app;
  }

  /** The App instance; undefined before App() ran (a start in an independent
   *  subpackage), unless `allowDefault` asks for a default object App() will adopt. */
  function getApp(opts) {
    if (app) return app;
    if (opts && opts.allowDefault) return appDefault || (appDefault = {});
    return undefined;
  }

  /** Runs app.js (App()), then App's onLaunch and onShow with the launch options. */
  function startApp() {
    if (om.modules.has('app.js')) {
      try {
        om.modules.load('app.js');
      } catch (e) {
        om.reportError(e, 'app.js');
      }
    }
    appHook('onLaunch', [om.launchOptions]);
    appHook('onShow', [om.launchOptions]);
  }

  function appHook(name, args) {
    if (app && typeof app[name] === 'function') om.guard(app[name], app, args || [], 'App ' + name);
  }

  /** The launch message: run app.js, then the entry page (docs/container.md). */
  function launch(m) {
    if (launched) return;
    launched = true;
    om.env = m;
    var l = m.launch || {};
    var opts = launchOptions(l);
    om.launchOptions = opts;
    om.enterOptions = opts;
    var entry = l.path ? String(l.path).replace(/^\//, '').replace(/\.html$/, '') : manifest().app.entryPagePath || manifest().packages[0].pages[0];
    var root = isPagePath(entry) ? packageOf(entry) : '';
    if (root && isIndependent(root)) {
      // An independent subpackage starts without the main package: App() and its
      // onLaunch / first onShow come when a page of another package first opens.
      appWaiting = true;
      ensurePackage(root);
    } else {
      ensurePackage('');
      startApp();
    }
    if (!isPagePath(entry)) {
      var nf = { path: entry, query: l.query || {}, isEntryPage: true };
      var handled = (app && typeof app.onPageNotFound === 'function') || om.api.listening('pageNotFound');
      // The handlers may open another page, synchronously (WeChat's rule).
      appHook('onPageNotFound', [nf]);
      om.api.fire('pageNotFound', [nf]);
      if (stack.length) return;
      if (!handled) om.warn('page "' + entry + '" is not found; opening the home page');
      entry = manifest().app.entryPagePath || manifest().packages[0].pages[0];
    }
    var page = openPage(entry, l.query || {}, 'none');
    if (isTab(entry)) tabPages[entry] = page;
    stack.push(page);
    loadAndShow(page, 'none');
  }

  function launchOptions(l) {
    return {
      path: l.path ? String(l.path).replace(/^\//, '') : manifest().app.entryPagePath || manifest().packages[0].pages[0],
      query: l.query || {},
      scene: Number(l.scene) || 1001,
      referrerInfo: l.referrerInfo || {},
      shareTicket: l.shareTicket,
      forwardMaterials: [],
      chatType: l.chatType,
      apiCategory: l.apiCategory || 'default',
    };
  }

  /** Events of the app and its pages reported by the frame or the host. */
  function appEvent(m) {
    var page = current();
    switch (m.name) {
      case 'show': {
        var opts = launchOptions(m.options || {});
        om.enterOptions = opts;
        appHook('onShow', [opts]);
        om.api.fire('appShow', [opts]);
        if (page) pageShow(page);
        break;
      }
      case 'hide':
        appHook('onHide');
        om.api.fire('appHide', [{}]);
        if (page) pageHide(page);
        break;
      case 'back':
        nav.navigateBack({ delta: 1 });
        break;
      case 'pageScroll':
        if (page && page.__.id === m.page) hook(page, 'onPageScroll', [{ scrollTop: m.scrollTop }]);
        break;
      case 'reachBottom':
        if (page && page.__.id === m.page) hook(page, 'onReachBottom');
        break;
      case 'pullDownRefresh':
        if (page && page.__.id === m.page) hook(page, 'onPullDownRefresh');
        break;
      case 'resize': {
        // onResize(res), pageLifetimes.resize(res) and onWindowResize(res) all get
        // `res.size.windowWidth` / `windowHeight` (WeChat's "响应显示区域变化").
        var size = m.size || {};
        var res = { size: size, deviceOrientation: size.windowWidth > size.windowHeight ? 'landscape' : 'portrait' };
        om.api.fire('windowResize', [res]);
        if (page) {
          hook(page, 'onResize', [res]);
          om.component.pageLifetime(page, 'resize', [res]);
        }
        break;
      }
      case 'tabItemTap': {
        var item = { index: m.index, pagePath: m.pagePath, text: m.text };
        var tabPage = tabPages[m.pagePath];
        if (tabPage && tabPage === page) hook(page, 'onTabItemTap', [item]);
        else {
          nav.switchTab({ url: '/' + m.pagePath }).then(function () {
            hook(current(), 'onTabItemTap', [item]);
          });
        }
        break;
      }
      case 'share':
        share(page, { from: 'menu' });
        break;
      case 'shareTimeline':
        shareTimeline(page);
        break;
      case 'error':
        om.reportError(m.message, 'view');
        break;
    }
  }

  /** The share card of `page` (onShareAppMessage), sent to the host's share sheet. */
  function share(page, opts) {
    if (!page) return;
    var fn = page.onShareAppMessage;
    var route = page.route;
    var query = page.__.query || {};
    var qs = Object.keys(query)
      .map(function (k) {
        return encodeURIComponent(k) + '=' + encodeURIComponent(query[k]);
      })
      .join('&');
    var card = { title: windowOf(route).navigationBarTitleText || (manifest().app.window || {}).navigationBarTitleText || '', path: '/' + route + (qs ? '?' + qs : ''), imageUrl: '' };
    if (typeof fn !== 'function') {
      if (opts.from === 'menu') {
        om.bridge.call('shareAppMessage', { disabled: true }).catch(function () {});
        return;
      }
    } else {
      var r = om.guard(fn, page, [opts], route + ' onShareAppMessage');
      if (r && typeof r === 'object') {
        if (r.title) card.title = String(r.title);
        if (r.path) card.path = String(r.path);
        if (r.imageUrl) card.imageUrl = String(r.imageUrl);
      }
    }
    om.bridge.call('shareAppMessage', card).catch(function () {});
  }

  /** The capsule's 分享到朋友圈: the page's onShareTimeline (title, query, imageUrl) for
   *  the host's moments; a page without it cannot be shared there. */
  function shareTimeline(page) {
    if (!page) return;
    var fn = page.onShareTimeline;
    if (typeof fn !== 'function') {
      om.bridge.call('shareTimeline', { disabled: true }).catch(function () {});
      return;
    }
    var route = page.route;
    var post = { title: windowOf(route).navigationBarTitleText || (manifest().app.window || {}).navigationBarTitleText || '', path: route, query: '', imageUrl: '' };
    var r = om.guard(fn, page, [], route + ' onShareTimeline');
    if (r && typeof r === 'object') {
      if (r.title) post.title = String(r.title);
      if (r.query !== undefined && r.query !== null) post.query = String(r.query);
      if (r.imageUrl) post.imageUrl = String(r.imageUrl);
    }
    om.bridge.call('shareTimeline', post).catch(function () {});
  }

  function shareFromButton(v) {
    share(v.owner.__.page, { from: 'button', target: { id: v.nodeId, dataset: v.dataset } });
  }

  om.bridge.on('launch', launch);
  om.bridge.on('appEvent', appEvent);
  om.bridge.on('ev', function (m) {
    om.events.fromView(m);
  });

  om.pages = {
    ensureFor: ensureFor,
    ensurePackage: ensurePackage,
    packageOf: packageOf,
    isPagePath: isPagePath,
    fileUrl: fileUrl,
    isTab: isTab,
    nav: nav,
    current: current,
    shareFromButton: shareFromButton,
    stack: function () {
      return stack.slice();
    },
    emptyChannel: function () {
      return new EventChannel();
    },
  };
  self.App = App;
  self.getApp = getApp;
  self.getCurrentPages = function () {
    return stack.slice();
  };
})(__om);
