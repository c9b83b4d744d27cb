// The plan editor (htmx, served from static/vendor/htmx). After a form is swapped in place,
// htmx puts focus back on the control with the same id; this adds: focus moves to the error
// summary when a save was refused, and Escape in a form puts back what was there before editing.
(function () {
  "use strict";
  document.addEventListener("htmx:afterSettle", function () {
    var errors = document.querySelector("#editor .form-errors");
    if (errors) {
      errors.focus();
    }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || !event.target.closest) {
      return;
    }
    var form = event.target.closest("form[data-escape-reset]");
    if (form) {
      form.reset();
    }
  });
})();
