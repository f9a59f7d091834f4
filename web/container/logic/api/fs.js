// Files: the FileSystemManager (wx.getFileSystemManager) and the older saveFile /
// getSavedFileList / getSavedFileInfo / removeSavedFile / getFileInfo.
//
// Where files are (wx.env.USER_DATA_PATH is wxfile://usr):
//   wxfile://usr/…    the app's own files: read and write, kept in memory for this run
//                     of the mini program, 200 MB at most in all (100 MB a file).
//   wxfile://store/…  files kept with saveFile (counted in the same 200 MB).
//   blob:…            temporary files (downloads, chosen media, exports): the frame
//                     keeps their Blob (view/files.js); the worker keeps a copy of the
//                     bytes it was given, so the *Sync methods can read them.
//   a/b.json, /a/b    files of the code package: read only.
// Errors are WeChat's texts ("readFile:fail no such file or directory, open …") with
// its errno codes.
'use strict';

(function (om) {
  var USR = 'wxfile://usr';
  var STORE = 'wxfile://store';
  var MAX_TOTAL = 200 * 1024 * 1024;
  var MAX_FILE = 100 * 1024 * 1024;

  var nodes = {}; // normalized path → {dir: true, ctime, mtime, atime} | {data: Uint8Array, ctime, mtime, atime}
  var temps = {}; // blob: URL → {data: ArrayBuffer, type, name, time}
  var used = 0;
  var now = function () {
    return Math.floor(Date.now() / 1000);
  };
  nodes[USR] = { dir: true, ctime: now(), mtime: now(), atime: now() };
  nodes[STORE] = { dir: true, ctime: now(), mtime: now(), atime: now() };

  var ERRNO = {
    'no such file or directory': 1300002,
    'permission denied': 1300013,
    'operation not permitted': 1300001,
    'not a directory': 1300020,
    'directory not empty': 1300066,
    'file already exists': 1301005,
    'illegal operation on a directory': 1301003,
    'the maximum size of the file storage limit is exceeded': 1300202,
    'invalid argument': 1300022,
    'bad file descriptor': 1300009,
    'base64 encode error': 1300203,
    'invalid encoding': 1300022,
    'file not exist': 1300002,
    'tempFilePath file not exist': 1300002,
  };

  function FsError(name, reason, detail) {
    var msg = name + ':fail ' + reason + (detail ? detail : '');
    var e = new Error(msg);
    e.errMsg = msg;
    e.errno = ERRNO[reason] || 1300201;
    return e;
  }

  // ---- paths -----------------------------------------------------------------------

  /** 'wxfile://usr/a/../b/' → 'wxfile://usr/b'; other schemes as they are. */
  function normalize(p) {
    p = String(p);
    var m = /^(wxfile:\/\/(?:usr|store))(\/.*)?$/.exec(p) || /^(http:\/\/usr)(\/.*)?$/.exec(p);
    if (!m) return p;
    var root = m[1] === 'http://usr' ? USR : m[1];
    var out = [];
    (m[2] || '').split('/').forEach(function (s) {
      if (!s || s === '.') return;
      if (s === '..') out.pop();
      else out.push(s);
    });
    return out.length ? root + '/' + out.join('/') : root;
  }

  function kind(p) {
    if (p === USR || p.indexOf(USR + '/') === 0) return 'usr';
    if (p === STORE || p.indexOf(STORE + '/') === 0) return 'store';
    if (/^blob:/.test(p)) return 'temp';
    if (/^[a-z][a-z0-9+.-]*:/i.test(p)) return 'other';
    return 'package';
  }

  function parentOf(p) {
    var i = p.lastIndexOf('/');
    return i > 'wxfile://'.length ? p.slice(0, i) : null;
  }

  function baseName(p) {
    return p.slice(p.lastIndexOf('/') + 1);
  }

  /** The package file behind a code-package path, as bytes (null if there is none). */
  var pkgCache = {};
  function packageBytes(p) {
    var rel = String(p).replace(/^\.?\//, '');
    if (om.hasOwn(pkgCache, rel)) return pkgCache[rel];
    var url = om.packageUrl(rel);
    var out = null;
    if (url) {
      var x = new XMLHttpRequest();
      x.open('GET', url, false);
      x.responseType = 'arraybuffer';
      try {
        x.send();
        if (x.status === 200) out = new Uint8Array(x.response);
      } catch (_) {}
    }
    pkgCache[rel] = out;
    return out;
  }

  /** A readable file's bytes, or null: usr/store nodes, temps, package files. */
  function readable(p) {
    var k = kind(p);
    if (k === 'usr' || k === 'store') {
      var n = nodes[p];
      return n && !n.dir ? n.data : null;
    }
    if (k === 'temp') return temps[p] ? new Uint8Array(temps[p].data) : null;
    if (k === 'package') return packageBytes(p);
    return null;
  }

  function exists(p) {
    var k = kind(p);
    if (k === 'usr' || k === 'store') return om.hasOwn(nodes, p);
    return readable(p) !== null;
  }

  function writable(name, p, verb) {
    if (kind(p) !== 'usr') throw FsError(name, 'permission denied', ', ' + (verb || 'open') + ' ' + p);
  }

  function charge(name, delta) {
    if (used + delta > MAX_TOTAL) throw FsError(name, 'the maximum size of the file storage limit is exceeded');
  }

  /** Writes bytes at a usr path (its folder must exist). */
  function put(name, p, bytes, append) {
    writable(name, p);
    var parent = parentOf(p);
    if (!parent || !nodes[parent]) throw FsError(name, 'no such file or directory', ', open ' + p);
    if (!nodes[parent].dir) throw FsError(name, 'not a directory', ' ' + parent);
    var old = nodes[p];
    if (old && old.dir) throw FsError(name, 'illegal operation on a directory', ', open "' + p + '"');
    if (append && !old) throw FsError(name, 'no such file or directory', ', open ' + p);
    var data = bytes;
    if (append) {
      data = new Uint8Array(old.data.length + bytes.length);
      data.set(old.data, 0);
      data.set(bytes, old.data.length);
    }
    if (data.length > MAX_FILE) throw FsError(name, 'the maximum size of the file storage limit is exceeded');
    charge(name, data.length - (old ? old.data.length : 0));
    used += data.length - (old ? old.data.length : 0);
    var t = now();
    nodes[p] = { data: data, ctime: old ? old.ctime : t, mtime: t, atime: t };
  }

  function drop(p) {
    var n = nodes[p];
    if (!n) return;
    if (!n.dir) used -= n.data.length;
    delete nodes[p];
    framed.forget(p);
  }

  function childrenOf(p) {
    var prefix = p + '/';
    return Object.keys(nodes).filter(function (k) {
      return k.indexOf(prefix) === 0 && k.indexOf('/', prefix.length) < 0;
    });
  }

  // ---- encodings -------------------------------------------------------------------

  var ENCODINGS = ['ascii', 'base64', 'binary', 'hex', 'ucs2', 'ucs-2', 'utf16le', 'utf-16le', 'utf-8', 'utf8', 'latin1'];

  function checkEncoding(name, enc) {
    if (enc !== undefined && enc !== null && enc !== '' && ENCODINGS.indexOf(String(enc).toLowerCase()) < 0) throw FsError(name, 'invalid encoding', ': ' + enc);
  }

  function encode(name, data, enc) {
    if (data instanceof ArrayBuffer) return new Uint8Array(data.slice(0));
    if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
    if (typeof data !== 'string') throw om.paramError(name, 'data', 'String or ArrayBuffer', data);
    enc = String(enc || 'utf8').toLowerCase();
    checkEncoding(name, enc);
    var i, out;
    switch (enc) {
      case 'utf8':
      case 'utf-8':
        return new TextEncoder().encode(data);
      case 'base64':
        out = om.base64Decode(data);
        if (!out) throw FsError(name, 'base64 encode error');
        return out;
      case 'hex':
        if (data.length % 2 || /[^0-9a-f]/i.test(data)) throw FsError(name, 'invalid argument');
        out = new Uint8Array(data.length / 2);
        for (i = 0; i < out.length; i++) out[i] = parseInt(data.substr(i * 2, 2), 16);
        return out;
      case 'ucs2':
      case 'ucs-2':
      case 'utf16le':
      case 'utf-16le':
        out = new Uint8Array(data.length * 2);
        for (i = 0; i < data.length; i++) {
          var c = data.charCodeAt(i);
          out[i * 2] = c & 255;
          out[i * 2 + 1] = c >> 8;
        }
        return out;
      default:
        // ascii, binary, latin1: one byte a character.
        out = new Uint8Array(data.length);
        for (i = 0; i < data.length; i++) out[i] = data.charCodeAt(i) & (enc === 'ascii' ? 127 : 255);
        return out;
    }
  }

  function decode(bytes, enc) {
    enc = String(enc).toLowerCase();
    var i, s = '';
    switch (enc) {
      case 'utf8':
      case 'utf-8':
        return new TextDecoder('utf-8').decode(bytes);
      case 'base64':
        return om.base64Encode(bytes);
      case 'hex':
        for (i = 0; i < bytes.length; i++) s += (bytes[i] < 16 ? '0' : '') + bytes[i].toString(16);
        return s;
      case 'ucs2':
      case 'ucs-2':
      case 'utf16le':
      case 'utf-16le':
        return new TextDecoder('utf-16le').decode(bytes);
      default:
        for (i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
        if (enc === 'ascii') s = s.replace(/[\u0080-\u00ff]/g, function (c) {
          return String.fromCharCode(c.charCodeAt(0) & 127);
        });
        return s;
    }
  }

  // ---- the operations (Sync forms throw, the others call back) ---------------------

  function Stats(n, size) {
    this.mode = n.dir ? 16877 : 33188;
    this.size = n.dir ? 0 : size;
    this.lastAccessedTime = n.atime;
    this.lastModifiedTime = n.mtime;
    this._dir = !!n.dir;
  }
  Stats.prototype.isDirectory = function () {
    return this._dir;
  };
  Stats.prototype.isFile = function () {
    return !this._dir;
  };

  function statOf(name, p) {
    var k = kind(p);
    if (k === 'usr' || k === 'store') {
      var n = nodes[p];
      if (!n) throw FsError(name, 'no such file or directory', ' ' + p);
      return new Stats(n, n.dir ? 0 : n.data.length);
    }
    var b = readable(p);
    if (!b) throw FsError(name, 'no such file or directory', ' ' + p);
    var t = k === 'temp' ? temps[p].time : now();
    return new Stats({ atime: t, mtime: t }, b.length);
  }

  var ops = {
    access: function (name, path) {
      var p = normalize(path);
      if (!exists(p)) throw FsError(name, 'no such file or directory', ' ' + p);
    },
    readFile: function (name, filePath, encoding, position, length) {
      var p = normalize(filePath);
      if (nodes[p] && nodes[p].dir) throw FsError(name, 'illegal operation on a directory', ', open "' + p + '"');
      var k = kind(p);
      if (k === 'other') throw FsError(name, 'permission denied', ', open ' + p);
      var b = readable(p);
      if (!b) throw FsError(name, 'no such file or directory', ', open ' + p);
      if (nodes[p]) nodes[p].atime = now();
      checkEncoding(name, encoding);
      if (position !== undefined || length !== undefined) {
        var start = position === undefined ? 0 : Number(position);
        var len = length === undefined ? b.length - start : Number(length);
        if (!(start >= 0) || !(len >= 0) || start + len > b.length) throw FsError(name, 'invalid argument');
        b = b.subarray(start, start + len);
      }
      if (encoding) return decode(b, encoding);
      return b.slice().buffer;
    },
    writeFile: function (name, filePath, data, encoding) {
      var p = normalize(filePath);
      put(name, p, encode(name, data, encoding), false);
    },
    appendFile: function (name, filePath, data, encoding) {
      var p = normalize(filePath);
      put(name, p, encode(name, data, encoding), true);
    },
    unlink: function (name, filePath) {
      var p = normalize(filePath);
      writable(name, p, 'unlink');
      var n = nodes[p];
      if (!n) throw FsError(name, 'no such file or directory', ' ' + p);
      if (n.dir) throw FsError(name, 'operation not permitted', ', unlink ' + p);
      drop(p);
    },
    mkdir: function (name, dirPath, recursive) {
      var p = normalize(dirPath);
      writable(name, p);
      if (nodes[p]) throw FsError(name, 'file already exists', ' ' + p);
      var parent = parentOf(p);
      var missing = [];
      for (var q = parent; q && !nodes[q]; q = parentOf(q)) missing.unshift(q);
      if (missing.length && !recursive) throw FsError(name, 'no such file or directory', ' ' + p);
      missing.concat([p]).forEach(function (d) {
        var up = parentOf(d);
        if (up && nodes[up] && !nodes[up].dir) throw FsError(name, 'not a directory', ' ' + up);
        var t = now();
        nodes[d] = { dir: true, ctime: t, mtime: t, atime: t };
      });
    },
    rmdir: function (name, dirPath, recursive) {
      var p = normalize(dirPath);
      writable(name, p);
      var n = nodes[p];
      if (!n) throw FsError(name, 'no such file or directory', ' ' + p);
      if (!n.dir) throw FsError(name, 'not a directory', ' ' + p);
      if (p === USR) throw FsError(name, 'permission denied', ', open ' + p);
      var inside = Object.keys(nodes).filter(function (k) {
        return k.indexOf(p + '/') === 0;
      });
      if (inside.length && !recursive) throw FsError(name, 'directory not empty');
      inside.forEach(drop);
      drop(p);
    },
    readdir: function (name, dirPath) {
      var p = normalize(dirPath);
      var k = kind(p);
      if (k !== 'usr' && k !== 'store') throw FsError(name, 'permission denied', ', open ' + p);
      var n = nodes[p];
      if (!n) throw FsError(name, 'no such file or directory', ' ' + p);
      if (!n.dir) throw FsError(name, 'not a directory', ' ' + p);
      return childrenOf(p).map(baseName);
    },
    stat: function (name, path, recursive) {
      var p = normalize(path);
      var st = statOf(name, p);
      if (!recursive || !st.isDirectory()) return st;
      var out = [{ path: '/', stats: st }];
      Object.keys(nodes)
        .filter(function (k) {
          return k.indexOf(p + '/') === 0;
        })
        .sort()
        .forEach(function (k) {
          out.push({ path: k.slice(p.length), stats: statOf(name, k) });
        });
      return out;
    },
    copyFile: function (name, srcPath, destPath) {
      var s = normalize(srcPath);
      var d = normalize(destPath);
      var detail = ', copyFile ' + s + ' -> ' + d;
      if (kind(d) !== 'usr') throw FsError(name, 'permission denied', detail);
      var b = readable(s);
      if (!b) throw FsError(name, 'no such file or directory', detail);
      var parent = parentOf(d);
      if (!parent || !nodes[parent] || !nodes[parent].dir) throw FsError(name, 'no such file or directory', detail);
      put(name, d, b.slice(), false);
    },
    rename: function (name, oldPath, newPath) {
      var s = normalize(oldPath);
      var d = normalize(newPath);
      var detail = ', rename ' + s + ' -> ' + d;
      if (kind(d) !== 'usr' || (kind(s) !== 'usr' && kind(s) !== 'store' && kind(s) !== 'temp')) throw FsError(name, 'permission denied', detail);
      if (!exists(s)) throw FsError(name, 'no such file or directory', detail);
      var parent = parentOf(d);
      if (!parent || !nodes[parent] || !nodes[parent].dir) throw FsError(name, 'no such file or directory', detail);
      if (kind(s) === 'temp') {
        put(name, d, readable(s), false);
        releaseTemp(s);
        return;
      }
      if (s === d) return;
      var moving = Object.keys(nodes).filter(function (k) {
        return k === s || k.indexOf(s + '/') === 0;
      });
      if (d.indexOf(s + '/') === 0) throw FsError(name, 'invalid argument');
      if (nodes[d]) {
        if (nodes[d].dir && childrenOf(d).length) throw FsError(name, 'directory not empty');
        drop(d);
      }
      moving.forEach(function (k) {
        nodes[d + k.slice(s.length)] = nodes[k];
        delete nodes[k];
        framed.forget(k);
      });
    },
    truncate: function (name, filePath, length) {
      var p = normalize(filePath);
      writable(name, p);
      var n = nodes[p];
      if (!n) throw FsError(name, 'no such file or directory', ', open ' + p);
      if (n.dir) throw FsError(name, 'illegal operation on a directory', ', open "' + p + '"');
      var len = length === undefined ? 0 : Number(length);
      if (!(len >= 0)) throw FsError(name, 'invalid argument');
      var data = new Uint8Array(len);
      data.set(n.data.subarray(0, Math.min(len, n.data.length)));
      charge(name, len - n.data.length);
      used += len - n.data.length;
      n.data = data;
      n.mtime = now();
      framed.forget(p);
    },
    saveFile: function (name, tempFilePath, filePath) {
      var s = normalize(tempFilePath);
      var b = readable(s);
      if (!b || kind(s) === 'package') throw FsError(name, 'tempFilePath file not exist');
      var d;
      if (filePath !== undefined && filePath !== null && filePath !== '') {
        d = normalize(filePath);
        if (kind(d) !== 'usr') throw FsError(name, 'permission denied', ', open "' + d + '"');
        var parent = parentOf(d);
        if (!parent || !nodes[parent]) throw FsError(name, 'no such file or directory', ' "' + parent + '"');
        put(name, d, b.slice(), false);
      } else {
        var t = temps[s];
        var ext = extOf(t && t.name ? t.name : '', t && t.type);
        d = STORE + '/' + Date.now().toString(36) + Math.random().toString(36).slice(2, 8) + ext;
        if (b.length > MAX_FILE) throw FsError(name, 'the maximum size of the file storage limit is exceeded');
        charge(name, b.length);
        used += b.length;
        var tm = now();
        nodes[d] = { data: b.slice(), ctime: tm, mtime: tm, atime: tm };
      }
      if (kind(s) === 'temp') releaseTemp(s);
      else if (kind(s) === 'usr' || kind(s) === 'store') drop(s);
      return d;
    },
  };

  function extOf(name, type) {
    var m = /\.([a-z0-9]{1,8})$/i.exec(name || '');
    if (m) return '.' + m[1].toLowerCase();
    var t = String(type || '').toLowerCase();
    var map = { 'image/jpeg': '.jpg', 'image/png': '.png', 'image/gif': '.gif', 'image/webp': '.webp', 'video/mp4': '.mp4', 'audio/mpeg': '.mp3', 'application/pdf': '.pdf', 'text/plain': '.txt', 'application/json': '.json' };
    return map[t.split(';')[0]] || '';
  }

  function releaseTemp(p) {
    delete temps[p];
    om.bridge.call('$releaseFile', { path: p }).catch(function () {});
  }

  // ---- file descriptors --------------------------------------------------------------

  var fds = {};
  var nextFd = 1;
  var FLAGS = ['a', 'ax', 'a+', 'ax+', 'as', 'as+', 'r', 'r+', 'w', 'wx', 'w+', 'wx+'];

  function fdOf(name, fd) {
    var f = fds[fd];
    if (!f) throw FsError(name, 'bad file descriptor');
    return f;
  }

  var fdOps = {
    open: function (name, filePath, flag) {
      var p = normalize(filePath);
      flag = flag === undefined ? 'r' : String(flag);
      if (FLAGS.indexOf(flag) < 0) throw FsError(name, 'invalid argument');
      var write = flag !== 'r';
      var create = /^[aw]/.test(flag);
      var exclusive = flag.indexOf('x') >= 0;
      var there = exists(p);
      if (exclusive && there) throw FsError(name, 'file already exists', ' ' + p);
      if (!there && !create) throw FsError(name, 'no such file or directory', ', open ' + p);
      if (write) writable(name, p);
      if (nodes[p] && nodes[p].dir) throw FsError(name, 'illegal operation on a directory', ', open "' + p + '"');
      if (!there || flag.charAt(0) === 'w') put(name, p, new Uint8Array(0), false);
      var fd = String(nextFd++);
      fds[fd] = { path: p, flag: flag, pos: 0, read: flag === 'r' || flag.indexOf('+') >= 0, write: write, append: flag.charAt(0) === 'a' };
      return fd;
    },
    close: function (name, fd) {
      fdOf(name, fd);
      delete fds[fd];
    },
    fstat: function (name, fd) {
      return statOf(name, fdOf(name, fd).path);
    },
    ftruncate: function (name, fd, length) {
      var f = fdOf(name, fd);
      if (!f.write) throw FsError(name, 'bad file descriptor');
      ops.truncate(name, f.path, length);
    },
    read: function (name, fd, arrayBuffer, offset, length, position) {
      var f = fdOf(name, fd);
      if (!f.read) throw FsError(name, 'bad file descriptor');
      if (!(arrayBuffer instanceof ArrayBuffer)) throw om.paramError(name, 'arrayBuffer', 'ArrayBuffer', arrayBuffer);
      var data = readable(f.path) || new Uint8Array(0);
      offset = offset === undefined ? 0 : Number(offset);
      length = length === undefined ? arrayBuffer.byteLength - offset : Number(length);
      if (!(offset >= 0) || !(length >= 0) || offset + length > arrayBuffer.byteLength) throw FsError(name, 'invalid argument');
      var pos = position === undefined || position === null ? f.pos : Number(position);
      var n = Math.max(0, Math.min(length, data.length - pos));
      new Uint8Array(arrayBuffer, offset, n).set(data.subarray(pos, pos + n));
      if (position === undefined || position === null) f.pos = pos + n;
      return { bytesRead: n, arrayBuffer: arrayBuffer };
    },
    write: function (name, fd, data, offset, length, position, encoding) {
      var f = fdOf(name, fd);
      if (!f.write) throw FsError(name, 'bad file descriptor');
      var bytes = encode(name, data, encoding);
      if (typeof data !== 'string') {
        offset = offset === undefined ? 0 : Number(offset);
        length = length === undefined ? bytes.length - offset : Number(length);
        if (!(offset >= 0) || !(length >= 0) || offset + length > bytes.length) throw FsError(name, 'invalid argument');
        bytes = bytes.subarray(offset, offset + length);
      }
      var cur = readable(f.path) || new Uint8Array(0);
      var pos = f.append ? cur.length : position === undefined || position === null ? f.pos : Number(position);
      var out = new Uint8Array(Math.max(cur.length, pos + bytes.length));
      out.set(cur, 0);
      out.set(bytes, pos);
      put(name, f.path, out, false);
      if (f.append || position === undefined || position === null) f.pos = pos + bytes.length;
      return { bytesWritten: bytes.length };
    },
  };

  // ---- the FileSystemManager object ---------------------------------------------------

  /** A callback-style method: `fn(o)` runs on the next turn; success/fail/complete. */
  function callbacks(name, fn) {
    return function (o) {
      o = o && typeof o === 'object' ? o : {};
      setTimeout(function () {
        var p;
        try {
          p = Promise.resolve(fn(o));
        } catch (e) {
          p = Promise.reject(e);
        }
        p.then(
          function (r) {
            var out = r && typeof r === 'object' && !(r instanceof Stats) && !Array.isArray(r) ? r : {};
            out.errMsg = name + ':ok';
            if (typeof o.success === 'function') om.guard(o.success, null, [out], name + ' success');
            if (typeof o.complete === 'function') om.guard(o.complete, null, [out], name + ' complete');
          },
          function (e) {
            var out = e && e.errMsg ? { errMsg: e.errMsg, errno: e.errno } : { errMsg: name + ':fail ' + (e && e.message ? e.message : e) };
            if (typeof o.fail === 'function') om.guard(o.fail, null, [out], name + ' fail');
            if (typeof o.complete === 'function') om.guard(o.complete, null, [out], name + ' complete');
          }
        );
      }, 0);
    };
  }

  function need(name, v, key) {
    if (typeof v !== 'string') throw FsError(name, 'parameter error: parameter.' + key + ' should be String instead of ' + om.typeName(v) + ';');
  }

  function FileSystemManager() {}
  var F = FileSystemManager.prototype;

  F.accessSync = function (path) {
    need('accessSync', path, 'path');
    ops.access('accessSync', path);
  };
  F.access = callbacks('access', function (o) {
    need('access', o.path, 'path');
    ops.access('access', o.path);
  });
  F.readFileSync = function (filePath, encoding, position, length) {
    need('readFileSync', filePath, 'filePath');
    return ops.readFile('readFileSync', filePath, encoding, position, length);
  };
  F.readFile = callbacks('readFile', function (o) {
    need('readFile', o.filePath, 'filePath');
    var p = normalize(o.filePath);
    if (kind(p) === 'temp' && !temps[p]) {
      // A temporary file the worker was never given the bytes of: ask the frame.
      return fetchTemp('readFile', p).then(function () {
        return { data: ops.readFile('readFile', p, o.encoding, o.position, o.length) };
      });
    }
    return { data: ops.readFile('readFile', o.filePath, o.encoding, o.position, o.length) };
  });
  F.writeFileSync = function (filePath, data, encoding) {
    need('writeFileSync', filePath, 'filePath');
    ops.writeFile('writeFileSync', filePath, data, encoding);
  };
  F.writeFile = callbacks('writeFile', function (o) {
    need('writeFile', o.filePath, 'filePath');
    ops.writeFile('writeFile', o.filePath, o.data, o.encoding);
  });
  F.appendFileSync = function (filePath, data, encoding) {
    need('appendFileSync', filePath, 'filePath');
    ops.appendFile('appendFileSync', filePath, data, encoding);
  };
  F.appendFile = callbacks('appendFile', function (o) {
    need('appendFile', o.filePath, 'filePath');
    ops.appendFile('appendFile', o.filePath, o.data, o.encoding);
  });
  F.unlinkSync = function (filePath) {
    need('unlinkSync', filePath, 'filePath');
    ops.unlink('unlinkSync', filePath);
  };
  F.unlink = callbacks('unlink', function (o) {
    need('unlink', o.filePath, 'filePath');
    ops.unlink('unlink', o.filePath);
  });
  F.mkdirSync = function (dirPath, recursive) {
    need('mkdirSync', dirPath, 'dirPath');
    ops.mkdir('mkdirSync', dirPath, !!recursive);
  };
  F.mkdir = callbacks('mkdir', function (o) {
    need('mkdir', o.dirPath, 'dirPath');
    ops.mkdir('mkdir', o.dirPath, !!o.recursive);
  });
  F.rmdirSync = function (dirPath, recursive) {
    need('rmdirSync', dirPath, 'dirPath');
    ops.rmdir('rmdirSync', dirPath, !!recursive);
  };
  F.rmdir = callbacks('rmdir', function (o) {
    need('rmdir', o.dirPath, 'dirPath');
    ops.rmdir('rmdir', o.dirPath, !!o.recursive);
  });
  F.readdirSync = function (dirPath) {
    need('readdirSync', dirPath, 'dirPath');
    return ops.readdir('readdirSync', dirPath);
  };
  F.readdir = callbacks('readdir', function (o) {
    need('readdir', o.dirPath, 'dirPath');
    return { files: ops.readdir('readdir', o.dirPath) };
  });
  F.statSync = function (path, recursive) {
    need('statSync', path, 'path');
    return ops.stat('statSync', path, !!recursive);
  };
  F.stat = callbacks('stat', function (o) {
    need('stat', o.path, 'path');
    return { stats: ops.stat('stat', o.path, !!o.recursive) };
  });
  F.copyFileSync = function (srcPath, destPath) {
    need('copyFileSync', srcPath, 'srcPath');
    need('copyFileSync', destPath, 'destPath');
    ops.copyFile('copyFileSync', srcPath, destPath);
  };
  F.copyFile = callbacks('copyFile', function (o) {
    need('copyFile', o.srcPath, 'srcPath');
    need('copyFile', o.destPath, 'destPath');
    ops.copyFile('copyFile', o.srcPath, o.destPath);
  });
  F.renameSync = function (oldPath, newPath) {
    need('renameSync', oldPath, 'oldPath');
    need('renameSync', newPath, 'newPath');
    ops.rename('renameSync', oldPath, newPath);
  };
  F.rename = callbacks('rename', function (o) {
    need('rename', o.oldPath, 'oldPath');
    need('rename', o.newPath, 'newPath');
    ops.rename('rename', o.oldPath, o.newPath);
  });
  F.truncateSync = function (o) {
    o = o || {};
    need('truncateSync', o.filePath, 'filePath');
    ops.truncate('truncateSync', o.filePath, o.length);
  };
  F.truncate = callbacks('truncate', function (o) {
    need('truncate', o.filePath, 'filePath');
    ops.truncate('truncate', o.filePath, o.length);
  });
  F.saveFileSync = function (tempFilePath, filePath) {
    need('saveFileSync', tempFilePath, 'tempFilePath');
    return ops.saveFile('saveFileSync', tempFilePath, filePath);
  };
  F.saveFile = callbacks('saveFile', function (o) {
    need('saveFile', o.tempFilePath, 'tempFilePath');
    var p = normalize(o.tempFilePath);
    var go = function () {
      return { savedFilePath: ops.saveFile('saveFile', p, o.filePath) };
    };
    return kind(p) === 'temp' && !temps[p] ? fetchTemp('saveFile', p).then(go) : go();
  });
  F.getFileInfo = callbacks('getFileInfo', function (o) {
    need('getFileInfo', o.filePath, 'filePath');
    return fileInfo('getFileInfo', o.filePath, o.digestAlgorithm);
  });
  F.getSavedFileList = callbacks('getSavedFileList', function () {
    return { fileList: savedList() };
  });
  F.removeSavedFile = callbacks('removeSavedFile', function (o) {
    need('removeSavedFile', o.filePath, 'filePath');
    removeSaved('removeSavedFile', o.filePath);
  });
  ['open', 'close', 'fstat', 'ftruncate', 'read', 'write'].forEach(function (op) {
    var args = {
      open: ['filePath', 'flag'],
      close: ['fd'],
      fstat: ['fd'],
      ftruncate: ['fd', 'length'],
      read: ['fd', 'arrayBuffer', 'offset', 'length', 'position'],
      write: ['fd', 'data', 'offset', 'length', 'position', 'encoding'],
    }[op];
    F[op + 'Sync'] = function (o) {
      o = o || {};
      var r = fdOps[op].apply(null, [op + 'Sync'].concat(args.map(function (k) {
        return o[k];
      })));
      return r;
    };
    F[op] = callbacks(op, function (o) {
      var r = fdOps[op].apply(null, [op].concat(args.map(function (k) {
        return o[k];
      })));
      if (op === 'open') return { fd: r };
      if (op === 'fstat') return { stats: r };
      return r;
    });
  });

  var manager = new FileSystemManager();
  om.api.sync('getFileSystemManager', function () {
    return manager;
  });

  function savedList() {
    return Object.keys(nodes)
      .filter(function (k) {
        return k.indexOf(STORE + '/') === 0 && !nodes[k].dir;
      })
      .map(function (k) {
        return { filePath: k, size: nodes[k].data.length, createTime: nodes[k].ctime };
      });
  }

  function removeSaved(name, filePath) {
    var p = normalize(filePath);
    if (!nodes[p] || nodes[p].dir || (kind(p) !== 'store' && kind(p) !== 'usr')) throw FsError(name, 'file not exist');
    drop(p);
  }

  // ---- MD5 (getFileInfo's default digest) ------------------------------------------

  function md5(bytes) {
    var K = new Int32Array(64);
    for (var i = 0; i < 64; i++) K[i] = (Math.abs(Math.sin(i + 1)) * 4294967296) | 0;
    var S = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21];
    var n = bytes.length;
    var words = ((n + 8) >> 6) + 1;
    var M = new Int32Array(words * 16);
    for (i = 0; i < n; i++) M[i >> 2] |= bytes[i] << ((i % 4) * 8);
    M[n >> 2] |= 0x80 << ((n % 4) * 8);
    M[words * 16 - 2] = (n * 8) | 0;
    M[words * 16 - 1] = Math.floor(n / 536870912);
    var a0 = 0x67452301, b0 = 0xefcdab89 | 0, c0 = 0x98badcfe | 0, d0 = 0x10325476;
    for (var blk = 0; blk < words * 16; blk += 16) {
      var A = a0, B = b0, C = c0, D = d0;
      for (var j = 0; j < 64; j++) {
        var F2, g;
        if (j < 16) {
          F2 = (B & C) | (~B & D);
          g = j;
        } else if (j < 32) {
          F2 = (D & B) | (~D & C);
          g = (5 * j + 1) % 16;
        } else if (j < 48) {
          F2 = B ^ C ^ D;
          g = (3 * j + 5) % 16;
        } else {
          F2 = C ^ (B | ~D);
          g = (7 * j) % 16;
        }
        var tmp = D;
        D = C;
        C = B;
        var x = (A + F2 + K[j] + M[blk + g]) | 0;
        var s = S[(j >> 4) * 4 + (j % 4)];
        B = (B + ((x << s) | (x >>> (32 - s)))) | 0;
        A = tmp;
      }
      a0 = (a0 + A) | 0;
      b0 = (b0 + B) | 0;
      c0 = (c0 + C) | 0;
      d0 = (d0 + D) | 0;
    }
    var hex = '';
    [a0, b0, c0, d0].forEach(function (w) {
      for (var k = 0; k < 4; k++) {
        var byte = (w >>> (k * 8)) & 255;
        hex += (byte < 16 ? '0' : '') + byte.toString(16);
      }
    });
    return hex;
  }
  om.md5 = md5;

  om.sha1 = function (b) {
    return sha1(b);
  };

  /** SHA-1 (crypto.subtle needs a secure context, which the sandbox is not). */
  function sha1(bytes) {
    var n = bytes.length;
    var words = (((n + 8) >> 6) + 1) * 16;
    var M = new Int32Array(words);
    for (var i = 0; i < n; i++) M[i >> 2] |= bytes[i] << (24 - (i % 4) * 8);
    M[n >> 2] |= 0x80 << (24 - (n % 4) * 8);
    M[words - 1] = (n * 8) | 0;
    M[words - 2] = Math.floor(n / 536870912);
    var h0 = 0x67452301, h1 = 0xefcdab89 | 0, h2 = 0x98badcfe | 0, h3 = 0x10325476, h4 = 0xc3d2e1f0 | 0;
    var W = new Int32Array(80);
    for (var blk = 0; blk < words; blk += 16) {
      for (var t = 0; t < 80; t++) {
        if (t < 16) W[t] = M[blk + t];
        else {
          var x = W[t - 3] ^ W[t - 8] ^ W[t - 14] ^ W[t - 16];
          W[t] = (x << 1) | (x >>> 31);
        }
      }
      var a = h0, b = h1, c = h2, d = h3, e = h4;
      for (var j = 0; j < 80; j++) {
        var f, k;
        if (j < 20) {
          f = (b & c) | (~b & d);
          k = 0x5a827999;
        } else if (j < 40) {
          f = b ^ c ^ d;
          k = 0x6ed9eba1;
        } else if (j < 60) {
          f = (b & c) | (b & d) | (c & d);
          k = 0x8f1bbcdc | 0;
        } else {
          f = b ^ c ^ d;
          k = 0xca62c1d6 | 0;
        }
        var tmp = (((a << 5) | (a >>> 27)) + f + e + k + W[j]) | 0;
        e = d;
        d = c;
        c = (b << 30) | (b >>> 2);
        b = a;
        a = tmp;
      }
      h0 = (h0 + a) | 0;
      h1 = (h1 + b) | 0;
      h2 = (h2 + c) | 0;
      h3 = (h3 + d) | 0;
      h4 = (h4 + e) | 0;
    }
    var hex = '';
    [h0, h1, h2, h3, h4].forEach(function (w) {
      for (var s = 28; s >= 0; s -= 4) hex += ((w >>> s) & 15).toString(16);
    });
    return hex;
  }

  function fileInfo(name, filePath, algo) {
    var p = normalize(filePath);
    var go = function () {
      var b = readable(p);
      if (!b) throw FsError(name, 'file not exist');
      algo = algo === undefined ? 'md5' : String(algo);
      if (algo !== 'md5' && algo !== 'sha1') throw FsError(name, 'invalid argument');
      return { size: b.length, digest: algo === 'md5' ? md5(b) : sha1(b) };
    };
    return kind(p) === 'temp' && !temps[p] ? fetchTemp(name, p).then(go) : go();
  }

  /** Gets the bytes of a temporary file from the frame (one the worker never saw). */
  function fetchTemp(name, p) {
    return om.bridge.call('$readFile', { path: p }).then(
      function (r) {
        temps[p] = { data: r.data, type: r.type || '', name: r.name || '', time: now() };
      },
      function () {
        throw FsError(name, 'no such file or directory', ', open ' + p);
      }
    );
  }

  // ---- wx.saveFile & co (the older global forms) ------------------------------------

  var api = om.api;
  api.async('saveFile', function (o) {
    om.need('saveFile', o, 'tempFilePath', 'String');
    var p = normalize(o.tempFilePath);
    var go = function () {
      return { savedFilePath: ops.saveFile('saveFile', p, o.filePath) };
    };
    return kind(p) === 'temp' && !temps[p] ? fetchTemp('saveFile', p).then(go) : go();
  });
  api.async('getSavedFileList', function () {
    return { fileList: savedList() };
  });
  api.async('getSavedFileInfo', function (o) {
    om.need('getSavedFileInfo', o, 'filePath', 'String');
    var n = nodes[normalize(o.filePath)];
    if (!n || n.dir) throw { errMsg: 'getSavedFileInfo:fail file not exist' };
    return { size: n.data.length, createTime: n.ctime };
  });
  api.async('removeSavedFile', function (o) {
    om.need('removeSavedFile', o, 'filePath', 'String');
    removeSaved('removeSavedFile', o.filePath);
  });
  api.async('getFileInfo', function (o) {
    om.need('getFileInfo', o, 'filePath', 'String');
    return fileInfo('getFileInfo', o.filePath, o.digestAlgorithm);
  });

  // ---- what other API files use ----------------------------------------------------

  /** Worker files the frame has a blob: URL for (path → URL), made on demand. */
  var framed = {
    urls: {},
    forget: function (p) {
      var u = this.urls[p];
      if (u) {
        delete this.urls[p];
        om.bridge.call('$releaseFile', { path: u }).catch(function () {});
      }
    },
  };

  om.fs = {
    USR: USR,
    normalize: normalize,
    kind: kind,
    /** {data: ArrayBuffer, type, name} of a file the worker holds, or null. */
    peek: function (path) {
      var p = normalize(path);
      var k = kind(p);
      if (k === 'temp') return temps[p] ? { data: temps[p].data, type: temps[p].type, name: temps[p].name } : null;
      if (k === 'usr' || k === 'store') {
        var n = nodes[p];
        return n && !n.dir ? { data: n.data.slice().buffer, type: '', name: baseName(p) } : null;
      }
      return null;
    },
    /** Bytes of any readable file, fetching a temporary one from the frame if need be. */
    bytes: function (name, path) {
      var p = normalize(path);
      if (kind(p) === 'temp' && !temps[p]) return fetchTemp(name, p).then(function () {
        return new Uint8Array(temps[p].data);
      });
      var b = readable(p);
      if (!b) return Promise.reject(FsError(name, 'no such file or directory', ', open ' + p));
      return Promise.resolve(b);
    },
    addTemp: function (url, data, type, name) {
      temps[url] = { data: data, type: type || '', name: name || '', time: now() };
    },
    checkWritable: function (name, path) {
      var p = normalize(path);
      writable(name, p);
      var parent = parentOf(p);
      if (!parent || !nodes[parent] || !nodes[parent].dir) throw FsError(name, 'no such file or directory', ', open ' + p);
    },
    writeBytes: function (name, path, bytes) {
      put(name, normalize(path), bytes, false);
    },
    /**
     * A URL the frame can load for `path`: blob: and http(s) URLs as they are, a worker
     * file as a blob the frame makes (kept while the file is unchanged), a package file
     * as its URL. Resolves to null for a path that names nothing.
     */
    frameUrl: function (path) {
      var s = String(path);
      if (/^(blob:|https?:|data:)/i.test(s)) return Promise.resolve(s);
      var p = normalize(s);
      var k = kind(p);
      if (k === 'usr' || k === 'store') {
        if (framed.urls[p]) return Promise.resolve(framed.urls[p]);
        var n = nodes[p];
        if (!n || n.dir) return Promise.resolve(null);
        return om.bridge.call('$registerFile', { data: n.data.slice().buffer, type: typeOf(p), name: baseName(p) }).then(function (r) {
          framed.urls[p] = r.tempFilePath;
          return r.tempFilePath;
        });
      }
      if (k === 'package') return Promise.resolve(om.packageUrl(om.fs.packagePath(p)));
      return Promise.resolve(null);
    },
    /** A code-package path as WeChat resolves an API's path: from the root, or from
     *  the current page's folder when it starts with ./ or ../ */
    packagePath: function (p) {
      p = String(p);
      if (/^\.\.?\//.test(p)) {
        var page = om.pages.current();
        return om.resolvePath(page ? page.route : '', p);
      }
      return p.replace(/^\//, '');
    },
  };

  function typeOf(p) {
    var ext = (/\.([a-z0-9]+)$/i.exec(p) || [])[1];
    var map = { jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', gif: 'image/gif', webp: 'image/webp', svg: 'image/svg+xml', mp4: 'video/mp4', mp3: 'audio/mpeg', m4a: 'audio/mp4', wav: 'audio/wav', ogg: 'audio/ogg', aac: 'audio/aac', txt: 'text/plain', json: 'application/json', pdf: 'application/pdf', ttf: 'font/ttf', woff: 'font/woff', woff2: 'font/woff2', otf: 'font/otf' };
    return ext ? map[ext.toLowerCase()] || '' : '';
  }
  om.fs.typeOf = typeOf;
})(__om);
