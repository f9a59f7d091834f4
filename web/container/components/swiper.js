/*
 * swiper / swiper-item: slides placed by transforms (WeChat's `.wx-swiper-*` nodes and
 * dots), dragged by touch, pen or mouse, autoplay, circular, vertical, previous/next
 * margins, display-multiple-items, easing-function. Events: change {current,
 * currentItemId, source: "autoplay" | "touch" | ""}, transition {dx, dy} while the
 * slides move, animationfinish {current, currentItemId, source} when they stop.
 */
'use strict';
(function () {
  const B = window.__wx.__base;

  const EASE = {
    linear: (t) => t,
    easeInCubic: (t) => t * t * t,
    easeOutCubic: (t) => 1 - Math.pow(1 - t, 3),
    easeInOutCubic: (t) => (t < 0.5 ? 4 * t * t * t : 1 - Math.pow(-2 * t + 2, 3) / 2),
    default: (t) => 1 - Math.pow(1 - t, 2.2),
  };
  const mod = (a, n) => ((a % n) + n) % n;

  class WxSwiper extends window.__wx.WxElement {
    static get props() {
      return {
        indicatorDots: { type: Boolean, value: false },
        indicatorColor: { type: String, value: 'rgba(0, 0, 0, .3)' },
        indicatorActiveColor: { type: String, value: '#000000' },
        autoplay: { type: Boolean, value: false },
        current: { type: Number, value: 0 },
        currentItemId: { type: String, value: '' },
        interval: { type: Number, value: 5000 },
        duration: { type: Number, value: 500 },
        circular: { type: Boolean, value: false },
        vertical: { type: Boolean, value: false, reflect: true },
        previousMargin: { type: null, value: '0px' },
        nextMargin: { type: null, value: '0px' },
        snapToEdge: { type: Boolean, value: false },
        displayMultipleItems: { type: Number, value: 1 },
        skipHiddenItemLayout: { type: Boolean, value: false },
        easingFunction: { type: String, value: 'default' },
        disableTouch: { type: Boolean, value: false },
        touchable: { type: Boolean, value: true },
      };
    }

    init() {
      this._wrapper = this.internal('div', 'wx-swiper-wrapper');
      this._slides = this.internal('div', 'wx-swiper-slides', this._wrapper);
      this._frame = this.internal('div', 'wx-swiper-slide-frame', this._slides);
      this._dotsBox = this.internal('div', 'wx-swiper-dots', this._wrapper);
      this.useSlot(this._frame);
      this._cur = 0;
      this._pos = 0;
      this._wanted = 0;
      // Items come and go; the runtime also rewrites their style attribute (transforms are ours).
      this._mo = new MutationObserver((recs) => {
        if (recs.some((r) => r.type === 'childList')) this._itemsChanged();
        else if (recs.some((r) => r.target.parentNode === this._frame)) this._layout();
      });
      this._mo.observe(this._frame, { childList: true, attributes: true, attributeFilter: ['style'], subtree: true });
      this._wrapper.addEventListener('pointerdown', (e) => this._down(e));
      this._wrapper.addEventListener('touchmove', (e) => {
        if (this._drag && this._drag.mine && e.cancelable) e.preventDefault();
      }, { passive: false });
      this.setAttribute('role', 'region');
      this.setAttribute('aria-roledescription', 'carousel');
    }

    items() {
      return Array.prototype.filter.call(this._frame.children, (c) => c.localName === 'wx-swiper-item');
    }

    /** How many positions current can take (display-multiple-items leaves the last ones out). */
    positions() {
      const n = this.items().length;
      const m = this._multi();
      return this.props.circular && n > m ? n : Math.max(1, n - m + 1);
    }

    _multi() {
      return Math.max(1, Math.floor(this.props.displayMultipleItems) || 1);
    }

    update(name) {
      const p = this.props;
      const all = name === null;
      this._dotsBox.className = 'wx-swiper-dots ' + (p.vertical ? 'wx-swiper-dots-vertical' : 'wx-swiper-dots-horizontal');
      this._dotsBox.style.display = p.indicatorDots ? '' : 'none';
      const s = this._slides.style;
      const prev = B.cssLength(p.previousMargin, '0px');
      const next = B.cssLength(p.nextMargin, '0px');
      s.left = p.vertical ? '0' : prev;
      s.right = p.vertical ? '0' : next;
      s.top = p.vertical ? prev : '0';
      s.bottom = p.vertical ? next : '0';
      this._wrapper.style.touchAction = p.vertical ? 'pan-x' : 'pan-y';
      const m = this._multi();
      this._frame.style.width = p.vertical ? '100%' : 100 / m + '%';
      this._frame.style.height = p.vertical ? 100 / m + '%' : '100%';
      if (name === 'currentItemId' && p.currentItemId) {
        const i = this.items().findIndex((it) => it.props && it.props.itemId === p.currentItemId);
        if (i >= 0) this._goto(i, '');
      } else if (all || name === 'current') {
        this._wanted = p.current | 0;
        if (all) this._jump(this._clamp(this._wanted));
        else this._goto(this._wanted, '');
      }
      if (all && p.currentItemId) {
        const i = this.items().findIndex((it) => it.props && it.props.itemId === p.currentItemId);
        if (i >= 0) this._jump(i);
      }
      this._layout();
      this._dots();
      if (all || name === 'autoplay' || name === 'interval') this._autoplay();
    }

    connected() {
      this._autoplay();
    }

    disconnected() {
      clearTimeout(this._timer);
      this._timer = 0;
    }

    _clamp(i) {
      return Math.max(0, Math.min(this.positions() - 1, i | 0));
    }

    _itemsChanged() {
      // Children may come after `current` (or current-item-id) was set: keep what the page asked for.
      if (this.props.currentItemId && !this._drag) {
        const i = this.items().findIndex((it) => it.props && it.props.itemId === this.props.currentItemId);
        if (i >= 0 && this._cur === 0 && !this._anim) this._wanted = i;
      }
      const want = this._clamp(this._wanted);
      if (!this._anim && !this._drag && want !== this._cur) this._jump(want);
      else if (this._cur > this.positions() - 1) this._jump(this.positions() - 1);
      this._layout();
      this._dots();
      this._autoplay();
    }

    _id(i) {
      const it = this.items()[i];
      return it && it.props ? it.props.itemId || '' : '';
    }

    _jump(i) {
      this._stopAnim();
      this._cur = i;
      this._pos = i;
      this._layout();
      this._dots();
    }

    /** Places every item for the fractional position this._pos. */
    _layout() {
      const items = this.items();
      const n = items.length;
      const m = this._multi();
      const circ = this.props.circular && n > m;
      const v = this.props.vertical;
      for (let i = 0; i < n; i++) {
        let d = i - this._pos;
        if (circ) {
          const k = (n - m) / 2;
          d = mod(d + k, n) - k;
        }
        const t = v ? 'translate(0px, ' + d * 100 + '%) translateZ(0px)' : 'translate(' + d * 100 + '%, 0px) translateZ(0px)';
        if (items[i].style.transform !== t) items[i].style.transform = t;
        const hide = d > -1 && d < m ? 'false' : 'true';
        if (items[i].getAttribute('aria-hidden') !== hide) items[i].setAttribute('aria-hidden', hide);
      }
      if (this._mo) this._mo.takeRecords();
    }

    _dots() {
      const box = this._dotsBox;
      const count = this.items().length ? this.positions() : 0;
      while (box.children.length > count) box.lastChild.remove();
      while (box.children.length < count) {
        const d = document.createElement('div');
        d.className = 'wx-swiper-dot';
        box.appendChild(d);
      }
      const cur = mod(Math.round(this._cur), Math.max(1, count));
      for (let i = 0; i < count; i++) {
        const d = box.children[i];
        const on = i === cur;
        d.classList.toggle('wx-swiper-dot-active', on);
        d.style.backgroundColor = on ? this.props.indicatorActiveColor : this.props.indicatorColor;
      }
    }

    _size() {
      const r = this._frame.getBoundingClientRect();
      return (this.props.vertical ? r.height : r.width) || 1;
    }

    _transition() {
      const px = (this._pos - this._cur) * this._size();
      this.emit('transition', this.props.vertical ? { dx: 0, dy: px } : { dx: px, dy: 0 });
    }

    _stopAnim() {
      if (this._anim) cancelAnimationFrame(this._anim.raf);
      this._anim = null;
    }

    /** Moves to index `to` (circular: the short way round), emitting change first. */
    _goto(to, source) {
      const n = this.items().length;
      if (!n) {
        this._wanted = to;
        return;
      }
      const circ = this.props.circular && n > this._multi();
      to = circ ? mod(to, n) : this._clamp(to);
      if (to === this._cur && !this._anim && this._pos === to) return;
      let target = to;
      if (circ) {
        // Travel the shorter way from the current position.
        let d = to - mod(this._pos, n);
        if (d > n / 2) d -= n;
        if (d < -n / 2) d += n;
        target = this._pos + d;
      }
      const changed = to !== this._cur;
      this._cur = to;
      this._wanted = to;
      if (changed) {
        this.propChanged('current', to);
        this.emit('change', { current: to, currentItemId: this._id(to), source });
      }
      this._dots();
      this._animate(target, source);
    }

    _animate(target, source) {
      this._stopAnim();
      const from = this._pos;
      const dur = Math.max(0, this.props.duration);
      const ease = EASE[this.props.easingFunction] || EASE.default;
      const t0 = performance.now();
      const n = this.items().length;
      const done = () => {
        this._anim = null;
        const circ = this.props.circular && n > this._multi();
        this._pos = circ ? mod(Math.round(target), n) : Math.round(target);
        this._layout();
        this.emit('animationfinish', { current: this._cur, currentItemId: this._id(this._cur), source });
        this._autoplay();
      };
      if (!dur || from === target) {
        this._pos = target;
        this._layout();
        if (from !== target) this._transition();
        return done();
      }
      const anim = (this._anim = { raf: 0 });
      const step = (now) => {
        if (this._anim !== anim) return;
        const k = Math.min(1, (now - t0) / dur);
        this._pos = from + (target - from) * ease(k);
        this._layout();
        this._transition();
        if (k < 1) anim.raf = requestAnimationFrame(step);
        else done();
      };
      anim.raf = requestAnimationFrame(step);
    }

    _autoplay() {
      clearTimeout(this._timer);
      this._timer = 0;
      if (!this.props.autoplay || !this.isConnected || this._drag || this._anim) return;
      if (this.items().length < 2) return;
      this._timer = setTimeout(() => {
        this._timer = 0;
        if (this._drag || this._anim || !this.isConnected) return;
        const n = this.items().length;
        const circ = this.props.circular && n > this._multi();
        const next = this._cur + 1;
        this._goto(circ ? next : next > this.positions() - 1 ? 0 : next, 'autoplay');
      }, Math.max(0, this.props.interval));
    }

    // ── dragging ─────────────────────────────────────────────────────────────────────

    _down(e) {
      const p = this.props;
      if (p.disableTouch || !p.touchable || (e.button && e.button !== 0) || this._drag) return;
      const n = this.items().length;
      if (!n) return;
      const v = p.vertical;
      this._stopAnim();
      clearTimeout(this._timer);
      this._timer = 0;
      const size = this._size();
      const d = (this._drag = { id: e.pointerId, x0: e.clientX, y0: e.clientY, pos0: this._pos, mine: false, decided: false, hist: [] });
      const move = (ev) => {
        if (ev.pointerId !== d.id) return;
        const dx = ev.clientX - d.x0;
        const dy = ev.clientY - d.y0;
        if (!d.decided) {
          if (Math.abs(dx) < 5 && Math.abs(dy) < 5) return;
          d.decided = true;
          d.mine = v ? Math.abs(dy) >= Math.abs(dx) : Math.abs(dx) >= Math.abs(dy);
          if (!d.mine) return end(ev);
          try {
            this._wrapper.setPointerCapture(d.id);
          } catch (_) {}
        }
        const delta = v ? dy : dx;
        let pos = d.pos0 - delta / size;
        const circ = p.circular && n > this._multi();
        if (!circ) {
          const max = this.positions() - 1;
          if (pos < 0) pos = pos * 0.35;
          else if (pos > max) pos = max + (pos - max) * 0.35;
        }
        this._pos = pos;
        d.hist.push({ t: ev.timeStamp, d: delta });
        if (d.hist.length > 6) d.hist.shift();
        this._layout();
        this._transition();
        if (ev.cancelable) ev.preventDefault();
      };
      const end = (ev) => {
        if (ev.pointerId !== d.id) return;
        window.removeEventListener('pointermove', move, true);
        window.removeEventListener('pointerup', end, true);
        window.removeEventListener('pointercancel', end, true);
        this._drag = null;
        if (!d.mine) return this._autoplay();
        if (d.mine && ev.type === 'pointerup') this._swallowClick();
        const a = d.hist[0];
        const b = d.hist[d.hist.length - 1];
        const vel = a && b && b.t > a.t ? (b.d - a.d) / (b.t - a.t) : 0; // px per ms
        const moved = this._pos - this._cur;
        let to = this._cur;
        if (ev.type !== 'pointercancel') {
          if (Math.abs(moved) > 0.5) to = Math.round(this._pos);
          else if (Math.abs(vel) > 0.25 && Math.abs(moved) > 0.02) to = this._cur + (vel < 0 ? 1 : -1);
        }
        const circ = p.circular && n > this._multi();
        if (circ) {
          const target = this._cur + (to - this._cur);
          const idx = mod(target, n);
          const changed = idx !== this._cur;
          this._cur = idx;
          this._wanted = idx;
          if (changed) {
            this.propChanged('current', idx);
            this.emit('change', { current: idx, currentItemId: this._id(idx), source: 'touch' });
          }
          this._dots();
          // Keep the fractional position continuous relative to the new index.
          this._pos = idx + (this._pos - target);
          this._animate(idx, 'touch');
        } else {
          to = this._clamp(to);
          const changed = to !== this._cur;
          this._cur = to;
          this._wanted = to;
          if (changed) {
            this.propChanged('current', to);
            this.emit('change', { current: to, currentItemId: this._id(to), source: 'touch' });
          }
          this._dots();
          this._animate(to, 'touch');
        }
      };
      window.addEventListener('pointermove', move, true);
      window.addEventListener('pointerup', end, true);
      window.addEventListener('pointercancel', end, true);
    }

    /** A drag that ends on a slide is not a tap on it. */
    _swallowClick() {
      const stop = (e) => {
        e.stopPropagation();
        e.preventDefault();
      };
      window.addEventListener('click', stop, true);
      setTimeout(() => window.removeEventListener('click', stop, true), 0);
    }
  }
  B.define('swiper', WxSwiper);

  class WxSwiperItem extends window.__wx.WxElement {
    static get props() {
      return { itemId: { type: String, value: '' }, skipHiddenItemLayout: { type: Boolean, value: false } };
    }
    connected() {
      const sw = this.parentNode && this.parentNode.parentNode && this.parentNode.parentNode.parentNode;
      if (sw && sw.localName === 'wx-swiper' && sw._layout) sw._layout();
    }
  }
  B.define('swiper-item', WxSwiperItem);
})();
