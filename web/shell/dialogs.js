// The host's dialogs: centred modals and bottom sheets, drawn by the host above every
// mini program (a frame cannot draw or click them). Each is role=dialog with
// aria-modal, takes the focus, keeps Tab inside, closes on Esc (as "cancel"), and
// gives the focus back where it was.

import { h, byId, activeElement } from './dom.js';

const stack = [];
let seq = 0;

function layer() {
  return byId('dialogs');
}

// What is under a dialog is covered by its mask (pointer), kept out of the Tab order by
// the focus trap, and hidden from readers by aria-modal; only dialogs under the top
// one are made inert (the runner owns the inert state of the app layers).
function setInert() {
  stack.forEach((d, i) => (d.el.inert = i !== stack.length - 1));
}

function focusables(el) {
  return [...el.querySelectorAll('button, [href], input, textarea, select, [tabindex]:not([tabindex="-1"])')].filter((x) => !x.disabled && !x.closest('[hidden]') && x.offsetParent !== null);
}

document.addEventListener(
  'keydown',
  (e) => {
    const top = stack[stack.length - 1];
    if (!top) return;
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      top.close(top.cancelValue);
    } else if (e.key === 'Tab') {
      const f = focusables(top.el);
      if (!f.length) return e.preventDefault();
      const i = f.indexOf(activeElement());
      if (e.shiftKey && (i <= 0)) {
        e.preventDefault();
        f[f.length - 1].focus({ preventScroll: true });
      } else if (!e.shiftKey && i === f.length - 1) {
        e.preventDefault();
        f[0].focus({ preventScroll: true });
      }
    }
  },
  true
);

/**
 * Opens a dialog. `opts`: {title, body (nodes), buttons: [{label, value, kind:
 * 'primary'|'danger'|'default', disabled}], sheet (bottom sheet), cancelValue (Esc and
 * the mask), className, label (accessible name without a visible title), focus (an
 * element to focus first), maskCloses}. Returns {el, promise, close(value)}.
 */
export function openDialog(opts) {
  const id = 'dlg' + ++seq;
  const previous = activeElement();
  let resolve;
  const promise = new Promise((r) => (resolve = r));
  const titleEl = opts.title ? h('h2.dlg-title', { id: id + '-t' }, opts.title) : null;
  const buttons = (opts.buttons || []).map((b) =>
    h('button.dlg-btn' + (b.kind ? '.' + b.kind : ''), { type: 'button', disabled: !!b.disabled, onclick: () => d.close(typeof b.value === 'function' ? b.value() : b.value) }, b.label)
  );
  const box = h(
    'div.dlg' + (opts.sheet ? '.sheet' : '.modal'),
    { class: opts.className, role: opts.alert ? 'alertdialog' : 'dialog', 'aria-modal': 'true', 'aria-labelledby': titleEl ? id + '-t' : null, 'aria-label': titleEl ? null : opts.label || null, tabindex: '-1' },
    titleEl,
    h('div.dlg-body', opts.body || []),
    buttons.length ? h('div.dlg-buttons' + (opts.sheet ? '.stacked' : ''), buttons) : null
  );
  const mask = h('div.dlg-mask' + (opts.sheet ? '.bottom' : ''), {
    onclick: (e) => {
      if (e.target === mask && opts.maskCloses !== false) d.close(opts.cancelValue);
    },
  }, box);
  const d = {
    el: mask,
    box,
    cancelValue: opts.cancelValue,
    promise,
    closed: false,
    close(value) {
      if (d.closed) return;
      d.closed = true;
      const i = stack.indexOf(d);
      if (i >= 0) stack.splice(i, 1);
      mask.remove();
      setInert();
      if (previous && previous.focus && previous.isConnected) previous.focus({ preventScroll: true });
      resolve(value);
    },
  };
  stack.push(d);
  layer().append(mask);
  setInert();
  requestAnimationFrame(() => mask.classList.add('in'));
  const first = opts.focus || buttons.find((b) => b.classList.contains('primary') && !b.disabled) || focusables(box)[0] || box;
  setTimeout(() => (first && first.isConnected ? first : box).focus({ preventScroll: true }), 0);
  return d;
}

/** A modal with two buttons: resolves true for `ok`, false for `cancel`/Esc. */
export function confirm({ title, content, ok = '确定', cancel = '取消', danger = false, body }) {
  const parts = body || (content ? [h('p.dlg-text', content)] : []);
  return openDialog({
    title,
    body: parts,
    buttons: [cancel !== null ? { label: cancel, value: false } : null, { label: ok, value: true, kind: danger ? 'danger' : 'primary' }].filter(Boolean),
    cancelValue: false,
    alert: true,
  }).promise;
}

/** WeChat's action sheet: resolves with the chosen item's index, or -1. */
export function actionSheet(items, { title, label } = {}) {
  const d = openDialog({
    sheet: true,
    label: label || title || '操作',
    body: [
      title ? h('p.sheet-title', title) : null,
      h(
        'div.sheet-items',
        { role: 'menu' },
        items.map((it, i) => {
          const item = typeof it === 'string' ? { label: it } : it;
          return h('button.sheet-item' + (item.danger ? '.danger' : ''), { type: 'button', role: 'menuitem', disabled: !!item.disabled, onclick: () => d.close(i) }, item.label);
        })
      ),
      h('button.sheet-cancel', { type: 'button', onclick: () => d.close(-1) }, '取消'),
    ],
    cancelValue: -1,
  });
  return d.promise;
}

/** Closes the top dialog as cancelled (the host's back button); false if none was open. */
export function closeTop() {
  const top = stack[stack.length - 1];
  if (!top) return false;
  top.close(top.cancelValue);
  return true;
}

export function anyOpen() {
  return stack.length > 0;
}

