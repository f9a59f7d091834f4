/*
 * picker-view / picker-view-column: an embedded wheel picker. Each column's children
 * are its items (each as tall as the indicator, indicator-style "height: 50px" sets
 * it); value [i, j…] selects, change {value} when the columns come to rest (or at
 * release with immediate-change), pickstart / pickend around a scroll.
 */
'use strict';
(function () {
  const B = window.__wx.__base;

  class WxPickerView extends window.__wx.WxElement {
    static get props() {
      return {
        value: { type: Array, value: [] },
        indicatorStyle: { type: String, value: '' },
        indicatorClass: { type: String, value: '' },
        maskStyle: { type: String, value: '' },
        maskClass: { type: String, value: '' },
        immediateChange: { type: Boolean, value: false },
        name: { type: String, value: '' },
      };
    }
    init() {
      this._moving = 0;
      this._mo = new MutationObserver(() => this._sync());
      this._mo.observe(this, { childList: true });
    }
    columns() {
      return Array.prototype.filter.call(this.children, (c) => c.localName === 'wx-picker-view-column');
    }
    update(name) {
      if (name === null || name === 'value') this._sync();
      else this._styles();
    }
    connected() {
      this._sync();
    }
    _styles() {
      const p = this.props;
      for (const c of this.columns()) c._styleParts(p.indicatorStyle, p.indicatorClass, p.maskStyle, p.maskClass);
    }
    _sync() {
      this._styles();
      const v = this.props.value || [];
      this.columns().forEach((c, i) => c._select(+v[i] || 0));
    }
    current() {
      return this.columns().map((c) => c._index());
    }
    _colStart() {
      if (this._moving++ === 0) this.emit('pickstart', {});
    }
    _colEnd(changed) {
      if (changed) this._changed();
      this._moving = Math.max(0, this._moving - 1);
      if (this._moving === 0) this.emit('pickend', {});
    }
    _changed() {
      const value = this.current();
      this.propChanged('value', value);
      this.emit('change', { value });
    }
    _formValue() {
      return this.current();
    }
  }
  B.define('picker-view', WxPickerView);

  class WxPickerViewColumn extends window.__wx.WxElement {
    init() {
      let changed = false;
      let released = -1;
      this._wheel = new B.Wheel(this, {
        onStart: () => {
          changed = false;
          released = -1;
          const pv = this._view();
          if (pv) pv._colStart();
        },
        onChange: () => {
          changed = true;
        },
        onEnd: () => {
          const pv = this._view();
          // With immediate-change the value went out at release; only a different rest counts.
          const c = changed && !(released >= 0 && released === this._wheel.index);
          changed = false;
          if (pv) pv._colEnd(c);
        },
      });
      const release = () => {
        const pv = this._view();
        if (!pv || !pv.props.immediateChange || !this._wheel.moving) return;
        const i = this._wheel.nearest();
        if (i !== this._wheel.index) {
          this._wheel.index = this._wheel.want = i;
          released = i;
          pv._changed();
        }
      };
      this._wheel.scroller.addEventListener('touchend', release);
      this._wheel.scroller.addEventListener('pointerup', (e) => e.pointerType === 'mouse' && setTimeout(release, 0));
      this.useSlot(this._wheel.content);
    }
    _view() {
      const p = this.parentNode;
      return p && p.localName === 'wx-picker-view' ? p : null;
    }
    _styleParts(is, ic, ms, mc) {
      this._init();
      this._wheel.styleParts(is, ic, ms, mc);
    }
    _select(i) {
      this._init();
      this._wheel.setIndex(i);
    }
    _index() {
      return this._wheel ? this._wheel.index : 0;
    }
    connected() {
      const pv = this._view();
      if (pv && pv.__inited) pv._sync();
      else this._wheel.layout();
    }
    disconnected() {}
  }
  B.define('picker-view-column', WxPickerViewColumn);
})();
