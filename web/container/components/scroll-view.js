/*
 * scroll-view: an inner scroller (`.wx-scroll-view`) holding a content node (the slot);
 * scroll {scrollLeft, scrollTop, scrollHeight, scrollWidth, deltaX, deltaY},
 * scrolltoupper / scrolltolower {direction} on entering the thresholds, scroll-top /
 * scroll-left / scroll-into-view (an id in the same page) with optional animation,
 * enable-flex (the content takes the element's flex layout), show-scrollbar, and the
 * pull-to-refresh "refresher" (refresherpulling {dy}, refresherrefresh,
 * refresherrestore, refresherabort; refresher-triggered drives it; children with
 * slot="refresher" replace the default three dots).
 */
'use strict';
(function () {
  const B = window.__wx.__base;

  class WxScrollView extends window.__wx.WxElement {
    static get props() {
      return {
        scrollX: { type: Boolean, value: false, reflect: true },
        scrollY: { type: Boolean, value: false, reflect: true },
        upperThreshold: { type: null, value: 50 },
        lowerThreshold: { type: null, value: 50 },
        scrollTop: { type: null, value: undefined },
        scrollLeft: { type: null, value: undefined },
        scrollIntoView: { type: String, value: '' },
        scrollIntoViewOffset: { type: Number, value: 0 },
        scrollIntoViewAlignment: { type: String, value: 'start' },
        scrollWithAnimation: { type: Boolean, value: false },
        enableBackToTop: { type: Boolean, value: false },
        enableFlex: { type: Boolean, value: false, reflect: true },
        scrollAnchoring: { type: Boolean, value: false },
        enhanced: { type: Boolean, value: false },
        bounces: { type: Boolean, value: true },
        showScrollbar: { type: Boolean, value: true },
        pagingEnabled: { type: Boolean, value: false },
        fastDeceleration: { type: Boolean, value: false },
        refresherEnabled: { type: Boolean, value: false },
        refresherThreshold: { type: Number, value: 45 },
        refresherDefaultStyle: { type: String, value: 'black' },
        refresherBackground: { type: String, value: '#FFF' },
        refresherTriggered: { type: Boolean, value: false },
      };
    }

    /** What scrolls (SelectorQuery's scrollOffset reads it: view/query.js). */
    get scrollTarget() {
      return this._scroller;
    }

    init() {
      this._scroller = this.internal('div', 'wx-scroll-view');
      this._content = this.internal('div', 'wx-scroll-view-content', this._scroller);
      this._refresher = this.internal('div', 'wx-scroll-view-refresher', this._content);
      this._dots = this.internal('div', 'wx-scroll-view-refresh-dots', this._refresher);
      for (let i = 0; i < 3; i++) this.internal('span', '', this._dots);
      this._body = this.internal('div', 'wx-scroll-view-slot', this._content);
      this.useSlot(this._body);
      this._last = { top: 0, left: 0 };
      this._edge = {};
      this._offset = 0;
      this._state = 'idle';
      this._scroller.addEventListener('scroll', () => this._scrolled(), { passive: true });
      this._pullInit();
      this._styleMo = new MutationObserver(() => this._flex());
      this._styleMo.observe(this, { attributes: true, attributeFilter: ['class', 'style'] });
    }

    update(name) {
      const p = this.props;
      const all = name === null;
      const sc = this._scroller.style;
      sc.overflowX = p.scrollX ? 'auto' : 'hidden';
      sc.overflowY = p.scrollY ? 'auto' : 'hidden';
      this._scroller.classList.toggle('wx-scroll-view-hide-scrollbar', !p.showScrollbar);
      if (all || name === 'enableFlex') this._flex();
      this._refresher.style.display = p.refresherEnabled ? '' : 'none';
      this._refresher.style.height = p.refresherThreshold + 'px';
      this._refresher.style.backgroundColor = p.refresherBackground;
      this._refresher.setAttribute('data-style', p.refresherDefaultStyle);
      this._dots.style.display = p.refresherDefaultStyle === 'none' ? 'none' : '';
      if (name === 'refresherTriggered') this._triggered(p.refresherTriggered);
      if ((all && p.scrollTop !== undefined) || name === 'scrollTop') this._later(() => this._to('top', B.pxOf(p.scrollTop, 0)));
      if ((all && p.scrollLeft !== undefined) || name === 'scrollLeft') this._later(() => this._to('left', B.pxOf(p.scrollLeft, 0)));
      if ((all && p.scrollIntoView) || name === 'scrollIntoView' || name === 'scrollIntoViewOffset') this._later(() => this._intoView());
      if (all && p.refresherTriggered) this._later(() => this._triggered(true));
    }

    connected() {
      this._flex();
    }

    /** After the current ops batch (children and layout may be on their way). */
    _later(fn) {
      requestAnimationFrame(() => {
        if (this.isConnected) fn();
      });
    }

    _flex() {
      const c = this._content;
      const s = this._body.style;
      if (!this.props.enableFlex || !this.isConnected) {
        s.display = s.flexDirection = s.flexWrap = s.alignItems = s.alignContent = s.justifyContent = '';
        c.style.height = '';
        return;
      }
      const cs = getComputedStyle(this);
      const flex = cs.display === 'flex' || cs.display === 'inline-flex';
      s.display = flex ? 'flex' : '';
      s.flexDirection = flex ? cs.flexDirection : '';
      s.flexWrap = flex ? cs.flexWrap : '';
      s.alignItems = flex ? cs.alignItems : '';
      s.alignContent = flex ? cs.alignContent : '';
      s.justifyContent = flex ? cs.justifyContent : '';
    }

    _to(axis, v) {
      const opts = { behavior: this.props.scrollWithAnimation ? 'smooth' : 'auto' };
      opts[axis] = v;
      this._scroller.scrollTo(opts);
    }

    _intoView() {
      const id = this.props.scrollIntoView;
      if (!id) return;
      const el = B.rootOf(this).getElementById(id);
      if (!el || !this._body.contains(el)) return;
      const sc = this._scroller;
      const r = el.getBoundingClientRect();
      const s = sc.getBoundingClientRect();
      const align = this.props.scrollIntoViewAlignment;
      const opts = { behavior: this.props.scrollWithAnimation ? 'smooth' : 'auto' };
      const off = this.props.scrollIntoViewOffset || 0;
      const pos = (start, size, view) => {
        if (align === 'center') return start - (view - size) / 2;
        if (align === 'end') return start - (view - size);
        return start;
      };
      if (this.props.scrollY) opts.top = pos(r.top - s.top + sc.scrollTop - sc.clientTop, r.height, sc.clientHeight) + off;
      if (this.props.scrollX) opts.left = pos(r.left - s.left + sc.scrollLeft - sc.clientLeft, r.width, sc.clientWidth) + off;
      if (align === 'nearest') {
        if (this.props.scrollY && r.top >= s.top && r.bottom <= s.bottom) delete opts.top;
        if (this.props.scrollX && r.left >= s.left && r.right <= s.right) delete opts.left;
      }
      sc.scrollTo(opts);
    }

    _scrolled() {
      const sc = this._scroller;
      const top = sc.scrollTop;
      const left = sc.scrollLeft;
      const detail = {
        scrollLeft: left,
        scrollTop: top,
        scrollHeight: sc.scrollHeight,
        scrollWidth: sc.scrollWidth,
        deltaX: this._last.left - left,
        deltaY: this._last.top - top,
      };
      this._last = { top, left };
      this.emit('scroll', detail);
      const up = B.pxOf(this.props.upperThreshold, 50);
      const low = B.pxOf(this.props.lowerThreshold, 50);
      if (this.props.scrollY) {
        this._edgeCheck('top', top <= up, detail.deltaY > 0, 'scrolltoupper', 0);
        this._edgeCheck('bottom', top + sc.clientHeight >= sc.scrollHeight - low, detail.deltaY < 0, 'scrolltolower', sc.scrollHeight);
      }
      if (this.props.scrollX) {
        this._edgeCheck('left', left <= up, detail.deltaX > 0, 'scrolltoupper', 0);
        this._edgeCheck('right', left + sc.clientWidth >= sc.scrollWidth - low, detail.deltaX < 0, 'scrolltolower', sc.scrollWidth);
      }
    }

    /** Fires once on entering a threshold zone while moving towards the edge; again after the content grew. */
    _edgeCheck(dir, inside, towards, type, size) {
      const was = this._edge[dir];
      if (!inside) {
        this._edge[dir] = null;
        return;
      }
      if (towards && (!was || was.size !== size)) this.emit(type, { direction: dir });
      if (towards || !was) this._edge[dir] = { size };
    }

    // ── the refresher ─────────────────────────────────────────────────────────────

    _setOffset(dy, animate) {
      this._offset = dy;
      const c = this._content.style;
      c.transition = animate ? 'transform .3s ease' : '';
      c.transform = dy ? 'translateY(' + dy + 'px)' : '';
    }

    _pullInit() {
      let startY = null;
      let pulling = false;
      const start = (y) => {
        if (!this.props.refresherEnabled || this._state !== 'idle' || this._scroller.scrollTop > 0) return;
        startY = y;
        pulling = false;
      };
      const move = (y, e) => {
        if (startY === null) return;
        const dy = y - startY;
        if (!pulling) {
          if (dy <= 4) {
            if (dy < -4) startY = null; // scrolling content up
            return;
          }
          pulling = true;
          this._state = 'pulling';
        }
        if (e.cancelable) e.preventDefault();
        const d = Math.max(0, dy * 0.6);
        this._setOffset(d, false);
        this.emit('refresherpulling', { dy: d });
      };
      const end = () => {
        if (startY === null) return;
        startY = null;
        if (!pulling) return;
        pulling = false;
        const th = this.props.refresherThreshold;
        if (this._offset >= th) {
          this._refreshing();
          this.emit('refresherrefresh', {});
        } else {
          this._state = 'idle';
          this._setOffset(0, true);
          this.emit('refresherabort', {});
        }
      };
      const sc = this._scroller;
      sc.addEventListener('touchstart', (e) => start(e.touches[0].clientY), { passive: true });
      sc.addEventListener('touchmove', (e) => move(e.touches[0].clientY, e), { passive: false });
      sc.addEventListener('touchend', end, { passive: true });
      sc.addEventListener('touchcancel', end, { passive: true });
      sc.addEventListener('pointerdown', (e) => {
        if (e.pointerType !== 'mouse' || e.button !== 0) return;
        start(e.clientY);
        if (startY === null) return;
        const mm = (ev) => move(ev.clientY, ev);
        const up = () => {
          window.removeEventListener('pointermove', mm, true);
          window.removeEventListener('pointerup', up, true);
          end();
        };
        window.addEventListener('pointermove', mm, true);
        window.addEventListener('pointerup', up, true);
      });
    }

    _refreshing() {
      this._state = 'refreshing';
      this._refresher.classList.add('wx-scroll-view-refreshing');
      this._setOffset(this.props.refresherThreshold, true);
      this.propChanged('refresherTriggered', true);
    }

    _triggered(on) {
      if (on && this._state !== 'refreshing') this._refreshing();
      else if (!on && this._state === 'refreshing') {
        this._state = 'idle';
        this._refresher.classList.remove('wx-scroll-view-refreshing');
        this._setOffset(0, true);
        this.emit('refresherrestore', {});
      }
    }
  }
  B.define('scroll-view', WxScrollView);
})();
