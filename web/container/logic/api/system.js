// System and window information: the host measured it and sent it at launch, so the
// *Sync forms answer at once; canIUse answers from what is really implemented.
'use strict';

(function (om) {
  var api = om.api;

  function sys() {
    var s = (om.env && om.env.system) || {};
    var w = s.windowWidth || s.screenWidth || 375;
    var h = s.windowHeight || s.screenHeight || 667;
    return {
      brand: s.brand || 'openmini',
      model: s.model || 'OpenMini Web',
      pixelRatio: s.pixelRatio || 2,
      screenWidth: s.screenWidth || w,
      screenHeight: s.screenHeight || h,
      windowWidth: w,
      windowHeight: h,
      statusBarHeight: s.statusBarHeight || 0,
      language: s.language || 'zh_CN',
      version: s.version || '8.0.50',
      system: s.system || 'Web',
      platform: s.platform || 'web',
      fontSizeSetting: s.fontSizeSetting || 16,
      SDKVersion: s.SDKVersion || '3.5.0',
      benchmarkLevel: 1,
      albumAuthorized: false,
      cameraAuthorized: false,
      locationAuthorized: false,
      microphoneAuthorized: false,
      notificationAuthorized: true,
      bluetoothEnabled: false,
      locationEnabled: false,
      wifiEnabled: true,
      safeArea: s.safeArea || { left: 0, right: w, top: s.statusBarHeight || 0, bottom: h, width: w, height: h - (s.statusBarHeight || 0) },
      theme: s.theme || 'light',
      host: { appId: s.hostAppId || '' },
      enableDebug: !!om.enableDebug,
      deviceOrientation: w > h ? 'landscape' : 'portrait',
    };
  }

  function pick(keys) {
    var s = sys();
    var out = {};
    keys.forEach(function (k) {
      out[k] = s[k];
    });
    return out;
  }

  api.sync('getSystemInfoSync', sys);
  api.async('getSystemInfo', sys);
  api.async('getSystemInfoAsync', sys);
  api.sync('getWindowInfo', function () {
    var s = sys();
    return { pixelRatio: s.pixelRatio, screenWidth: s.screenWidth, screenHeight: s.screenHeight, windowWidth: s.windowWidth, windowHeight: s.windowHeight, statusBarHeight: s.statusBarHeight, safeArea: s.safeArea, screenTop: 0 };
  });
  api.sync('getDeviceInfo', function () {
    return pick(['brand', 'model', 'system', 'platform', 'benchmarkLevel', 'pixelRatio']);
  });
  api.sync('getAppBaseInfo', function () {
    return pick(['SDKVersion', 'enableDebug', 'host', 'language', 'version', 'theme', 'fontSizeSetting']);
  });
  api.sync('getSystemSetting', function () {
    return pick(['bluetoothEnabled', 'locationEnabled', 'wifiEnabled', 'deviceOrientation']);
  });
  api.sync('getAppAuthorizeSetting', function () {
    return { albumAuthorized: 'not determined', cameraAuthorized: 'not determined', locationAuthorized: 'not determined', microphoneAuthorized: 'not determined', notificationAuthorized: 'authorized', phoneCalendarAuthorized: 'not determined' };
  });
  api.sync('getMenuButtonBoundingClientRect', function () {
    var r = (om.env && om.env.menuRect) || { width: 87, height: 32, top: 4, right: 368, bottom: 36, left: 281 };
    return om.clone(r);
  });
  api.sync('getAccountInfoSync', function () {
    var e = om.env || {};
    return { miniProgram: { appId: e.appid || '', envVersion: e.envVersion || 'release', version: String(e.version || '') } };
  });

  /**
   * `canIUse('request')`, `canIUse('getSystemInfoSync.return.safeArea')`,
   * `canIUse('showToast.object.icon')`, `canIUse('button.open-type.getPhoneNumber')`:
   * true only for what is really here — an API that is implemented (and, for
   * `.return.` of the synchronous getters, a field they really answer), a built-in
   * component the frame defines (and, with an attribute, one it declares).
   */
  var GETTERS = ['getSystemInfoSync', 'getWindowInfo', 'getDeviceInfo', 'getAppBaseInfo', 'getSystemSetting', 'getAppAuthorizeSetting', 'getAccountInfoSync', 'getLaunchOptionsSync', 'getEnterOptionsSync', 'getMenuButtonBoundingClientRect'];
  var FALLBACK = 'view text image button input textarea checkbox checkbox-group radio radio-group switch slider picker picker-view picker-view-column form label navigator scroll-view swiper swiper-item movable-area movable-view icon progress rich-text web-view cover-view cover-image video canvas'.split(' ');
  api.sync('canIUse', function (schema) {
    var parts = String(schema === undefined || schema === null ? '' : schema).split('.');
    var head = parts[0];
    if (!head) return false;
    if (head === 'env') return parts.length === 1 || parts[1] === 'USER_DATA_PATH';
    if (om.api.has(head)) {
      if (parts.length === 1) return true;
      var kind = parts[1];
      if (kind === 'return' && parts.length > 2 && GETTERS.indexOf(head) >= 0) {
        try {
          var v = self.wx[head]();
          for (var i = 2; i < parts.length; i++) {
            if (v === null || typeof v !== 'object' || !(parts[i] in v)) return false;
            v = v[parts[i]];
          }
          return true;
        } catch (_) {
          return false;
        }
      }
      return ['object', 'return', 'success', 'fail', 'complete', 'callback'].indexOf(kind) >= 0;
    }
    var comps = (om.env && om.env.components) || null;
    var known = comps ? om.hasOwn(comps, head) : FALLBACK.indexOf(head) >= 0;
    if (!known) return false;
    if (parts.length === 1 || !comps) return true;
    var attrs = comps[head] || [];
    var attr = parts[1];
    return attrs.indexOf(attr) >= 0 || ['class', 'style', 'id', 'hidden', 'animation'].indexOf(attr) >= 0 || /^(bind|catch)/.test(attr);
  });
})(__om);
