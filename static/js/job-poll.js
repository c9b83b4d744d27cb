// Pages that follow a background job (a plan being read, an Excel template being checked): the
// element with data-poll="<seconds>" is fetched again every few seconds and its content swapped in
// (its role="status" line announces the progress); once the job is done the page no longer has it
// and is reloaded to show the result. A separate file, so the CSP (script-src 'self') holds; without
// JavaScript the page's "刷新查看进度" link does the same by hand.
(function () {
  "use strict";
  var box = document.querySelector("[data-poll]");
  if (!box || !window.fetch || !window.DOMParser) {
    return;
  }
  var every = (parseInt(box.getAttribute("data-poll"), 10) || 3) * 1000;

  function tick() {
    fetch(window.location.href, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.text();
      })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").querySelector("[data-poll]");
        if (!fresh) {
          window.location.reload();
          return;
        }
        box.innerHTML = fresh.innerHTML;
        window.setTimeout(tick, every);
      })
      .catch(function () {
        window.setTimeout(tick, every * 2);
      });
  }

  window.setTimeout(tick, every);
})();
