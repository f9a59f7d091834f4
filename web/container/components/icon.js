/* icon: WeChat's nine icon types drawn as inline SVG; size (default 23, px or rpx) and color. */
'use strict';
(function () {
  const B = window.__wx.__base;
  const NS = 'http://www.w3.org/2000/svg';

  const COLORS = {
    success: '#09BB07',
    success_no_circle: '#09BB07',
    info: '#10AEFF',
    warn: '#F76260',
    waiting: '#10AEFF',
    cancel: '#F43530',
    download: '#09BB07',
    search: '#B2B2B2',
    clear: '#B2B2B2',
  };

  /** Each shape: [element, attributes]; "C" is the icon's colour, "W" white. */
  const DISC = ['circle', { cx: 12, cy: 12, r: 12, fill: 'C' }];
  const line = (d, color, w) => ['path', { d, fill: 'none', stroke: color, 'stroke-width': w, 'stroke-linecap': 'round', 'stroke-linejoin': 'round' }];
  const SHAPES = {
    success: [DISC, line('M6.6 12.4l3.6 3.6 7.2-7.6', 'W', 1.9)],
    success_no_circle: [line('M3.5 12.5l5.8 5.8L20.8 6.5', 'C', 2.3)],
    info: [DISC, ['circle', { cx: 12, cy: 7, r: 1.45, fill: 'W' }], ['rect', { x: 10.9, y: 10, width: 2.2, height: 8.2, rx: 1.1, fill: 'W' }]],
    warn: [DISC, ['rect', { x: 10.9, y: 5.6, width: 2.2, height: 8.6, rx: 1.1, fill: 'W' }], ['circle', { cx: 12, cy: 17.5, r: 1.4, fill: 'W' }]],
    waiting: [DISC, line('M12 6.2v6.3l4.2 2.6', 'W', 1.9)],
    cancel: [DISC, line('M8 8l8 8M16 8l-8 8', 'W', 1.9)],
    download: [DISC, line('M12 5.8v9M8.2 11.4l3.8 3.8 3.8-3.8M7.6 18.2h8.8', 'W', 1.9)],
    search: [['circle', { cx: 10.3, cy: 10.3, r: 6.6, fill: 'none', stroke: 'C', 'stroke-width': 2 }], line('M15.3 15.3l5.2 5.2', 'C', 2.2)],
    clear: [DISC, line('M8.6 8.6l6.8 6.8M15.4 8.6l-6.8 6.8', 'W', 1.7)],
  };

  class WxIcon extends window.__wx.WxElement {
    static get props() {
      return {
        type: { type: String, value: '', reflect: true },
        size: { type: null, value: 23 },
        color: { type: String, value: '' },
      };
    }
    init() {
      this.setAttribute('role', 'img');
      this.emptySlot();
    }
    update() {
      const p = this.props;
      if (this._svg) this._svg.remove();
      this._svg = null;
      const shapes = SHAPES[p.type];
      if (!shapes) return;
      const color = p.color || COLORS[p.type];
      const size = B.cssLength(p.size, '23px');
      const svg = document.createElementNS(NS, 'svg');
      svg.setAttribute('viewBox', '0 0 24 24');
      svg.setAttribute('class', 'wx-icon-' + p.type);
      svg.style.width = svg.style.height = size;
      for (const s of shapes) {
        const n = document.createElementNS(NS, s[0]);
        for (const k in s[1]) {
          let v = s[1][k];
          if (v === 'C') v = color;
          else if (v === 'W') v = '#fff';
          n.setAttribute(k, String(v));
        }
        svg.appendChild(n);
      }
      svg.__wxInternal = true;
      this.insertBefore(svg, this.firstChild);
      this._svg = svg;
      this.setAttribute('aria-label', p.type);
    }
  }
  B.define('icon', WxIcon);
})();
