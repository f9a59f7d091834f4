/*
 * slider: WeChat's track and handle (`.wx-slider-*` classes); a press or drag moves the
 * handle (pointer events) emitting changing {value} while moving and change {value}
 * at the end, values on the step grid; arrow keys step it.
 */
'use strict';
(function () {
  const B = window.__wx.__base;

  function decimals(n) {
    const s = String(n);
    const i = s.indexOf('.');
    return i < 0 ? 0 : s.length - i - 1;
  }

  class WxSlider extends window.__wx.WxElement {
    static get props() {
      return {
        min: { type: Number, value: 0 },
        max: { type: Number, value: 100 },
        step: { type: Number, value: 1 },
        disabled: { type: Boolean, value: false, reflect: true },
        value: { type: Number, value: 0 },
        color: { type: String, value: '' },
        selectedColor: { type: String, value: '' },
        activeColor: { type: String, value: '' },
        backgroundColor: { type: String, value: '' },
        blockSize: { type: Number, value: 28 },
        blockColor: { type: String, value: '#ffffff' },
        showValue: { type: Boolean, value: false },
        name: { type: String, value: '' },
      };
    }

    init() {
      this.setAttribute('role', 'slider');
      const wrap = this.internal('div', 'wx-slider-wrapper');
      this._area = this.internal('div', 'wx-slider-tap-area', wrap);
      this._track = this.internal('div', 'wx-slider-handle-wrapper', this._area);
      this._handle = this.internal('div', 'wx-slider-handle', this._track);
      this._thumb = this.internal('div', 'wx-slider-thumb', this._track);
      this._fill = this.internal('div', 'wx-slider-track', this._track);
      this._valueEl = this.internal('div', 'wx-slider-value', wrap);
      this.emptySlot();
      this._value = 0;
      this._area.addEventListener('pointerdown', (e) => this._down(e));
      this.addEventListener('keydown', (e) => this._key(e));
    }

    bounds() {
      const p = this.props;
      const min = p.min;
      const max = p.max > min ? p.max : min;
      const step = p.step > 0 ? p.step : 1;
      return { min, max, step };
    }

    snap(v) {
      const b = this.bounds();
      const n = Math.round((v - b.min) / b.step);
      let out = b.min + n * b.step;
      if (out > b.max) out = b.min + Math.floor((b.max - b.min) / b.step) * b.step;
      if (out < b.min) out = b.min;
      const d = Math.max(decimals(b.step), decimals(b.min));
      return parseFloat(out.toFixed(d));
    }

    update(name) {
      const p = this.props;
      if (name === null || name === 'value' || name === 'min' || name === 'max' || name === 'step') this._value = this.snap(p.value);
      const active = p.activeColor || p.selectedColor || '#1aad19';
      const bg = p.backgroundColor || p.color || '#e9e9e9';
      this._track.style.backgroundColor = bg;
      this._fill.style.backgroundColor = active;
      const size = Math.max(12, Math.min(28, p.blockSize || 28));
      for (const el of [this._handle, this._thumb]) {
        el.style.width = el.style.height = size + 'px';
        el.style.marginLeft = el.style.marginTop = -size / 2 + 'px';
      }
      this._thumb.style.backgroundColor = p.blockColor;
      this._valueEl.style.display = p.showValue ? '' : 'none';
      this.setAttribute('aria-valuemin', String(this.bounds().min));
      this.setAttribute('aria-valuemax', String(this.bounds().max));
      this.setFocusable(!p.disabled);
      this._draw();
    }

    _draw() {
      const b = this.bounds();
      const f = b.max > b.min ? (this._value - b.min) / (b.max - b.min) : 0;
      const pct = Math.max(0, Math.min(1, f)) * 100 + '%';
      this._handle.style.left = this._thumb.style.left = pct;
      this._fill.style.width = pct;
      this._valueEl.textContent = String(this._value);
      this.setAttribute('aria-valuenow', String(this._value));
    }

    _fromX(clientX) {
      const r = this._track.getBoundingClientRect();
      const b = this.bounds();
      const f = r.width ? Math.max(0, Math.min(1, (clientX - r.left) / r.width)) : 0;
      return this.snap(b.min + f * (b.max - b.min));
    }

    _set(v, type) {
      const changed = v !== this._value;
      this._value = v;
      this._draw();
      if (type === 'change' || changed) this.emit(type, { value: v });
      return changed;
    }

    _down(e) {
      if (this.props.disabled || (e.button && e.button !== 0)) return;
      const id = e.pointerId;
      const x0 = e.clientX;
      const y0 = e.clientY;
      const start = this._value;
      let dragging = e.pointerType === 'mouse';
      let decided = dragging;
      if (dragging) e.preventDefault();
      try {
        this._area.setPointerCapture(id);
      } catch (_) {}
      const move = (ev) => {
        if (ev.pointerId !== id) return;
        if (!decided) {
          const dx = Math.abs(ev.clientX - x0);
          const dy = Math.abs(ev.clientY - y0);
          if (dx < 3 && dy < 3) return;
          decided = true;
          dragging = dx >= dy;
          if (!dragging) return end(ev, true);
        }
        if (dragging) this._set(this._fromX(ev.clientX), 'changing');
      };
      const end = (ev, cancel) => {
        if (ev.pointerId !== id) return;
        this._area.removeEventListener('pointermove', move);
        this._area.removeEventListener('pointerup', end);
        this._area.removeEventListener('pointercancel', end);
        if (cancel === true || ev.type === 'pointercancel') return;
        const v = this._fromX(ev.clientX);
        this._value = v;
        this._draw();
        if (v !== start || dragging) {
          this.propChanged('value', v);
          this.emit('change', { value: v });
        }
      };
      this._area.addEventListener('pointermove', move);
      this._area.addEventListener('pointerup', end);
      this._area.addEventListener('pointercancel', end);
    }

    _key(e) {
      if (this.props.disabled) return;
      const b = this.bounds();
      let v = null;
      if (e.key === 'ArrowRight' || e.key === 'ArrowUp') v = this.snap(Math.min(b.max, this._value + b.step));
      else if (e.key === 'ArrowLeft' || e.key === 'ArrowDown') v = this.snap(Math.max(b.min, this._value - b.step));
      else if (e.key === 'Home') v = b.min;
      else if (e.key === 'End') v = this.snap(b.max);
      if (v === null) return;
      e.preventDefault();
      if (v !== this._value) {
        this._value = v;
        this._draw();
        this.propChanged('value', v);
        this.emit('change', { value: v });
      }
    }

    _formValue() {
      return this._value;
    }
    _formReset() {
      this._value = this.snap(this.bounds().min);
      this._draw();
      this.propChanged('value', this._value);
    }
  }
  B.define('slider', WxSlider);
})();
