/*
 * view and cover-view. `view` is a light component (base.js): a plain `wx-view` element
 * whose hover-class is handled by one listener for the page; `cover-view` (a view drawn
 * above native components; here every component is DOM) is a custom element.
 */
'use strict';
(function () {
  const B = window.__wx.__base;

  B.defineLight('view', { props: B.HOVER_PROPS });

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
