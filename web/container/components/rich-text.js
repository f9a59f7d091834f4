/*
 * rich-text: `nodes` as an HTML string or a node array ({name, attrs, children} and
 * {type: "text", text}), rebuilt from scratch with only WeChat's allowed tags and
 * attributes: no scripts, no event handlers, no URLs but http(s) / data images, links
 * not navigable. A string is read by a small HTML tokenizer of our own into the same
 * node tree, so no element ever exists with an attribute that is not allowed (the
 * browser's parsers would create them, and the frame's CSP would report each inline
 * handler and style). Text entities are decoded; `space` shows spaces as
 * ensp/emsp/nbsp.
 */
'use strict';
(function () {
  const B = window.__wx.__base;

  // WeChat's whitelist: tag → its own attributes (class and style are allowed on all).
  const TAGS = {
    a: [], abbr: [], address: [], article: [], aside: [], b: [], bdi: [], bdo: ['dir'], big: [], blockquote: [],
    br: [], caption: [], center: [], cite: [], code: [], col: ['span', 'width'], colgroup: ['span', 'width'],
    dd: [], del: [], div: [], dl: [], dt: [], em: [], fieldset: [], font: [], footer: [],
    h1: [], h2: [], h3: [], h4: [], h5: [], h6: [], header: [], hr: [], i: [],
    img: ['alt', 'src', 'height', 'width'], ins: [], label: [], legend: [], li: [], mark: [], nav: [],
    ol: ['start', 'type'], p: [], pre: [], q: [], rt: [], ruby: [], s: [], section: [], small: [], span: [],
    strong: [], sub: [], sup: [], table: ['width'], tbody: [], td: ['colspan', 'height', 'rowspan', 'width'],
    tfoot: [], th: ['colspan', 'height', 'rowspan', 'width'], thead: [], tr: ['colspan', 'height', 'rowspan', 'width'],
    tt: [], u: [], ul: [],
  };
  // Dropped with everything inside them; other unknown tags keep their text.
  const DROP = /^(script|style|template|iframe|frame|frameset|object|embed|applet|noscript|noembed|svg|math|link|meta|base|title|head|textarea|select|option|button|input|form|audio|video|canvas|source|track|param|portal|xmp|plaintext|noframes)$/;
  const SPACES = { ensp: '\u2002', emsp: '\u2003', nbsp: '\u00a0' };

  function safeUrl(u) {
    const s = String(u || '').trim();
    if (/^(https?:)?\/\//i.test(s)) return s;
    if (/^data:image\/(png|gif|jpe?g|webp|bmp);/i.test(s)) return s;
    if (/^[a-z][a-z0-9+.-]*:/i.test(s)) return null; // javascript:, vbscript:, data:text… and the like
    return s; // a path in the package
  }

  function safeStyle(s) {
    s = String(s || '');
    // No script-bearing values and no external resources through CSS.
    if (/expression\s*\(|javascript:|vbscript:|behavior\s*:|-moz-binding|@import/i.test(s)) return '';
    return s.replace(/url\s*\(\s*(['"]?)\s*(?!(https?:)?\/\/|data:image\/)[^)]*\)/gi, 'none');
  }

  let decoder = null;
  function decodeEntities(s) {
    if (s.indexOf('&') < 0) return s;
    if (!decoder) decoder = document.implementation.createHTMLDocument('').createElement('textarea');
    decoder.innerHTML = s; // RCDATA: only character references are parsed, no elements
    return decoder.value;
  }

  // ── a tokenizer for rich-text strings: HTML into {name, attrs, children} / {type: "text"} ──
  const VOID = /^(area|base|br|col|embed|hr|img|input|link|meta|param|source|track|wbr)$/;
  const RAW = /^(script|style|textarea|title|xmp|iframe|noembed|noframes|noscript|plaintext)$/;
  const CLOSES_P = /^(address|article|aside|blockquote|center|div|dl|fieldset|footer|h[1-6]|header|hr|nav|ol|p|pre|section|table|ul)$/;

  function parseHtml(html) {
    const root = { name: '#root', children: [] };
    const stack = [root];
    const top = () => stack[stack.length - 1];
    const text = (t) => {
      if (!t) return;
      const kids = top().children;
      const last = kids[kids.length - 1];
      if (last && last.type === 'text') last.text += t;
      else kids.push({ type: 'text', text: t });
    };
    const closeTo = (name, stop) => {
      for (let i = stack.length - 1; i > 0; i--) {
        if (stack[i].name === name) {
          stack.length = i;
          return;
        }
        if (stop && stop.test(stack[i].name)) return;
      }
    };
    let i = 0;
    const n = html.length;
    while (i < n) {
      const lt = html.indexOf('<', i);
      if (lt < 0) {
        text(decodeEntities(html.slice(i)));
        break;
      }
      if (lt > i) text(decodeEntities(html.slice(i, lt)));
      i = lt;
      if (html.startsWith('<!--', i)) {
        const e = html.indexOf('-->', i + 4);
        i = e < 0 ? n : e + 3;
        continue;
      }
      if (html[i + 1] === '!' || html[i + 1] === '?') {
        const e = html.indexOf('>', i);
        i = e < 0 ? n : e + 1;
        continue;
      }
      const end = html[i + 1] === '/';
      const m = /^[a-zA-Z][^\s/>]*/.exec(html.slice(i + (end ? 2 : 1), i + (end ? 2 : 1) + 64));
      if (!m) {
        text('<');
        i += 1;
        continue;
      }
      const name = m[0].toLowerCase();
      let j = i + (end ? 2 : 1) + m[0].length;
      // Attributes up to the closing '>'.
      const attrs = {};
      let selfClose = false;
      while (j < n) {
        while (j < n && /\s/.test(html[j])) j++;
        if (html[j] === '>') {
          j++;
          break;
        }
        if (html[j] === '/') {
          selfClose = true;
          j++;
          continue;
        }
        const an = /^[^\s/>=]+/.exec(html.slice(j, j + 256));
        if (!an) {
          j++;
          continue;
        }
        j += an[0].length;
        while (j < n && /\s/.test(html[j])) j++;
        let value = '';
        if (html[j] === '=') {
          j++;
          while (j < n && /\s/.test(html[j])) j++;
          const q = html[j];
          if (q === '"' || q === "'") {
            const e = html.indexOf(q, j + 1);
            value = html.slice(j + 1, e < 0 ? n : e);
            j = e < 0 ? n : e + 1;
          } else {
            const v = /^[^\s>]*/.exec(html.slice(j))[0];
            value = v;
            j += v.length;
          }
        }
        const key = an[0].toLowerCase();
        if (!Object.prototype.hasOwnProperty.call(attrs, key)) attrs[key] = decodeEntities(value);
      }
      i = j;
      if (end) {
        closeTo(name);
        continue;
      }
      if (RAW.test(name)) {
        // Skipped with its content (none of these is allowed).
        const e = html.toLowerCase().indexOf('</' + name, i);
        if (e < 0) i = n;
        else {
          const gt = html.indexOf('>', e);
          i = gt < 0 ? n : gt + 1;
        }
        continue;
      }
      // The end tags HTML implies.
      if (top().name === 'p' && CLOSES_P.test(name)) stack.pop();
      if (name === 'li') closeTo('li', /^(ul|ol)$/);
      else if (name === 'dt' || name === 'dd') {
        closeTo('dt', /^dl$/);
        closeTo('dd', /^dl$/);
      } else if (name === 'tr') closeTo('tr', /^(table|thead|tbody|tfoot)$/);
      else if (name === 'td' || name === 'th') {
        closeTo('td', /^(tr|table)$/);
        closeTo('th', /^(tr|table)$/);
      }
      const node = { name, attrs, children: [] };
      top().children.push(node);
      if (!VOID.test(name) && !selfClose) stack.push(node);
    }
    return root.children;
  }

  class WxRichText extends window.__wx.WxElement {
    static get props() {
      return {
        nodes: { type: null, value: [] },
        space: { type: String, value: '' },
        userSelect: { type: Boolean, value: false, reflect: true },
      };
    }

    init() {
      this._box = this.internal('span', 'wx-rich-text');
      this.emptySlot();
    }

    update() {
      const box = this._box;
      while (box.firstChild) box.removeChild(box.firstChild);
      const nodes = this.props.nodes;
      if (typeof nodes === 'string') this._fromArray(parseHtml(nodes), box, 0, false);
      else if (Array.isArray(nodes)) this._fromArray(nodes, box, 0, true);
      else if (nodes && typeof nodes === 'object') this._fromArray([nodes], box, 0, true);
    }

    _text(s) {
      const sp = SPACES[this.props.space];
      return document.createTextNode(sp ? s.replace(/ /g, sp) : s);
    }

    /** A clean element for tag `name` with the allowed attributes from get(name). */
    _element(name, get) {
      const el = document.createElement(name);
      const cls = get('class');
      if (cls) el.className = String(cls);
      const st = get('style') ? safeStyle(get('style')) : '';
      if (st) el.style.cssText = st;
      if (!el.style.cssText) el.removeAttribute('style');
      for (const a of TAGS[name]) {
        let v = get(a);
        if (v === null || v === undefined || v === '') continue;
        v = String(v);
        if (a === 'src') {
          const u = safeUrl(v);
          if (!u) continue;
          v = this.resolveUrl(u);
        }
        el.setAttribute(a, v);
      }
      if (name === 'a') el.setAttribute('role', 'link');
      if (name === 'img') {
        el.setAttribute('draggable', 'false');
        if (!el.hasAttribute('alt')) el.setAttribute('alt', '');
      }
      return el;
    }

    /** Node-array form; `decode`: text still holds entities (arrays do; parsed strings not). */
    _fromArray(list, out, depth, decode) {
      if (depth > 64) return;
      for (const node of list) {
        if (node === null || node === undefined) continue;
        if (typeof node === 'string') {
          out.appendChild(this._text(decode ? decodeEntities(node) : node));
          continue;
        }
        if (typeof node !== 'object') continue;
        if (node.type === 'text') {
          const t = String(node.text === undefined ? '' : node.text);
          out.appendChild(this._text(decode ? decodeEntities(t) : t));
          continue;
        }
        const name = String(node.name || '').toLowerCase();
        if (!name || DROP.test(name)) continue;
        const attrs = node.attrs && typeof node.attrs === 'object' ? node.attrs : {};
        const kids = Array.isArray(node.children) ? node.children : [];
        if (!TAGS[name]) {
          this._fromArray(kids, out, depth + 1, decode);
          continue;
        }
        const el = this._element(name, (a) => (Object.prototype.hasOwnProperty.call(attrs, a) ? attrs[a] : null));
        this._fromArray(kids, el, depth + 1, decode);
        out.appendChild(el);
      }
    }
  }
  B.define('rich-text', WxRichText);
})();
