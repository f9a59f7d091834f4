// The worker's first script: loads the rest of the logic runtime, in order, from the
// same folder (docs/container.md). The frame's blob sets self.__omContainer first.
'use strict';
(function () {
  var dir = self.__omContainer + 'logic/';
  var files = [
    'core.js',
    'modules.js',
    'bridge.js',
    'tree.js',
    'component.js',
    'events.js',
    'selector.js',
    'wxs.js',
    'pages.js',
    'wx-names.js',
    'wx.js',
    'api/storage.js',
    'api/system.js',
  ];
  // More API files declare themselves in api/index.js (one line each).
  importScripts.apply(
    null,
    files.map(function (f) {
      return dir + f;
    })
  );
  importScripts(dir + 'api/index.js');
  (self.__omApiFiles || []).forEach(function (f) {
    importScripts(dir + 'api/' + f);
  });
  __om.buildWx();
  self.postMessage({ t: 'worker-ready' });
})();
