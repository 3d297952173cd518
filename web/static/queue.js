// The queue updates itself: every few seconds it asks the JSON API for
// the flags this page shows (same filters, same page) and reloads when
// they are not the ones on the page: a new flag came, or one was
// resolved elsewhere. A failed poll is tried again at the next tick.
(function () {
  "use strict";
  var live = document.getElementById("live");
  if (!live) { return; }
  var api = live.getAttribute("data-api");
  var shown = [];
  document.querySelectorAll("tr[data-flag]").forEach(function (tr) { shown.push(tr.getAttribute("data-flag")); });
  function poll() {
    fetch(api, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (b) {
        if (!b || !b.flags) { return; }
        var now = b.flags.map(function (f) { return String(f.id); });
        if (now.join(",") !== shown.join(",")) {
          live.textContent = live.getAttribute("data-new");
          live.className = "notice";
          window.location.reload();
        }
      })
      .catch(function () {});
  }
  window.setInterval(poll, 3000);
})();
