// The 任务 page, and the import or export page that started a job: poll each unfinished job's status
// JSON every two seconds and update its row (bar, percentage, status, message, download link).
// A row marked data-reload-when-done reloads its page once the job has finished, so the server shows
// the result (an import's preview or summary) under the same strict CSP: no markup built here.
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
      if (row.hasAttribute("data-reload-when-done")) { window.location.reload(); return; }
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
