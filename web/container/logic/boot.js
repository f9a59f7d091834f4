// The worker's first script: the logic runtime, one bundle of the files
// web/container/bundles.json lists (docs/container.md). The frame's blob sets
// self.__omContainer first.
'use strict';
importScripts(self.__omContainer + 'bundle/logic.js');
