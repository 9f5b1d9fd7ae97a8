// Tells the portfolio's owner that a screencast was played (and how far)
// and that the API docs were opened. Page views and link clicks are counted
// by the server without this script; if it is blocked, nothing else breaks.
// It sets no cookie, stores nothing in the browser and sends nothing about
// the visitor: the server derives a visitor id that changes every day and
// keeps no IP address.
(function () {
  'use strict';
  var page = document.documentElement.getAttribute('data-analytics');
  // A page opened through a share link names its token, which goes to
  // Folio in the body alone, never in a URL.
  var share = document.documentElement.getAttribute('data-share');
  if (!page || !navigator.sendBeacon) return;

  function send(kind, project, progress) {
    try {
      var report = { page: page, kind: kind, project: project || '', progress: progress || 0 };
      if (share) report.share = share;
      var body = JSON.stringify(report);
      navigator.sendBeacon('/beacon', new Blob([body], { type: 'text/plain' }));
    } catch (e) { /* counting must never break the page */ }
  }

  // Screencasts become video elements when the visitor plays one (see
  // player.js): media events do not bubble, so they are caught on their
  // way down, for videos there now or later.
  var quarters = [25, 50, 75, 100];
  var sent = new WeakMap();
  function reached(video, q) {
    var done = sent.get(video) || {};
    if (!done[q]) { done[q] = true; sent.set(video, done); send('play', video.getAttribute('data-project'), q); }
  }
  function onVideo(type, fn) {
    document.addEventListener(type, function (e) {
      var v = e.target;
      if (v && v.tagName === 'VIDEO' && v.hasAttribute('data-project')) fn(v);
    }, true);
  }
  onVideo('play', function (v) { reached(v, 0); });
  onVideo('timeupdate', function (v) {
    if (!v.duration || !isFinite(v.duration)) return;
    var pct = (v.currentTime / v.duration) * 100;
    quarters.forEach(function (q) { if (pct >= q - 1) reached(v, q); });
  });
  onVideo('ended', function (v) { reached(v, 100); });

  document.querySelectorAll('[data-docs-project]').forEach(function (el) {
    var opened = false;
    function open() {
      if (!opened) { opened = true; send('docs_open', el.getAttribute('data-docs-project')); }
    }
    el.addEventListener(el.tagName === 'DETAILS' ? 'toggle' : 'click', open);
  });
})();
