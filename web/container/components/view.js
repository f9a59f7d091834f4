/* view, cover-view, swiper-item-like containers: block containers with hover-class. */
'use strict';
(function () {
  const B = window.__wx.__base;

  class WxView extends window.__wx.WxElement {
    static get props() {
      return Object.assign({}, B.HOVER_PROPS);
    }
    static get hover() {
      return true;
    }
  }
  B.define('view', WxView);

  /** cover-view: a view drawn above native components (here every component is DOM). */
  class WxCoverView extends window.__wx.WxElement {
    static get props() {
      return { scrollTop: { type: Number, value: 0 }, markerId: { type: String, value: '' } };
    }
    update(name) {
      if ((name === null || name === 'scrollTop') && this.props.scrollTop) this.scrollTop = this.props.scrollTop;
    }
  }
  B.define('cover-view', WxCoverView);
})();
