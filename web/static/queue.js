// The queue updates itself: every few seconds it asks /queue/stamp for
// the newest open flag and the number of open flags, and reloads when
// they change. A failed poll is retried at the next tick.
(function () {
  "use strict";
  var live = document.getElementById("live");
  if (!live) { return; }
  var stamp = live.getAttribute("data-stamp");
  function poll() {
    fetch("/queue/stamp", { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (b) {
        if (b && b.stamp && b.stamp !== stamp) {
          live.textContent = live.getAttribute("data-new");
          live.className = "notice";
          window.location.reload();
        }
      })
      .catch(function () {});
  }
  window.setInterval(poll, 3000);
})();
