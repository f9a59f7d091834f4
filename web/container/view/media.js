// Media APIs the frame performs: choosing files (the host's picker, host call
// `chooseMedia`; the files become blob: URLs here), the image/video preview overlay,
// getImageInfo, compressImage, getVideoInfo, <audio> elements for InnerAudioContext
// and the background audio manager, and the <video> component's VideoContext.
'use strict';

(function (om) {
  var api = (om.frameApis = om.frameApis || {});
  var overlay = document.getElementById('om-overlay');

  function event(kind, id, name, data) {
    om.toWorker({ t: 'apiEvent', kind: kind, id: id, name: name, data: data || {} });
  }

  // ---- file facts -------------------------------------------------------------------

  /** 'jpeg' / 'png' / 'gif' / 'webp' / 'bmp' / 'tiff' / 'svg' / 'unknown' from the first bytes. */
  function sniff(b) {
    if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
    if (b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return 'png';
    if (b.length >= 4 && b[0] === 0x47 && b[1] === 0x49 && b[2] === 0x46) return 'gif';
    if (b.length >= 12 && b[0] === 0x52 && b[1] === 0x49 && b[8] === 0x57 && b[9] === 0x45 && b[10] === 0x42 && b[11] === 0x50) return 'webp';
    if (b.length >= 2 && b[0] === 0x42 && b[1] === 0x4d) return 'bmp';
    if (b.length >= 4 && ((b[0] === 0x49 && b[1] === 0x49 && b[2] === 0x2a) || (b[0] === 0x4d && b[1] === 0x4d && b[3] === 0x2a))) return 'tiff';
    var head = String.fromCharCode.apply(null, b.subarray(0, Math.min(b.length, 256)));
    if (/<svg[\s>]/i.test(head)) return 'svg';
    return 'unknown';
  }

  var ORIENT = ['up', 'up', 'up-mirrored', 'down', 'down-mirrored', 'left-mirrored', 'right', 'right-mirrored', 'left'];

  /** EXIF orientation of a JPEG (its APP1 segment), as WeChat names it. */
  function orientation(b) {
    if (!(b[0] === 0xff && b[1] === 0xd8)) return 'up';
    var dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    var off = 2;
    while (off + 4 < b.length) {
      if (b[off] !== 0xff) break;
      var marker = b[off + 1];
      var len = dv.getUint16(off + 2);
      if (marker === 0xe1 && b[off + 4] === 0x45 && b[off + 5] === 0x78 && b[off + 6] === 0x69 && b[off + 7] === 0x66) {
        var t = off + 10; // TIFF header
        if (t + 8 > b.length) break;
        var le = b[t] === 0x49;
        var ifd = t + dv.getUint32(t + 4, le);
        if (ifd + 2 > b.length) break;
        var n = dv.getUint16(ifd, le);
        for (var i = 0; i < n; i++) {
          var e = ifd + 2 + i * 12;
          if (e + 12 > b.length) break;
          if (dv.getUint16(e, le) === 0x0112) return ORIENT[dv.getUint16(e + 8, le)] || 'up';
        }
        break;
      }
      if (marker === 0xda) break;
      off += 2 + len;
    }
    return 'up';
  }

  function decode(name, blob) {
    return createImageBitmap(blob, { imageOrientation: 'none' }).catch(function () {
      // SVG and a few others decode only through an <img>.
      return new Promise(function (resolve, reject) {
        var url = URL.createObjectURL(blob);
        var img = new Image();
        img.onload = function () {
          URL.revokeObjectURL(url);
          resolve({ width: img.naturalWidth, height: img.naturalHeight, img: img, close: function () {} });
        };
        img.onerror = function () {
          URL.revokeObjectURL(url);
          reject({ errMsg: name + ':fail invalid image' });
        };
        img.src = url;
      });
    });
  }

  /** {duration, width, height, thumb (Blob)} of a video, or {} if it cannot be read. */
  function videoMeta(url, thumb) {
    return new Promise(function (resolve) {
      var v = document.createElement('video');
      v.preload = 'auto';
      v.muted = true;
      var meta = {};
      var timer = setTimeout(function () {
        resolve(meta);
      }, 8000);
      function done() {
        clearTimeout(timer);
        v.removeAttribute('src');
        resolve(meta);
      }
      v.onloadedmetadata = function () {
        meta = { duration: isFinite(v.duration) ? v.duration : 0, width: v.videoWidth, height: v.videoHeight };
        if (!thumb || !v.videoWidth) return done();
        v.currentTime = Math.min(0.1, (v.duration || 0) / 2);
      };
      v.onseeked = function () {
        try {
          var c = document.createElement('canvas');
          c.width = v.videoWidth;
          c.height = v.videoHeight;
          c.getContext('2d').drawImage(v, 0, 0);
          c.toBlob(
            function (b) {
              meta.thumb = b;
              done();
            },
            'image/jpeg',
            0.8
          );
        } catch (_) {
          done();
        }
      };
      v.onerror = done;
      v.src = url;
    });
  }

  function jpeg(bitmap, w, h, quality) {
    var c = new OffscreenCanvas(Math.max(1, Math.round(w)), Math.max(1, Math.round(h)));
    var ctx = c.getContext('2d');
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, c.width, c.height);
    ctx.drawImage(bitmap.img || bitmap, 0, 0, c.width, c.height);
    return c.convertToBlob({ type: 'image/jpeg', quality: quality });
  }

  // ---- choosing -----------------------------------------------------------------------

  function accepts(f, mediaType) {
    var t = String(f.type || '');
    if (mediaType.indexOf('file') >= 0) return true;
    if (/^image\//.test(t)) return mediaType.indexOf('image') >= 0;
    if (/^video\//.test(t)) return mediaType.indexOf('video') >= 0;
    return false;
  }

  api.$choose = function (a) {
    var mediaType = a.mediaType || ['image', 'video'];
    var args = { count: a.count, mediaType: mediaType, sourceType: a.sourceType, sizeType: a.sizeType };
    if (a.extension) args.extension = a.extension;
    return om.hostCall('chooseMedia', args).then(function (r) {
      var got = ((r && r.files) || []).filter(function (f) {
        return f && f.data instanceof ArrayBuffer && accepts(f, mediaType);
      });
      if (a.extension && a.extension.length) {
        got = got.filter(function (f) {
          var ext = String(f.name || '').split('.').pop().toLowerCase();
          return a.extension.some(function (x) {
            return String(x).replace(/^\./, '').toLowerCase() === ext;
          });
        });
      }
      got = got.slice(0, a.count || 9);
      if (!got.length) throw { errMsg: a.api + ':fail cancel' };
      var onlyCompressed = a.sizeType && a.sizeType.length === 1 && a.sizeType[0] === 'compressed';
      var transfer = [];
      return Promise.all(
        got.map(function (f) {
          var blob = new Blob([f.data], { type: f.type || '' });
          var image = /^image\//.test(f.type) && f.type !== 'image/gif' && f.type !== 'image/svg+xml';
          var video = /^video\//.test(f.type);
          var out = { name: f.name || '', type: f.type || '', time: Date.now() };
          var step = Promise.resolve(blob);
          if (image && onlyCompressed && a.api !== 'chooseMessageFile') {
            step = decode(a.api, blob).then(function (bm) {
              return jpeg(bm, bm.width, bm.height, 0.8).then(function (b) {
                if (bm.close) bm.close();
                out.type = 'image/jpeg';
                return b.size < blob.size ? b : blob;
              });
            });
          }
          return step.then(function (b) {
            out.path = om.files.register(b, out.name);
            out.size = b.size;
            var facts = Promise.resolve();
            if (image) {
              facts = decode(a.api, b).then(
                function (bm) {
                  out.width = bm.width;
                  out.height = bm.height;
                  if (bm.close) bm.close();
                },
                function () {}
              );
            } else if (video) {
              facts = videoMeta(out.path, true).then(function (m) {
                out.duration = m.duration || 0;
                out.width = m.width || 0;
                out.height = m.height || 0;
                if (m.thumb) {
                  out.thumbTempFilePath = om.files.register(m.thumb, '');
                  return m.thumb.arrayBuffer().then(function (tb) {
                    out.thumbData = tb;
                    transfer.push(tb);
                  });
                }
              });
            }
            return facts
              .then(function () {
                return b === blob ? f.data : b.arrayBuffer();
              })
              .then(function (buf) {
                out.data = buf;
                transfer.push(buf);
                return out;
              });
          });
        })
      ).then(function (files) {
        return om.transfer({ files: files }, transfer);
      });
    });
  };

  // ---- previewImage / previewMedia -------------------------------------------------------

  var style = document.createElement('style');
  style.textContent = [
    '.om-preview{position:fixed;inset:0;z-index:2000;background:#000;overflow:hidden;touch-action:none;user-select:none}',
    '.om-preview-track{display:flex;height:100%;transition:transform .25s ease-out;will-change:transform}',
    '.om-preview-item{flex:0 0 100%;height:100%;display:flex;align-items:center;justify-content:center}',
    '.om-preview-item img,.om-preview-item video{max-width:100%;max-height:100%;object-fit:contain;-webkit-user-drag:none}',
    '.om-preview-count{position:absolute;left:0;right:0;bottom:24px;text-align:center;color:#fff;font:14px/1 sans-serif;opacity:.8}',
  ].join('\n');
  document.head.appendChild(style);

  var preview = null;

  api.previewImage = function (a) {
    var sources = (a.sources || []).filter(function (s) {
      return s && s.url;
    });
    if (!sources.length) throw { errMsg: 'previewImage:fail parameter error: urls should not be empty' };
    if (preview) preview.close();
    var index = Math.max(0, Math.min(sources.length - 1, Number(a.current) || 0));
    var box = document.createElement('div');
    box.className = 'om-preview';
    box.setAttribute('role', 'dialog');
    box.setAttribute('aria-label', '图片预览');
    var track = document.createElement('div');
    track.className = 'om-preview-track';
    sources.forEach(function (s) {
      var item = document.createElement('div');
      item.className = 'om-preview-item';
      var m;
      if (s.type === 'video') {
        m = document.createElement('video');
        m.controls = true;
        m.playsInline = true;
        if (s.poster) m.poster = om.files.displayUrl(s.poster);
      } else {
        m = document.createElement('img');
        m.alt = '';
        m.draggable = false;
      }
      m.src = om.files.displayUrl(s.url);
      item.appendChild(m);
      track.appendChild(item);
    });
    var count = document.createElement('div');
    count.className = 'om-preview-count';
    box.appendChild(track);
    if (sources.length > 1) box.appendChild(count);
    function show(i, animate) {
      index = Math.max(0, Math.min(sources.length - 1, i));
      track.style.transition = animate === false ? 'none' : '';
      track.style.transform = 'translateX(' + -index * 100 + '%)';
      count.textContent = index + 1 + '/' + sources.length;
      [].forEach.call(track.querySelectorAll('video'), function (v) {
        if (!v.paused) v.pause();
      });
    }
    // Swipe between items, tap to close (a tap on a video's controls plays it).
    var start = null;
    box.addEventListener('pointerdown', function (e) {
      start = { x: e.clientX, y: e.clientY, id: e.pointerId, t: e.timeStamp };
      track.style.transition = 'none';
    });
    box.addEventListener('pointermove', function (e) {
      if (!start || e.pointerId !== start.id) return;
      var dx = e.clientX - start.x;
      track.style.transform = 'translateX(calc(' + -index * 100 + '% + ' + dx + 'px))';
    });
    function end(e) {
      if (!start || e.pointerId !== start.id) return;
      var dx = e.clientX - start.x;
      var dy = e.clientY - start.y;
      var s = start;
      start = null;
      if (Math.abs(dx) < 10 && Math.abs(dy) < 10) {
        show(index);
        if (e.target && e.target.localName === 'video') return;
        if (e.type === 'pointerup' && e.timeStamp - s.t < 500) close();
        return;
      }
      show(index + (dx < -50 ? 1 : dx > 50 ? -1 : 0));
    }
    box.addEventListener('pointerup', end);
    box.addEventListener('pointercancel', end);
    box.tabIndex = -1;
    box.addEventListener('keydown', function (e) {
      if (e.key === 'Escape') close();
      else if (e.key === 'ArrowRight') show(index + 1);
      else if (e.key === 'ArrowLeft') show(index - 1);
    });
    function close() {
      if (!box.parentNode) return;
      [].forEach.call(track.querySelectorAll('video'), function (v) {
        v.pause();
      });
      box.remove();
      if (preview && preview.box === box) preview = null;
    }
    show(index, false);
    overlay.appendChild(box);
    box.focus();
    preview = { box: box, close: close };
    return {};
  };

  // ---- image and video facts, compression -----------------------------------------------------

  api.getImageInfo = function (a) {
    return om.files.load('getImageInfo', a.src).then(function (f) {
      return Promise.all([decode('getImageInfo', f.blob), f.blob.slice(0, 131072).arrayBuffer()]).then(function (r) {
        var bm = r[0];
        var head = new Uint8Array(r[1]);
        var out = { width: bm.width, height: bm.height, path: f.path, orientation: orientation(head), type: sniff(head), mime: f.blob.type };
        if (bm.close) bm.close();
        if (!f.fresh) return out;
        return f.blob.arrayBuffer().then(function (buf) {
          out.data = buf;
          return om.transfer(out, [buf]);
        });
      });
    });
  };

  api.compressImage = function (a) {
    return om.files.load('compressImage', a.src).then(function (f) {
      return decode('compressImage', f.blob).then(function (bm) {
        var w = bm.width;
        var h = bm.height;
        var cw = Number(a.compressedWidth);
        var ch = Number(a.compressedHeight);
        if (cw > 0 && ch > 0) {
          w = cw;
          h = ch;
        } else if (cw > 0) {
          h = (h * cw) / w;
          w = cw;
        } else if (ch > 0) {
          w = (w * ch) / h;
          h = ch;
        }
        return jpeg(bm, w, h, Math.max(0, Math.min(100, Number(a.quality))) / 100).then(function (b) {
          if (bm.close) bm.close();
          var path = om.files.register(b, '');
          return b.arrayBuffer().then(function (buf) {
            return om.transfer({ tempFilePath: path, data: buf }, [buf]);
          });
        });
      });
    });
  };

  api.getVideoInfo = function (a) {
    return om.files.load('getVideoInfo', a.src).then(function (f) {
      var url = om.files.get(f.path) ? f.path : URL.createObjectURL(f.blob);
      return videoMeta(url, false).then(function (m) {
        if (url !== f.path) URL.revokeObjectURL(url);
        if (!m.width && !m.duration) throw { errMsg: 'getVideoInfo:fail invalid video' };
        var sizeKB = Math.round(f.blob.size / 1024);
        var type = String(f.blob.type || '').split('/')[1] || String(f.name || a.src).split('.').pop().toLowerCase();
        return { orientation: 'up', type: type, duration: m.duration, size: sizeKB, height: m.height, width: m.width, bitrate: m.duration ? Math.round((f.blob.size * 8) / m.duration / 1000) : 0 };
      });
    });
  };

  // ---- audio ------------------------------------------------------------------------------------

  var audios = {}; // worker id → {el, props, bg, stopping}
  var ERR_CODE = { 1: -1, 2: 10002, 3: 10004, 4: 10003 };

  function audioState(el) {
    var b = el.buffered;
    return { duration: isFinite(el.duration) ? el.duration : 0, currentTime: el.currentTime, paused: el.paused, buffered: b && b.length ? b.end(b.length - 1) : 0 };
  }

  function makeAudio(id, background) {
    var el = new Audio();
    el.preload = 'auto';
    var x = { el: el, props: {}, bg: background, stopping: false, started: false };
    function send(name, extra) {
      var d = audioState(el);
      if (extra) for (var k in extra) d[k] = extra[k];
      event('audio', id, name, d);
    }
    el.addEventListener('canplay', function () {
      send('Canplay');
    });
    el.addEventListener('play', function () {
      send('Play');
    });
    el.addEventListener('pause', function () {
      if (x.stopping || el.ended) return;
      send('Pause');
    });
    el.addEventListener('ended', function () {
      send('Ended');
      if (x.bg && 'mediaSession' in navigator) navigator.mediaSession.playbackState = 'none';
    });
    el.addEventListener('timeupdate', function () {
      send('TimeUpdate');
    });
    el.addEventListener('waiting', function () {
      send('Waiting');
    });
    el.addEventListener('seeking', function () {
      send('Seeking');
    });
    el.addEventListener('seeked', function () {
      send('Seeked');
    });
    el.addEventListener('loadedmetadata', function () {
      var st = Number(x.props.startTime) || 0;
      if (st > 0 && el.currentTime < st) el.currentTime = st;
    });
    el.addEventListener('error', function () {
      if (!el.getAttribute('src')) return;
      var code = el.error ? el.error.code : 0;
      send('Error', { errMsg: (el.error && el.error.message) || 'MEDIA_ERR ' + code, errCode: ERR_CODE[code] === undefined ? -1 : ERR_CODE[code] });
    });
    if (background && 'mediaSession' in navigator) {
      var ms = navigator.mediaSession;
      try {
        ms.setActionHandler('play', function () {
          play(x, id);
        });
        ms.setActionHandler('pause', function () {
          el.pause();
        });
        ms.setActionHandler('nexttrack', function () {
          send('Next');
        });
        ms.setActionHandler('previoustrack', function () {
          send('Prev');
        });
      } catch (_) {}
    }
    return x;
  }

  function play(x, id) {
    var r = x.el.play();
    if (r && r.catch) {
      r.catch(function (e) {
        // Refused (no user gesture yet) or nothing to play: the app hears of it.
        if (e && e.name === 'AbortError') return;
        event('audio', id, 'Error', Object.assign(audioState(x.el), { errMsg: (e && e.name ? e.name + ': ' : '') + (e && e.message), errCode: e && e.name === 'NotSupportedError' ? 10004 : -1 }));
      });
    }
  }

  function applyProps(x, id, p) {
    var el = x.el;
    for (var k in p) x.props[k] = p[k];
    if (p.loop !== undefined) el.loop = !!p.loop;
    if (p.volume !== undefined) el.volume = Math.max(0, Math.min(1, Number(p.volume)));
    if (p.playbackRate !== undefined) el.playbackRate = el.defaultPlaybackRate = Number(p.playbackRate) || 1;
    if (p.src !== undefined) {
      if (p.src) {
        el.src = p.src;
        el.load();
        if (x.props.autoplay) play(x, id);
      } else {
        el.pause();
        el.removeAttribute('src');
        el.load();
      }
    } else if (p.autoplay && el.getAttribute('src') && el.paused) {
      play(x, id);
    }
    if (p.startTime !== undefined && el.readyState >= 1 && Number(p.startTime) > 0) el.currentTime = Number(p.startTime);
  }

  api.$audio = function (a) {
    var x = audios[a.id];
    if (a.op === 'create') {
      x = audios[a.id] = makeAudio(a.id, !!a.background);
      applyProps(x, a.id, a.props || {});
      return {};
    }
    if (!x) throw { errMsg: 'audio:fail destroyed' };
    var el = x.el;
    switch (a.op) {
      case 'set':
        if (a.props) applyProps(x, a.id, a.props);
        if (a.meta && 'mediaSession' in navigator && typeof MediaMetadata === 'function') {
          navigator.mediaSession.metadata = new MediaMetadata({ title: a.meta.title, artist: a.meta.artist, album: a.meta.album, artwork: a.meta.artwork ? [{ src: om.files.displayUrl(a.meta.artwork) }] : [] });
        }
        break;
      case 'play':
        if (!el.getAttribute('src')) throw { errMsg: 'audio:fail no src' };
        play(x, a.id);
        break;
      case 'pause':
        el.pause();
        break;
      case 'stop':
        x.stopping = true;
        el.pause();
        try {
          el.currentTime = Number(x.props.startTime) || 0;
        } catch (_) {}
        x.stopping = false;
        event('audio', a.id, 'Stop', audioState(el));
        break;
      case 'seek':
        el.currentTime = Math.max(0, Number(a.position) || 0);
        break;
      case 'destroy':
        el.pause();
        el.removeAttribute('src');
        el.load();
        delete audios[a.id];
        break;
    }
    return {};
  };

  // ---- video ---------------------------------------------------------------------------------------

  api.$video = function (a) {
    var el = om.dom.node(a.node);
    if (!el || el.localName !== 'wx-video' || typeof el[a.op] !== 'function') throw { errMsg: 'VideoContext:fail video not found' };
    el[a.op].apply(el, a.args || []);
    return {};
  };

  om.mediaSniff = sniff;
})((window.__om = window.__om || {}));
