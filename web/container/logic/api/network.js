// wx.request / uploadFile / downloadFile: the worker cannot reach the network, so these
// go through the frame to the host (host calls `request`, `uploadFile`, `downloadFile`,
// docs/container.md), which sends them through the platform's proxy with the app's
// allowed domains. The tasks they return work as WeChat's: abort(), headers and
// progress listeners. The host answers once the transfer is complete, so headers and
// progress are reported from that answer (progress: the start at 0 and the end at
// 100, no steps between), and a chunked request (enableChunked) gets its body as one
// chunk.
'use strict';

(function (om) {
  var api = om.api;
  var METHODS = ['OPTIONS', 'GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'TRACE', 'CONNECT'];

  function checkUrl(name, url) {
    if (typeof url !== 'string') throw om.paramError(name, 'url', 'String', url);
    if (!/^https?:\/\/[^/?#]+/i.test(url)) throw { errMsg: name + ':fail invalid url "' + url + '"' };
  }

  function enc(v) {
    return encodeURIComponent(v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));
  }

  /** `{a: 1, b: 'x'}` → `a=1&b=x`, as the base library writes data as a query. */
  function query(obj) {
    return Object.keys(obj)
      .filter(function (k) {
        return obj[k] !== undefined;
      })
      .map(function (k) {
        return encodeURIComponent(k) + '=' + enc(obj[k]);
      })
      .join('&');
  }

  function headerValue(header, name) {
    for (var k in header) if (k.toLowerCase() === name) return String(header[k]);
    return undefined;
  }

  /** A listener list with on/off, for the task objects. */
  function listeners() {
    var list = [];
    return {
      on: function (fn) {
        if (typeof fn === 'function') list.push(fn);
      },
      off: function (fn) {
        if (!fn) list.length = 0;
        else list = list.filter(function (x) {
          return x !== fn;
        });
      },
      fire: function (arg, where) {
        list.slice().forEach(function (fn) {
          om.guard(fn, null, [arg], where);
        });
      },
    };
  }

  /** The shared part of the three tasks: abort, headers, timeout. */
  function Transfer(name, timeout) {
    var self = this;
    this.name = name;
    this.done = false;
    this.headers = listeners();
    this.progress = listeners();
    this.promise = new Promise(function (resolve, reject) {
      self.resolve = resolve;
      self.reject = reject;
    });
    var ms = Number(timeout) > 0 ? Number(timeout) : networkTimeout(name);
    this.timer = setTimeout(function () {
      self.fail(name + ':fail timeout');
    }, ms);
  }
  Transfer.prototype.fail = function (msg) {
    if (this.done) return;
    this.done = true;
    clearTimeout(this.timer);
    this.reject({ errMsg: msg });
  };
  Transfer.prototype.finish = function (res) {
    if (this.done) return;
    this.done = true;
    clearTimeout(this.timer);
    this.resolve(res);
  };

  /** app.json's networkTimeout for this kind of call, else WeChat's 60 s. */
  function networkTimeout(name) {
    var nt = (om.env && om.env.manifest && om.env.manifest.app.networkTimeout) || {};
    var v = Number(nt[name]);
    return v > 0 ? v : 60000;
  }

  function taskMethods(task, t) {
    task.abort = function () {
      t.fail(t.name + ':fail abort');
    };
    task.onHeadersReceived = t.headers.on;
    task.offHeadersReceived = t.headers.off;
    return task;
  }

  // ---- request ---------------------------------------------------------------------

  function RequestTask() {}

  api.task('request', function (o) {
    checkUrl('request', o.url);
    var method = String(o.method || 'GET').toUpperCase();
    if (METHODS.indexOf(method) < 0) throw { errMsg: 'request:fail parameter error: parameter.method should be one of ' + METHODS.join(', ') };
    var header = {};
    var h = o.header && typeof o.header === 'object' ? o.header : {};
    for (var k in h) if (h[k] !== undefined && h[k] !== null) header[k] = String(h[k]);
    if (headerValue(header, 'content-type') === undefined) header['content-type'] = 'application/json';
    var url = o.url;
    var data = o.data;
    // The base library writes the data: a GET's as the query, a JSON body, or a form.
    if (method === 'GET') {
      if (data !== undefined && data !== null && !(data instanceof ArrayBuffer)) {
        var q = typeof data === 'object' ? query(data) : String(data);
        if (q) url += (url.indexOf('?') < 0 ? '?' : url.slice(-1) === '?' || url.slice(-1) === '&' ? '' : '&') + q;
      }
      data = undefined;
    } else if (data !== undefined && data !== null && !(data instanceof ArrayBuffer) && typeof data === 'object') {
      if (ArrayBuffer.isView(data)) data = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength);
      else if (/application\/x-www-form-urlencoded/i.test(headerValue(header, 'content-type'))) data = query(data);
      else data = JSON.stringify(data);
    } else if (data !== undefined && data !== null && !(data instanceof ArrayBuffer)) {
      data = String(data);
    }
    var dataType = o.dataType === undefined ? 'json' : String(o.dataType);
    var responseType = o.responseType === 'arraybuffer' ? 'arraybuffer' : 'text';
    var t = new Transfer('request', o.timeout);
    var task = taskMethods(new RequestTask(), t);
    var chunks = listeners();
    task.onChunkReceived = chunks.on;
    task.offChunkReceived = chunks.off;
    om.bridge
      .call('request', { url: url, method: method, header: header, data: data, dataType: dataType, responseType: responseType, timeout: Number(o.timeout) > 0 ? Number(o.timeout) : networkTimeout('request') })
      .then(
        function (r) {
          if (t.done) return;
          r = r || {};
          var res = { data: r.data, statusCode: r.statusCode, header: r.header || {}, cookies: r.cookies || [] };
          t.headers.fire({ header: res.header, statusCode: res.statusCode, cookies: res.cookies }, 'onHeadersReceived');
          if (o.enableChunked) {
            var body = res.data;
            if (typeof body === 'string') body = new TextEncoder().encode(body).buffer;
            else if (!(body instanceof ArrayBuffer)) body = new TextEncoder().encode(JSON.stringify(body)).buffer;
            chunks.fire({ data: body }, 'onChunkReceived');
          }
          t.finish(res);
        },
        function (e) {
          t.fail(e && e.errMsg ? e.errMsg : 'request:fail');
        }
      );
    return { task: task, result: t.promise };
  });

  // ---- uploadFile --------------------------------------------------------------------

  function UploadTask() {}

  api.task('uploadFile', function (o) {
    checkUrl('uploadFile', o.url);
    om.need('uploadFile', o, 'filePath', 'String');
    om.need('uploadFile', o, 'name', 'String');
    var t = new Transfer('uploadFile', o.timeout);
    var task = taskMethods(new UploadTask(), t);
    task.onProgressUpdate = t.progress.on;
    task.offProgressUpdate = t.progress.off;
    var header = {};
    for (var k in o.header || {}) if (o.header[k] !== undefined && o.header[k] !== null) header[k] = String(o.header[k]);
    var form = {};
    for (var f in o.formData || {}) if (o.formData[f] !== undefined) form[f] = typeof o.formData[f] === 'object' ? JSON.stringify(o.formData[f]) : String(o.formData[f]);
    var local = om.fs ? om.fs.peek(o.filePath) : null;
    var size = local ? local.data.byteLength : 0;
    // The part's file name: the file's own name (a chosen file's, a download's, a
    // wxfile:// base name); the frame knows those of the blobs it made.
    var fileName = local && local.name ? local.name : /^blob:/.test(o.filePath) ? '' : o.filePath.split('/').pop();
    var args = { url: o.url, filePath: o.filePath, name: o.name, fileName: fileName, header: header, formData: form, timeout: Number(o.timeout) > 0 ? Number(o.timeout) : networkTimeout('uploadFile') };
    // A file the worker holds (wxfile://…, or a temporary file it has the bytes of)
    // goes as bytes; otherwise the frame finds the blob.
    if (local) args.fileData = local.data;
    else if (!/^blob:/.test(o.filePath)) {
      t.fail('uploadFile:fail file not found: ' + o.filePath);
      return { task: task, result: t.promise };
    }
    setTimeout(function () {
      if (!t.done) t.progress.fire({ progress: 0, totalBytesSent: 0, totalBytesExpectedToSend: size }, 'onProgressUpdate');
    });
    om.bridge.call('uploadFile', args).then(
      function (r) {
        if (t.done) return;
        r = r || {};
        var sent = r.size || size;
        t.headers.fire({ header: r.header || {} }, 'onHeadersReceived');
        t.progress.fire({ progress: 100, totalBytesSent: sent, totalBytesExpectedToSend: sent }, 'onProgressUpdate');
        t.finish({ data: r.data === undefined ? '' : typeof r.data === 'string' ? r.data : JSON.stringify(r.data), statusCode: r.statusCode });
      },
      function (e) {
        t.fail(e && e.errMsg ? e.errMsg : 'uploadFile:fail');
      }
    );
    return { task: task, result: t.promise };
  });

  // ---- downloadFile --------------------------------------------------------------------

  function DownloadTask() {}

  api.task('downloadFile', function (o) {
    checkUrl('downloadFile', o.url);
    if (o.filePath !== undefined) om.need('downloadFile', o, 'filePath', 'String');
    var t = new Transfer('downloadFile', o.timeout);
    var task = taskMethods(new DownloadTask(), t);
    task.onProgressUpdate = t.progress.on;
    task.offProgressUpdate = t.progress.off;
    var header = {};
    for (var k in o.header || {}) if (o.header[k] !== undefined && o.header[k] !== null) header[k] = String(o.header[k]);
    if (o.filePath !== undefined && om.fs) {
      // Fails at once if the place is not writable, as WeChat checks before fetching.
      try {
        om.fs.checkWritable('downloadFile', o.filePath);
      } catch (e) {
        t.fail(e.errMsg);
        return { task: task, result: t.promise };
      }
    }
    om.bridge.call('downloadFile', { url: o.url, header: header, timeout: Number(o.timeout) > 0 ? Number(o.timeout) : networkTimeout('downloadFile') }).then(
      function (r) {
        if (t.done) return;
        r = r || {};
        var bytes = r.data instanceof ArrayBuffer ? r.data : new ArrayBuffer(0);
        var n = bytes.byteLength;
        t.headers.fire({ header: r.header || { 'content-type': r.contentType || '' }, statusCode: r.statusCode }, 'onHeadersReceived');
        t.progress.fire({ progress: 100, totalBytesWritten: n, totalBytesExpectedToWrite: n }, 'onProgressUpdate');
        var res = { statusCode: r.statusCode, dataLength: n };
        if (om.fs && r.tempFilePath) om.fs.addTemp(r.tempFilePath, bytes, r.contentType || '', decodeURIComponent(String(o.url).split(/[?#]/)[0].split('/').pop() || ''));
        if (o.filePath !== undefined && om.fs) {
          try {
            om.fs.writeBytes('downloadFile', o.filePath, new Uint8Array(bytes));
          } catch (e) {
            t.fail(e.errMsg);
            return;
          }
          res.filePath = o.filePath;
        } else {
          res.tempFilePath = r.tempFilePath;
        }
        t.finish(res);
      },
      function (e) {
        t.fail(e && e.errMsg ? e.errMsg : 'downloadFile:fail');
      }
    );
    setTimeout(function () {
      if (!t.done) t.progress.fire({ progress: 0, totalBytesWritten: 0, totalBytesExpectedToWrite: 0 }, 'onProgressUpdate');
    });
    return { task: task, result: t.promise };
  });
})(__om);
