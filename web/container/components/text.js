/*
 * text: inline text; `decode` turns &nbsp; &lt; &gt; &amp; &apos; &ensp; &emsp; into
 * characters, `space` shows spaces as ensp/emsp/nbsp. A light component (base.js): a
 * plain `wx-text` element. The text arrives as text-node children (the runtime changes
 * their data), so a text that decodes or converts spaces watches its nodes and rewrites
 * them in place; each keeps its raw text in `__wxRaw` so that a later prop change
 * starts from it.
 */
'use strict';
(function () {
  const B = window.__wx.__base;
  const ENTITIES = { nbsp: '\u00a0', lt: '<', gt: '>', amp: '&', apos: "'", ensp: '\u2002', emsp: '\u2003' };
  const SPACES = { ensp: '\u2002', emsp: '\u2003', nbsp: '\u00a0' };

  function transform(props, raw) {
    let s = raw;
    if (props.decode) s = s.replace(/&(nbsp|lt|gt|amp|apos|ensp|emsp);/g, (_, k) => ENTITIES[k]);
    const sp = SPACES[props.space];
    if (sp) s = s.replace(/ /g, sp);
    return s;
  }

  function all(el) {
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT, null, false);
    let n;
    while ((n = walker.nextNode())) {
      let owner = n.parentNode;
      while (owner && owner.localName !== 'wx-text') owner = owner.parentNode;
      if (owner !== el) continue;
      const raw = n.__wxOut !== undefined && n.data === n.__wxOut ? n.__wxRaw : n.data;
      const out = transform(el.__props, raw);
      n.__wxRaw = raw;
      n.__wxOut = out;
      if (n.data !== out) n.data = out;
    }
    if (el.__mo) el.__mo.takeRecords();
  }

  B.defineLight('text', {
    props: {
      selectable: { type: Boolean, value: false, reflect: true },
      userSelect: { type: Boolean, value: false, reflect: true },
      space: { type: String, value: '' },
      decode: { type: Boolean, value: false },
    },
    update(el) {
      // Only a text that decodes or converts spaces watches its text nodes.
      const active = el.__props.decode || !!SPACES[el.__props.space];
      if (active && !el.__mo) {
        el.__mo = new MutationObserver(() => all(el));
        el.__mo.observe(el, { childList: true, characterData: true, subtree: true });
      } else if (!active && el.__mo) {
        el.__mo.disconnect();
        el.__mo = null;
      }
      if (active || el.__touched) all(el);
      el.__touched = active;
    },
  });
})();
