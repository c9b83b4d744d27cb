// Starts Redoc from data attributes, so that the page needs no inline script (CSP script-src 'self').
(function () {
  "use strict";
  var container = document.getElementById("redoc-container");
  if (container && window.Redoc) {
    window.Redoc.init(container.dataset.schemaUrl, JSON.parse(container.dataset.settings || "{}"), container);
  }
})();
