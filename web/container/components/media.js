/*
 * web-view, video and canvas.
 *
 * web-view: asks the host whether `src` is allowed for this app (callHost
 * 'webViewAllowed' {src} → {allowed}); only then an <iframe sandbox="allow-scripts
 * allow-forms">, else an error box. load {src}, error {src, errMsg}; messages the page
 * posts ({type: "openmini:webview", data}) are kept and emitted as message {data:
 * [...]} by flushMessages() (the runtime calls it on back, share and unload, as WeChat
 * does) and when the element goes away.
 *
 * video: a <video> with native controls; play, pause, ended, timeupdate {currentTime,
 * duration}, error {errMsg}, fullscreenchange {fullScreen, direction}, waiting,
 * progress {buffered}, loadedmetadata {width, height, duration}, seekcomplete
 * {position}. Methods for VideoContext: play, pause, stop, seek(s), playbackRate(r),
 * requestFullScreen, exitFullScreen.
 *
 * canvas: `el.__canvas` is an HTMLCanvasElement whose backing store is the element's CSS
 * size × devicePixelRatio (resized with it until the page draws or sets a size);
 * `el.getContext2d()` its 2D context. type="2d" and the legacy canvas-id share this;
 * the legacy wx.createCanvasContext drawing API is the runtime's to add.
 */
'use strict';
(function () {
  const B = window.__wx.__base;

  class WxWebView extends window.__wx.WxElement {
    static get props() {
      return { src: { type: String, value: '' }, progressbarColor: { type: String, value: '' } };
    }
    init() {
      this._box = this.internal('div', 'wx-web-view');
      this.emptySlot();
      this._messages = [];
      this._onMessage = (e) => {
        if (!this._frame || e.source !== this._frame.contentWindow) return;
        const m = e.data;
        if (m && typeof m === 'object' && m.type === 'openmini:webview') this._messages.push(m.data);
      };
    }
    connected() {
      window.addEventListener('message', this._onMessage);
    }
    disconnected() {
      window.removeEventListener('message', this._onMessage);
      this.flushMessages();
    }
    update(name) {
      if (name !== null && name !== 'src') return;
      const src = this.props.src;
      const token = (this._token = (this._token || 0) + 1);
      this._clear();
      if (!src) return;
      if (!/^https:\/\//i.test(src) && !/^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?\//i.test(src)) return this._fail(src, 'web-view:fail src must be https');
      this.callHost('webViewAllowed', { src }).then(
        (res) => {
          if (token !== this._token) return;
          if (res.allowed === true || res.result === true) this._show(src);
          else this._fail(src, 'web-view:fail domain not allowed');
        },
        (err) => {
          if (token === this._token) this._fail(src, err.errMsg);
        }
      );
    }
    _clear() {
      while (this._box.firstChild) this._box.removeChild(this._box.firstChild);
      this._frame = null;
    }
    _show(src) {
      const f = document.createElement('iframe');
      f.setAttribute('sandbox', 'allow-scripts allow-forms');
      f.setAttribute('referrerpolicy', 'no-referrer');
      f.setAttribute('title', 'web-view');
      f.addEventListener('load', () => this.emit('load', { src }));
      f.src = src;
      this._frame = f;
      this._box.appendChild(f);
    }
    _fail(src, errMsg) {
      this._clear();
      const e = document.createElement('div');
      e.className = 'wx-web-view-error';
      const t = document.createElement('p');
      t.textContent = '无法打开该页面';
      const u = document.createElement('p');
      u.className = 'wx-web-view-error-url';
      u.textContent = src;
      e.append(t, u);
      this._box.appendChild(e);
      this.emit('error', { src, errMsg });
    }
    /** Emits the messages posted so far as one message event {data: [...]}. */
    flushMessages() {
      if (!this._messages || !this._messages.length) return;
      const data = this._messages.splice(0);
      this.emit('message', { data });
    }
  }
  B.define('web-view', WxWebView);

  class WxVideo extends window.__wx.WxElement {
    static get props() {
      return {
        src: { type: String, value: '' },
        duration: { type: Number, value: 0 },
        controls: { type: Boolean, value: true },
        autoplay: { type: Boolean, value: false },
        loop: { type: Boolean, value: false },
        muted: { type: Boolean, value: false },
        initialTime: { type: Number, value: 0 },
        poster: { type: String, value: '' },
        objectFit: { type: String, value: 'contain' },
        showFullscreenBtn: { type: Boolean, value: true },
        showPlayBtn: { type: Boolean, value: true },
        showCenterPlayBtn: { type: Boolean, value: true },
        enableProgressGesture: { type: Boolean, value: true },
        showMuteBtn: { type: Boolean, value: false },
        title: { type: String, value: '' },
        playBtnPosition: { type: String, value: 'bottom' },
        autoPauseIfNavigate: { type: Boolean, value: true },
        autoPauseIfOpenNative: { type: Boolean, value: true },
        direction: { type: Number, value: -1 },
        pictureInPictureMode: { type: null, value: [] },
        enablePlayGesture: { type: Boolean, value: false },
        danmuList: { type: Array, value: [] },
        danmuBtn: { type: Boolean, value: false },
        enableDanmu: { type: Boolean, value: false },
      };
    }
    init() {
      const v = (this._v = this.internal('video', 'wx-video-player'));
      v.setAttribute('playsinline', '');
      v.setAttribute('webkit-playsinline', '');
      v.preload = 'metadata';
      this.emptySlot();
      this._lastTime = -1;
      v.addEventListener('play', () => this.emit('play', {}));
      v.addEventListener('pause', () => {
        if (!v.ended) this.emit('pause', {});
      });
      v.addEventListener('ended', () => this.emit('ended', {}));
      v.addEventListener('waiting', () => this.emit('waiting', {}));
      v.addEventListener('timeupdate', () => this.emit('timeupdate', { currentTime: v.currentTime, duration: v.duration || this.props.duration || 0 }));
      v.addEventListener('progress', () => {
        const b = v.buffered;
        const d = v.duration;
        if (b.length && d) this.emit('progress', { buffered: Math.round((b.end(b.length - 1) / d) * 100) });
      });
      v.addEventListener('seeked', () => this.emit('seekcomplete', { position: v.currentTime }));
      v.addEventListener('error', () => {
        const code = v.error ? v.error.code : 0;
        this.emit('error', { errMsg: 'MEDIA_ERR ' + code });
      });
      v.addEventListener('loadedmetadata', () => {
        if (this.props.initialTime > 0) v.currentTime = this.props.initialTime;
        this.emit('loadedmetadata', { width: v.videoWidth, height: v.videoHeight, duration: v.duration });
      });
      const fs = () => {
        const on = (document.fullscreenElement || document.webkitFullscreenElement) === this;
        if (on === this._fs) return;
        this._fs = on;
        this.emit('fullscreenchange', { fullScreen: on, direction: on ? (this.offsetWidth >= this.offsetHeight ? 'horizontal' : 'vertical') : 'vertical' });
      };
      document.addEventListener('fullscreenchange', fs);
      document.addEventListener('webkitfullscreenchange', fs);
    }
    update(name) {
      const p = this.props;
      const v = this._v;
      v.controls = p.controls;
      v.loop = p.loop;
      v.muted = p.muted;
      v.style.objectFit = p.objectFit === 'fill' ? 'fill' : p.objectFit === 'cover' ? 'cover' : 'contain';
      const poster = p.poster ? this.resolveUrl(p.poster) : '';
      if (poster) v.poster = poster;
      else v.removeAttribute('poster');
      if (name === null || name === 'src') {
        const src = p.src ? this.resolveUrl(p.src) : '';
        if (src) v.src = src;
        else v.removeAttribute('src');
        if (p.autoplay && src) this.play();
      } else if (name === 'autoplay' && p.autoplay) this.play();
    }
    disconnected() {
      if (!this._v.paused) this._v.pause();
    }
    play() {
      const r = this._v.play();
      if (r && r.catch) r.catch(() => {});
    }
    pause() {
      this._v.pause();
    }
    stop() {
      this._v.pause();
      try {
        this._v.currentTime = 0;
      } catch (_) {}
    }
    seek(position) {
      this._v.currentTime = Math.max(0, +position || 0);
    }
    playbackRate(rate) {
      this._v.playbackRate = +rate || 1;
    }
    requestFullScreen() {
      const f = this.requestFullscreen || this.webkitRequestFullscreen;
      if (f) {
        const r = f.call(this);
        if (r && r.catch) r.catch(() => this._fakeFullscreen(true));
      } else this._fakeFullscreen(true);
    }
    exitFullScreen() {
      if (this._fake) return this._fakeFullscreen(false);
      const f = document.exitFullscreen || document.webkitExitFullscreen;
      if (f && (document.fullscreenElement || document.webkitFullscreenElement)) f.call(document);
    }
    /** Without the Fullscreen API (a sandboxed frame may not have it): fill the viewport. */
    _fakeFullscreen(on) {
      this._fake = on;
      this.toggleAttribute ? this.toggleAttribute('wx-fullscreen', on) : on ? this.setAttribute('wx-fullscreen', '') : this.removeAttribute('wx-fullscreen');
      this.emit('fullscreenchange', { fullScreen: on, direction: 'vertical' });
    }
  }
  B.define('video', WxVideo);

  class WxCanvas extends window.__wx.WxElement {
    static get props() {
      return {
        type: { type: String, value: '' },
        canvasId: { type: String, value: '' },
        disableScroll: { type: Boolean, value: false, reflect: true },
      };
    }
    init() {
      this.__canvas = this.internal('canvas', 'wx-canvas');
      this.emptySlot();
      this._auto = true;
      if (typeof ResizeObserver === 'function') {
        this._ro = new ResizeObserver(() => this._autoSize());
        this._ro.observe(this);
      }
      this.addEventListener('touchmove', (e) => {
        if (this.props.disableScroll && e.cancelable) e.preventDefault();
      }, { passive: false });
    }
    connected() {
      this._autoSize();
    }
    /** Backing store = CSS size × devicePixelRatio, while nothing has been drawn. */
    _autoSize() {
      if (!this._auto || !this.isConnected) return;
      const c = this.__canvas;
      const dpr = window.devicePixelRatio || 1;
      const w = Math.round(this.clientWidth * dpr);
      const h = Math.round(this.clientHeight * dpr);
      if (w && h && (c.width !== w || c.height !== h)) {
        try {
          c.width = w;
          c.height = h;
        } catch (_) {
          this._auto = false; // transferred to an OffscreenCanvas
        }
      }
    }
    getContext2d() {
      this._autoSize();
      this._auto = false;
      return this.__canvas.getContext('2d');
    }
  }
  B.define('canvas', WxCanvas);
})();
