// Starts Swagger UI on the element that names the spec; kept out of the
// page so that the Content-Security-Policy needs no inline scripts.
(function () {
  var el = document.getElementById('swagger-ui');
  window.ui = SwaggerUIBundle({
    url: el.dataset.specUrl,
    domNode: el,
    deepLinking: true,
    // A project's demo may be live: calls from the docs only on request.
    tryItOutEnabled: false,
  });
})();
