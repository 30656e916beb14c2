// Only improves the plain forms: Leave now (or Esc) replaces this page at once, so Back does
// not return to it. Nothing is kept in the browser's storage: her words stay on the server.
(function () {
  "use strict";
  var leave = document.querySelector("form.leave");
  function away(event) {
    if (event) { event.preventDefault(); }
    var data = new FormData(leave);
    var exit = leave.getAttribute("data-exit");
    // Nothing of hers stays visible while the visit is ended; the exit waits for that end
    // (its cookie cleared) so that Back cannot fetch her page again, but never long.
    document.body.innerHTML = "";
    document.title = "";
    var gone = false;
    function go() {
      if (!gone) { gone = true; window.location.replace(exit); }
    }
    setTimeout(go, 1500);
    fetch("/leave", {method: "POST", body: data, credentials: "same-origin",
                     keepalive: true, redirect: "manual"}).then(go, go);
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
