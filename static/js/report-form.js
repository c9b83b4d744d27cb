/* The report form: warn before leaving with unsaved changes, and save the draft automatically.
 *
 * The automatic save posts the form (without files) to the same optimistic-lock service as
 * 保存草稿. A conflict (someone else saved first) never overwrites: the server keeps the
 * refused text as a conflicting edit, this page keeps what was typed, and automatic saving stops.
 * No inline script: served as a static file (a Content-Security-Policy is coming).
 */
(function () {
  "use strict";
  var form = document.querySelector("form.report-form");
  if (!form) { return; }
  var status = form.querySelector(".autosave-status");  // role=status: announced politely
  var alertBox = form.querySelector(".autosave-error");  // role=alert: a failure is announced at once
  var versionLine = document.querySelector(".version-line");  // 版本 in the report's details
  var version = form.querySelector("input[name=version]");
  var url = form.getAttribute("data-autosave-url");
  var msgStopped = form.getAttribute("data-msg-stopped") || "";
  var msgNetwork = form.getAttribute("data-msg-network") || "";
  var seconds = parseInt(form.getAttribute("data-autosave-seconds"), 10) || 0;
  var edits = 0;      // bumped on every change
  var savedEdits = 0; // the value of ``edits`` the server has
  var busy = false;
  var stopped = false;
  var submitting = false;

  function dirty() { return edits !== savedEdits; }
  function say(text, bad) {
    if (status) { status.textContent = bad ? "" : text; }
    if (alertBox) { alertBox.textContent = bad ? text : ""; }
  }

  form.addEventListener("input", function () { edits += 1; });
  form.addEventListener("change", function () { edits += 1; });
  form.addEventListener("submit", function () { submitting = true; });

  window.addEventListener("beforeunload", function (event) {
    if (submitting || !dirty()) { return undefined; }
    event.preventDefault();
    event.returnValue = "";  // the browser shows its own "leave this page?" question
    return "";
  });

  function autosave() {
    if (busy || stopped || submitting || !dirty() || !url) { return; }
    busy = true;
    var sending = edits;
    var data = new FormData(form);
    data.delete("evidence");  // files go with 保存草稿 / 保存并提交
    data.delete("then");
    fetch(url, { method: "POST", body: data, credentials: "same-origin",
                 headers: { "X-Requested-With": "fetch", "Accept": "application/json" } })
      .then(function (response) {
        return response.json().then(function (body) { return { code: response.status, body: body }; });
      })
      .then(function (result) {
        var body = result.body || {};
        if (result.code === 200 && body.ok) {
          version.value = body.version;
          if (versionLine && body.version_line) { versionLine.textContent = body.version_line; }
          savedEdits = sending;
          say(body.message, false);
        } else if (result.code === 409) {
          stopped = true;  // never overwrite: what was typed stays here and is kept on the server
          say(body.message + " " + msgStopped, true);
        } else if (result.code === 403) {
          stopped = true;
          say(body.message || "", true);
        } else {
          say(body.message || "", true);
        }
      })
      .catch(function () { say(msgNetwork, true); })
      .then(function () { busy = false; });
  }

  if (seconds > 0) { window.setInterval(autosave, seconds * 1000); }
})();
