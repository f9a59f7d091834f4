/*
 * form: submit collects {name: value} of every named field inside it — switch, input,
 * textarea, checkbox-group, radio-group, slider, picker, picker-view, and custom
 * components whose element carries `__formField` {name, value} (set by the runtime for
 * the wx://form-field behaviour) — and emits submit {value, formId?}; reset clears them.
 */
'use strict';
(function () {
  const B = window.__wx.__base;

  class WxForm extends window.__wx.WxElement {
    static get props() {
      return {
        reportSubmit: { type: Boolean, value: false },
        reportSubmitTimeout: { type: Number, value: 0 },
      };
    }

    fields() {
      const out = [];
      const all = this.querySelectorAll('*');
      for (let i = 0; i < all.length; i++) {
        const el = all[i];
        if (el.closest('wx-form') !== this) continue;
        const ff = el.__formField;
        if (ff && ff.name) out.push({ el, name: String(ff.name), get: () => el.__formField.value });
        else if (el._formValue && el.props && el.props.name) out.push({ el, name: el.props.name, get: () => el._formValue() });
      }
      return out;
    }

    values() {
      const value = {};
      for (const f of this.fields()) value[f.name] = f.get();
      return value;
    }

    wxSubmit() {
      const value = this.values();
      if (!this.props.reportSubmit) {
        this.emit('submit', { value });
        return Promise.resolve();
      }
      let got = this.callHost('createFormId', {}).then(
        (res) => res.formId,
        () => undefined
      );
      const t = this.props.reportSubmitTimeout;
      if (t > 0) got = Promise.race([got, new Promise((r) => setTimeout(() => r(undefined), t))]);
      return got.then((formId) => {
        const detail = { value };
        if (formId !== undefined) detail.formId = formId;
        this.emit('submit', detail);
      });
    }

    wxReset() {
      for (const f of this.fields()) {
        if (f.el._formReset) f.el._formReset();
      }
      this.emit('reset', {});
    }
  }
  B.define('form', WxForm);
})();
