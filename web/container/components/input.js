/*
 * input and textarea: a real <input>/<textarea> inside, a placeholder element styled by
 * placeholder-class / placeholder-style (as WeChat's `input-placeholder`), WeChat's
 * events and the controlled `value` (a value set while typing, such as the one an
 * input handler returns, keeps the caret where the user was).
 */
'use strict';
(function () {
  const B = window.__wx.__base;

  const COMMON = {
    value: { type: String, value: '' },
    placeholder: { type: String, value: '' },
    placeholderStyle: { type: String, value: '' },
    placeholderClass: { type: String, value: '' },
    disabled: { type: Boolean, value: false, reflect: true },
    maxlength: { type: Number, value: 140 },
    cursorSpacing: { type: Number, value: 0 },
    autoFocus: { type: Boolean, value: false },
    focus: { type: Boolean, value: false },
    confirmType: { type: String, value: 'done' },
    confirmHold: { type: Boolean, value: false },
    cursor: { type: Number, value: -1 },
    selectionStart: { type: Number, value: -1 },
    selectionEnd: { type: Number, value: -1 },
    adjustPosition: { type: Boolean, value: true },
    holdKeyboard: { type: Boolean, value: false },
    name: { type: String, value: '' },
  };

  /** Characters each keyboard type can produce. */
  const FILTERS = {
    number: /[^0-9]/g,
    digit: /[^0-9.]/g,
    idcard: /[^0-9xX]/g,
  };
  const ENTER_HINT = { send: 'send', search: 'search', next: 'next', go: 'go', done: 'done', return: 'enter' };

  class Field extends window.__wx.WxElement {
    buildField(tag, cls) {
      this._wrap = this.internal('div', 'wx-' + this.localName.slice(3) + '-wrapper');
      this._ph = this.internal('div', '', this._wrap);
      this._ph.setAttribute('aria-hidden', 'true');
      const f = (this._field = this.internal(tag, cls, this._wrap));
      this.emptySlot();
      this._keyCode = undefined;
      this._composing = false;
      f.addEventListener('keydown', (e) => this._keydown(e));
      f.addEventListener('input', () => {
        if (!this._composing) this._input();
      });
      f.addEventListener('compositionstart', () => (this._composing = true));
      f.addEventListener('compositionend', () => {
        this._composing = false;
        this._input();
      });
      f.addEventListener('focus', () => {
        this._focused = true;
        this._kbHeight = 0;
        this.emit('focus', { value: f.value, height: 0 });
        this._watchKeyboard(true);
      });
      f.addEventListener('blur', () => {
        this._focused = false;
        this._watchKeyboard(false);
        this.emit('blur', this._blurDetail());
        if (this.props.focus) this.propChanged('focus', false);
      });
    }

    _blurDetail() {
      return { value: this._field.value, cursor: this._field.selectionStart == null ? this._field.value.length : this._field.selectionStart };
    }

    /** keyboardheightchange from the visual viewport (a soft keyboard shrinks it). */
    _watchKeyboard(on) {
      const vv = window.visualViewport;
      const report = () => {
        const h = on && vv ? Math.max(0, Math.round(window.innerHeight - vv.height)) : 0;
        if (h !== this._kbHeight) {
          this._kbHeight = h;
          this.emit('keyboardheightchange', { height: h, duration: 0.25 });
        }
      };
      if (!vv) return;
      if (on) {
        this._vvListener = report;
        vv.addEventListener('resize', report);
      } else {
        if (this._vvListener) vv.removeEventListener('resize', this._vvListener);
        this._vvListener = null;
        report();
      }
    }

    _limit(s) {
      const max = this.props.maxlength;
      return max >= 0 && s.length > max ? s.slice(0, max) : s;
    }

    _filter(s) {
      return s;
    }

    _input() {
      const f = this._field;
      let v = f.value;
      const fixed = this._limit(this._filter(v));
      if (fixed !== v) {
        const pos = Math.max(0, (f.selectionStart || 0) - (v.length - fixed.length));
        f.value = fixed;
        try {
          f.setSelectionRange(pos, pos);
        } catch (_) {}
        v = fixed;
      }
      this._placeholder();
      this.propChanged('value', v);
      this.afterInput();
      this.emit('input', { value: v, cursor: f.selectionStart == null ? v.length : f.selectionStart, keyCode: this._keyCode });
    }

    afterInput() {}

    _keydown(e) {
      this._keyCode = e.keyCode;
      if (e.key === 'Enter' && !e.isComposing && this.enterConfirms(e)) {
        e.preventDefault();
        this.emit('confirm', { value: this._field.value });
        if (!this.props.confirmHold) this._field.blur();
      }
    }

    enterConfirms() {
      return true;
    }

    /** Sets the field's text; while focused keeps the caret at the same distance from the end. */
    _setValue(v) {
      const f = this._field;
      v = this._limit(v);
      if (f.value === v) return;
      if (this._focused) {
        const fromEnd = f.value.length - (f.selectionEnd == null ? f.value.length : f.selectionEnd);
        f.value = v;
        const pos = Math.max(0, v.length - fromEnd);
        try {
          f.setSelectionRange(pos, pos);
        } catch (_) {}
      } else f.value = v;
      this._placeholder();
      this.afterInput();
    }

    _placeholder() {
      const p = this.props;
      this._ph.textContent = p.placeholder;
      this._ph.style.display = this._field.value || !p.placeholder ? 'none' : '';
    }

    updateCommon(name) {
      const p = this.props;
      const f = this._field;
      const all = name === null;
      if (all || name === 'value' || name === 'maxlength') this._setValue(p.value);
      if (all || name === 'maxlength') {
        if (p.maxlength >= 0) f.maxLength = p.maxlength;
        else f.removeAttribute('maxlength');
      }
      if (all || name === 'placeholder') this._placeholder();
      if (all || name === 'placeholderClass') {
        this._ph.className = (this.phBase + ' ' + (p.placeholderClass || '')).trim();
      }
      if (all || name === 'placeholderStyle') this._ph.style.cssText = p.placeholderStyle || '';
      if (all || name === 'placeholderStyle' || name === 'placeholder') this._placeholder();
      if (all || name === 'disabled') f.disabled = p.disabled;
      if (all || name === 'confirmType') f.setAttribute('enterkeyhint', ENTER_HINT[p.confirmType] || 'done');
      if (all || name === 'placeholder') f.setAttribute('aria-label', p.placeholder || '');
      if (name === 'focus' || (all && p.focus)) this._applyFocus();
      if (name === 'cursor' || name === 'selectionStart' || name === 'selectionEnd') this._applySelection();
    }

    connected() {
      if (this.props.autoFocus || this.props.focus) this._applyFocus();
    }

    _applyFocus() {
      // After the ops batch: the element may not be in the document yet.
      requestAnimationFrame(() => {
        if (!this.isConnected || this.props.disabled) return;
        const want = this.props.focus || (this.props.autoFocus && !this._autoFocused);
        if (want) {
          this._autoFocused = true;
          if (!this._focused) this._field.focus();
          this._applySelection();
        } else if (this._focused && !this.props.focus) this._field.blur();
      });
    }

    _applySelection() {
      const p = this.props;
      const f = this._field;
      if (!this._focused) return;
      const len = f.value.length;
      try {
        if (p.selectionStart >= 0 && p.selectionEnd >= 0) f.setSelectionRange(Math.min(p.selectionStart, len), Math.min(p.selectionEnd, len));
        else if (p.cursor >= 0) f.setSelectionRange(Math.min(p.cursor, len), Math.min(p.cursor, len));
      } catch (_) {}
    }

    _formValue() {
      return this._field ? this._field.value : this.props.value;
    }
    _formReset() {
      this._setValue('');
      this.propChanged('value', '');
    }
  }

  class WxInput extends Field {
    static get props() {
      return Object.assign({}, COMMON, {
        type: { type: String, value: 'text', reflect: true },
        password: { type: Boolean, value: false },
        alwaysEmbed: { type: Boolean, value: false },
        safePasswordCertPath: { type: String, value: '' },
      });
    }
    get phBase() {
      return 'input-placeholder';
    }
    init() {
      this.buildField('input', 'wx-input-inner');
      this._field.type = 'text';
      this._field.autocomplete = 'off';
    }
    _filter(s) {
      const re = FILTERS[this.props.type];
      return re && !this.props.password ? s.replace(re, '') : s;
    }
    update(name) {
      const p = this.props;
      if (name === null || name === 'type' || name === 'password') {
        const f = this._field;
        f.type = p.password || p.type === 'safe-password' ? 'password' : 'text';
        const mode = { number: 'numeric', digit: 'decimal', idcard: 'text' }[p.type];
        if (mode) f.setAttribute('inputmode', mode);
        else f.removeAttribute('inputmode');
      }
      this.updateCommon(name);
    }
  }
  B.define('input', WxInput);

  class WxTextarea extends Field {
    static get props() {
      return Object.assign({}, COMMON, {
        autoHeight: { type: Boolean, value: false, reflect: true },
        fixed: { type: Boolean, value: false },
        showConfirmBar: { type: Boolean, value: true },
        disableDefaultPadding: { type: Boolean, value: false },
        confirmType: { type: String, value: 'return' },
      });
    }
    get phBase() {
      return 'textarea-placeholder';
    }
    init() {
      this.buildField('textarea', 'wx-textarea-inner');
      this._lines = 0;
    }
    enterConfirms(e) {
      return this.props.confirmType !== 'return' && !e.shiftKey;
    }
    update(name) {
      this.updateCommon(name);
      if (name === null || name === 'autoHeight') this.afterInput();
    }
    connected() {
      super.connected();
      this.afterInput();
    }
    /** auto-height and linechange {height, heightRpx, lineCount}. */
    afterInput() {
      const f = this._field;
      if (!f || !this.isConnected) return;
      const cs = getComputedStyle(f);
      let lh = parseFloat(cs.lineHeight);
      if (!isFinite(lh)) lh = parseFloat(cs.fontSize) * 1.2 || 20;
      let height;
      if (this.props.autoHeight) {
        f.style.height = '0px';
        height = Math.max(f.scrollHeight, lh);
        f.style.height = height + 'px';
      } else {
        f.style.height = '';
        height = f.scrollHeight;
      }
      const lines = Math.max(1, Math.round(f.scrollHeight / lh));
      if (lines !== this._lines) {
        const first = this._lines === 0;
        this._lines = lines;
        if (!first) {
          const w = window.innerWidth || 375;
          this.emit('linechange', { height: Math.round(height), heightRpx: Math.round((height * 750) / w), lineCount: lines });
        }
      }
    }
  }
  B.define('textarea', WxTextarea);
})();
