/*
 * progress: a bar (stroke-width, border-radius, activeColor/backgroundColor) with an
 * optional "N%" (show-info, font-size); `active` animates from 0 (active-mode
 * backwards) or from the last percent (forwards) at `duration` ms per percent, then
 * emits activeend {curPercent}.
 */
'use strict';
(function () {
  const B = window.__wx.__base;

  class WxProgress extends window.__wx.WxElement {
    static get props() {
      return {
        percent: { type: Number, value: 0 },
        showInfo: { type: Boolean, value: false },
        borderRadius: { type: null, value: 0 },
        fontSize: { type: null, value: 16 },
        strokeWidth: { type: null, value: 6 },
        color: { type: String, value: '' },
        activeColor: { type: String, value: '' },
        backgroundColor: { type: String, value: '#EBEBEB' },
        active: { type: Boolean, value: false },
        activeMode: { type: String, value: 'backwards' },
        duration: { type: Number, value: 30 },
      };
    }
    init() {
      this.setAttribute('role', 'progressbar');
      this.setAttribute('aria-valuemin', '0');
      this.setAttribute('aria-valuemax', '100');
      this._bar = this.internal('div', 'wx-progress-bar');
      this._inner = this.internal('div', 'wx-progress-inner-bar', this._bar);
      this._info = this.internal('p', 'wx-progress-info');
      this.emptySlot();
      this._shown = 0;
    }
    target() {
      const v = this.props.percent;
      return Math.max(0, Math.min(100, isFinite(v) ? v : 0));
    }
    update(name) {
      const p = this.props;
      const h = B.cssLength(p.strokeWidth, '6px');
      this._bar.style.height = h;
      this._bar.style.borderRadius = B.cssLength(p.borderRadius, '0px');
      this._inner.style.borderRadius = B.cssLength(p.borderRadius, '0px');
      this._bar.style.backgroundColor = p.backgroundColor;
      this._inner.style.backgroundColor = p.activeColor || p.color || '#09BB07';
      this._info.style.display = p.showInfo ? '' : 'none';
      this._info.style.fontSize = B.cssLength(p.fontSize, '16px');
      if (name === null || name === 'percent' || name === 'active') this._animate();
    }
    _draw(v) {
      this._shown = v;
      this._inner.style.width = v + '%';
      this._info.textContent = Math.round(v) + '%';
      this.setAttribute('aria-valuenow', String(Math.round(v)));
    }
    _animate() {
      const to = this.target();
      if (this._raf) cancelAnimationFrame(this._raf);
      this._raf = 0;
      if (!this.props.active) {
        this._draw(to);
        return;
      }
      const from = this.props.activeMode === 'forwards' ? this._shown : 0;
      const per = Math.max(0, this.props.duration);
      const total = Math.abs(to - from) * per;
      const t0 = performance.now();
      const step = (now) => {
        const k = total ? Math.min(1, (now - t0) / total) : 1;
        this._draw(from + (to - from) * k);
        if (k < 1) this._raf = requestAnimationFrame(step);
        else {
          this._raf = 0;
          this.emit('activeend', { curPercent: to });
        }
      };
      this._draw(from);
      this._raf = requestAnimationFrame(step);
    }
  }
  B.define('progress', WxProgress);
})();
