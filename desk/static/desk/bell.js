// The bell in the admin header: the count of unread notices, fetched once per page from the desk's
// JSON view (no inline script; strict CSP). The link opens the list of notices.
(function () {
  "use strict";
  function start() {
    var bell = document.getElementById("desk-bell");
    if (!bell || !bell.dataset.source) { return; }
    var count = bell.querySelector(".desk-bell-count");
    fetch(bell.dataset.source, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data || !count) { return; }
        count.textContent = String(data.unread);
        count.hidden = data.unread === 0;
        bell.setAttribute("aria-label", bell.dataset.label + ": " + String(data.unread));
        bell.title = data.items.slice(0, 5).map(function (item) { return item.message; }).join("\n");
      })
      .catch(function () { /* the bell stays without a count */ });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
