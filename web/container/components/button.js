/*
 * button: WeChat's look (size, type, plain, disabled, loading are reflected as
 * attributes for components.css and for pages' own `button[type=primary]` rules), the
 * `button-hover` class while pressed, form-type submit/reset, and the open-types, which
 * ask the host (callHost) and then emit WeChat's event.
 */
'use strict';
(function () {
  const B = window.__wx.__base;

  /** open-type → [host call, event, how to build detail from the result] */
  const OPEN = {
    getPhoneNumber: ['getPhoneNumber', 'getphonenumber'],
    getRealtimePhoneNumber: ['getRealtimePhoneNumber', 'getrealtimephonenumber'],
    getUserInfo: ['getUserInfo', 'getuserinfo'],
    openSetting: ['openSetting', 'opensetting'],
    chooseAvatar: ['chooseAvatar', 'chooseavatar'],
    agreePrivacyAuthorization: ['agreePrivacyAuthorization', 'agreeprivacyauthorization'],
    contact: ['enterContact', 'contact'],
    launchApp: ['launchApp', 'launchapp'],
    feedback: ['feedback', null],
  };

  class WxButton extends window.__wx.WxElement {
    static get props() {
      return Object.assign({}, B.HOVER_PROPS, {
        hoverClass: { type: String, value: 'button-hover' },
        hoverStartTime: { type: Number, value: 20 },
        hoverStayTime: { type: Number, value: 70 },
        size: { type: String, value: 'default', reflect: true },
        type: { type: String, value: 'default', reflect: true },
        plain: { type: Boolean, value: false, reflect: true },
        disabled: { type: Boolean, value: false, reflect: true },
        loading: { type: Boolean, value: false, reflect: true },
        formType: { type: String, value: '', reflect: 'form-type' },
        openType: { type: String, value: '' },
        lang: { type: String, value: 'en' },
        sessionFrom: { type: String, value: '' },
        sendMessageTitle: { type: String, value: '' },
        sendMessagePath: { type: String, value: '' },
        sendMessageImg: { type: String, value: '' },
        appParameter: { type: String, value: '' },
        showMessageCard: { type: Boolean, value: false },
        phoneNumberNoQuotaToast: { type: Boolean, value: true },
      });
    }
    static get hover() {
      return true;
    }

    init() {
      this.makeControl('button');
      this.addEventListener('click', (e) => this._click(e));
    }

    update() {
      this.setFocusable(!this.props.disabled);
      if (this.props.loading) this.setAttribute('aria-busy', 'true');
      else this.removeAttribute('aria-busy');
    }

    _click() {
      if (this.props.disabled) return;
      const ft = this.props.formType;
      if (ft === 'submit' || ft === 'reset') {
        const form = this.closest('wx-form');
        if (form && form.wxSubmit) ft === 'submit' ? form.wxSubmit(this) : form.wxReset(this);
      }
      const types = String(this.props.openType || '')
        .split('|')
        .map((s) => s.trim())
        .filter(Boolean);
      // Privacy consent first, as WeChat does for "agreePrivacyAuthorization|getPhoneNumber".
      types.sort((a, b) => (b === 'agreePrivacyAuthorization') - (a === 'agreePrivacyAuthorization'));
      let chain = Promise.resolve();
      for (const t of types) chain = chain.then(() => this._open(t));
    }

    _open(t) {
      const p = this.props;
      if (t === 'share') {
        this.emit('$share', {});
        return Promise.resolve();
      }
      const o = OPEN[t];
      if (!o) return Promise.resolve();
      let args = {};
      if (t === 'contact') {
        args = {
          sessionFrom: p.sessionFrom,
          sendMessageTitle: p.sendMessageTitle,
          sendMessagePath: p.sendMessagePath,
          sendMessageImg: p.sendMessageImg,
          showMessageCard: p.showMessageCard,
        };
      } else if (t === 'getUserInfo') args = { lang: p.lang };
      else if (t === 'launchApp') args = { appParameter: p.appParameter };
      else if (t === 'getPhoneNumber') args = { phoneNumberNoQuotaToast: p.phoneNumberNoQuotaToast };
      return this.callHost(o[0], args).then(
        (res) => {
          if (!o[1]) return;
          const detail = Object.assign({ errMsg: o[0] + ':ok' }, res);
          if (t === 'chooseAvatar') delete detail.errMsg;
          this.emit(o[1], detail);
        },
        (err) => {
          if (!o[1]) return;
          // launchApp reports failures through binderror, the others through their own event.
          this.emit(t === 'launchApp' ? 'error' : o[1], { errMsg: err.errMsg });
        }
      );
    }
  }
  B.define('button', WxButton);
})();
