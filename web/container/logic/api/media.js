// Media: choosing images, videos and files (host call `chooseMedia`; the frame makes
// the blob: files, view/media.js), previews, image and video information, image
// compression, saving to the user's device (host call `saveFile`), openDocument,
// InnerAudioContext and the background audio manager (<audio> elements the frame
// keeps by id), VideoContext (a <video> component by id).
'use strict';

(function (om) {
  var api = om.api;

  function clampCount(name, v, dflt, max) {
    if (v === undefined) return dflt;
    var n = Number(v);
    if (!(n >= 1) || n !== Math.floor(n)) throw { errMsg: name + ':fail parameter error: parameter.count should be a positive integer' };
    return Math.min(n, max);
  }

  function list(v, allowed, dflt) {
    var a = Array.isArray(v) ? v.filter(function (x) {
      return allowed.indexOf(x) >= 0;
    }) : [];
    return a.length ? a : dflt;
  }

  /** Asks the frame (and through it the host's picker) for files. */
  function choose(name, args) {
    args.api = name;
    return om.bridge.call('$choose', args).then(function (r) {
      var files = (r && r.files) || [];
      files.forEach(function (f) {
        if (f.data) om.fs.addTemp(f.path, f.data, f.type, f.name);
        if (f.thumbData && f.thumbTempFilePath) om.fs.addTemp(f.thumbTempFilePath, f.thumbData, 'image/jpeg', '');
      });
      return files;
    });
  }

  api.async('chooseImage', function (o) {
    var count = clampCount('chooseImage', o.count, 9, 9);
    return choose('chooseImage', { count: count, mediaType: ['image'], sourceType: list(o.sourceType, ['album', 'camera'], ['album', 'camera']), sizeType: list(o.sizeType, ['original', 'compressed'], ['original', 'compressed']) }).then(function (files) {
      return {
        tempFilePaths: files.map(function (f) {
          return f.path;
        }),
        tempFiles: files.map(function (f) {
          return { path: f.path, size: f.size };
        }),
      };
    });
  });

  api.async('chooseMedia', function (o) {
    var count = clampCount('chooseMedia', o.count, 9, 20);
    var mediaType = list(o.mediaType, ['image', 'video', 'mix'], ['image', 'video']);
    if (mediaType.indexOf('mix') >= 0) mediaType = ['image', 'video'];
    var maxDuration = o.maxDuration === undefined ? 10 : Math.max(3, Math.min(60, Number(o.maxDuration) || 10));
    return choose('chooseMedia', { count: count, mediaType: mediaType, sourceType: list(o.sourceType, ['album', 'camera'], ['album', 'camera']), sizeType: list(o.sizeType, ['original', 'compressed'], ['original', 'compressed']), maxDuration: maxDuration, camera: o.camera === 'front' ? 'front' : 'back' }).then(function (files) {
      var kinds = {};
      var tempFiles = files.map(function (f) {
        var video = /^video\//.test(f.type);
        kinds[video ? 'video' : 'image'] = 1;
        var t = { tempFilePath: f.path, size: f.size, fileType: video ? 'video' : 'image', width: f.width || 0, height: f.height || 0 };
        if (video) {
          t.duration = f.duration || 0;
          t.thumbTempFilePath = f.thumbTempFilePath || '';
        }
        return t;
      });
      var k = Object.keys(kinds);
      return { tempFiles: tempFiles, type: k.length > 1 ? 'mix' : k[0] || 'image' };
    });
  });

  api.async('chooseVideo', function (o) {
    var maxDuration = o.maxDuration === undefined ? 60 : Math.max(1, Math.min(60, Number(o.maxDuration) || 60));
    return choose('chooseVideo', { count: 1, mediaType: ['video'], sourceType: list(o.sourceType, ['album', 'camera'], ['album', 'camera']), sizeType: o.compressed === false ? ['original'] : ['compressed'], maxDuration: maxDuration, camera: o.camera === 'front' ? 'front' : 'back' }).then(function (files) {
      var f = files[0];
      if (!f) throw { errMsg: 'chooseVideo:fail cancel' };
      return { tempFilePath: f.path, duration: f.duration || 0, size: f.size, height: f.height || 0, width: f.width || 0, thumbTempFilePath: f.thumbTempFilePath || '' };
    });
  });

  api.async('chooseMessageFile', function (o) {
    var count = clampCount('chooseMessageFile', o.count, 1, 100);
    var type = ['all', 'video', 'image', 'file'].indexOf(o.type) >= 0 ? o.type : 'all';
    var ext = Array.isArray(o.extension) ? o.extension.map(String) : undefined;
    var mediaType = type === 'image' ? ['image'] : type === 'video' ? ['video'] : ['file'];
    var args = { count: count, mediaType: mediaType, sourceType: ['message'], sizeType: ['original'] };
    if (ext) args.extension = ext;
    return choose('chooseMessageFile', args).then(function (files) {
      return {
        tempFiles: files.map(function (f) {
          return { path: f.path, size: f.size, name: f.name, type: /^image\//.test(f.type) ? 'image' : /^video\//.test(f.type) ? 'video' : 'file', time: Math.floor((f.time || Date.now()) / 1000) };
        }),
      };
    });
  });

  // ---- previews ------------------------------------------------------------------------

  function frameUrls(name, urls) {
    return Promise.all(
      urls.map(function (u) {
        return om.fs.frameUrl(u).then(function (x) {
          return x || String(u);
        });
      })
    );
  }

  api.async('previewImage', function (o) {
    var urls = om.need('previewImage', o, 'urls', 'Array');
    if (!urls.length) throw { errMsg: 'previewImage:fail parameter error: urls should not be empty' };
    var current = o.current === undefined ? 0 : typeof o.current === 'number' ? o.current : urls.indexOf(o.current);
    if (current < 0) current = 0;
    return frameUrls('previewImage', urls).then(function (list) {
      return om.bridge.call('previewImage', { sources: list.map(function (u) {
        return { url: u, type: 'image' };
      }), current: current });
    });
  });

  api.async('previewMedia', function (o) {
    var sources = om.need('previewMedia', o, 'sources', 'Array');
    if (!sources.length) throw { errMsg: 'previewMedia:fail parameter error: sources should not be empty' };
    var urls = sources.map(function (s) {
      return s && s.url;
    });
    var posters = sources.map(function (s) {
      return (s && s.poster) || '';
    });
    return Promise.all([frameUrls('previewMedia', urls), frameUrls('previewMedia', posters)]).then(function (r) {
      return om.bridge.call('previewImage', {
        sources: r[0].map(function (u, i) {
          return { url: u, type: sources[i] && sources[i].type === 'video' ? 'video' : 'image', poster: posters[i] ? r[1][i] : '' };
        }),
        current: Number(o.current) || 0,
      });
    });
  });

  // ---- image and video information, compression ------------------------------------------

  /** The frame can load `src` itself unless it is a worker file: hand those over. */
  function srcForFrame(name, src) {
    var p = om.fs.normalize(src);
    var k = om.fs.kind(p);
    if (k === 'usr' || k === 'store') {
      return om.fs.frameUrl(p).then(function (u) {
        if (!u) throw { errMsg: name + ':fail file not found' };
        return u;
      });
    }
    if (k === 'package') return Promise.resolve(om.fs.packagePath(p));
    return Promise.resolve(src);
  }

  api.async('getImageInfo', function (o) {
    var src = om.need('getImageInfo', o, 'src', 'String');
    return srcForFrame('getImageInfo', src).then(function (s) {
      return om.bridge.call('getImageInfo', { src: s }).then(function (r) {
        if (r.data) om.fs.addTemp(r.path, r.data, r.mime || '', '');
        var k = om.fs.kind(om.fs.normalize(src));
        // A worker file or a package file keeps its own path.
        var path = k === 'usr' || k === 'store' || k === 'package' ? src : r.path;
        return { width: r.width, height: r.height, path: path, orientation: r.orientation, type: r.type };
      });
    });
  });

  api.async('compressImage', function (o) {
    var src = om.need('compressImage', o, 'src', 'String');
    var q = o.quality === undefined ? 80 : Number(o.quality);
    if (!(q >= 0 && q <= 100)) throw { errMsg: 'compressImage:fail parameter error: quality should be between 0 and 100' };
    return srcForFrame('compressImage', src).then(function (s) {
      return om.bridge.call('compressImage', { src: s, quality: q, compressedWidth: o.compressedWidth, compressedHeight: o.compressedHeight }).then(function (r) {
        if (r.data) om.fs.addTemp(r.tempFilePath, r.data, 'image/jpeg', '');
        return { tempFilePath: r.tempFilePath };
      });
    });
  });

  api.async('getVideoInfo', function (o) {
    var src = om.need('getVideoInfo', o, 'src', 'String');
    return srcForFrame('getVideoInfo', src).then(function (s) {
      return om.bridge.call('getVideoInfo', { src: s });
    });
  });

  // ---- saving to the device (host call `saveFile`) -----------------------------------------

  function saveToDevice(name, kindRe) {
    api.async(name, function (o) {
      var path = om.need(name, o, 'filePath', 'String');
      if (/^https?:/i.test(path)) throw { errMsg: name + ':fail invalid file path, only local files can be saved' };
      return om.fs.bytes(name, path).then(
        function (bytes) {
          var held = om.fs.peek(path) || {};
          var type = held.type || om.fs.typeOf(path);
          if (kindRe && type && !kindRe.test(type)) throw { errMsg: name + ':fail invalid file type' };
          var fileName = held.name || (/^blob:/.test(path) ? 'file' : String(path).split(/[/?#]/).pop()) || 'file';
          if (!/\.[a-z0-9]+$/i.test(fileName)) fileName += extFor(type);
          var buf = bytes.slice().buffer;
          return om.bridge.call('saveFile', { name: fileName, type: type || 'application/octet-stream', data: buf }).then(function () {
            return {};
          });
        },
        function () {
          throw { errMsg: name + ':fail file not found' };
        }
      );
    });
  }

  function extFor(type) {
    var m = { 'image/jpeg': '.jpg', 'image/png': '.png', 'image/gif': '.gif', 'image/webp': '.webp', 'video/mp4': '.mp4', 'video/webm': '.webm', 'application/pdf': '.pdf' };
    return m[String(type).split(';')[0]] || '';
  }

  saveToDevice('saveImageToPhotosAlbum', /^image\//);
  saveToDevice('saveVideoToPhotosAlbum', /^video\//);
  // WeChat opens the document in its viewer; here the host offers it to the user's
  // own viewer (host call `saveFile`, as docs/container.md says for openDocument).
  saveToDevice('openDocument', null);

  // ---- audio -----------------------------------------------------------------------------

  var audios = {}; // id → the worker object

  om.onApiEvent('audio', function (id, name, data) {
    var a = audios[id];
    if (!a) return;
    a._state(data);
    a._fire(name, data);
  });

  var AUDIO_EVENTS = ['Canplay', 'Play', 'Pause', 'Stop', 'Ended', 'TimeUpdate', 'Error', 'Waiting', 'Seeking', 'Seeked'];

  function AudioBase(kind) {
    this._id = om.objectId();
    this._kind = kind;
    this._props = { src: '', startTime: 0, autoplay: false, loop: false, volume: 1, playbackRate: 1, obeyMuteSwitch: true, referrerPolicy: 'origin' };
    this._st = { duration: 0, currentTime: 0, paused: true, buffered: 0 };
    this._listeners = {};
    this._dead = false;
    audios[this._id] = this;
    this._send('create', { props: this._props, background: kind === 'background' });
  }
  var A = AudioBase.prototype;
  A._send = function (op, extra) {
    if (this._dead) return Promise.resolve();
    var args = { id: this._id, op: op };
    for (var k in extra || {}) args[k] = extra[k];
    return om.bridge.call('$audio', args).catch(function (e) {
      om.warn('audio ' + op + ': ' + (e && e.errMsg));
    });
  };
  A._state = function (d) {
    for (var k in this._st) if (d[k] !== undefined && d[k] !== null && !(typeof d[k] === 'number' && isNaN(d[k]))) this._st[k] = d[k];
  };
  A._fire = function (name, d) {
    var list = this._listeners[name] || [];
    var arg = name === 'Error' ? { errMsg: d.errMsg || '', errCode: d.errCode === undefined ? -1 : d.errCode } : undefined;
    list.slice().forEach(function (fn) {
      om.guard(fn, null, arg ? [arg] : [], 'audio on' + name);
    });
  };
  AUDIO_EVENTS.forEach(function (ev) {
    A['on' + ev] = function (fn) {
      if (typeof fn === 'function') (this._listeners[ev] = this._listeners[ev] || []).push(fn);
    };
    A['off' + ev] = function (fn) {
      var l = this._listeners[ev] || [];
      this._listeners[ev] = fn
        ? l.filter(function (x) {
            return x !== fn;
          })
        : [];
    };
  });
  ['duration', 'currentTime', 'paused', 'buffered'].forEach(function (k) {
    Object.defineProperty(A, k, {
      get: function () {
        return this._st[k];
      },
    });
  });
  function prop(name, coerce) {
    Object.defineProperty(A, name, {
      get: function () {
        return this._props[name];
      },
      set: function (v) {
        v = coerce(v);
        this._props[name] = v;
        var self = this;
        if (name === 'src') {
          om.fs.frameUrl(v).then(function (u) {
            if (self._props.src !== v) return;
            var set = {};
            set.src = u || '';
            if (!u && v) self._fire('Error', { errMsg: 'file not found: ' + v, errCode: 10003 });
            self._send('set', { props: set });
          });
          return;
        }
        var p = {};
        p[name] = v;
        this._send('set', { props: p });
      },
    });
  }
  prop('src', function (v) {
    return v === undefined || v === null ? '' : String(v);
  });
  prop('startTime', function (v) {
    return Math.max(0, Number(v) || 0);
  });
  prop('autoplay', Boolean);
  prop('loop', Boolean);
  prop('obeyMuteSwitch', Boolean);
  prop('referrerPolicy', String);
  prop('volume', function (v) {
    return Math.max(0, Math.min(1, Number(v)));
  });
  prop('playbackRate', function (v) {
    return Math.max(0.5, Math.min(2, Number(v) || 1));
  });
  A.play = function () {
    this._send('play');
  };
  A.pause = function () {
    this._send('pause');
  };
  A.stop = function () {
    this._send('stop');
  };
  A.seek = function (position) {
    this._send('seek', { position: Math.max(0, Number(position) || 0) });
  };

  function InnerAudioContext() {
    AudioBase.call(this, 'inner');
  }
  InnerAudioContext.prototype = Object.create(A);
  InnerAudioContext.prototype.constructor = InnerAudioContext;
  InnerAudioContext.prototype.destroy = function () {
    this._send('destroy');
    this._dead = true;
    delete audios[this._id];
  };

  api.sync('createInnerAudioContext', function () {
    return new InnerAudioContext();
  });

  // The background audio manager: one player whose metadata goes to the browser's
  // media session (lock screen and media keys), playing as soon as src is set.
  function BackgroundAudioManager() {
    AudioBase.call(this, 'background');
    this._meta = { title: '', epname: '', singer: '', coverImgUrl: '', webUrl: '', protocol: 'http' };
  }
  BackgroundAudioManager.prototype = Object.create(A);
  BackgroundAudioManager.prototype.constructor = BackgroundAudioManager;
  // The media session's next / previous track buttons.
  ['Next', 'Prev'].forEach(function (ev) {
    BackgroundAudioManager.prototype['on' + ev] = function (fn) {
      if (typeof fn === 'function') (this._listeners[ev] = this._listeners[ev] || []).push(fn);
    };
  });
  ['title', 'epname', 'singer', 'coverImgUrl', 'webUrl', 'protocol'].forEach(function (k) {
    Object.defineProperty(BackgroundAudioManager.prototype, k, {
      get: function () {
        return this._meta[k];
      },
      set: function (v) {
        this._meta[k] = v === undefined || v === null ? '' : String(v);
        var self = this;
        var send = function (cover) {
          self._send('set', { meta: { title: self._meta.title, artist: self._meta.singer, album: self._meta.epname, artwork: cover || '' } });
        };
        if (k === 'coverImgUrl') om.fs.frameUrl(this._meta.coverImgUrl).then(send);
        else send(undefined);
      },
    });
  });
  Object.defineProperty(BackgroundAudioManager.prototype, 'src', {
    get: function () {
      return this._props.src;
    },
    set: function (v) {
      var self = this;
      v = v === undefined || v === null ? '' : String(v);
      this._props.src = v;
      om.fs.frameUrl(v).then(function (u) {
        if (self._props.src !== v) return;
        if (!u && v) return self._fire('Error', { errMsg: 'file not found: ' + v, errCode: 10003 });
        // Setting src starts playing, as on WeChat.
        self._send('set', { props: { src: u || '', autoplay: true } });
      });
    },
  });

  var bgm = null;
  api.sync('getBackgroundAudioManager', function () {
    if (!bgm) bgm = new BackgroundAudioManager();
    return bgm;
  });

  // ---- video -----------------------------------------------------------------------------

  function VideoContext(id, comp) {
    this._vid = String(id);
    this._comp = comp && comp.__ ? comp : null;
  }
  function videoNode(ctx) {
    var scope = ctx._comp || om.pages.current();
    if (!scope) return null;
    var found = om.selector.find(scope, '#' + ctx._vid, true).filter(function (v) {
      return v.tag === 'video';
    });
    return found[0] || null;
  }
  function videoOp(op) {
    return function () {
      var v = this._node || videoNode(this);
      if (!v) {
        om.warn('VideoContext: no <video id="' + this._vid + '">');
        return;
      }
      om.bridge.call('$video', { node: v.id, op: op, args: [].slice.call(arguments).filter(function (x) {
        return typeof x !== 'function';
      }).map(function (x) {
        return om.clone(x);
      }) }).catch(function (e) {
        om.warn('VideoContext.' + op + ': ' + (e && e.errMsg));
      });
    };
  }
  ['play', 'pause', 'stop', 'seek', 'playbackRate', 'requestFullScreen', 'exitFullScreen'].forEach(function (op) {
    VideoContext.prototype[op] = videoOp(op);
  });

  api.sync('createVideoContext', function (id, comp) {
    return new VideoContext(id, comp);
  });

  /** NodesRef.context(): a node's context object. */
  om.nodeContext = function (v) {
    if (v.tag === 'video') {
      var c = new VideoContext(v.nodeId, v.owner);
      c._node = v;
      return c;
    }
    if (v.tag === 'canvas' && om.canvas) {
      var raw = v.raw || {};
      return new om.canvas.CanvasContext(raw['canvas-id'] !== undefined ? raw['canvas-id'] : raw.canvasId, v.owner);
    }
    return null;
  };
})(__om);
