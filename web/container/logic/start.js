// The last script of the worker's bundle: every API file has declared its APIs.
'use strict';
__om.buildWx();
self.postMessage({ t: 'worker-ready' });
