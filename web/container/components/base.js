/*
 * OpenMini built-in components: the base class every `wx-<tag>` element extends, and
 * the registry. Plain classic script, no dependencies; load it before the components
 * (load.js loads everything in order).
 *
 * ─── The contract with the view runtime ─────────────────────────────────────────────
 *
 * window.__wx is an object the runtime creates or extends (assign hooks onto the
 * existing object, do not replace it: these scripts keep `components` on it). Every
 * hook is read when it is needed, so the runtime may install them after loading us.
 *
 *   __wx.emit(el, type, detail)
 *       A WeChat event of component `el` (`change`, `input`, `submit`…; never the
 *       generic touch events, which the runtime synthesises). `detail` is a plain,
 *       structured-clonable object. The runtime forwards {node: el.__id, type, detail}
 *       to the worker if the node listens for `type`. Special types:
 *         `$share`  a share button was tapped: call the page's onShareAppMessage with
 *                   {from: "button", target: <the button>} and share the result.
 *   __wx.call(name, args, el) -> Promise(res) | res
 *       An API the frame or the host performs for a component; `el` is the element
 *       asking (to resolve a relative URL against its page, or to find its page).
 *       Resolve with a plain object; reject (or throw) with {errMsg}. Without this hook
 *       every call fails with "<name>:fail not supported". The names, their args and
 *       results are listed at the end of this comment.
 *   __wx.propChanged(el, name, value)   (optional)
 *       The element changed one of its own properties by user action (an input's
 *       `value`, a switch's `checked`, a swiper's `current`…). The worker should record
 *       it as the node's current attribute value, so that a later setData back to the
 *       old value is sent as an op (WeChat applies it; a naive diff would drop it).
 *   __wx.resolveUrl(url, el) -> string   (optional)
 *       Maps a package-relative path (`/images/a.png`, `../a.png`) of an image, video
 *       or poster to a URL the frame can load. Absent: URLs are used as they are.
 *   __wx.components   {tag: class}, filled by these scripts (`view` → WxView…).
 *   __wx.regionData   the region picker's data (region-data.js; replaceable).
 *
 * Elements:
 *   - Created with document.createElement('wx-' + tag); every WXML attribute except
 *     class, style, id, hidden, slot and data-* is given with el.setProp(camelName,
 *     value), where value is any JS value (coerced here per the component's declared
 *     type; `undefined` restores the default). Props may arrive before or after the
 *     element is connected.
 *   - Children: an element that draws its own internal nodes has `el.__slot` (alias
 *     `el.childHost`), the node its WXML children go into (the runtime must place
 *     children in `el.__slot || el`, and leave the element's other nodes alone).
 *     `el.destroy()` when the runtime forgets the node for good.
 *     Internal nodes carry WeChat's class names (`wx-checkbox-input`, `wx-swiper-dot`…)
 *     so that pages can restyle them as on WeChat.
 *   - Components act on DOM `click` events (and keyboard), so the runtime must not
 *     cancel the click that follows a touch (no preventDefault on touchend).
 *   - Custom components with the `wx://form-field` behaviour: the runtime sets
 *     `el.__formField = {name, value}` on their element; wx-form collects it.
 *   - wx-form has wxSubmit() and wxReset() for `wx://form-field-button` custom buttons.
 *   - Methods for the frame's APIs: wx-video play/pause/stop/seek/playbackRate/
 *     requestFullScreen/exitFullScreen; wx-canvas __canvas and getContext2d();
 *     wx-web-view flushMessages() (call it on back, share and unload).
 *
 * callHost names (args → expected result):
 *   navigateTo / redirectTo / switchTab / reLaunch {url} → {}
 *   navigateBack {delta} → {};  exitMiniProgram {} → {}
 *   navigateToMiniProgram {appId, path, extraData, envVersion, shortLink} → {}
 *   getPhoneNumber {phoneNumberNoQuotaToast} → {code, encryptedData?, iv?}
 *   getRealtimePhoneNumber {} → {code}
 *   getUserInfo {lang} → {userInfo, rawData?, signature?, encryptedData?, iv?}
 *   openSetting {} → {authSetting};  enterContact {sessionFrom, sendMessageTitle,
 *   sendMessagePath, sendMessageImg, showMessageCard} → {path, query}
 *   launchApp {appParameter} → {};  feedback {} → {};  chooseAvatar {} → {avatarUrl}
 *   agreePrivacyAuthorization {} → {};  createFormId {} → {formId}
 *   webViewAllowed {src} → {allowed: boolean}
 */
'use strict';
(function () {
  const wx = (window.__wx = window.__wx || {});
  const registry = (wx.components = wx.components || {});

  function kebab(name) {
    return name.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());
  }

  function copy(v) {
    if (Array.isArray(v)) return v.slice();
    if (v && typeof v === 'object') return Object.assign({}, v);
    return v;
  }

  /** WeChat's property coercion: Boolean is JS truthiness (so "false" is true, as there). */
  function coerce(spec, value) {
    const type = spec.type;
    if (value === undefined || value === null) return copy(spec.value);
    if (type === Boolean) return !!value;
    if (type === Number) {
      const n = typeof value === 'number' ? value : parseFloat(value);
      return isFinite(n) ? n : copy(spec.value);
    }
    if (type === String) {
      if (typeof value === 'string') return value;
      if (typeof value === 'object') return copy(spec.value);
      return String(value);
    }
    if (type === Array) return Array.isArray(value) ? value : copy(spec.value);
    if (type === Object) return typeof value === 'object' ? value : copy(spec.value);
    return value;
  }

  function errOf(name, e) {
    if (e && typeof e === 'object' && typeof e.errMsg === 'string') return e;
    return { errMsg: name + ':fail ' + (e && e.message ? e.message : e || 'unknown error') };
  }

  /** CSS length from a WeChat size: a number is px; "12rpx" becomes vw (750rpx = 100vw). */
  function cssLength(v, dflt) {
    if (v === undefined || v === null || v === '') return dflt;
    if (typeof v === 'number') return v + 'px';
    const s = String(v).trim();
    const m = /^(-?[\d.]+)(rpx|px|vw|vh|%|em|rem)?$/.exec(s);
    if (!m) return dflt;
    if (m[2] === 'rpx') return parseFloat(m[1]) / 7.5 + 'vw';
    return m[1] + (m[2] || 'px');
  }

  /** Pixels from a WeChat size ("20", 20, "40rpx", "20px"). */
  function pxOf(v, dflt) {
    if (v === undefined || v === null || v === '') return dflt;
    if (typeof v === 'number') return v;
    const s = String(v).trim();
    const n = parseFloat(s);
    if (!isFinite(n)) return dflt;
    if (/rpx$/.test(s)) return (n * (window.innerWidth || 375)) / 750;
    return n;
  }

  class WxElement extends HTMLElement {
    constructor() {
      super();
      // No attributes or children here (not allowed for createElement): see _init.
      this.props = {};
      const specs = this.constructor.props;
      for (const k in specs) this.props[k] = copy(specs[k].value);
      this.__inited = false;
    }

    /** {camelName: {type, value, reflect?}}; reflect: attribute name, or true for kebab. */
    static get props() {
      return {};
    }

    setProp(name, value) {
      const spec = this.constructor.props[name];
      if (!spec && /^aria[A-Z]/.test(name)) return this._aria(name, value);
      const v = spec ? coerce(spec, value) : value;
      this.props[name] = v;
      if (spec && spec.reflect) this._reflect(name, spec, v);
      if (!this.__inited) this._init();
      else {
        if (name === 'hoverClass' && this.constructor.hover) this._hoverMaybe();
        this.update(name);
      }
    }

    /** WeChat's aria-* attributes (aria-role is the role), kept on the element for assistive tech. */
    _aria(name, value) {
      const attr = name === 'ariaRole' ? 'role' : kebab(name);
      if (value === undefined || value === null || value === false) this.removeAttribute(attr);
      else this.setAttribute(attr, String(value));
    }

    _reflect(name, spec, v) {
      const attr = spec.reflect === true ? kebab(name) : spec.reflect;
      if (spec.type === Boolean) {
        if (v) this.setAttribute(attr, '');
        else this.removeAttribute(attr);
      } else if (v === undefined || v === null || v === '') this.removeAttribute(attr);
      else this.setAttribute(attr, String(v));
    }

    _init() {
      if (this.__inited) return;
      this.__inited = true;
      const specs = this.constructor.props;
      for (const k in specs) if (specs[k].reflect) this._reflect(k, specs[k], this.props[k]);
      if (this.constructor.hover) this._hoverMaybe();
      this.init();
      this.update(null);
    }

    connectedCallback() {
      this._init();
      this.connected();
    }

    disconnectedCallback() {
      this.disconnected();
    }

    /** Builds internal nodes (once). */
    init() {}
    /** A prop changed (`null`: all of them, after init). */
    update(name) {} // eslint-disable-line no-unused-vars
    connected() {}
    disconnected() {}

    emit(type, detail) {
      const h = window.__wx && window.__wx.emit;
      if (typeof h === 'function') h(this, type, detail === undefined ? {} : detail);
    }

    callHost(name, args) {
      const h = window.__wx && window.__wx.call;
      if (typeof h !== 'function') return Promise.reject({ errMsg: name + ':fail not supported' });
      try {
        return Promise.resolve(h(name, args || {}, this)).then(
          (res) => (res && typeof res === 'object' ? res : res === undefined ? {} : { result: res }),
          (e) => {
            throw errOf(name, e);
          }
        );
      } catch (e) {
        return Promise.reject(errOf(name, e));
      }
    }

    /** Tells the runtime this element changed its own prop (see the contract above). */
    propChanged(name, value) {
      this.props[name] = value;
      const h = window.__wx && window.__wx.propChanged;
      if (typeof h === 'function') h(this, name, value);
    }

    resolveUrl(url) {
      const h = window.__wx && window.__wx.resolveUrl;
      if (!url || typeof h !== 'function') return url;
      try {
        return h(url, this) || url;
      } catch (_) {
        return url;
      }
    }

    /** An internal node of this element (kept out of the runtime's way). */
    internal(tag, cls, parent) {
      const n = document.createElement(tag);
      if (cls) n.className = cls;
      n.__wxInternal = true;
      (parent || this).appendChild(n);
      return n;
    }

    /**
     * The node WXML children go into (undefined: the element itself). Reading it builds
     * the element's internal nodes if that has not happened yet.
     */
    get __slot() {
      if (!this.__inited) this._init();
      return this.__slotNode;
    }

    /** The same as __slot (the name the view runtime's dom.js reads). */
    get childHost() {
      return this.__slot;
    }

    /** The runtime forgets the node for good (op 6): stop timers, popups, observers. */
    destroy() {
      this.disconnected();
      if (this.__slotObserver) this.__slotObserver.disconnect();
    }

    /**
     * Makes `node` the container of this element's WXML children (`__slot`). Children
     * already on the element move into it; should a runtime put children on the element
     * itself later, they are moved too, and internal nodes it removed are put back.
     */
    useSlot(node) {
      this.__slotNode = node;
      const internals = Array.prototype.filter.call(this.childNodes, (n) => n.__wxInternal);
      for (const n of Array.prototype.slice.call(this.childNodes)) if (!n.__wxInternal) node.appendChild(n);
      const mo = new MutationObserver((recs) => {
        const stray = [];
        let lost = false;
        for (const r of recs) {
          for (const n of r.addedNodes) if (!n.__wxInternal && n.parentNode === this) stray.push(n);
          for (const n of r.removedNodes) if (n.__wxInternal && n.parentNode !== this) lost = true;
        }
        for (const n of stray) node.appendChild(n);
        if (lost) for (let i = internals.length - 1; i >= 0; i--) this.insertBefore(internals[i], this.firstChild);
      });
      mo.observe(this, { childList: true });
      this.__slotObserver = mo;
      return node;
    }

    /** A hidden slot for elements that take no children. */
    emptySlot() {
      const s = this.internal('span', 'wx-slot');
      s.style.display = 'none';
      return this.useSlot(s);
    }

    // ── hover-class ────────────────────────────────────────────────────────────────
    // Applied hover-start-time ms after a press, kept hover-stay-time ms after release,
    // cancelled by a move (a scroll) or by disabled; hover-stop-propagation keeps it off
    // the ancestors.

    _hoverInit() {
      this.addEventListener('pointerdown', (e) => this._hoverDown(e));
    }

    /** The pointer listener only where a hover class can apply (most views have none). */
    _hoverMaybe() {
      if (this.__hoverOn) return;
      const cls = String(this.props.hoverClass || 'none').trim();
      if (!cls || cls === 'none') return;
      this.__hoverOn = true;
      this._hoverInit();
    }

    _hoverDisabled() {
      return !!this.props.disabled;
    }

    _hoverDown(e) {
      if (e.button && e.button !== 0) return;
      if (e.__wxHoverStopped) return;
      const cls = String(this.props.hoverClass || 'none').trim();
      if (this.props.hoverStopPropagation) e.__wxHoverStopped = true;
      if (!cls || cls === 'none' || this._hoverDisabled()) return;
      this._hoverEnd(true);
      const classes = cls.split(/\s+/);
      const x0 = e.clientX;
      const y0 = e.clientY;
      const id = e.pointerId;
      const on = () => {
        this._hoverTimer = 0;
        for (const c of classes) this.classList.add(c);
        this._hoverClasses = classes;
      };
      this._hoverTimer = setTimeout(on, Math.max(0, this.props.hoverStartTime || 0));
      const move = (ev) => {
        if (ev.pointerId !== id) return;
        if (Math.abs(ev.clientX - x0) > 10 || Math.abs(ev.clientY - y0) > 10) this._hoverEnd(true);
      };
      const up = (ev) => {
        if (ev.pointerId !== id) return;
        if (ev.type === 'pointercancel') return this._hoverEnd(true);
        if (this._hoverTimer) {
          clearTimeout(this._hoverTimer);
          on();
        }
        this._hoverOff();
        this._hoverStay = setTimeout(() => this._hoverEnd(true), Math.max(0, this.props.hoverStayTime || 0));
      };
      this._hoverOff = () => {
        window.removeEventListener('pointermove', move, true);
        window.removeEventListener('pointerup', up, true);
        window.removeEventListener('pointercancel', up, true);
      };
      window.addEventListener('pointermove', move, true);
      window.addEventListener('pointerup', up, true);
      window.addEventListener('pointercancel', up, true);
    }

    _hoverEnd() {
      if (this._hoverTimer) clearTimeout(this._hoverTimer);
      if (this._hoverStay) clearTimeout(this._hoverStay);
      this._hoverTimer = this._hoverStay = 0;
      if (this._hoverOff) this._hoverOff();
      this._hoverOff = null;
      if (this._hoverClasses) for (const c of this._hoverClasses) this.classList.remove(c);
      this._hoverClasses = null;
    }

    /** Makes the element a keyboard-focusable control activated by Enter/Space. */
    makeControl(role) {
      this.setAttribute('role', role);
      this.addEventListener('keydown', (e) => {
        if (e.target !== this) return;
        if (e.key === 'Enter' || e.key === ' ' || e.key === 'Spacebar') {
          e.preventDefault();
          this.click();
        }
      });
    }

    setFocusable(enabled) {
      if (enabled) this.setAttribute('tabindex', '0');
      else this.removeAttribute('tabindex');
      if (enabled) this.removeAttribute('aria-disabled');
      else this.setAttribute('aria-disabled', 'true');
    }
  }

  /** The form-field interface: a named value the enclosing wx-form collects. */
  WxElement.prototype._formValue = null;

  function define(tag, cls) {
    // The static specs are getters building new objects: read them once per class.
    for (const k of ['props', 'hover']) {
      const v = cls[k];
      Object.defineProperty(cls, k, { value: v, configurable: true });
    }
    registry[tag] = cls;
    if (!customElements.get('wx-' + tag)) customElements.define('wx-' + tag, cls);
  }

  const HOVER_PROPS = {
    hoverClass: { type: String, value: 'none' },
    hoverStopPropagation: { type: Boolean, value: false },
    hoverStartTime: { type: Number, value: 50 },
    hoverStayTime: { type: Number, value: 400 },
  };

  /** The shadow root or document an element lives in (ids are looked up there). */
  function rootOf(el) {
    const r = el.getRootNode ? el.getRootNode() : document;
    return r && r.getElementById ? r : document;
  }

  // Popups (the picker's sheet) live above every page, in a shadow root of their own at
  // the end of the body, with this folder's components.css: a page's transform, scroll
  // or stacking cannot reach them, and they cover the navigation and tab bars as
  // WeChat's native sheets do. Made early, so that the stylesheet is there when needed.
  const me = document.currentScript;
  // This script may come alone or inside /container/bundle/view.js.
  const src = me && me.src ? me.src : '';
  const at = src.indexOf('/container/');
  const cssHref = (at >= 0 ? src.slice(0, at) : '') + '/container/components/components.css';
  let overlay = null;
  function overlayRoot() {
    if (overlay && overlay.host.isConnected) return overlay;
    if (!document.body) return null;
    const host = document.createElement('div');
    host.id = 'wx-overlay';
    host.style.cssText = 'position: fixed; top: 0; left: 0; width: 0; height: 0; z-index: 5000;';
    overlay = host.attachShadow({ mode: 'open' });
    const link = document.createElement('link');
    link.rel = 'stylesheet';
    link.href = cssHref;
    overlay.appendChild(link);
    document.body.appendChild(host);
    return overlay;
  }
  if (document.body) overlayRoot();
  else document.addEventListener('DOMContentLoaded', overlayRoot);

  // ---- light components ---------------------------------------------------------
  // The most common elements (view, text) are not custom elements: a page has
  // thousands of them, and a custom element's upgrade and callbacks cost about twice a
  // plain element's creation (bench container). Their props live in `el.__props`,
  // applied by a spec's `update(el, name)`; `__wx.setProp` routes every prop set.
  const light = {};

  function defineLight(tag, spec) {
    light['wx-' + tag] = spec;
    registry[tag] = spec;
  }

  function lightSet(el, spec, name, value) {
    let props = el.__props;
    if (!props) {
      props = el.__props = {};
      for (const k in spec.props) props[k] = copy(spec.props[k].value);
    }
    const p = spec.props[name];
    if (!p) {
      if (/^aria[A-Z]/.test(name)) WxElement.prototype._aria.call(el, name, value);
      return;
    }
    props[name] = coerce(p, value);
    if (p.reflect) WxElement.prototype._reflect.call(el, name, p, props[name]);
    if (spec.update) spec.update(el, name);
  }

  /** Sets a component prop on any element the runtime made (`false`: not a component). */
  wx.setProp = function (el, name, value) {
    if (typeof el.setProp === 'function') {
      el.setProp(name, value);
      return true;
    }
    const spec = light[el.localName];
    if (!spec) return false;
    lightSet(el, spec, name, value);
    return true;
  };

  /** Hover classes of light elements: one listener for the page, not one per element.
   *  Bubble phase at the document, so custom elements inside (buttons) with
   *  hover-stop-propagation have marked the event already. */
  document.addEventListener('pointerdown', (e) => {
    if (e.__wxHoverStopped || (e.button && e.button !== 0)) return;
    const path = e.composedPath();
    for (let i = 0; i < path.length; i++) {
      const el = path[i];
      const props = el.__props;
      if (!props || !light[el.localName] || !('hoverClass' in props)) continue;
      const cls = String(props.hoverClass || 'none').trim();
      if (cls && cls !== 'none') {
        const ctl = el.__hoverCtl || (el.__hoverCtl = { props: props, classList: el.classList, _hoverDisabled: () => !!props.disabled, _hoverEnd: WxElement.prototype._hoverEnd });
        ctl.props = props;
        WxElement.prototype._hoverDown.call(ctl, e);
      }
      if (props.hoverStopPropagation) break;
    }
  });

  wx.WxElement = WxElement;
  wx.__base = { define, defineLight, coerce, kebab, cssLength, pxOf, HOVER_PROPS, rootOf, overlayRoot };
})();
