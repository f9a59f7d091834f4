/*
 * movable-area / movable-view: the view is dragged inside the area (direction all /
 * vertical / horizontal / none), kept within it unless out-of-bounds (then it springs
 * back), with inertia (friction) and pinch or ctrl+wheel scaling (scale, scale-min,
 * scale-max, scale-value). x / y / scale-value set by the page move it (animated
 * unless animation is false). Events: change {x, y, source: "touch" |
 * "touch-out-of-bounds" | "out-of-bounds" | "friction" | ""}, scale {x, y, scale},
 * htouchmove / vtouchmove at the start of a horizontal / vertical drag.
 */
'use strict';
(function () {
  const B = window.__wx.__base;
  const round = (v) => Math.round(v * 100) / 100;

  class WxMovableArea extends window.__wx.WxElement {
    static get props() {
      return { scaleArea: { type: Boolean, value: false } };
    }
    views() {
      return Array.prototype.filter.call(this.children, (c) => c.localName === 'wx-movable-view');
    }
    init() {
      if (typeof ResizeObserver === 'function') {
        this._ro = new ResizeObserver(() => this.views().forEach((v) => v._fit && v._fit(null)));
        this._ro.observe(this);
      }
    }
  }
  B.define('movable-area', WxMovableArea);

  class WxMovableView extends window.__wx.WxElement {
    static get props() {
      return {
        direction: { type: String, value: 'none' },
        inertia: { type: Boolean, value: false },
        outOfBounds: { type: Boolean, value: false },
        x: { type: null, value: 0 },
        y: { type: null, value: 0 },
        damping: { type: Number, value: 20 },
        friction: { type: Number, value: 2 },
        disabled: { type: Boolean, value: false, reflect: true },
        scale: { type: Boolean, value: false },
        scaleMin: { type: Number, value: 0.1 },
        scaleMax: { type: Number, value: 10 },
        scaleValue: { type: Number, value: 1 },
        animation: { type: Boolean, value: true },
      };
    }

    init() {
      this._x = 0;
      this._y = 0;
      this._s = 1;
      // The runtime rewrites the style attribute (WXML style="…"): put the position back.
      this._styleMo = new MutationObserver(() => this._apply(false, true));
      this._styleMo.observe(this, { attributes: true, attributeFilter: ['style'] });
      this._pointers = new Map();
      this.addEventListener('pointerdown', (e) => this._down(e));
      this.addEventListener('wheel', (e) => this._wheel(e), { passive: false });
      this.addEventListener('touchmove', (e) => {
        if (this._dragging && e.cancelable) e.preventDefault();
      }, { passive: false });
    }

    update(name) {
      const p = this.props;
      const dir = p.direction;
      this._touchAction = p.disabled ? '' : dir === 'all' || p.scale ? 'none' : dir === 'horizontal' ? 'pan-y' : dir === 'vertical' ? 'pan-x' : '';
      this._apply(false, true);
      if (name === null || name === 'scaleValue') {
        const s = this._clampScale(p.scaleValue);
        if (s !== this._s) {
          this._s = s;
          this._fit('', true);
          this.emit('scale', { x: round(this._x), y: round(this._y), scale: s });
        }
      }
      if (name === null || name === 'x' || name === 'y') {
        // A changed x moves along x only: y stays where the user left it (and the reverse).
        const w = this._want || [0, 0];
        if (name === null) this._want = [B.pxOf(p.x, 0), B.pxOf(p.y, 0)];
        else if (name === 'x') this._want = [B.pxOf(p.x, 0), this._placed ? this._y : w[1]];
        else this._want = [this._placed ? this._x : w[0], B.pxOf(p.y, 0)];
        // Before layout the area has no size yet: connected() places it.
        if (this.isConnected && this.parentNode && this.parentNode.clientWidth) this._moveTo(this._want[0], this._want[1], name === null ? null : '', name !== null && p.animation);
      }
    }

    connected() {
      requestAnimationFrame(() => {
        if (this.isConnected && this._want) this._moveTo(this._want[0], this._want[1], null, false);
      });
    }

    _clampScale(s) {
      const p = this.props;
      const min = Math.max(0.1, p.scaleMin || 0.1);
      const max = Math.min(10, Math.max(min, p.scaleMax || 10));
      return Math.max(min, Math.min(max, s || 1));
    }

    /** The allowed range of x and y (the view's scaled box inside the area). */
    bounds() {
      const area = this.parentNode;
      const aw = area && area.clientWidth ? area.clientWidth : 0;
      const ah = area && area.clientHeight ? area.clientHeight : 0;
      const w = this.offsetWidth * this._s;
      const h = this.offsetHeight * this._s;
      // Scaling is about the centre: the box's left edge moves by (w0 - w)/2.
      const ox = (this.offsetWidth - w) / 2;
      const oy = (this.offsetHeight - h) / 2;
      const x1 = Math.min(0, aw - w) - ox;
      const x2 = Math.max(0, aw - w) - ox;
      const y1 = Math.min(0, ah - h) - oy;
      const y2 = Math.max(0, ah - h) - oy;
      return { x1, x2, y1, y2 };
    }

    _clamp(x, y) {
      const b = this.bounds();
      return [Math.max(b.x1, Math.min(b.x2, x)), Math.max(b.y1, Math.min(b.y2, y))];
    }

    /** Writes position and scale (keep: leave a running transition alone). */
    _apply(animate, keep) {
      const st = this.style;
      const d = Math.max(0.05, Math.min(1.5, 6 / Math.max(1, this.props.damping)));
      const tr = animate ? 'transform ' + d + 's cubic-bezier(.25, .8, .4, 1)' : '';
      if (!keep && st.transition !== tr) st.transition = tr;
      const t = 'translateX(' + this._x + 'px) translateY(' + this._y + 'px) translateZ(0px) scale(' + this._s + ')';
      if (st.transform !== t) st.transform = t;
      if (this._touchAction !== undefined && st.touchAction !== this._touchAction) st.touchAction = this._touchAction;
      if (this._styleMo) this._styleMo.takeRecords();
    }

    /** Moves to (x, y) clamped; emits change with `source` unless it is null. */
    _moveTo(x, y, source, animate) {
      this._placed = true;
      const c = this._clamp(x, y);
      const changed = c[0] !== this._x || c[1] !== this._y;
      this._x = c[0];
      this._y = c[1];
      this._apply(animate);
      if (changed && source !== null) this.emit('change', { x: round(this._x), y: round(this._y), source });
    }

    _fit(source, animate) {
      this._moveTo(this._x, this._y, source, animate);
    }

    _down(e) {
      const p = this.props;
      if (p.disabled || (e.button && e.button !== 0)) return;
      this._pointers.set(e.pointerId, { x: e.clientX, y: e.clientY });
      if (this._pointers.size === 2 && p.scale) return this._pinchStart();
      if (this._pointers.size > 1) return;
      if (p.direction === 'none') return;
      cancelAnimationFrame(this._raf);
      const d = { id: e.pointerId, x0: e.clientX, y0: e.clientY, vx: this._x, vy: this._y, first: true, hist: [] };
      this._drag = d;
      try {
        this.setPointerCapture(e.pointerId);
      } catch (_) {}
      const move = (ev) => {
        if (!this._pointers.has(ev.pointerId)) return;
        this._pointers.set(ev.pointerId, { x: ev.clientX, y: ev.clientY });
        if (this._pinch) return this._pinchMove();
        if (ev.pointerId !== d.id || this._drag !== d) return;
        const dx = ev.clientX - d.x0;
        const dy = ev.clientY - d.y0;
        if (d.first) {
          if (Math.abs(dx) < 2 && Math.abs(dy) < 2) return;
          d.first = false;
          this._dragging = true;
          this.emit(Math.abs(dx) >= Math.abs(dy) ? 'htouchmove' : 'vtouchmove', {});
        }
        const dir = this.props.direction;
        let x = dir === 'all' || dir === 'horizontal' ? d.vx + dx : this._x;
        let y = dir === 'all' || dir === 'vertical' ? d.vy + dy : this._y;
        d.hist.push({ t: ev.timeStamp, x, y });
        if (d.hist.length > 6) d.hist.shift();
        if (this.props.outOfBounds) {
          // Past the edge it follows the finger with resistance.
          const c = this._clamp(x, y);
          x = c[0] + (x - c[0]) * 0.4;
          y = c[1] + (y - c[1]) * 0.4;
          const out = x !== c[0] || y !== c[1];
          if (x !== this._x || y !== this._y) {
            this._x = x;
            this._y = y;
            this._apply(false);
            this.emit('change', { x: round(x), y: round(y), source: out ? 'touch-out-of-bounds' : 'touch' });
          }
        } else this._moveTo(x, y, 'touch', false);
      };
      const up = (ev) => {
        this._pointers.delete(ev.pointerId);
        if (this._pinch && this._pointers.size < 2) this._pinch = null;
        if (ev.pointerId !== d.id) return;
        window.removeEventListener('pointermove', move, true);
        window.removeEventListener('pointerup', up, true);
        window.removeEventListener('pointercancel', up, true);
        this._pointers.clear();
        this._drag = null;
        this._dragging = false;
        const c = this._clamp(this._x, this._y);
        if (c[0] !== this._x || c[1] !== this._y) {
          this._moveTo(c[0], c[1], 'out-of-bounds', true);
          return;
        }
        if (this.props.inertia && d.hist.length > 1) {
          const a = d.hist[0];
          const b = d.hist[d.hist.length - 1];
          const dt = b.t - a.t;
          if (dt > 0) this._fling(((b.x - a.x) / dt) * 16, ((b.y - a.y) / dt) * 16);
        }
      };
      window.addEventListener('pointermove', move, true);
      window.addEventListener('pointerup', up, true);
      window.addEventListener('pointercancel', up, true);
    }

    /** Inertia: velocity (px per frame) decays with friction; change source "friction". */
    _fling(vx, vy) {
      const k = Math.max(0.5, Math.min(0.98, 1 - 0.025 * (this.props.friction > 0 ? this.props.friction : 2)));
      const step = () => {
        vx *= k;
        vy *= k;
        if (Math.abs(vx) < 0.3 && Math.abs(vy) < 0.3) return;
        const before = [this._x, this._y];
        this._moveTo(this._x + vx, this._y + vy, 'friction', false);
        if (before[0] === this._x && before[1] === this._y) return;
        this._raf = requestAnimationFrame(step);
      };
      this._raf = requestAnimationFrame(step);
    }

    _pinchStart() {
      const pts = Array.from(this._pointers.values());
      this._pinch = { d0: Math.hypot(pts[0].x - pts[1].x, pts[0].y - pts[1].y) || 1, s0: this._s };
      this._drag = null;
    }

    _pinchMove() {
      const pts = Array.from(this._pointers.values());
      if (pts.length < 2 || !this._pinch) return;
      const d = Math.hypot(pts[0].x - pts[1].x, pts[0].y - pts[1].y);
      this._setScale(this._pinch.s0 * (d / this._pinch.d0));
    }

    _setScale(s) {
      s = this._clampScale(s);
      if (s === this._s) return;
      this._s = s;
      this._fit(null, false);
      this.propChanged('scaleValue', s);
      this.emit('scale', { x: round(this._x), y: round(this._y), scale: round(s) });
    }

    _wheel(e) {
      if (!this.props.scale || this.props.disabled || !e.ctrlKey) return;
      e.preventDefault();
      this._setScale(this._s * Math.exp(-e.deltaY / 200));
    }
  }
  B.define('movable-view', WxMovableView);
})();
