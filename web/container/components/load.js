/*
 * Loads the built-in components in order (classic scripts from this folder, allowed by
 * the frame's CSP). window.__wx.componentsReady resolves when all are defined; the
 * runtime must create no `wx-*` element before that (or must create them and call
 * setProp only after it). FILES is the list, for a frame that prefers <script> tags.
 */
'use strict';
(function () {
  const FILES = [
    'base.js', 'view.js', 'text.js', 'image.js', 'button.js', 'input.js', 'checkbox.js', 'form.js',
    'navigator.js', 'icon.js', 'progress.js', 'slider.js', 'wheel.js', 'picker-view.js', 'region-data.js',
    'picker.js', 'scroll-view.js', 'swiper.js', 'movable.js', 'rich-text.js', 'media.js',
  ];
  const me = document.currentScript;
  const dir = me && me.src ? me.src.replace(/[^/]*$/, '') : '/container/components/';
  const wx = (window.__wx = window.__wx || {});
  wx.componentFiles = FILES;
  wx.componentsReady = new Promise((resolve, reject) => {
    let left = FILES.length;
    for (const f of FILES) {
      const s = document.createElement('script');
      s.src = dir + f;
      s.async = false; // run in list order
      s.onload = () => {
        if (--left === 0) resolve(wx.components);
      };
      s.onerror = () => reject(new Error('could not load ' + f));
      document.head.appendChild(s);
    }
  });
})();
