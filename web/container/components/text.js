/*
 * text: inline text; `decode` turns &nbsp; &lt; &gt; &amp; &apos; &ensp; &emsp; into
 * characters, `space` shows spaces as ensp/emsp/nbsp. The text arrives as text-node
 * children (the runtime changes their data), so the nodes are rewritten in place; each
 * keeps its raw text in `__wxRaw` so that a later prop change starts from it.
 */
'use strict';
(function () {
  const B = window.__wx.__base;
  const ENTITIES = { nbsp: '\u00a0', lt: '<', gt: '>', amp: '&', apos: "'", ensp: '\u2002', emsp: '\u2003' };
  const SPACES = { ensp: '\u2002', emsp: '\u2003', nbsp: '\u00a0' };

  class WxText extends window.__wx.WxElement {
    static get props() {
      return {
        selectable: { type: Boolean, value: false, reflect: true },
        userSelect: { type: Boolean, value: false, reflect: true },
        space: { type: String, value: '' },
        decode: { type: Boolean, value: false },
      };
    }

    update() {
      // Only a text that decodes or converts spaces watches its text nodes.
      const active = this.props.decode || !!SPACES[this.props.space];
      if (active && !this._mo) {
        this._mo = new MutationObserver(() => this._all());
        this._mo.observe(this, { childList: true, characterData: true, subtree: true });
      } else if (!active && this._mo) {
        this._mo.disconnect();
        this._mo = null;
      }
      if (active || this._touched) this._all();
      this._touched = active;
    }

    transform(raw) {
      let s = raw;
      if (this.props.decode) s = s.replace(/&(nbsp|lt|gt|amp|apos|ensp|emsp);/g, (_, k) => ENTITIES[k]);
      const sp = SPACES[this.props.space];
      if (sp) s = s.replace(/ /g, sp);
      return s;
    }

    _all() {
      const walker = document.createTreeWalker(this, NodeFilter.SHOW_TEXT, null, false);
      let n;
      while ((n = walker.nextNode())) {
        let owner = n.parentNode;
        while (owner && owner.localName !== 'wx-text') owner = owner.parentNode;
        if (owner !== this) continue;
        const raw = n.__wxOut !== undefined && n.data === n.__wxOut ? n.__wxRaw : n.data;
        const out = this.transform(raw);
        n.__wxRaw = raw;
        n.__wxOut = out;
        if (n.data !== out) n.data = out;
      }
      if (this._mo) this._mo.takeRecords();
    }
  }
  B.define('text', WxText);
})();
