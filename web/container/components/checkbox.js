/*
 * checkbox / checkbox-group and radio / radio-group. The box is WeChat's
 * `.wx-checkbox-input` / `.wx-radio-input` (with `-checked` and `-disabled` classes) so
 * pages restyle it as on WeChat. The group emits change: {value: [checked values]} for
 * checkboxes, {value} for radios.
 */
'use strict';
(function () {
  const B = window.__wx.__base;

  class Check extends window.__wx.WxElement {
    static get props() {
      return {
        value: { type: String, value: '' },
        checked: { type: Boolean, value: false, reflect: true },
        disabled: { type: Boolean, value: false, reflect: true },
        color: { type: String, value: '#09BB07' },
        name: { type: String, value: '' },
      };
    }
    get kind() {
      return this.localName.slice(3);
    }
    init() {
      const k = this.kind;
      this.makeControl(k);
      this._wrap = this.internal('div', 'wx-' + k + '-wrapper');
      this._box = this.internal('div', 'wx-' + k + '-input', this._wrap);
      this.useSlot(this.internal('span', 'wx-' + k + '-label', this._wrap));
      this.addEventListener('click', () => this._click());
    }
    update() {
      const k = this.kind;
      const p = this.props;
      this._box.classList.toggle('wx-' + k + '-input-checked', p.checked);
      this._box.classList.toggle('wx-' + k + '-input-disabled', p.disabled);
      this._box.style.color = p.color || '';
      if (k === 'radio' && p.checked && p.color) {
        this._box.style.backgroundColor = p.color;
        this._box.style.borderColor = p.color;
      } else {
        this._box.style.backgroundColor = '';
        this._box.style.borderColor = '';
      }
      this.setAttribute('aria-checked', p.checked ? 'true' : 'false');
      this.setFocusable(!p.disabled);
    }
    group() {
      return this.closest('wx-' + this.kind + '-group');
    }
    setChecked(v) {
      if (this.props.checked === v) return;
      this.props.checked = v;
      this._reflect('checked', this.constructor.props.checked, v);
      this.update('checked');
      this.propChanged('checked', v);
    }
  }

  class WxCheckbox extends Check {
    _click() {
      if (this.props.disabled) return;
      this.setChecked(!this.props.checked);
      const g = this.group();
      if (g) g.changed();
    }
  }
  B.define('checkbox', WxCheckbox);

  class WxRadio extends Check {
    _click() {
      if (this.props.disabled || this.props.checked) return;
      this.setChecked(true);
      const g = this.group();
      if (g) g.picked(this);
    }
  }
  B.define('radio', WxRadio);

  function members(group, tag) {
    return Array.prototype.filter.call(group.querySelectorAll(tag), (el) => el.closest(tag + '-group') === group);
  }

  class WxCheckboxGroup extends window.__wx.WxElement {
    static get props() {
      return { name: { type: String, value: '' } };
    }
    init() {
      this.setAttribute('role', 'group');
    }
    _formValue() {
      return members(this, 'wx-checkbox')
        .filter((c) => c.props.checked)
        .map((c) => c.props.value);
    }
    _formReset() {
      for (const c of members(this, 'wx-checkbox')) c.setChecked(false);
    }
    changed() {
      this.emit('change', { value: this._formValue() });
    }
  }
  B.define('checkbox-group', WxCheckboxGroup);

  class WxRadioGroup extends window.__wx.WxElement {
    static get props() {
      return { name: { type: String, value: '' } };
    }
    init() {
      this.setAttribute('role', 'radiogroup');
    }
    _formValue() {
      const r = members(this, 'wx-radio').filter((c) => c.props.checked)[0];
      return r ? r.props.value : '';
    }
    _formReset() {
      for (const c of members(this, 'wx-radio')) c.setChecked(false);
    }
    picked(radio) {
      for (const r of members(this, 'wx-radio')) if (r !== radio) r.setChecked(false);
      this.emit('change', { value: radio.props.value });
    }
  }
  B.define('radio-group', WxRadioGroup);

  /** switch: type switch (WeChat's sliding toggle) or checkbox; change {value}. */
  class WxSwitch extends window.__wx.WxElement {
    static get props() {
      return {
        checked: { type: Boolean, value: false, reflect: true },
        disabled: { type: Boolean, value: false, reflect: true },
        type: { type: String, value: 'switch', reflect: true },
        color: { type: String, value: '#04BE02' },
        name: { type: String, value: '' },
      };
    }
    init() {
      this.makeControl('switch');
      this._wrap = this.internal('div', 'wx-switch-wrapper');
      this._box = this.internal('div', '', this._wrap);
      this.emptySlot();
      this.addEventListener('click', () => {
        if (this.props.disabled) return;
        this._set(!this.props.checked);
        this.emit('change', { value: this.props.checked });
      });
    }
    _set(v) {
      this.props.checked = v;
      this._reflect('checked', this.constructor.props.checked, v);
      this.update('checked');
      this.propChanged('checked', v);
    }
    update() {
      const p = this.props;
      const k = p.type === 'checkbox' ? 'checkbox' : 'switch';
      this._box.className = 'wx-' + k + '-input' + (p.checked ? ' wx-' + k + '-input-checked' : '') + (p.disabled ? ' wx-' + k + '-input-disabled' : '');
      const st = this._box.style;
      st.color = k === 'checkbox' ? p.color : '';
      st.borderColor = k === 'switch' && p.checked ? p.color : '';
      st.backgroundColor = k === 'switch' && p.checked ? p.color : '';
      this.setAttribute('aria-checked', p.checked ? 'true' : 'false');
      this.setFocusable(!p.disabled);
    }
    _formValue() {
      return this.props.checked;
    }
    _formReset() {
      this._set(false);
    }
  }
  B.define('switch', WxSwitch);

  /** label: a tap on it taps its `for` control (by id, in the same page) or the first one inside. */
  const CONTROLS = 'wx-button, wx-checkbox, wx-radio, wx-switch, wx-input, wx-textarea';
  class WxLabel extends window.__wx.WxElement {
    static get props() {
      return { for: { type: String, value: '' } };
    }
    init() {
      this.addEventListener('click', (e) => {
        const target = this.props.for ? B.rootOf(this).getElementById(this.props.for) : this.querySelector(CONTROLS);
        if (!target || target === this) return;
        if (target.contains(e.target)) return; // the control handles its own tap
        const f = target.localName === 'wx-input' || target.localName === 'wx-textarea' ? target._field : null;
        if (f) f.focus();
        else target.click();
      });
    }
  }
  B.define('label', WxLabel);
})();
