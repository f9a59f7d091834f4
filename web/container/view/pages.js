// Pages on screen: each page is an element whose shadow root holds the page's nodes and
// stylesheets (so `page` in WXSS is its `:host` and one page's styles stay off the
// others), the navigation bar drawn from the window settings, the tab bar from
// app.json, page transitions, page scroll / reach-bottom / pull-down-refresh events.
'use strict';

(function (om) {
  var pages = {}; // page id → {el, root, config, index}
  var order = []; // ids bottom first, as the worker's stack
  var currentId = 0;
  var sheetCache = {}; // href + strip → Promise<CSSStyleSheet>
  var NAV_H = 44;

  var nav = document.getElementById('om-nav');
  var holder = document.getElementById('om-pages');
  var tabbar = document.getElementById('om-tabbar');

  function sheet(href, strip) {
    var key = href + '\u0000' + strip;
    if (!sheetCache[key]) {
      sheetCache[key] = fetch(om.env.base + href)
        .then(function (r) {
          if (!r.ok) throw new Error(r.status + ' ' + href);
          return r.text();
        })
        .then(function (text) {
          if (strip) text = text.split(strip).join('');
          var s = new CSSStyleSheet();
          s.replaceSync(text);
          return s;
        })
        .catch(function (e) {
          console.error('[openmini] stylesheet ' + href + ': ' + e);
          return new CSSStyleSheet();
        });
    }
    return sheetCache[key];
  }

  /** Op 7: a new page; returns its shadow root, the parent of its nodes. */
  function create(id, rootId, sheets, config) {
    var el = document.createElement('div');
    el.className = 'om-page';
    el.dataset.route = config.route;
    el.style.visibility = 'hidden';
    var root = el.attachShadow({ mode: 'open' });
    root.__id = rootId;
    // Built-in components' styles first, so the app's and the page's win.
    var base = document.createElement('link');
    base.rel = 'stylesheet';
    base.href = om.containerBase + 'components/components.css';
    var baseLoaded = new Promise(function (resolve) {
      base.onload = base.onerror = resolve;
    });
    root.appendChild(base);
    var win = config.window || {};
    var page = { id: id, el: el, root: root, config: config, win: win, ready: Promise.resolve() };
    // Out of the layout until its stylesheets are in: nodes styled first without them
    // would run their CSS transitions when the sheets arrive (a vant switch fading to
    // blue, a tab line sliding in), which WeChat, whose page styles come first, never does.
    el.style.display = 'none';
    page.ready = Promise.all(
      sheets
        .map(function (s) {
          return sheet(s.href, s.strip);
        })
        .concat([baseLoaded])
    ).then(function (list) {
      root.adoptedStyleSheets = list.slice(0, sheets.length);
      el.style.display = '';
    });
    if (win.backgroundColor) el.style.backgroundColor = win.backgroundColor;
    watchScroll(page);
    pages[id] = page;
    holder.appendChild(el);
    return root;
  }

  function applyNav(page) {
    var win = page.win;
    var custom = win.navigationStyle === 'custom';
    nav.hidden = custom;
    holder.style.top = custom ? '0' : NAV_H + 'px';
    if (custom) return;
    var bg = page.navColor || win.navigationBarBackgroundColor || '#000000';
    var fg = page.navFront || (win.navigationBarTextStyle === 'black' ? '#000000' : '#ffffff');
    nav.style.backgroundColor = bg;
    nav.style.color = fg;
    var title = page.title !== undefined ? page.title : win.navigationBarTitleText || '';
    var back = order.indexOf(page.id) > 0;
    nav.innerHTML = '';
    if (back) {
      var b = document.createElement('button');
      b.className = 'om-back';
      b.setAttribute('aria-label', '返回');
      b.textContent = '‹';
      b.addEventListener('click', function () {
        om.toWorker({ t: 'appEvent', name: 'back' });
      });
      nav.appendChild(b);
    }
    var t = document.createElement('div');
    t.className = 'om-title';
    if (page.navLoading) {
      var spin = document.createElement('span');
      spin.className = 'om-spinner';
      t.appendChild(spin);
    }
    t.appendChild(document.createTextNode(title));
    nav.appendChild(t);
  }

  function applyTabBar(page) {
    var tb = om.env.manifest.app.tabBar;
    var show = !!(tb && page.config.isTab && !tabState.hidden);
    tabbar.hidden = !show;
    holder.style.bottom = show ? tabbar.offsetHeight + 'px' : '0';
    if (show) renderTabBar(page.config.route);
  }

  var tabState = { hidden: false, badges: {}, dots: {}, style: {}, items: {} };

  function renderTabBar(route) {
    var tb = om.env.manifest.app.tabBar;
    var st = tabState.style;
    tabbar.innerHTML = '';
    tabbar.style.backgroundColor = st.backgroundColor || tb.backgroundColor || '#ffffff';
    tabbar.style.borderTopColor = (st.borderStyle || tb.borderStyle) === 'white' ? '#eeeeee' : 'rgba(0,0,0,0.33)';
    tb.list.forEach(function (item, i) {
      var over = tabState.items[i] || {};
      var selected = item.pagePath === route;
      var cell = document.createElement('div');
      cell.className = 'om-tab' + (selected ? ' om-tab-on' : '');
      cell.style.color = selected ? st.selectedColor || tb.selectedColor || '#07c160' : st.color || tb.color || '#7a7e83';
      var icon = over[selected ? 'selectedIconPath' : 'iconPath'] || item[selected ? 'selectedIconPath' : 'iconPath'];
      if (icon) {
        var img = document.createElement('img');
        img.src = /^(https?:|data:|blob:)/.test(icon) ? icon : om.env.base + 'main/files/' + String(icon).replace(/^\//, '');
        img.alt = '';
        cell.appendChild(img);
      }
      var label = document.createElement('span');
      label.textContent = over.text !== undefined ? over.text : item.text;
      cell.appendChild(label);
      if (tabState.badges[i]) {
        var badge = document.createElement('i');
        badge.className = 'om-badge';
        badge.textContent = tabState.badges[i];
        cell.appendChild(badge);
      } else if (tabState.dots[i]) {
        var dot = document.createElement('i');
        dot.className = 'om-dot';
        cell.appendChild(dot);
      }
      cell.addEventListener('click', function () {
        om.toWorker({ t: 'appEvent', name: 'tabItemTap', index: i, pagePath: item.pagePath, text: item.text });
      });
      tabbar.appendChild(cell);
    });
  }

  /** Op 8: show a page (with its animation) or remove one. */
  function action(id, what, extra) {
    var page = pages[id];
    if (!page) return;
    if (what === 'remove') {
      delete pages[id];
      order = order.filter(function (x) {
        return x !== id;
      });
      var el = page.el;
      if (el.dataset.leaving) return;
      el.remove();
      return;
    }
    if (what === 'show') {
      var prev = pages[currentId];
      if (Array.isArray(extra.stack)) order = extra.stack.slice();
      else if (order.indexOf(id) < 0) order.push(id);
      currentId = id;
      page.ready.then(function () {
        if (currentId !== id) return;
        for (var k in pages) if (pages[k] !== page) pages[k].el.style.visibility = 'hidden';
        page.el.style.visibility = 'visible';
        if (extra.animation === 'push' && page.el.animate) {
          page.el.animate([{ transform: 'translateX(100%)' }, { transform: 'translateX(0)' }], { duration: 200, easing: 'ease-out' });
        }
        if (prev && prev !== page && extra.animation === 'pop' && !pages[prev.id]) prev.el.remove();
        applyNav(page);
        applyTabBar(page);
        document.documentElement.dataset.route = page.config.route;
        // The host hides its loading state (and `bench container` stops its clock).
        parent.postMessage({ t: 'shown', route: page.config.route }, '*');
      });
    }
  }

  function watchScroll(page) {
    var el = page.el;
    var listens = page.config.listens || [];
    var scrollWanted = listens.indexOf('onPageScroll') >= 0;
    var bottomWanted = listens.indexOf('onReachBottom') >= 0;
    var distance = Number(page.win.onReachBottomDistance) || 50;
    var atBottom = false;
    var pending = false;
    el.addEventListener(
      'scroll',
      function () {
        if (pending) return;
        pending = true;
        requestAnimationFrame(function () {
          pending = false;
          if (scrollWanted) om.toWorker({ t: 'appEvent', name: 'pageScroll', page: page.id, scrollTop: el.scrollTop });
          var bottom = el.scrollTop + el.clientHeight >= el.scrollHeight - distance;
          if (bottom && !atBottom && bottomWanted) om.toWorker({ t: 'appEvent', name: 'reachBottom', page: page.id });
          atBottom = bottom;
        });
      },
      { passive: true }
    );
    if (page.win.enablePullDownRefresh) pullDown(page);
  }

  /** Pull down at the top of the page: the three dots, then onPullDownRefresh. */
  function pullDown(page) {
    var el = page.el;
    var start = null;
    var dots = document.createElement('div');
    dots.className = 'om-refresh';
    dots.innerHTML = '<i></i><i></i><i></i>';
    page.dots = dots;
    el.addEventListener('pointerdown', function (e) {
      if (el.scrollTop <= 0) start = e.clientY;
    });
    el.addEventListener('pointermove', function (e) {
      if (start === null) return;
      var dy = e.clientY - start;
      if (dy > 0) {
        el.style.transform = 'translateY(' + Math.min(dy / 2, 80) + 'px)';
        if (!dots.parentNode) holder.insertBefore(dots, holder.firstChild);
      }
    });
    function release(e) {
      if (start === null) return;
      var dy = e.clientY - start;
      start = null;
      if (dy / 2 >= 50) om.pages.startRefresh(page.id, true);
      else om.pages.stopRefresh(page.id);
    }
    el.addEventListener('pointerup', release);
    el.addEventListener('pointercancel', release);
  }

  om.pages = {
    create: create,
    action: action,
    current: function () {
      return pages[currentId] || null;
    },
    byId: function (id) {
      return pages[id] || null;
    },
    /** Settings changed by the APIs (title, colours, loading), then redrawn. */
    setNav: function (id, changes) {
      var page = pages[id] || pages[currentId];
      if (!page) return;
      for (var k in changes) page[k] = changes[k];
      if (page.id === currentId) applyNav(page);
    },
    tabBar: tabState,
    redrawTabBar: function () {
      var page = pages[currentId];
      if (page) applyTabBar(page);
    },
    startRefresh: function (id, byUser) {
      var page = pages[id] || pages[currentId];
      if (!page) return;
      if (!page.dots) {
        page.dots = document.createElement('div');
        page.dots.className = 'om-refresh';
        page.dots.innerHTML = '<i></i><i></i><i></i>';
      }
      if (!page.dots.parentNode) holder.insertBefore(page.dots, holder.firstChild);
      page.el.style.transform = 'translateY(50px)';
      page.refreshing = true;
      om.toWorker({ t: 'appEvent', name: 'pullDownRefresh', page: page.id, byUser: !!byUser });
    },
    stopRefresh: function (id) {
      var page = pages[id] || pages[currentId];
      if (!page) return;
      page.refreshing = false;
      page.el.style.transform = '';
      if (page.dots && page.dots.parentNode) page.dots.remove();
    },
  };
})((window.__om = window.__om || {}));
