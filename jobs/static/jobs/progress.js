// The 任务 page: poll each unfinished job's status JSON every two seconds and update its row.
(function () {
  "use strict";
  var INTERVAL = 2000;

  function update(row, data) {
    var bar = row.querySelector(".job-progress");
    bar.value = data.progress;
    bar.textContent = data.progress + "%";
    row.querySelector(".job-percent").textContent = data.progress + "%";
    row.querySelector(".job-status").textContent = data.status_label;
    row.querySelector(".job-message").textContent = data.error || data.message;
    var link = row.querySelector(".job-download");
    if (data.download_url) {
      link.href = data.download_url;
      link.classList.remove("job-hidden");
    }
    if (data.finished) {
      row.setAttribute("data-finished", "1");
      var cancel = row.querySelector(".job-cancel");
      if (cancel) { cancel.remove(); }
    }
  }

  function poll() {
    var rows = document.querySelectorAll(".job-row:not([data-finished])");
    if (!rows.length) { return; }
    rows.forEach(function (row) {
      fetch(row.getAttribute("data-status-url"), {credentials: "same-origin", headers: {"Accept": "application/json"}})
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) { if (data) { update(row, data); } })
        .catch(function () {});
    });
    window.setTimeout(poll, INTERVAL);
  }

  document.addEventListener("DOMContentLoaded", function () { window.setTimeout(poll, INTERVAL); });
})();
