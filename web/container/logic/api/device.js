// The device and the platform: network state, vibration, battery, screen wake lock,
// theme, memory warnings (view/device.js measures them in the frame), and the APIs the
// host performs for the user (docs/container.md, "Host calls"): login, user profile,
// subscriptions, clipboard, phone calls, scanning, other mini programs, settings and
// authorization, payment, location, customer service, the share menu.
'use strict';

(function (om) {
  var api = om.api;

  // ---- network -----------------------------------------------------------------------

  api.remote('getNetworkType');
  api.events('networkStatusChange', 'onNetworkStatusChange', 'offNetworkStatusChange');
  api.events('networkWeakChange', 'onNetworkWeakChange', 'offNetworkWeakChange');
  om.onApiEvent('device', function (id, name, d) {
    switch (name) {
      case 'network':
        api.fire('networkStatusChange', [{ isConnected: d.isConnected, networkType: d.networkType }]);
        if (d.weakChanged) api.fire('networkWeakChange', [{ weakNet: d.weakNet, networkType: d.networkType }]);
        break;
      case 'battery':
        battery = { level: d.level, isCharging: d.isCharging };
        if (d.changed) api.fire('batteryInfoChange', [{ level: d.level, isCharging: d.isCharging }]);
        break;
      case 'theme':
        if (om.env && om.env.system) om.env.system.theme = d.theme;
        // WeChat reports theme changes only to apps that support dark mode.
        if (om.env && om.env.manifest && om.env.manifest.app.darkmode) api.fire('themeChange', [{ theme: d.theme }]);
        break;
    }
  });

  // ---- vibration, battery, screen -------------------------------------------------------

  api.async('vibrateShort', function (o) {
    var type = o.type === undefined ? 'medium' : String(o.type);
    if (['heavy', 'medium', 'light'].indexOf(type) < 0) throw { errMsg: 'vibrateShort:fail parameter error: parameter.type should be heavy, medium or light' };
    return om.bridge.call('vibrateShort', { type: type });
  });
  api.remote('vibrateLong');

  // The frame reports the battery at launch and on each change (when the browser
  // gives it at all), so the Sync form can answer at once.
  var battery = null;
  api.sync('getBatteryInfoSync', function () {
    if (!battery) throw { errMsg: 'getBatteryInfoSync:fail not supported' };
    return { level: battery.level, isCharging: battery.isCharging };
  });
  api.remote('getBatteryInfo');
  api.events('batteryInfoChange', 'onBatteryInfoChange', 'offBatteryInfoChange');

  api.async('setKeepScreenOn', function (o) {
    om.need('setKeepScreenOn', o, 'keepScreenOn', 'Boolean');
    return om.bridge.call('setKeepScreenOn', { keepScreenOn: o.keepScreenOn });
  });

  api.events('themeChange', 'onThemeChange', 'offThemeChange');
  // Browsers tell a page nothing of memory pressure: the listeners are kept, and the
  // event never comes (as on a device that never runs short).
  api.events('memoryWarning', 'onMemoryWarning', 'offMemoryWarning');

  // ---- the user and the platform (host calls) -------------------------------------------

  function host(name, check) {
    api.async(name, function (o) {
      var args = check ? check(o) : {};
      return om.bridge.call(name, args);
    });
  }

  host('login', function () {
    return {};
  });
  host('checkSession', function () {
    return {};
  });
  host('getUserProfile', function (o) {
    var desc = om.need('getUserProfile', o, 'desc', 'String');
    if (!desc || desc.length > 30) throw { errMsg: 'getUserProfile:fail desc length does not meet the requirements' };
    return { desc: desc, lang: ['en', 'zh_CN', 'zh_TW'].indexOf(o.lang) >= 0 ? o.lang : 'en' };
  });
  host('getUserInfo', function () {
    return {};
  });

  /** WeChat's client-side checks, with their errCode (the host checks the tap and the
   *  templates: 20001, 20002, 20004). */
  api.async('requestSubscribeMessage', function (o) {
    var ids = o.tmplIds;
    if (!Array.isArray(ids) || !ids.length) throw { errMsg: "requestSubscribeMessage:fail TmplIds can't be empty", errCode: 10001 };
    if (ids.some(function (x) {
      return typeof x !== 'string' || !x;
    })) throw { errMsg: 'requestSubscribeMessage:fail Invalid template id', errCode: 10004 };
    if (ids.length > 5) throw { errMsg: 'requestSubscribeMessage:fail Templates count out of max bounds', errCode: 20003 };
    return om.bridge.call('requestSubscribeMessage', { tmplIds: ids.slice() }).then(null, function (e) {
      var err = { errMsg: (e && e.errMsg) || 'requestSubscribeMessage:fail' };
      if (e && e.errCode !== undefined) err.errCode = e.errCode;
      throw err;
    });
  });

  host('makePhoneCall', function (o) {
    var n = om.need('makePhoneCall', o, 'phoneNumber', 'String');
    if (!/^[0-9+\-#*() ]{1,32}$/.test(n)) throw { errMsg: 'makePhoneCall:fail invalid phoneNumber' };
    return { phoneNumber: n };
  });
  host('setClipboardData', function (o) {
    return { data: om.need('setClipboardData', o, 'data', 'String') };
  });
  host('getClipboardData', function () {
    return {};
  });
  var SCAN = ['barCode', 'qrCode', 'datamatrix', 'pdf417'];
  host('scanCode', function (o) {
    var types = Array.isArray(o.scanType) ? o.scanType.filter(function (t) {
      return SCAN.indexOf(t) >= 0;
    }) : [];
    return { onlyFromCamera: !!o.onlyFromCamera, scanType: types.length ? types : ['barCode', 'qrCode'] };
  });

  host('navigateToMiniProgram', function (o) {
    var appId = om.need('navigateToMiniProgram', o, 'appId', 'String');
    if (om.env && appId === om.env.appid) throw { errMsg: 'navigateToMiniProgram:fail can not navigate to the same mini program' };
    var env = ['develop', 'trial', 'release'].indexOf(o.envVersion) >= 0 ? o.envVersion : 'release';
    return { appId: appId, path: o.path === undefined ? '' : String(o.path), extraData: om.clone(o.extraData || {}), envVersion: env };
  });
  host('navigateBackMiniProgram', function (o) {
    return { extraData: om.clone(o.extraData || {}) };
  });
  host('exitMiniProgram', function () {
    return { reason: 'exit' };
  });

  host('openSetting', function () {
    return {};
  });
  host('getSetting', function (o) {
    return { withSubscriptions: !!o.withSubscriptions };
  });
  host('authorize', function (o) {
    var scope = om.need('authorize', o, 'scope', 'String');
    if (!/^scope\.[A-Za-z]+$/.test(scope)) throw { errMsg: 'authorize:fail invalid scope' };
    return { scope: scope };
  });

  host('requestPayment', function (o) {
    ['timeStamp', 'nonceStr', 'package', 'paySign'].forEach(function (k) {
      om.need('requestPayment', o, k, 'String');
    });
    return { timeStamp: o.timeStamp, nonceStr: o.nonceStr, package: o.package, signType: o.signType === undefined ? 'MD5' : String(o.signType), paySign: o.paySign };
  });

  host('getLocation', function (o) {
    var type = o.type === undefined ? 'wgs84' : String(o.type);
    if (type !== 'wgs84' && type !== 'gcj02') throw { errMsg: 'getLocation:fail invalid type' };
    return { type: type };
  });

  host('openCustomerServiceChat', function () {
    return {};
  });

  // ---- the share menu (the host's capsule menu follows) ----------------------------------

  function menus(o) {
    var m = Array.isArray(o.menus) ? o.menus.filter(function (x) {
      return x === 'shareAppMessage' || x === 'shareTimeline';
    }) : null;
    var out = { withShareTicket: !!o.withShareTicket };
    if (m) out.menus = m;
    return out;
  }
  host('showShareMenu', menus);
  host('hideShareMenu', menus);
  host('updateShareMenu', function (o) {
    var out = menus(o);
    ['isUpdatableMessage', 'activityId', 'toDoActivityId', 'isPrivateMessage'].forEach(function (k) {
      if (o[k] !== undefined) out[k] = om.clone(o[k]);
    });
    return out;
  });
  host('getShareInfo', function (o) {
    return { shareTicket: om.need('getShareInfo', o, 'shareTicket', 'String') };
  });
})(__om);
