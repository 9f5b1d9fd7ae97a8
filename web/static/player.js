// Plays a screencast in place. A page shows each screencast as its poster
// and a play link to the video file (see the "screencast" template), so
// that the browser lays out an image rather than a video element and
// fetches nothing of the file until the visitor asks; without this script
// the link opens the file itself.
(function () {
  'use strict';
  document.addEventListener('click', function (e) {
    var link = e.target.closest && e.target.closest('a.play[data-video]');
    // A click meant for a new tab or window keeps the link's meaning.
    if (!link || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    var box = link.parentNode;
    var video = document.createElement('video');
    video.className = box.className.replace(/\bfacade\b/, '').trim();
    video.controls = true;
    video.playsInline = true;
    video.poster = link.getAttribute('data-poster');
    video.src = link.getAttribute('data-video');
    video.setAttribute('data-project', box.getAttribute('data-project'));
    video.setAttribute('aria-label', box.getAttribute('data-label'));
    box.replaceWith(video);
    video.focus();
    var playing = video.play();
    // A browser that refuses to start it leaves the controls to the visitor.
    if (playing && playing.catch) playing.catch(function () {});
  });
})();
