/*
 * OpenMini JS-SDK for web pages (docs/traffic.md, "Web pages"): what WeChat's
 * jweixin.js offers a page that opens a mini program.
 *
 *   <script src="https://<platform>/jssdk/openmini.js"></script>
 *   wx.config({appId, timestamp, nonceStr, signature, openTagList: ['wx-open-launch-weapp']});
 *   wx.ready(fn); wx.error(fn);
 *   <wx-open-launch-weapp appid="wx…" path="pages/index/index?x=1">
 *     <template><button>打开小程序</button></template>
 *   </wx-open-launch-weapp>
 *
 * The signature is WeChat's: sha1 of "jsapi_ticket=…&noncestr=…&timestamp=…&url=…"
 * made by the page's server with its app's ticket (GET /cgi-bin/ticket/getticket), over
 * this page's URL without its fragment; the platform checks it
 * (POST /client/v1/jssdk/verify) and that the timestamp is within 10 minutes. The open
 * tag fires `launch` when the mini program opens (the browser goes to the platform's
 * shell, unless a listener calls preventDefault(); `event.detail.url` is where) and
 * `error` ({errMsg: "launch:fail …"}) when the client or system is too old, the
 * configuration failed, or the mini program may not be opened from this page.
 */
(function () {
  'use strict';
  var script = document.currentScript;
  var BASE = script && script.src ? new URL(script.src).origin : location.origin;
  var TAG = 'wx-open-launch-weapp';

  var state = 'idle'; // idle | pending | ready | failed
  var config = null; // the platform's answer to wx.config
  var readyFns = [];
  var errorFns = [];
  var failure = null;
  var waiting = []; // open tags waiting for the configuration

  function call(path, body) {
    // text/plain: a simple request, no preflight; the platform reads JSON whatever the type.
    return fetch(BASE + '/client/v1' + path, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: JSON.stringify(body), credentials: 'omit', cache: 'no-store' }).then(
      function (res) {
        return res.json().then(
          function (j) {
            if (!res.ok || (j && typeof j.errcode === 'number' && j.errcode !== 0)) throw j || { errcode: -1, errmsg: 'HTTP ' + res.status };
            return j;
          },
          function () {
            throw { errcode: -1, errmsg: 'HTTP ' + res.status };
          }
        );
      },
      function (e) {
        throw { errcode: -1, errmsg: 'network: ' + (e && e.message ? e.message : e) };
      }
    );
  }

  /** The platform's text without its request id. */
  function reason(e) {
    return String((e && e.errmsg) || e || 'unknown error').replace(/\s*rid: [0-9a-f]+$/, '');
  }

  function safe(fn, arg) {
    try {
      fn(arg);
    } catch (e) {
      setTimeout(function () {
        throw e;
      });
    }
  }

  var wx = {
    config: function (o) {
      o = o || {};
      state = 'pending';
      failure = null;
      var body = {
        appId: o.appId,
        timestamp: o.timestamp,
        nonceStr: o.nonceStr,
        signature: o.signature,
        url: location.href.split('#')[0],
        jsApiList: o.jsApiList || [],
        openTagList: o.openTagList || [],
      };
      call('/jssdk/verify', body).then(
        function (r) {
          config = r;
          state = 'ready';
          readyFns.splice(0).forEach(function (fn) {
            safe(fn);
          });
          waiting.splice(0).forEach(function (el) {
            el._configured();
          });
        },
        function (e) {
          state = 'failed';
          var errcode = e && e.errcode;
          failure = { errMsg: 'config:' + (errcode === 87009 ? 'invalid signature' : reason(e)), errcode: errcode, detail: reason(e) };
          if (o.debug) console.warn('[openmini jssdk] ' + failure.errMsg + ' (' + failure.detail + ')');
          errorFns.forEach(function (fn) {
            safe(fn, failure);
          });
          waiting.splice(0).forEach(function (el) {
            el._configured();
          });
        }
      );
    },
    ready: function (fn) {
      if (typeof fn !== 'function') return;
      if (state === 'ready') safe(fn);
      else readyFns.push(fn);
    },
    error: function (fn) {
      if (typeof fn !== 'function') return;
      errorFns.push(fn);
      if (state === 'failed') safe(fn, failure);
    },
    checkJsApi: function (o) {
      o = o || {};
      var result = {};
      (o.jsApiList || []).forEach(function (n) {
        result[n] = false;
      });
      var res = { checkResult: result, errMsg: 'checkJsApi:ok' };
      if (typeof o.success === 'function') safe(o.success, res);
      if (typeof o.complete === 'function') safe(o.complete, res);
    },
  };

  /** `<wx-open-launch-weapp appid|username path extra-data>`: its template's content is
   *  drawn in its own shadow root; a tap there launches. */
  class OpenLaunchWeapp extends HTMLElement {
    connectedCallback() {
      if (this._root) return;
      this._root = this.attachShadow({ mode: 'open' });
      this._busy = false;
      this._root.addEventListener('click', () => this._launch());
      this._render();
      // Defined before the page's markup is parsed, the element is connected before its
      // template child arrives: draw again when its children change.
      new MutationObserver(() => this._render()).observe(this, { childList: true });
      if (state === 'ready' || state === 'failed') this._configured();
      else waiting.push(this);
    }

    _render() {
      const tpl = this.querySelector('template');
      const src = this.querySelector('script[type="text/wxtag-template"]');
      const root = this._root;
      root.textContent = '';
      if (tpl) root.appendChild(tpl.content.cloneNode(true));
      else if (src) {
        const t = document.createElement('template');
        t.innerHTML = src.textContent; // the page's own markup, in the element's own shadow root
        root.appendChild(t.content);
      } else {
        const b = document.createElement('button');
        b.type = 'button';
        b.textContent = '打开小程序';
        root.appendChild(b);
      }
    }

    _configured() {
      this.dispatchEvent(new CustomEvent('ready', { detail: { errMsg: state === 'ready' ? 'ready:ok' : 'ready:fail' } }));
    }

    _fail(why) {
      this.dispatchEvent(new CustomEvent('error', { detail: { errMsg: 'launch:fail ' + why } }));
    }

    _launch() {
      if (this._busy) return;
      if (state !== 'ready') return this._fail(state === 'failed' ? 'wx.config failed: ' + failure.detail : 'wx.config is not ready');
      if ((config.openTagList || []).indexOf(TAG) < 0) return this._fail('wx-open-launch-weapp is not in wx.config openTagList');
      const extra = this.getAttribute('extra-data');
      let extraData = null;
      if (extra) {
        try {
          extraData = JSON.parse(extra);
        } catch (_) {
          extraData = extra;
        }
      }
      this._busy = true;
      const body = { config: config.config, appid: this.getAttribute('appid') || '', username: this.getAttribute('username') || '', path: this.getAttribute('path') || '', extraData };
      call('/jssdk/launch', body).then(
        (r) => {
          this._busy = false;
          const ev = new CustomEvent('launch', { detail: { errMsg: 'launch:ok', url: r.url }, cancelable: true });
          if (this.dispatchEvent(ev)) setTimeout(() => location.assign(r.url), 0);
        },
        (e) => {
          this._busy = false;
          this._fail(reason(e));
        }
      );
    }
  }

  if (window.customElements && !customElements.get(TAG)) customElements.define(TAG, OpenLaunchWeapp);

  window.wx = window.jWeixin = wx;
})();
