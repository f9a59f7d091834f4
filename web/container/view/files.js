// The frame's files: every file the mini program holds in the frame is a blob: URL made
// here, whose Blob this registry keeps (`om.files`, docs/container.md "Host calls"):
// downloads, chosen media, exports of canvases and images, files the worker hands
// over. uploadFile, getImageInfo, previews and the worker's readFile look them up.
// Bytes cross to the host and the worker as ArrayBuffers; to the worker they are
// transferred (the frame keeps its Blob, the buffer is a copy).
'use strict';

(function (om) {
  var api = (om.frameApis = om.frameApis || {});
  var registry = {}; // blob: URL → {blob, name, type, time}

  var files = (om.files = {
    /** Keeps `blob` and returns its new blob: URL. */
    register: function (blob, name) {
      var url = URL.createObjectURL(blob);
      registry[url] = { blob: blob, name: name || '', type: blob.type || '', time: Date.now() };
      return url;
    },
    get: function (url) {
      return registry[url] || null;
    },
    release: function (url) {
      if (!registry[url]) return;
      delete registry[url];
      URL.revokeObjectURL(url);
    },
    /** The package file URL of a code-package path ('/images/a.png', 'a/b.png'). */
    packageUrl: function (path) {
      var p = String(path).replace(/^\.?\//, '');
      var pk = om.env.manifest.packages;
      for (var i = 0; i < pk.length; i++) {
        var dir = pk[i].root ? 'sub/' + pk[i].root + '/files/' : 'main/files/';
        var cands = [dir + p];
        if (pk[i].root && p.indexOf(pk[i].root + '/') === 0) cands.push(dir + p.slice(pk[i].root.length + 1));
        for (var c = 0; c < cands.length; c++) {
          for (var j = 0; j < pk[i].files.length; j++) if (pk[i].files[j].path === cands[c]) return om.env.base + cands[c];
        }
      }
      return null;
    },
    /**
     * The Blob behind `src` and a temporary path for it: a registered blob: URL, a
     * data: URL, a file of the package (fetched: the frame may read its package), or
     * an http(s) URL, downloaded through the host (`downloadFile`, the app's download
     * domains) and registered. Rejects with {errMsg: "<name>:fail …"}.
     */
    load: function (name, src) {
      src = String(src || '');
      var reg = registry[src];
      if (reg) return Promise.resolve({ blob: reg.blob, path: src, name: reg.name, fresh: false });
      if (/^blob:/.test(src)) return Promise.reject({ errMsg: name + ':fail file not found' });
      if (/^data:/i.test(src)) {
        var m = /^data:([^;,]*)(;base64)?,(.*)$/i.exec(src);
        if (!m) return Promise.reject({ errMsg: name + ':fail invalid data URL' });
        var bytes;
        if (m[2]) {
          var bin = atob(m[3]);
          bytes = new Uint8Array(bin.length);
          for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
        } else bytes = new TextEncoder().encode(decodeURIComponent(m[3]));
        var blob = new Blob([bytes], { type: m[1] || 'application/octet-stream' });
        return Promise.resolve({ blob: blob, path: files.register(blob, ''), name: '', fresh: true });
      }
      if (/^https?:/i.test(src) && src.indexOf(om.env.base) !== 0) {
        return om.hostCall('downloadFile', { url: src, header: {} }).then(
          function (r) {
            if (!r || (r.statusCode && (r.statusCode < 200 || r.statusCode >= 300))) throw { errMsg: name + ':fail download ' + src + ' failed (' + (r && r.statusCode) + ')' };
            var b = new Blob([r.data], { type: r.contentType || '' });
            return { blob: b, path: files.register(b, src.split(/[?#]/)[0].split('/').pop()), name: '', fresh: true };
          },
          function (e) {
            throw { errMsg: name + ':fail ' + String((e && e.errMsg) || e).replace(/^[\w$]+:fail\s*/, '') };
          }
        );
      }
      var url = src.indexOf(om.env.base) === 0 ? src : files.packageUrl(src);
      if (!url) return Promise.reject({ errMsg: name + ':fail file not found: ' + src });
      return fetch(url)
        .then(function (r) {
          if (!r.ok) throw new Error(String(r.status));
          return r.blob();
        })
        .then(
          function (b) {
            return { blob: b, path: url, name: url.split('/').pop(), fresh: false, package: true };
          },
          function () {
            throw { errMsg: name + ':fail file not found: ' + src };
          }
        );
    },
    /** A URL an <img> or <audio> can use for `src` (package paths mapped). */
    displayUrl: function (src) {
      src = String(src || '');
      if (/^(https?:|blob:|data:)/i.test(src)) return src;
      return files.packageUrl(src) || src;
    },
  });

  // ---- calls from the worker --------------------------------------------------------

  /** Bytes of the worker's (a written file, a canvas export): a temporary path here. */
  api.$registerFile = function (a) {
    if (!(a.data instanceof ArrayBuffer)) throw { errMsg: '$registerFile:fail no data' };
    var blob = new Blob([a.data], { type: a.type || '' });
    return { tempFilePath: files.register(blob, a.name || '') };
  };

  api.$releaseFile = function (a) {
    files.release(a.path);
    return {};
  };

  /** The bytes of a temporary file (for the worker's readFile of a blob it never had). */
  api.$readFile = function (a) {
    var reg = registry[a.path];
    if (!reg) throw { errMsg: '$readFile:fail no such file or directory, open ' + a.path };
    return reg.blob.arrayBuffer().then(function (buf) {
      return om.transfer({ data: buf, type: reg.type, name: reg.name }, [buf]);
    });
  };

  // The host does the transfer; the frame finds and makes the files.
  api.uploadFile = function (a) {
    var bytes = a.fileData instanceof ArrayBuffer ? Promise.resolve({ data: a.fileData, name: a.fileName, type: '' }) : null;
    if (!bytes) {
      var reg = registry[a.filePath];
      if (!reg) throw { errMsg: 'uploadFile:fail file not found: ' + a.filePath };
      bytes = reg.blob.arrayBuffer().then(function (buf) {
        return { data: buf, name: reg.name, type: reg.type };
      });
    }
    return bytes.then(function (f) {
      var fileName = a.fileName || f.name || 'file';
      return om
        .hostCall('uploadFile', { url: a.url, name: a.name, fileName: fileName, fileData: f.data, header: a.header || {}, formData: a.formData || {}, timeout: a.timeout })
        .then(function (r) {
          r = r || {};
          return { data: r.data, statusCode: r.statusCode, header: r.header, size: f.data.byteLength };
        });
    });
  };

  api.downloadFile = function (a) {
    return om.hostCall('downloadFile', { url: a.url, header: a.header || {}, timeout: a.timeout }).then(function (r) {
      r = r || {};
      var data = r.data instanceof ArrayBuffer ? r.data : new ArrayBuffer(0);
      var type = r.contentType || '';
      var name = decodeURIComponent(String(a.url).split(/[?#]/)[0].split('/').pop() || '');
      var path = files.register(new Blob([data], { type: type }), name);
      return om.transfer({ tempFilePath: path, statusCode: r.statusCode, contentType: type, header: r.header, data: data }, [data]);
    });
  };
})((window.__om = window.__om || {}));
