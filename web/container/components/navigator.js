/*
 * navigator: on tap asks the host to navigate (callHost with the open-type's API name:
 * navigateTo / redirectTo / switchTab / reLaunch {url}, navigateBack {delta},
 * exitMiniProgram, navigateToMiniProgram for target="miniProgram", which also emits
 * success / fail / complete {errMsg}). hover-class defaults to navigator-hover.
 */
'use strict';
(function () {
  const B = window.__wx.__base;
  const API = { navigate: 'navigateTo', redirect: 'redirectTo', switchTab: 'switchTab', reLaunch: 'reLaunch', navigateBack: 'navigateBack', exit: 'exitMiniProgram' };

  class WxNavigator extends window.__wx.WxElement {
    static get props() {
      return Object.assign({}, B.HOVER_PROPS, {
        hoverClass: { type: String, value: 'navigator-hover' },
        hoverStayTime: { type: Number, value: 600 },
        target: { type: String, value: 'self' },
        url: { type: String, value: '' },
        openType: { type: String, value: 'navigate' },
        delta: { type: Number, value: 1 },
        appId: { type: String, value: '' },
        path: { type: String, value: '' },
        extraData: { type: null, value: undefined },
        version: { type: String, value: 'release' },
        shortLink: { type: String, value: '' },
      });
    }
    static get hover() {
      return true;
    }
    init() {
      this.makeControl('link');
      this.setAttribute('tabindex', '0');
      this.addEventListener('click', () => this.go());
    }
    go() {
      const p = this.props;
      if (p.target === 'miniProgram') {
        const name = p.openType === 'exit' ? 'exitMiniProgram' : 'navigateToMiniProgram';
        const args = name === 'exitMiniProgram' ? {} : { appId: p.appId, path: p.path, extraData: p.extraData, envVersion: p.version, shortLink: p.shortLink };
        return this.callHost(name, args).then(
          (res) => {
            const d = Object.assign({ errMsg: name + ':ok' }, res);
            this.emit('success', d);
            this.emit('complete', d);
          },
          (err) => {
            this.emit('fail', { errMsg: err.errMsg });
            this.emit('complete', { errMsg: err.errMsg });
          }
        );
      }
      const name = API[p.openType] || 'navigateTo';
      if (name === 'exitMiniProgram') return Promise.resolve(); // only with target="miniProgram"
      const args = name === 'navigateBack' ? { delta: p.delta || 1 } : { url: p.url };
      if (name !== 'navigateBack' && !p.url) return Promise.resolve();
      return this.callHost(name, args).catch(() => {});
    }
  }
  B.define('navigator', WxNavigator);
})();
