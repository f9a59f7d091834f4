// Canvas: the Canvas node of `<canvas type="2d">` (SelectorQuery's NodesRef.node()),
// the legacy wx.createCanvasContext by canvas-id, canvasToTempFilePath,
// canvasGetImageData / canvasPutImageData, and wx.createOffscreenCanvas. The frame
// hands each <canvas>'s drawing surface over once as an OffscreenCanvas
// (view/query.js); the worker draws on it directly, so drawing needs no messages.
'use strict';

(function (om) {
  var api = om.api;
  var canvases = {}; // node id → Canvas (the frame transfers a surface only once)
  var pending = {}; // node id → Promise<Canvas>

  // ---- images for drawImage ------------------------------------------------------------

  /** Decoded image for a path (temporary, wxfile://, package, data: or http(s) through
   *  the host's download). */
  function loadBitmap(src) {
    src = String(src || '');
    var bytes;
    if (/^data:/i.test(src)) {
      var m = /^data:([^;,]*)(;base64)?,(.*)$/i.exec(src);
      if (!m) return Promise.reject(new Error('invalid data URL'));
      bytes = Promise.resolve({ data: m[2] ? om.base64Decode(m[3]) : new TextEncoder().encode(decodeURIComponent(m[3])), type: m[1] });
    } else if (/^https?:/i.test(src)) {
      bytes = om.bridge.call('downloadFile', { url: src, header: {} }).then(function (r) {
        if (r.statusCode && (r.statusCode < 200 || r.statusCode >= 300)) throw new Error('HTTP ' + r.statusCode);
        if (r.tempFilePath) om.fs.addTemp(r.tempFilePath, r.data, r.contentType, '');
        return { data: new Uint8Array(r.data), type: r.contentType };
      });
    } else if (om.fs.kind(om.fs.normalize(src)) === 'package') {
      var url = om.packageUrl(om.fs.packagePath(src));
      if (!url) return Promise.reject(new Error('file not found: ' + src));
      return fetch(url)
        .then(function (r) {
          if (!r.ok) throw new Error('file not found: ' + src);
          return r.blob();
        })
        .then(function (b) {
          return createImageBitmap(b);
        });
    } else {
      bytes = om.fs.bytes('loadImage', src).then(function (b) {
        return { data: b, type: om.fs.typeOf(src) };
      });
    }
    return bytes.then(function (f) {
      return createImageBitmap(new Blob([f.data], { type: f.type || '' }));
    });
  }
  om.loadBitmap = loadBitmap;

  /** canvas.createImage(): an Image whose `src` loads as on WeChat. */
  function CanvasImage() {
    this._src = '';
    this.__bitmap = null;
    this.width = 0;
    this.height = 0;
    this.complete = false;
    this.onload = null;
    this.onerror = null;
  }
  Object.defineProperty(CanvasImage.prototype, 'src', {
    get: function () {
      return this._src;
    },
    set: function (v) {
      var self = this;
      this._src = String(v);
      this.complete = false;
      var want = this._src;
      loadBitmap(want).then(
        function (bm) {
          if (self._src !== want) return;
          self.__bitmap = bm;
          self.width = bm.width;
          self.height = bm.height;
          self.complete = true;
          if (typeof self.onload === 'function') om.guard(self.onload, self, [{ type: 'load' }], 'Image.onload');
        },
        function (e) {
          if (self._src !== want) return;
          self.complete = true;
          if (typeof self.onerror === 'function') om.guard(self.onerror, self, [{ type: 'error', errMsg: String(e && e.message ? e.message : e) }], 'Image.onerror');
        }
      );
    },
  });
  CanvasImage.prototype.addEventListener = function (type, fn) {
    if (type === 'load') this.onload = fn;
    else if (type === 'error') this.onerror = fn;
  };

  function source(img) {
    if (img instanceof CanvasImage) return img.__bitmap;
    if (img instanceof Canvas) return img._off;
    return img;
  }

  /** A 2D context whose drawImage / createPattern take WeChat's Image and Canvas. */
  function patch2d(ctx) {
    if (!ctx || ctx.__omPatched) return ctx;
    var proto = Object.getPrototypeOf(ctx);
    ctx.drawImage = function (img) {
      var args = [].slice.call(arguments);
      args[0] = source(img);
      if (!args[0]) return;
      return proto.drawImage.apply(ctx, args);
    };
    ctx.createPattern = function (img, rep) {
      var s = source(img);
      return s ? proto.createPattern.call(ctx, s, rep) : null;
    };
    ctx.__omPatched = true;
    return ctx;
  }

  // ---- the Canvas node -----------------------------------------------------------------

  function Canvas(off, info) {
    this._off = off;
    this._info = info || {};
    this._ctx = null;
  }
  Object.defineProperty(Canvas.prototype, 'width', {
    get: function () {
      return this._off.width;
    },
    set: function (v) {
      this._off.width = v;
    },
  });
  Object.defineProperty(Canvas.prototype, 'height', {
    get: function () {
      return this._off.height;
    },
    set: function (v) {
      this._off.height = v;
    },
  });
  Canvas.prototype.getContext = function (type) {
    var t = String(type || '2d');
    if (this._ctx) return this._ctxType === t ? this._ctx : null;
    var ctx = this._off.getContext(t === 'webgl' || t === 'webgl2' || t === '2d' ? t : '2d');
    if (t === '2d') patch2d(ctx);
    this._ctx = ctx;
    this._ctxType = t;
    return ctx;
  };
  Canvas.prototype.createImage = function () {
    return new CanvasImage();
  };
  Canvas.prototype.createImageData = function (a, b) {
    if (a instanceof ImageData) return new ImageData(a.width, a.height);
    if (ArrayBuffer.isView(a)) return new ImageData(new Uint8ClampedArray(a.buffer, a.byteOffset, a.byteLength), b);
    return new ImageData(a, b);
  };
  Canvas.prototype.createPath2D = function (p) {
    return p === undefined ? new Path2D() : new Path2D(p instanceof Path2D ? p : String(p));
  };
  Canvas.prototype.requestAnimationFrame = function (fn) {
    if (typeof self.requestAnimationFrame === 'function') return self.requestAnimationFrame(fn);
    return setTimeout(function () {
      fn(performance.now());
    }, 16);
  };
  Canvas.prototype.cancelAnimationFrame = function (id) {
    if (typeof self.cancelAnimationFrame === 'function') self.cancelAnimationFrame(id);
    else clearTimeout(id);
  };
  /** Synchronous, as on WeChat: the pixels encoded here as PNG (a JPEG request gets a
   *  PNG too, as browsers do for types they cannot write synchronously). */
  Canvas.prototype.toDataURL = function () {
    var w = this._off.width;
    var h = this._off.height;
    if (!w || !h) return 'data:,';
    var tmp = new OffscreenCanvas(w, h);
    var c = tmp.getContext('2d');
    c.drawImage(this._off, 0, 0);
    var px = c.getImageData(0, 0, w, h).data;
    return 'data:image/png;base64,' + om.base64Encode(png(w, h, px));
  };

  // ---- a PNG writer (stored deflate blocks: simple and exact) ---------------------------

  var CRC = null;
  function crc32(bytes, start, end, crc) {
    if (!CRC) {
      CRC = new Int32Array(256);
      for (var n = 0; n < 256; n++) {
        var c = n;
        for (var k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
        CRC[n] = c;
      }
    }
    crc = crc === undefined ? -1 : crc;
    for (var i = start; i < end; i++) crc = CRC[(crc ^ bytes[i]) & 255] ^ (crc >>> 8);
    return crc;
  }

  function png(w, h, rgba) {
    var rowLen = w * 4 + 1;
    var raw = new Uint8Array(rowLen * h);
    for (var y = 0; y < h; y++) {
      raw[y * rowLen] = 0;
      raw.set(rgba.subarray(y * w * 4, (y + 1) * w * 4), y * rowLen + 1);
    }
    var blocks = Math.max(1, Math.ceil(raw.length / 65535));
    var z = new Uint8Array(2 + raw.length + blocks * 5 + 4);
    var o = 0;
    z[o++] = 0x78;
    z[o++] = 0x01;
    var a = 1, b = 0;
    for (var i = 0; i < blocks; i++) {
      var start = i * 65535;
      var len = Math.min(65535, raw.length - start);
      z[o++] = i === blocks - 1 ? 1 : 0;
      z[o++] = len & 255;
      z[o++] = len >> 8;
      z[o++] = ~len & 255;
      z[o++] = (~len >> 8) & 255;
      z.set(raw.subarray(start, start + len), o);
      o += len;
    }
    for (var j = 0; j < raw.length; j++) {
      a = (a + raw[j]) % 65521;
      b = (b + a) % 65521;
    }
    z[o++] = b >> 8;
    z[o++] = b & 255;
    z[o++] = a >> 8;
    z[o++] = a & 255;
    var chunks = [];
    function chunk(type, data) {
      var c = new Uint8Array(12 + data.length);
      var len = data.length;
      c[0] = len >>> 24;
      c[1] = (len >>> 16) & 255;
      c[2] = (len >>> 8) & 255;
      c[3] = len & 255;
      for (var t = 0; t < 4; t++) c[4 + t] = type.charCodeAt(t);
      c.set(data, 8);
      var crc = crc32(c, 4, 8 + len) ^ -1;
      c[8 + len] = crc >>> 24;
      c[9 + len] = (crc >>> 16) & 255;
      c[10 + len] = (crc >>> 8) & 255;
      c[11 + len] = crc & 255;
      chunks.push(c);
    }
    var ihdr = new Uint8Array(13);
    ihdr[0] = w >>> 24;
    ihdr[1] = (w >>> 16) & 255;
    ihdr[2] = (w >>> 8) & 255;
    ihdr[3] = w & 255;
    ihdr[4] = h >>> 24;
    ihdr[5] = (h >>> 16) & 255;
    ihdr[6] = (h >>> 8) & 255;
    ihdr[7] = h & 255;
    ihdr[8] = 8; // bit depth
    ihdr[9] = 6; // RGBA
    chunk('IHDR', ihdr);
    chunk('IDAT', z);
    chunk('IEND', new Uint8Array(0));
    var total = 8;
    chunks.forEach(function (c) {
      total += c.length;
    });
    var out = new Uint8Array(total);
    out.set([137, 80, 78, 71, 13, 10, 26, 10], 0);
    var p = 8;
    chunks.forEach(function (c) {
      out.set(c, p);
      p += c.length;
    });
    return out;
  }
  om.png = png;

  /** The Canvas for what the frame sent ({$canvas, offscreen?, width, height, dpr}). */
  function wrap(info) {
    var id = info.$canvas;
    if (canvases[id]) return canvases[id];
    if (!info.offscreen) return null;
    canvases[id] = new Canvas(info.offscreen, info);
    return canvases[id];
  }

  /** The Canvas of a <canvas> node of the tree (asking the frame the first time). */
  function canvasOf(v) {
    if (canvases[v.id]) return Promise.resolve(canvases[v.id]);
    if (pending[v.id]) return pending[v.id];
    var page = v.owner && v.owner.__.page;
    pending[v.id] = om.bridge
      .call('$query', { items: [{ ids: [v.id], viewport: false, page: page ? page.__.id : 0, fields: { node: true, size: true } }] })
      .then(function (res) {
        delete pending[v.id];
        var r = res && res[0] && res[0][0];
        var c = r && r.node ? wrap(r.node) : null;
        if (!c) throw new Error('canvas is not ready');
        if (r.width) c._info.width = r.width;
        if (r.height) c._info.height = r.height;
        return c;
      }, function (e) {
        delete pending[v.id];
        throw e;
      });
    return pending[v.id];
  }

  /** The <canvas canvas-id="…"> of `comp` (or the current page). */
  function legacyNode(canvasId, comp) {
    var scope = comp && comp.__ ? comp : om.pages.current();
    if (!scope) return null;
    var list = om.selector.find(scope, 'canvas', true);
    for (var i = 0; i < list.length; i++) {
      var raw = list[i].raw || {};
      if (String(raw['canvas-id'] === undefined ? raw.canvasId : raw['canvas-id']) === String(canvasId)) return list[i];
    }
    return null;
  }

  function sourceCanvas(name, o, comp) {
    if (o.canvas && o.canvas instanceof Canvas) return Promise.resolve(o.canvas);
    if (o.canvasId === undefined) return Promise.reject({ errMsg: name + ':fail parameter error: parameter.canvasId should be String instead of Undefined;' });
    var v = legacyNode(o.canvasId, comp);
    if (!v) return Promise.reject({ errMsg: name + ':fail canvas is empty' });
    return canvasOf(v).catch(function () {
      throw { errMsg: name + ':fail canvas is empty' };
    });
  }

  /** CSS px → backing px of a canvas. */
  function scaleOf(c) {
    var cssW = c._info.width || c._off.width;
    return cssW ? c._off.width / cssW : 1;
  }

  // ---- the legacy CanvasContext ------------------------------------------------------------

  function Gradient(kind, args) {
    this._kind = kind;
    this._args = args;
    this._stops = [];
  }
  Gradient.prototype.addColorStop = function (stop, color) {
    this._stops.push([Number(stop), String(color)]);
  };

  function Pattern(image, repetition) {
    this._image = image;
    this._rep = repetition || 'repeat';
  }

  var PROPS = ['fillStyle', 'strokeStyle', 'shadowOffsetX', 'shadowOffsetY', 'shadowBlur', 'shadowColor', 'lineWidth', 'lineCap', 'lineJoin', 'miterLimit', 'lineDashOffset', 'font', 'globalAlpha', 'globalCompositeOperation', 'textAlign', 'textBaseline'];
  var METHODS = ['arc', 'arcTo', 'beginPath', 'bezierCurveTo', 'clearRect', 'clip', 'closePath', 'fill', 'fillRect', 'fillText', 'lineTo', 'moveTo', 'quadraticCurveTo', 'rect', 'restore', 'rotate', 'save', 'scale', 'stroke', 'strokeRect', 'strokeText', 'transform', 'translate', 'setLineDash'];

  function CanvasContext(canvasId, comp) {
    this.canvasId = String(canvasId);
    this._comp = comp;
    this._actions = [];
    this._state = { font: '10px sans-serif' };
  }
  var C = CanvasContext.prototype;
  METHODS.forEach(function (m) {
    C[m] = function () {
      this._actions.push([m, [].slice.call(arguments)]);
    };
  });
  PROPS.forEach(function (p) {
    Object.defineProperty(C, p, {
      get: function () {
        return this._state[p];
      },
      set: function (v) {
        this._state[p] = v;
        this._actions.push(['=' + p, [v]]);
      },
    });
  });
  C.setFillStyle = function (v) {
    this.fillStyle = v;
  };
  C.setStrokeStyle = function (v) {
    this.strokeStyle = v;
  };
  C.setGlobalAlpha = function (v) {
    this.globalAlpha = Math.max(0, Math.min(1, Number(v)));
  };
  C.setLineWidth = function (v) {
    this.lineWidth = v;
  };
  C.setLineCap = function (v) {
    this.lineCap = v;
  };
  C.setLineJoin = function (v) {
    this.lineJoin = v;
  };
  C.setMiterLimit = function (v) {
    this.miterLimit = v;
  };
  C.setTextAlign = function (v) {
    this.textAlign = v;
  };
  C.setTextBaseline = function (v) {
    this.textBaseline = v;
  };
  C.setFontSize = function (size) {
    var f = String(this._state.font || '10px sans-serif').replace(/\d+(\.\d+)?px/, Number(size) + 'px');
    this.font = f;
  };
  C.setShadow = function (x, y, blur, color) {
    this.shadowOffsetX = Number(x) || 0;
    this.shadowOffsetY = Number(y) || 0;
    this.shadowBlur = Number(blur) || 0;
    this.shadowColor = color === undefined ? 'black' : color;
  };
  C.setLineDash = function (pattern, offset) {
    this._actions.push(['setLineDash', [pattern || []]]);
    if (offset !== undefined) this.lineDashOffset = offset;
  };
  C.setTransform = function (a, b, c, d, e, f) {
    this._actions.push(['$setTransform', [a, b, c, d, e, f]]);
  };
  C.createLinearGradient = function (x0, y0, x1, y1) {
    return new Gradient('linear', [x0, y0, x1, y1]);
  };
  C.createCircularGradient = function (x, y, r) {
    return new Gradient('radial', [x, y, 0, x, y, r]);
  };
  C.createPattern = function (image, repetition) {
    return new Pattern(image, repetition);
  };
  C.drawImage = function () {
    this._actions.push(['drawImage', [].slice.call(arguments)]);
  };
  var measurer = null;
  C.measureText = function (text) {
    if (!measurer) measurer = new OffscreenCanvas(1, 1).getContext('2d');
    measurer.font = this._state.font || '10px sans-serif';
    return { width: measurer.measureText(String(text)).width };
  };
  C.draw = function (reserve, callback) {
    if (typeof reserve === 'function') {
      callback = reserve;
      reserve = false;
    }
    var actions = this._actions;
    this._actions = [];
    var self = this;
    var v = legacyNode(this.canvasId, this._comp);
    if (!v) {
      om.warn('canvas "' + this.canvasId + '" is not found');
      return;
    }
    canvasOf(v)
      .then(function (canvas) {
        // Images first (the frame drew nothing yet): every path the actions name.
        var paths = [];
        actions.forEach(function (a) {
          if (a[0] === 'drawImage' && typeof a[1][0] === 'string') paths.push(a[1][0]);
          if (a[0].charAt(0) === '=' && a[1][0] instanceof Pattern) paths.push(a[1][0]._image);
        });
        return Promise.all(
          paths.map(function (p) {
            return loadBitmap(p).then(
              function (bm) {
                return [p, bm];
              },
              function (e) {
                om.warn('canvas drawImage: ' + p + ': ' + (e && e.message));
                return [p, null];
              }
            );
          })
        ).then(function (list) {
          var images = {};
          list.forEach(function (x) {
            images[x[0]] = x[1];
          });
          replay(canvas, actions, images, !!reserve, self);
          if (typeof callback === 'function') om.guard(callback, null, [], 'CanvasContext.draw callback');
        });
      })
      .catch(function (e) {
        om.warn('canvas "' + self.canvasId + '": ' + (e && (e.errMsg || e.message)));
      });
  };

  function replay(canvas, actions, images, reserve, cc) {
    var off = canvas._off;
    var ctx = off.getContext('2d');
    var s = scaleOf(canvas);
    if (!reserve) {
      off.width = off.width; // clears the pixels and the state
      ctx.setTransform(s, 0, 0, s, 0, 0);
      ctx.font = '10px sans-serif';
    } else if (!cc._scaled) {
      ctx.setTransform(s, 0, 0, s, 0, 0);
    }
    cc._scaled = true;
    function style(v) {
      if (v instanceof Gradient) {
        var g = v._kind === 'linear' ? ctx.createLinearGradient.apply(ctx, v._args) : ctx.createRadialGradient.apply(ctx, v._args);
        v._stops.forEach(function (st) {
          g.addColorStop(st[0], st[1]);
        });
        return g;
      }
      if (v instanceof Pattern) {
        var bm = images[v._image];
        return bm ? ctx.createPattern(bm, v._rep) : 'transparent';
      }
      return v;
    }
    actions.forEach(function (a) {
      var name = a[0];
      var args = a[1];
      try {
        if (name.charAt(0) === '=') {
          var prop = name.slice(1);
          ctx[prop] = prop === 'fillStyle' || prop === 'strokeStyle' ? style(args[0]) : args[0];
        } else if (name === '$setTransform') {
          ctx.setTransform(args[0] * s, args[1] * s, args[2] * s, args[3] * s, args[4] * s, args[5] * s);
        } else if (name === 'drawImage') {
          var img = typeof args[0] === 'string' ? images[args[0]] : source(args[0]);
          if (img) ctx.drawImage.apply(ctx, [img].concat(args.slice(1)));
        } else if (name === 'fillText' || name === 'strokeText') {
          ctx[name].apply(ctx, [String(args[0])].concat(args.slice(1).filter(function (x) {
            return x !== undefined;
          })));
        } else {
          ctx[name].apply(ctx, args);
        }
      } catch (e) {
        om.warn('canvas ' + name + ': ' + e.message);
      }
    });
  }

  api.sync('createCanvasContext', function (canvasId, comp) {
    if (canvasId === undefined) throw new TypeError('createCanvasContext: canvasId is required');
    return new CanvasContext(canvasId, comp);
  });

  /** `name(object, component)`: the component scopes the canvas-id. */
  function withComponent(name, fn) {
    var run = api.wrap(name, fn);
    api.sync(name, function (o, comp) {
      var a = {};
      if (o && typeof o === 'object') for (var k in o) a[k] = o[k];
      a.__comp = comp && comp.__ ? comp : null;
      return run(a);
    });
  }

  // ---- exports and pixels ----------------------------------------------------------------

  function region(canvas, o) {
    var s = scaleOf(canvas);
    var cssW = canvas._off.width / s;
    var cssH = canvas._off.height / s;
    var x = Number(o.x) || 0;
    var y = Number(o.y) || 0;
    var w = o.width === undefined ? cssW - x : Number(o.width);
    var h = o.height === undefined ? cssH - y : Number(o.height);
    return { s: s, x: x, y: y, w: w, h: h };
  }

  withComponent('canvasToTempFilePath', function (o) {
    var comp = o.__comp;
    return sourceCanvas('canvasToTempFilePath', o, comp).then(function (canvas) {
      var r = region(canvas, o);
      if (!(r.w > 0) || !(r.h > 0)) throw { errMsg: 'canvasToTempFilePath:fail canvas is empty' };
      var dw = Math.round(o.destWidth === undefined ? r.w * r.s : Number(o.destWidth));
      var dh = Math.round(o.destHeight === undefined ? r.h * r.s : Number(o.destHeight));
      var tmp = new OffscreenCanvas(Math.max(1, dw), Math.max(1, dh));
      var jpg = o.fileType === 'jpg' || o.fileType === 'jpeg';
      var c = tmp.getContext('2d');
      if (jpg) {
        c.fillStyle = '#ffffff';
        c.fillRect(0, 0, dw, dh);
      }
      c.drawImage(canvas._off, r.x * r.s, r.y * r.s, r.w * r.s, r.h * r.s, 0, 0, dw, dh);
      var q = o.quality === undefined ? 1 : Math.max(0, Math.min(1, Number(o.quality)));
      return tmp
        .convertToBlob({ type: jpg ? 'image/jpeg' : 'image/png', quality: q })
        .then(function (b) {
          return b.arrayBuffer();
        })
        .then(function (buf) {
          var type = jpg ? 'image/jpeg' : 'image/png';
          var copy = buf.slice(0);
          return om.bridge.call('$registerFile', { data: buf, type: type, name: 'canvas.' + (jpg ? 'jpg' : 'png') }).then(function (res) {
            om.fs.addTemp(res.tempFilePath, copy, type, '');
            return { tempFilePath: res.tempFilePath };
          });
        });
    });
  });

  withComponent('canvasGetImageData', function (o) {
    om.need('canvasGetImageData', o, 'canvasId', 'String');
    ['x', 'y', 'width', 'height'].forEach(function (k) {
      om.need('canvasGetImageData', o, k, 'Number');
    });
    return sourceCanvas('canvasGetImageData', o, o.__comp).then(function (canvas) {
      var r = region(canvas, o);
      var w = Math.round(r.w);
      var h = Math.round(r.h);
      if (!(w > 0) || !(h > 0)) throw { errMsg: 'canvasGetImageData:fail invalid width or height' };
      var tmp = new OffscreenCanvas(w, h);
      var c = tmp.getContext('2d');
      c.drawImage(canvas._off, r.x * r.s, r.y * r.s, r.w * r.s, r.h * r.s, 0, 0, w, h);
      var data = c.getImageData(0, 0, w, h).data;
      return { width: w, height: h, data: data };
    });
  });

  withComponent('canvasPutImageData', function (o) {
    om.need('canvasPutImageData', o, 'canvasId', 'String');
    ['x', 'y', 'width'].forEach(function (k) {
      om.need('canvasPutImageData', o, k, 'Number');
    });
    var data = o.data;
    if (!(data instanceof Uint8ClampedArray)) throw om.paramError('canvasPutImageData', 'data', 'Uint8ClampedArray', data);
    var w = Math.round(o.width);
    var h = o.height === undefined ? Math.round(data.length / 4 / w) : Math.round(o.height);
    if (!(w > 0) || !(h > 0) || data.length !== w * h * 4) throw { errMsg: 'canvasPutImageData:fail invalid data' };
    return sourceCanvas('canvasPutImageData', o, o.__comp).then(function (canvas) {
      var s = scaleOf(canvas);
      var tmp = new OffscreenCanvas(w, h);
      tmp.getContext('2d').putImageData(new ImageData(new Uint8ClampedArray(data), w, h), 0, 0);
      var ctx = canvas._off.getContext('2d');
      ctx.save();
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.clearRect(o.x * s, o.y * s, w * s, h * s);
      ctx.imageSmoothingEnabled = false;
      ctx.drawImage(tmp, o.x * s, o.y * s, w * s, h * s);
      ctx.restore();
      return {};
    });
  });

  api.sync('createOffscreenCanvas', function (a, b) {
    var o = a && typeof a === 'object' ? a : { width: a, height: b };
    var w = Math.max(1, Number(o.width) || 300);
    var h = Math.max(1, Number(o.height) || 150);
    var type = o.type === 'webgl' ? 'webgl' : '2d';
    var c = new Canvas(new OffscreenCanvas(w, h), { width: w, height: h, dpr: 1 });
    c._offType = type;
    return c;
  });

  om.canvas = { wrap: wrap, canvasOf: canvasOf, Canvas: Canvas, CanvasContext: CanvasContext };
})(__om);
