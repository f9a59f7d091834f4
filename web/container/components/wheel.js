/*
 * The scrolling column of picker-view and of picker's popup: a native scroller (touch,
 * wheel and keyboard scroll it; a mouse drags it; a tap on an item picks it) padded so
 * that item i sits in the indicator band when scrollTop = i × item height, snapped to
 * the nearest item when it comes to rest. Nodes carry WeChat's class names.
 *
 *   new Wheel(host, {onStart(), onChange(index), onEnd()})
 *   wheel.content       the element holding the items (one child element per item)
 *   wheel.setIndex(i)   selects without events
 *   wheel.index         the selected item
 *   wheel.layout()      measures again (after a resize, style change, or new items)
 */
'use strict';
(function () {
  class Wheel {
    constructor(host, handlers) {
      this.host = host;
      this.h = handlers || {};
      this.index = 0;
      this.ih = 34;
      this.moving = false;
      this.down = false;
      const mk = (cls, parent) => {
        const n = document.createElement('div');
        n.className = cls;
        n.__wxInternal = true;
        (parent || host).appendChild(n);
        return n;
      };
      this.scroller = mk('wx-picker');
      this.content = mk('wx-picker-content', this.scroller);
      this.mask = mk('wx-picker-mask');
      this.indicator = mk('wx-picker-indicator');
      this.scroller.setAttribute('tabindex', '0');
      this.scroller.setAttribute('role', 'listbox');
      this._quiet = -1;
      const sc = this.scroller;
      sc.addEventListener('scroll', () => this._scroll(), { passive: true });
      sc.addEventListener('touchstart', () => this._press(true), { passive: true });
      sc.addEventListener('touchend', () => this._press(false), { passive: true });
      sc.addEventListener('touchcancel', () => this._press(false), { passive: true });
      sc.addEventListener('pointerdown', (e) => this._mouseDown(e));
      sc.addEventListener('click', (e) => this._click(e));
      sc.addEventListener('keydown', (e) => this._key(e));
      if (typeof ResizeObserver === 'function') {
        this._ro = new ResizeObserver(() => this.layout());
        this._ro.observe(host);
      }
      this._mo = new MutationObserver(() => this.layout());
      this._mo.observe(this.content, { childList: true });
    }

    count() {
      return this.content.children.length;
    }

    /** Indicator style and class, mask style and class (picker-view's props). */
    styleParts(indicatorStyle, indicatorClass, maskStyle, maskClass) {
      this.indicator.className = ('wx-picker-indicator ' + (indicatorClass || '')).trim();
      this.indicator.style.cssText = indicatorStyle || '';
      this.mask.className = ('wx-picker-mask ' + (maskClass || '')).trim();
      this.mask.style.cssText = maskStyle || '';
      this.layout();
    }

    layout() {
      const H = this.host.clientHeight;
      const ih = this.indicator.offsetHeight || 34;
      if (!H) return;
      this.ih = ih;
      const pad = Math.max(0, (H - ih) / 2);
      this.content.style.paddingTop = this.content.style.paddingBottom = pad + 'px';
      this.content.style.setProperty('--wx-picker-item-height', ih + 'px');
      this.indicator.style.top = pad + 'px';
      this.mask.style.backgroundSize = '100% ' + pad + 'px';
      if (!this.moving) {
        this.index = this._clamp(this.want === undefined ? this.index : this.want);
        this._jump(this.index);
      }
    }

    _clamp(i) {
      const n = this.count();
      return Math.max(0, Math.min(n ? n - 1 : 0, i | 0));
    }

    /** Selects item i without events (kept for items that arrive later). */
    setIndex(i) {
      this.want = i | 0;
      this.index = this._clamp(i);
      if (!this.moving) this._jump(this.index);
    }

    _jump(i) {
      const top = i * this.ih;
      if (Math.abs(this.scroller.scrollTop - top) < 1) return;
      this._quiet = top;
      this.scroller.scrollTop = top;
    }

    scrollToIndex(i) {
      const n = this.count();
      i = Math.max(0, Math.min(n - 1, i));
      this.scroller.scrollTo({ top: i * this.ih, behavior: 'smooth' });
      this._arm();
    }

    _scroll() {
      const st = this.scroller.scrollTop;
      if (this._quiet >= 0 && Math.abs(st - this._quiet) < 1 && !this.moving) {
        this._quiet = -1;
        return;
      }
      this._quiet = -1;
      if (!this.moving) {
        this.moving = true;
        if (this.h.onStart) this.h.onStart();
      }
      this._arm();
    }

    _arm() {
      if (!this.moving) {
        this.moving = true;
        if (this.h.onStart) this.h.onStart();
      }
      clearTimeout(this._t);
      this._t = setTimeout(() => this._settle(), 120);
    }

    _press(down) {
      this.down = down;
      if (!down && this.moving) this._arm();
    }

    _settle() {
      if (this.down) return; // again when the finger lifts
      const n = this.count();
      const st = this.scroller.scrollTop;
      const i = Math.max(0, Math.min(n - 1, Math.round(st / this.ih)));
      const top = i * this.ih;
      if (Math.abs(st - top) > 1 && n) {
        this.scroller.scrollTo({ top, behavior: 'smooth' });
        this._t = setTimeout(() => this._settle(), 300);
        return;
      }
      this.moving = false;
      if (n && i !== this.index) {
        this.index = this.want = i;
        if (this.h.onChange) this.h.onChange(i);
      }
      if (this.h.onEnd) this.h.onEnd();
    }

    /** The item under the current position (while moving). */
    nearest() {
      const n = this.count();
      return Math.max(0, Math.min(n - 1, Math.round(this.scroller.scrollTop / this.ih)));
    }

    _mouseDown(e) {
      if (e.pointerType !== 'mouse' || e.button !== 0) return;
      const sc = this.scroller;
      const y0 = e.clientY;
      const st0 = sc.scrollTop;
      const id = e.pointerId;
      let moved = false;
      let last = [{ y: y0, t: e.timeStamp }];
      this.down = true;
      const move = (ev) => {
        if (ev.pointerId !== id) return;
        const dy = ev.clientY - y0;
        if (!moved && Math.abs(dy) < 4) return;
        if (!moved) {
          moved = true;
          try {
            sc.setPointerCapture(id);
          } catch (_) {}
        }
        sc.scrollTop = st0 - dy;
        last.push({ y: ev.clientY, t: ev.timeStamp });
        if (last.length > 5) last.shift();
      };
      const up = (ev) => {
        if (ev.pointerId !== id) return;
        window.removeEventListener('pointermove', move, true);
        window.removeEventListener('pointerup', up, true);
        window.removeEventListener('pointercancel', up, true);
        this.down = false;
        if (!moved) return;
        this._swallowClick = true;
        setTimeout(() => (this._swallowClick = false), 0);
        // A flick carries on a little, then the column snaps.
        const a = last[0];
        const b = last[last.length - 1];
        // A pause before letting go is no flick.
        const v = b.t > a.t && ev.timeStamp - b.t < 80 ? (b.y - a.y) / (b.t - a.t) : 0;
        const n = this.count();
        const target = Math.max(0, Math.min(n - 1, Math.round((sc.scrollTop - v * 120) / this.ih)));
        sc.scrollTo({ top: target * this.ih, behavior: 'smooth' });
        this._arm();
      };
      window.addEventListener('pointermove', move, true);
      window.addEventListener('pointerup', up, true);
      window.addEventListener('pointercancel', up, true);
    }

    _click(e) {
      if (this._swallowClick) return;
      let n = e.target;
      while (n && n.parentNode !== this.content) n = n.parentNode;
      if (!n) return;
      const i = Array.prototype.indexOf.call(this.content.children, n);
      if (i >= 0) this.scrollToIndex(i);
    }

    _key(e) {
      const i = this.moving ? this.nearest() : this.index;
      if (e.key === 'ArrowDown') this.scrollToIndex(i + 1);
      else if (e.key === 'ArrowUp') this.scrollToIndex(i - 1);
      else return;
      e.preventDefault();
    }

    destroy() {
      if (this._ro) this._ro.disconnect();
      this._mo.disconnect();
      clearTimeout(this._t);
    }
  }

  window.__wx.__base.Wheel = Wheel;
})();
