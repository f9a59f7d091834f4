/*
 * picker: a tap opens WeChat's bottom sheet (取消 / header-text / 确定) with one wheel
 * per column: mode selector (range, range-key; change {value: index}), multiSelector
 * (change {value: [indices]}, columnchange {column, value} while open, and range or
 * value updated by the page while open are shown at once), time ("hh:mm", start/end),
 * date ("YYYY-MM-DD", start/end, fields year/month/day) and region ([province, city,
 * district], custom-item, level; change {value, code, postcode}). cancel when dismissed.
 */
'use strict';
(function () {
  const B = window.__wx.__base;
  const pad2 = (n) => (n < 10 ? '0' : '') + n;

  function parseDate(s, dflt) {
    const m = /^(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?/.exec(String(s || ''));
    if (!m) return dflt;
    return [+m[1], m[2] ? +m[2] : 1, m[3] ? +m[3] : 1];
  }
  function parseTime(s, dflt) {
    const m = /^(\d{1,2}):(\d{1,2})/.exec(String(s || ''));
    return m ? [Math.min(23, +m[1]), Math.min(59, +m[2])] : dflt;
  }
  const cmp = (a, b) => {
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
    return 0;
  };
  const daysIn = (y, m) => new Date(y, m, 0).getDate();
  const range = (a, b) => {
    const out = [];
    for (let i = a; i <= b; i++) out.push(i);
    return out;
  };

  class WxPicker extends window.__wx.WxElement {
    static get props() {
      return {
        mode: { type: String, value: 'selector' },
        disabled: { type: Boolean, value: false, reflect: true },
        range: { type: Array, value: [] },
        rangeKey: { type: String, value: '' },
        value: { type: null, value: undefined },
        start: { type: String, value: '' },
        end: { type: String, value: '' },
        fields: { type: String, value: 'day' },
        customItem: { type: String, value: '' },
        level: { type: String, value: 'region' },
        headerText: { type: String, value: '' },
        name: { type: String, value: '' },
      };
    }

    init() {
      this.makeControl('button');
      this.setAttribute('aria-haspopup', 'listbox');
      this.addEventListener('click', () => {
        if (!this.props.disabled && !this._popup) this.open();
      });
    }

    update(name) {
      this.setFocusable(!this.props.disabled);
      if (!this._popup) return;
      if (name === 'range' || name === 'rangeKey' || name === 'value' || name === 'start' || name === 'end') {
        if (this.props.mode === 'multiSelector' || this.props.mode === 'selector') {
          const idx = name === 'value' ? this._initialIndices() : this._wheels.map((w) => w.index);
          this._columns(idx);
        }
      }
    }

    disconnected() {
      if (this._popup) this.close(false);
    }

    label(item) {
      const k = this.props.rangeKey;
      if (item !== null && typeof item === 'object' && k) return item[k] === undefined ? '' : String(item[k]);
      return item === undefined || item === null ? '' : String(item);
    }

    // ── the columns of each mode: {labels, data} per column, from the indices chosen ──

    _model(idx) {
      const p = this.props;
      const mode = p.mode;
      if (mode === 'multiSelector') {
        return (p.range || []).map((col) => ({ labels: (Array.isArray(col) ? col : []).map((x) => this.label(x)) }));
      }
      if (mode === 'time') {
        const s = parseTime(p.start, [0, 0]);
        const e = parseTime(p.end, [23, 59]);
        const hours = range(s[0], Math.max(s[0], e[0]));
        const h = hours[Math.min(idx[0] || 0, hours.length - 1)];
        const mins = range(h === s[0] ? s[1] : 0, h === e[0] ? e[1] : 59);
        return [
          { labels: hours.map(pad2), data: hours },
          { labels: mins.map(pad2), data: mins },
        ];
      }
      if (mode === 'date') {
        const s = parseDate(p.start, [1900, 1, 1]);
        const e = parseDate(p.end, [2100, 12, 31]);
        const years = range(s[0], Math.max(s[0], e[0]));
        const y = years[Math.min(idx[0] || 0, years.length - 1)];
        const months = range(y === s[0] ? s[1] : 1, y === e[0] ? e[1] : 12);
        const m = months[Math.min(idx[1] || 0, months.length - 1)];
        const days = range(y === s[0] && m === s[1] ? s[2] : 1, y === e[0] && m === e[1] ? Math.min(e[2], daysIn(y, m)) : daysIn(y, m));
        const cols = [{ labels: years.map((v) => v + '年'), data: years }];
        if (p.fields !== 'year') cols.push({ labels: months.map((v) => pad2(v) + '月'), data: months });
        if (p.fields === 'day' || (p.fields !== 'year' && p.fields !== 'month')) cols.push({ labels: days.map((v) => pad2(v) + '日'), data: days });
        return cols;
      }
      if (mode === 'region') {
        const levels = { province: 1, city: 2, region: 3, 'sub-district': 3 }[p.level] || 3;
        const custom = p.customItem;
        const cols = [];
        let list = window.__wx.regionData || [];
        for (let c = 0; c < levels; c++) {
          const items = custom ? [['', custom, null]].concat(list) : list;
          cols.push({ labels: items.map((x) => x[1]), data: items });
          const chosen = items[Math.min(idx[c] || 0, items.length - 1)];
          list = chosen && chosen[2] ? chosen[2] : [];
        }
        return cols;
      }
      return [{ labels: (p.range || []).map((x) => this.label(x)) }];
    }

    /** Indices of the current value, per mode. */
    _initialIndices() {
      const p = this.props;
      const v = p.value;
      if (p.mode === 'multiSelector') return Array.isArray(v) ? v.map((x) => +x || 0) : [];
      if (p.mode === 'time') {
        const now = new Date();
        const t = parseTime(v, [now.getHours(), now.getMinutes()]);
        return this._find([t[0], t[1]]);
      }
      if (p.mode === 'date') {
        const now = new Date();
        const t = parseDate(v, [now.getFullYear(), now.getMonth() + 1, now.getDate()]);
        return this._find(t);
      }
      if (p.mode === 'region') {
        const names = Array.isArray(v) ? v : [];
        const idx = [];
        for (let c = 0; c < 3; c++) {
          const cols = this._model(idx);
          if (!cols[c]) break;
          const i = cols[c].labels.indexOf(names[c]);
          idx.push(i < 0 ? 0 : i);
        }
        return idx;
      }
      return [Math.max(0, +v || 0)];
    }

    /** Indices of data values (time/date), clamped into start..end column by column. */
    _find(vals) {
      const idx = [];
      for (let c = 0; c < vals.length; c++) {
        const cols = this._model(idx);
        if (!cols[c]) break;
        const data = cols[c].data;
        let i = data.indexOf(vals[c]);
        if (i < 0) i = vals[c] < data[0] ? 0 : data.length - 1;
        idx.push(i);
      }
      return idx;
    }

    // ── the popup ───────────────────────────────────────────────────────────────────

    open() {
      const root = B.overlayRoot() || B.rootOf(this);
      const pop = document.createElement('div');
      pop.className = 'wx-picker-popup';
      pop.__wxInternal = true;
      const mask = document.createElement('div');
      mask.className = 'wx-picker-popup-mask';
      const sheet = document.createElement('div');
      sheet.className = 'wx-picker-popup-sheet';
      sheet.setAttribute('role', 'dialog');
      sheet.setAttribute('aria-modal', 'true');
      const head = document.createElement('div');
      head.className = 'wx-picker-popup-header';
      const cancel = document.createElement('button');
      cancel.className = 'wx-picker-popup-cancel';
      cancel.type = 'button';
      cancel.textContent = '取消';
      const title = document.createElement('div');
      title.className = 'wx-picker-popup-title';
      title.textContent = this.props.headerText || '';
      const ok = document.createElement('button');
      ok.className = 'wx-picker-popup-confirm';
      ok.type = 'button';
      ok.textContent = '确定';
      head.append(cancel, title, ok);
      const body = document.createElement('div');
      body.className = 'wx-picker-popup-body';
      sheet.append(head, body);
      pop.append(mask, sheet);
      root.appendChild(pop);
      this._popup = pop;
      this._body = body;
      this._wheels = [];
      mask.addEventListener('click', () => this._cancel());
      cancel.addEventListener('click', () => this._cancel());
      ok.addEventListener('click', () => this._confirm());
      pop.addEventListener('keydown', (e) => {
        if (e.key === 'Escape') this._cancel();
      });
      this._columns(this._initialIndices());
      // Next frame: the sheet slides up.
      requestAnimationFrame(() => requestAnimationFrame(() => pop.classList.add('wx-picker-popup-show')));
      const first = this._wheels[0];
      if (first) first.scroller.focus({ preventScroll: true });
    }

    /** (Re)builds the columns for indices `idx`, keeping existing wheels. */
    _columns(idx) {
      const cols = this._model(idx);
      while (this._wheels.length > cols.length) {
        const w = this._wheels.pop();
        w.destroy();
        w.host.remove();
      }
      for (let c = 0; c < cols.length; c++) {
        let w = this._wheels[c];
        if (!w) {
          const host = document.createElement('div');
          host.className = 'wx-picker-popup-column';
          this._body.appendChild(host);
          w = new B.Wheel(host, { onChange: (i) => this._colChanged(c, i) });
          this._wheels.push(w);
        }
        const labels = cols[c].labels;
        const items = w.content.children;
        let same = items.length === labels.length;
        for (let i = 0; same && i < labels.length; i++) same = items[i].textContent === labels[i];
        if (!same) {
          const frag = document.createDocumentFragment();
          for (const l of labels) {
            const it = document.createElement('div');
            it.className = 'wx-picker-item';
            it.textContent = l;
            it.setAttribute('role', 'option');
            frag.appendChild(it);
          }
          w.content.textContent = '';
          w.content.appendChild(frag);
        }
        w.setIndex(idx[c] || 0);
        w.layout();
      }
    }

    _colChanged(c, i) {
      const mode = this.props.mode;
      if (mode === 'multiSelector') {
        this.emit('columnchange', { column: c, value: i });
        return;
      }
      if (mode === 'date' || mode === 'time') {
        // Keep the chosen values of later columns where they still exist.
        const cols = this._model(this._wheels.map((w) => w.index));
        const vals = this._wheels.map((w, k) => (cols[k] ? cols[k].data[w.index] : 0));
        this._columns(this._find(vals));
      } else if (mode === 'region') {
        const idx = this._wheels.map((w, k) => (k <= c ? w.index : 0));
        this._columns(idx);
      }
    }

    _indices() {
      return this._wheels.map((w) => (w.moving ? w.nearest() : w.index));
    }

    _confirm() {
      const idx = this._indices();
      const p = this.props;
      const cols = this._model(idx);
      let detail;
      if (p.mode === 'multiSelector') detail = { value: idx };
      else if (p.mode === 'time') detail = { value: pad2(cols[0].data[idx[0]]) + ':' + pad2(cols[1].data[idx[1]]) };
      else if (p.mode === 'date') {
        const parts = [String(cols[0].data[idx[0]])];
        if (cols[1]) parts.push(pad2(cols[1].data[idx[1]]));
        if (cols[2]) parts.push(pad2(cols[2].data[idx[2]]));
        detail = { value: parts.join('-') };
      } else if (p.mode === 'region') {
        const value = [];
        const code = [];
        cols.forEach((col, c) => {
          const x = col.data[idx[c]];
          value.push(x ? x[1] : '');
          code.push(x ? x[0] : '');
        });
        detail = { value, code, postcode: '' };
      } else {
        if (!cols[0].labels.length) return this.close(true);
        detail = { value: idx[0] || 0 };
      }
      this.close(true);
      this.propChanged('value', detail.value);
      this.emit('change', detail);
    }

    _cancel() {
      this.close(true);
      this.emit('cancel', {});
    }

    close(animate) {
      const pop = this._popup;
      if (!pop) return;
      this._popup = null;
      for (const w of this._wheels) w.destroy();
      this._wheels = [];
      if (!animate) return pop.remove();
      pop.classList.remove('wx-picker-popup-show');
      setTimeout(() => pop.remove(), 300);
      if (this.isConnected) this.focus({ preventScroll: true });
    }

    _formValue() {
      const v = this.props.value;
      if (v !== undefined) return v;
      return this.props.mode === 'multiSelector' || this.props.mode === 'region' ? [] : this.props.mode === 'selector' ? 0 : '';
    }
    _formReset() {
      this.propChanged('value', undefined);
    }
  }
  B.define('picker', WxPicker);
})();
