// Loads a project's interactive API docs (Swagger UI: about 1.5 MB of
// script that keeps a phone's main thread busy for a second) only when the
// visitor opens them, so that the project page itself stays light. The
// OpenAPI document stays linked for readers without JavaScript. The
// analytics beacon counts the opening (the details element's toggle).
(function () {
  'use strict';
  var details = document.querySelector('details[data-docs-project]');
  var el = document.getElementById('swagger-ui');
  if (!details || !el) return;
  var status = details.querySelector('[data-docs-status]');
  var state = 'idle';

  function stylesheet(href) {
    var link = document.createElement('link');
    link.rel = 'stylesheet';
    link.href = href;
    document.head.appendChild(link);
  }
  function script(src) {
    return new Promise(function (resolve, reject) {
      var s = document.createElement('script');
      s.src = src;
      s.onload = resolve;
      s.onerror = function () { reject(new Error('could not load ' + src)); };
      document.body.appendChild(s);
    });
  }
  function say(text) { if (status) status.textContent = text; }

  function load() {
    if (!details.open || state !== 'idle') return;
    state = 'loading';
    el.setAttribute('aria-busy', 'true');
    say('Loading the interactive docs…');
    stylesheet('/api/docs/swagger-ui.css');
    stylesheet('/static/apidocs.css');
    script('/api/docs/swagger-ui-bundle.js')
      .then(function () { return script('/api/docs/apidocs-init.js'); })
      .then(function () {
        state = 'loaded';
        say('');
        el.removeAttribute('aria-busy');
      }, function () {
        // Opening the docs again tries again.
        state = 'idle';
        el.removeAttribute('aria-busy');
        say('The interactive docs could not be loaded; the OpenAPI document is linked above.');
      });
  }

  details.addEventListener('toggle', load);
  // A link to an operation (#/tag/operation, Swagger UI's deep links)
  // opens the docs at it.
  if (location.hash.indexOf('#/') === 0) details.open = true;
})();
