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

  var quarters = [25, 50, 75, 100];
  document.querySelectorAll('video[data-project]').forEach(function (video) {
    var sent = {};
    var project = video.getAttribute('data-project');
    function reached(q) {
      if (!sent[q]) { sent[q] = true; send('play', project, q); }
    }
    video.addEventListener('play', function () { reached(0); });
    video.addEventListener('timeupdate', function () {
      if (!video.duration || !isFinite(video.duration)) return;
      var pct = (video.currentTime / video.duration) * 100;
      quarters.forEach(function (q) { if (pct >= q - 1) reached(q); });
    });
    video.addEventListener('ended', function () { reached(100); });
  });

  document.querySelectorAll('[data-docs-project]').forEach(function (el) {
    var opened = false;
    function open() {
      if (!opened) { opened = true; send('docs_open', el.getAttribute('data-docs-project')); }
    }
    el.addEventListener(el.tagName === 'DETAILS' ? 'toggle' : 'click', open);
  });
})();
