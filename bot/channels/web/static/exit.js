// Only improves the plain forms: Leave now (or Esc) replaces this page at once, so Back does
// not return to it. Nothing is kept in the browser's storage: her words stay on the server.
(function () {
  "use strict";
  var leave = document.querySelector("form.leave");
  function away(event) {
    if (event) { event.preventDefault(); }
    var data = new FormData(leave);
    try { navigator.sendBeacon("/leave", data); } catch (ignored) { /* the form still clears it */ }
    document.body.innerHTML = "";
    window.location.replace(leave.getAttribute("data-exit"));
  }
  if (leave) {
    leave.addEventListener("submit", away);
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { away(event); }
    });
  }
  // A page restored from the back-forward cache is asked for again: it may have been left.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) { window.location.reload(); }
  });
})();
