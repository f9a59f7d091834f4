// Interface APIs the frame draws: toasts, loading, modals, action sheets, the
// navigation bar, the tab bar, page scrolling and pull-down refresh.
'use strict';

(function (om) {
  var overlay = document.getElementById('om-overlay');
  var toast = null;
  var toastTimer = 0;
  var api = (om.frameApis = om.frameApis || {});

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  var ICONS = {
    success: '<svg viewBox="0 0 24 24" width="40" height="40"><path fill="none" stroke="#fff" stroke-width="2" d="M5 12.5l4.5 4.5L19 7.5"/></svg>',
    error: '<svg viewBox="0 0 24 24" width="40" height="40"><circle cx="12" cy="12" r="10" fill="none" stroke="#fff" stroke-width="1.6"/><path stroke="#fff" stroke-width="2" d="M12 6.5v7M12 16v2"/></svg>',
    loading: '<span class="om-loading-icon"></span>',
  };

  function closeToast() {
    clearTimeout(toastTimer);
    if (toast) toast.remove();
    toast = null;
  }

  function showToast(a, loading) {
    closeToast();
    var icon = loading ? 'loading' : a.icon === undefined ? 'success' : String(a.icon);
    var box = el('div', 'om-toast' + (icon === 'none' && !a.image ? ' om-toast-text' : ''));
    if (a.mask) box.classList.add('om-mask');
    var inner = el('div', 'om-toast-box');
    if (a.image) {
      var img = el('img');
      img.src = /^(https?:|data:|blob:)/.test(a.image) ? a.image : om.env.base + 'main/files/' + String(a.image).replace(/^\//, '');
      inner.appendChild(img);
    } else if (icon !== 'none' && ICONS[icon]) {
      var i = el('div', 'om-toast-icon');
      i.innerHTML = ICONS[icon];
      inner.appendChild(i);
    }
    inner.appendChild(el('p', '', String(a.title === undefined ? '' : a.title)));
    box.appendChild(inner);
    box.setAttribute('role', 'status');
    overlay.appendChild(box);
    toast = box;
    toast.loading = loading;
    if (!loading) toastTimer = setTimeout(closeToast, Number(a.duration) > 0 ? Number(a.duration) : 1500);
  }

  function needTitle(name, a) {
    if (typeof a.title !== 'string') throw { errMsg: name + ':fail parameter error: parameter.title should be String instead of ' + typeName(a.title) + ';' };
  }

  function typeName(v) {
    if (v === undefined) return 'Undefined';
    if (v === null) return 'Null';
    if (Array.isArray(v)) return 'Array';
    var t = typeof v;
    return t.charAt(0).toUpperCase() + t.slice(1);
  }

  api.showToast = function (a) {
    needTitle('showToast', a);
    showToast(a, false);
    return {};
  };
  // Toasts and loading share one place: hideToast also hides a loading and
  // hideLoading a toast, unless noConflict asks for the exact kind (as WeChat).
  api.hideToast = function (a) {
    if (toast && (!toast.loading || !(a && a.noConflict))) closeToast();
    return {};
  };
  api.showLoading = function (a) {
    needTitle('showLoading', a);
    showToast(a, true);
    return {};
  };
  api.hideLoading = function (a) {
    if (toast && (toast.loading || !(a && a.noConflict))) closeToast();
    return {};
  };

  function dialog(build) {
    return new Promise(function (resolve, reject) {
      var mask = el('div', 'om-dialog-mask');
      var box = el('div', 'om-dialog');
      box.setAttribute('role', 'dialog');
      mask.appendChild(box);
      overlay.appendChild(mask);
      build(box, function (v) {
        mask.remove();
        resolve(v);
      }, function (e) {
        mask.remove();
        reject(e);
      }, mask);
    });
  }

  var HEX = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i;

  api.showModal = function (a) {
    ['title', 'content', 'confirmText', 'cancelText', 'placeholderText'].forEach(function (k) {
      if (a[k] !== undefined && typeof a[k] !== 'string') throw { errMsg: 'showModal:fail parameter error: parameter.' + k + ' should be String instead of ' + typeName(a[k]) + ';' };
    });
    // The buttons hold four characters at most; WeChat refuses longer texts.
    if (a.confirmText !== undefined && Array.from(a.confirmText).length > 4) throw { errMsg: 'showModal:fail confirmText length should not larger than 4 Chinese characters' };
    if (a.showCancel !== false && a.cancelText !== undefined && Array.from(a.cancelText).length > 4) throw { errMsg: 'showModal:fail cancelText length should not larger than 4 Chinese characters' };
    return dialog(function (box, done) {
      if (a.title) box.appendChild(el('h2', 'om-dialog-title', String(a.title)));
      var input = null;
      if (a.editable) {
        input = el('textarea', 'om-dialog-input');
        input.placeholder = a.placeholderText || '';
        input.value = a.content || '';
        box.appendChild(input);
      } else if (a.content) {
        box.appendChild(el('p', 'om-dialog-content', String(a.content)));
      }
      var row = el('div', 'om-dialog-buttons');
      if (a.showCancel !== false) {
        var cancel = el('button', 'om-dialog-cancel', a.cancelText || '取消');
        cancel.style.color = HEX.test(a.cancelColor || '') ? a.cancelColor : '#000000';
        cancel.onclick = function () {
          var r = { confirm: false, cancel: true };
          if (input) r.content = input.value;
          done(r);
        };
        row.appendChild(cancel);
      }
      var ok = el('button', 'om-dialog-confirm', a.confirmText || '确定');
      ok.style.color = HEX.test(a.confirmColor || '') ? a.confirmColor : '#576b95';
      ok.onclick = function () {
        var r = { confirm: true, cancel: false };
        if (input) r.content = input.value;
        done(r);
      };
      row.appendChild(ok);
      box.appendChild(row);
      (input || ok).focus();
    });
  };

  api.showActionSheet = function (a) {
    if (!Array.isArray(a.itemList)) throw { errMsg: 'showActionSheet:fail parameter error: parameter.itemList should be Array instead of ' + typeName(a.itemList) + ';' };
    var items = a.itemList;
    if (!items.length) throw { errMsg: 'showActionSheet:fail parameter error: itemList should not be empty' };
    if (items.length > 6) throw { errMsg: 'showActionSheet:fail parameter error: itemList should not be large than 6' };
    return dialog(function (box, done, fail, mask) {
      box.className = 'om-sheet';
      if (a.alertText) box.appendChild(el('p', 'om-sheet-alert', String(a.alertText)));
      items.forEach(function (text, i) {
        var b = el('button', 'om-sheet-item', String(text));
        b.style.color = a.itemColor || '#000000';
        b.onclick = function () {
          done({ tapIndex: i });
        };
        box.appendChild(b);
      });
      var cancel = el('button', 'om-sheet-cancel', '取消');
      cancel.onclick = function () {
        fail({ errMsg: 'showActionSheet:fail cancel' });
      };
      box.appendChild(cancel);
      mask.addEventListener('click', function (e) {
        if (e.target === mask) fail({ errMsg: 'showActionSheet:fail cancel' });
      });
    });
  };

  // Navigation bar.
  api.setNavigationBarTitle = function (a) {
    om.pages.setNav(a.page, { title: String(a.title === undefined ? '' : a.title) });
    return {};
  };
  api.setNavigationBarColor = function (a) {
    var front = String(a.frontColor || '').toLowerCase();
    if (front !== '#ffffff' && front !== '#000000') throw { errMsg: 'setNavigationBarColor:fail invalid frontColor "' + a.frontColor + '"' };
    om.pages.setNav(a.page, { navFront: front, navColor: a.backgroundColor });
    return {};
  };
  api.showNavigationBarLoading = function (a) {
    om.pages.setNav(a.page, { navLoading: true });
    return {};
  };
  api.hideNavigationBarLoading = function (a) {
    om.pages.setNav(a.page, { navLoading: false });
    return {};
  };
  api.setBackgroundColor = function (a) {
    var p = om.pages.byId(a.page) || om.pages.current();
    if (p && a.backgroundColor) p.el.style.backgroundColor = a.backgroundColor;
    return {};
  };
  // The pull-down refresh dots: dark (grey) or light (white) on the page's background.
  api.setBackgroundTextStyle = function (a) {
    if (a.textStyle !== 'dark' && a.textStyle !== 'light') throw { errMsg: 'setBackgroundTextStyle:fail parameter error: textStyle should be "dark" or "light"' };
    var p = om.pages.byId(a.page) || om.pages.current();
    if (!p) throw { errMsg: 'setBackgroundTextStyle:fail no page' };
    if (!p.dots) {
      p.dots = document.createElement('div');
      p.dots.className = 'om-refresh';
      p.dots.innerHTML = '<i></i><i></i><i></i>';
    }
    p.dots.dataset.textStyle = a.textStyle;
    [].forEach.call(p.dots.querySelectorAll('i'), function (i) {
      i.style.background = a.textStyle === 'light' ? '#ffffff' : '#999999';
    });
    return {};
  };

  // Tab bar.
  function tabIndex(a, name) {
    var list = (om.env.manifest.app.tabBar || {}).list || [];
    var i = Number(a.index);
    if (!list.length) throw { errMsg: name + ':fail not TabBar page' };
    if (!(i >= 0 && i < list.length)) throw { errMsg: name + ':fail tabbar item not found' };
    return i;
  }
  api.setTabBarBadge = function (a) {
    var i = tabIndex(a, 'setTabBarBadge');
    var text = String(a.text === undefined ? '' : a.text);
    om.pages.tabBar.badges[i] = text.length > 4 ? '…' : text;
    om.pages.redrawTabBar();
    return {};
  };
  api.removeTabBarBadge = function (a) {
    delete om.pages.tabBar.badges[tabIndex(a, 'removeTabBarBadge')];
    om.pages.redrawTabBar();
    return {};
  };
  api.showTabBarRedDot = function (a) {
    om.pages.tabBar.dots[tabIndex(a, 'showTabBarRedDot')] = true;
    om.pages.redrawTabBar();
    return {};
  };
  api.hideTabBarRedDot = function (a) {
    delete om.pages.tabBar.dots[tabIndex(a, 'hideTabBarRedDot')];
    om.pages.redrawTabBar();
    return {};
  };
  api.setTabBarStyle = function (a) {
    ['color', 'selectedColor', 'backgroundColor', 'borderStyle'].forEach(function (k) {
      if (a[k] !== undefined) om.pages.tabBar.style[k] = a[k];
    });
    om.pages.redrawTabBar();
    return {};
  };
  api.setTabBarItem = function (a) {
    var i = tabIndex(a, 'setTabBarItem');
    var it = (om.pages.tabBar.items[i] = om.pages.tabBar.items[i] || {});
    ['text', 'iconPath', 'selectedIconPath'].forEach(function (k) {
      if (a[k] !== undefined) it[k] = a[k];
    });
    om.pages.redrawTabBar();
    return {};
  };
  api.showTabBar = function () {
    om.pages.tabBar.hidden = false;
    om.pages.redrawTabBar();
    return {};
  };
  api.hideTabBar = function () {
    om.pages.tabBar.hidden = true;
    om.pages.redrawTabBar();
    return {};
  };

  // Scrolling and refreshing.
  api.pageScrollTo = function (a) {
    var p = om.pages.current();
    if (!p) throw { errMsg: 'pageScrollTo:fail no page' };
    var top = Number(a.scrollTop);
    if (a.selector) {
      var target = p.root.querySelector(String(a.selector));
      if (!target) throw { errMsg: 'pageScrollTo:fail selector "' + a.selector + '" not found' };
      top = target.getBoundingClientRect().top - p.el.getBoundingClientRect().top + p.el.scrollTop + (Number(a.offsetTop) || 0);
    }
    if (!isFinite(top)) throw { errMsg: 'pageScrollTo:fail parameter error: scrollTop or selector is required' };
    var duration = a.duration === undefined ? 300 : Number(a.duration);
    p.el.scrollTo({ top: top, behavior: duration > 0 ? 'smooth' : 'auto' });
    return {};
  };
  api.startPullDownRefresh = function (a) {
    om.pages.startRefresh(a.page, false);
    return {};
  };
  api.stopPullDownRefresh = function (a) {
    om.pages.stopRefresh(a.page);
    return {};
  };
})((window.__om = window.__om || {}));
