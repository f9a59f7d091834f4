// The API files the worker loads after the core ones (boot.js): add a file here.
self.__omApiFiles = ['base.js', 'fs.js', 'network.js', 'canvas.js', 'media.js', 'ui.js', 'device.js'];
