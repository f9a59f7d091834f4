/*
 * image and cover-image. image draws its picture as the background of an inner div, as
 * WeChat does, so the 13 modes are background-size/position; widthFix and heightFix
 * size the element from the picture's ratio. Default size 320×240 (components.css).
 */
'use strict';
(function () {
  const B = window.__wx.__base;

  /** mode → [background-size, background-position] */
  const MODES = {
    scaleToFill: ['100% 100%', '0% 0%'],
    aspectFit: ['contain', 'center center'],
    aspectFill: ['cover', 'center center'],
    widthFix: ['100% 100%', '0% 0%'],
    heightFix: ['100% 100%', '0% 0%'],
    top: ['auto', 'center top'],
    bottom: ['auto', 'center bottom'],
    center: ['auto', 'center center'],
    left: ['auto', 'left center'],
    right: ['auto', 'right center'],
    'top left': ['auto', 'left top'],
    'top right': ['auto', 'right top'],
    'bottom left': ['auto', 'left bottom'],
    'bottom right': ['auto', 'right bottom'],
  };

  function cssUrl(u) {
    return 'url("' + String(u).replace(/["\\\n\r]/g, (c) => encodeURIComponent(c)) + '")';
  }

  let lazyObserver = null;
  function observeLazy(el) {
    if (typeof IntersectionObserver !== 'function') return el._reveal();
    if (!lazyObserver) {
      // WeChat loads lazy images about to enter the screen: three screens ahead.
      lazyObserver = new IntersectionObserver(
        (entries) => {
          for (const e of entries) {
            if (e.isIntersecting || e.intersectionRatio > 0) {
              lazyObserver.unobserve(e.target);
              e.target._reveal();
            }
          }
        },
        { rootMargin: '300% 0% 300% 0%' }
      );
    }
    lazyObserver.observe(el);
  }

  class WxImage extends window.__wx.WxElement {
    static get props() {
      return {
        src: { type: String, value: '' },
        mode: { type: String, value: 'scaleToFill', reflect: true },
        webp: { type: Boolean, value: false },
        lazyLoad: { type: Boolean, value: false },
        showMenuByLongpress: { type: Boolean, value: false },
        fadeIn: { type: Boolean, value: false },
      };
    }

    init() {
      this.setAttribute('role', 'img');
      this._box = this.internal('div');
      this.emptySlot();
      this._natural = null;
      this._shown = false;
      this._token = 0;
    }

    update(name) {
      if (name === null || name === 'src' || name === 'lazyLoad') this._load();
      if (name === null || name === 'mode') this._layout();
    }

    connected() {
      if (this._pendingStart) this._start();
      this._layout();
    }

    disconnected() {
      if (lazyObserver) lazyObserver.unobserve(this);
      if (this._ro) this._ro.disconnect();
      this._ro = null;
    }

    _load() {
      const src = this.props.src;
      const token = ++this._token;
      this._natural = null;
      this._url = src ? this.resolveUrl(src) : '';
      this._box.style.backgroundImage = '';
      this.removeAttribute('wx-fixed');
      this._img = null;
      if (!src) return;
      const img = new Image();
      img.onload = () => {
        if (token !== this._token) return;
        this._natural = { width: img.naturalWidth, height: img.naturalHeight };
        this._layout();
        this.emit('load', { width: img.naturalWidth, height: img.naturalHeight });
      };
      img.onerror = () => {
        if (token !== this._token) return;
        this.emit('error', { errMsg: 'GET ' + src + ' 404 (Not Found)' });
      };
      this._img = img;
      // Once connected, and after the other props of the same batch (lazy-load may follow src).
      this._pendingStart = true;
      if (this.isConnected) Promise.resolve().then(() => this._pendingStart && this.isConnected && this._start());
    }

    _start() {
      this._pendingStart = false;
      if (this.props.lazyLoad && !this._shown) observeLazy(this);
      else this._reveal();
    }

    _reveal() {
      this._shown = true;
      if (!this._img || !this._url) return;
      if (!this._img.src) this._img.src = this._url;
      this._box.style.backgroundImage = cssUrl(this._url);
    }

    _layout() {
      if (!this._box) return;
      const mode = MODES[this.props.mode] ? this.props.mode : 'scaleToFill';
      const m = MODES[mode];
      const st = this._box.style;
      st.backgroundSize = m[0];
      st.backgroundPosition = m[1];
      st.paddingTop = '';
      st.width = '';
      const nat = this._natural;
      if (!nat || !nat.width || !nat.height) {
        this.removeAttribute('wx-fixed');
        return;
      }
      if (mode === 'widthFix') {
        // The element's height follows its width: padding-top is a share of the width.
        st.paddingTop = (nat.height / nat.width) * 100 + '%';
        this.setAttribute('wx-fixed', '');
      } else if (mode === 'heightFix') {
        const h = this.clientHeight;
        st.width = h ? (h * nat.width) / nat.height + 'px' : '';
        this.setAttribute('wx-fixed', '');
        if (!this._ro && typeof ResizeObserver === 'function') {
          this._ro = new ResizeObserver(() => {
            if (this.props.mode === 'heightFix' && this._natural) {
              const hh = this.clientHeight;
              const w = hh ? (hh * this._natural.width) / this._natural.height + 'px' : '';
              if (this._box.style.width !== w) this._box.style.width = w;
            }
          });
          this._ro.observe(this);
        }
      } else this.removeAttribute('wx-fixed');
    }
  }
  B.define('image', WxImage);

  /** cover-image: an <img> at its natural size unless styled; load/error like image. */
  class WxCoverImage extends window.__wx.WxElement {
    static get props() {
      return { src: { type: String, value: '' }, referrerPolicy: { type: String, value: 'no-referrer' } };
    }
    init() {
      this._img = this.internal('img');
      this._img.setAttribute('alt', '');
      this._img.addEventListener('load', () => {
        if (this._img.getAttribute('src')) this.emit('load', { width: this._img.naturalWidth, height: this._img.naturalHeight });
      });
      this._img.addEventListener('error', () => {
        if (this._img.getAttribute('src')) this.emit('error', { errMsg: 'GET ' + this.props.src + ' 404 (Not Found)' });
      });
      this.emptySlot();
    }
    update() {
      this._img.referrerPolicy = this.props.referrerPolicy === 'origin' ? 'origin' : 'no-referrer';
      const u = this.props.src ? this.resolveUrl(this.props.src) : '';
      if (u) this._img.setAttribute('src', u);
      else this._img.removeAttribute('src');
    }
  }
  B.define('cover-image', WxCoverImage);
})();
