// Import pages: show a progress indication while the server checks or imports the file.
document.addEventListener("DOMContentLoaded", function () {
  var progress = document.querySelector(".qs-import-progress");
  document.querySelectorAll("#content form").forEach(function (form) {
    form.addEventListener("submit", function () {
      if (progress) { progress.hidden = false; }
    });
  });
});
