// The API files the worker loads after the core ones (boot.js): add a file here.
self.__omApiFiles = [];
