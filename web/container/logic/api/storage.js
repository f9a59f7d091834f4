// Storage: the app's storage lives here, in memory, so the *Sync forms are truly
// synchronous; the host gave a snapshot at launch and persists every change under
// (user, appid) — docs/container.md, "Trust boundaries". Limits as on WeChat: one key
// at most 1 MB, the whole storage at most 10 MB.
'use strict';

(function (om) {
  var MAX_ITEM = 1024 * 1024;
  var MAX_TOTAL = 10 * 1024 * 1024;
  var store = null; // key → {json, size}
  var total = 0;

  /** Values keep their JS type through JSON; Dates come back as Dates. */
  function encode(value) {
    if (value instanceof Date) return JSON.stringify({ t: 'date', v: value.getTime() });
    return JSON.stringify({ v: value === undefined ? null : value });
  }

  function decode(json) {
    try {
      var o = JSON.parse(json);
      if (o && o.t === 'date') return new Date(o.v);
      return o ? o.v : undefined;
    } catch (_) {
      return undefined;
    }
  }

  function size(key, json) {
    return (String(key).length + json.length) * 2;
  }

  function load() {
    if (store) return;
    store = {};
    total = 0;
    var snap = (om.env && om.env.storage) || {};
    for (var k in snap) {
      if (typeof snap[k] !== 'string') continue;
      store[k] = { json: snap[k], size: size(k, snap[k]) };
      total += store[k].size;
    }
  }

  function persist(op, key, json) {
    om.bridge.call('$storage', { op: op, key: key, value: json }).catch(function (e) {
      om.warn('storage not saved: ' + (e && e.errMsg));
    });
  }

  function checkKey(name, key) {
    if (typeof key !== 'string' || key === '') throw { errMsg: name + ':fail parameter error: parameter.key should be String instead of ' + om.typeOf(key) + ';' };
  }

  function set(name, key, data) {
    load();
    checkKey(name, key);
    var json = encode(data);
    var s = size(key, json);
    if (s > MAX_ITEM) throw { errMsg: name + ':fail exceed storage item max length' };
    var old = store[key] ? store[key].size : 0;
    if (total - old + s > MAX_TOTAL) throw { errMsg: name + ':fail exceed storage max size 10MB' };
    store[key] = { json: json, size: s };
    total += s - old;
    persist('set', key, json);
  }

  function get(name, key) {
    load();
    checkKey(name, key);
    if (!om.hasOwn(store, key)) throw { errMsg: name + ':fail data not found' };
    return decode(store[key].json);
  }

  function remove(key) {
    load();
    if (!om.hasOwn(store, key)) return;
    total -= store[key].size;
    delete store[key];
    persist('remove', key);
  }

  function clear() {
    load();
    store = {};
    total = 0;
    persist('clear', '');
  }

  function info() {
    load();
    return { keys: Object.keys(store), currentSize: Math.ceil(total / 1024), limitSize: MAX_TOTAL / 1024 };
  }

  var api = om.api;
  api.sync('setStorageSync', function (key, data) {
    set('setStorageSync', key, data);
  });
  api.sync('getStorageSync', function (key) {
    // WeChat answers '' for a missing key here rather than throwing.
    load();
    if (typeof key !== 'string' || !om.hasOwn(store, key)) return '';
    return decode(store[key].json);
  });
  api.sync('removeStorageSync', function (key) {
    remove(String(key));
  });
  api.sync('clearStorageSync', clear);
  api.sync('getStorageInfoSync', info);
  api.async('setStorage', function (o) {
    set('setStorage', o.key, o.data);
  });
  api.async('getStorage', function (o) {
    return { data: get('getStorage', o.key) };
  });
  api.async('removeStorage', function (o) {
    checkKey('removeStorage', o.key);
    remove(o.key);
  });
  api.async('clearStorage', function () {
    clear();
  });
  api.async('getStorageInfo', function () {
    return info();
  });
  api.sync('batchSetStorageSync', function (list) {
    (list || []).forEach(function (kv) {
      set('batchSetStorageSync', kv.key, kv.value);
    });
  });
  api.sync('batchGetStorageSync', function (keys) {
    load();
    return (keys || []).map(function (k) {
      return om.hasOwn(store, k) ? decode(store[k].json) : '';
    });
  });
  api.async('batchSetStorage', function (o) {
    (o.kvList || []).forEach(function (kv) {
      set('batchSetStorage', kv.key, kv.value);
    });
  });
  api.async('batchGetStorage', function (o) {
    load();
    return {
      dataList: (o.keyList || []).map(function (k) {
        return om.hasOwn(store, k) ? decode(store[k].json) : '';
      }),
    };
  });
})(__om);
