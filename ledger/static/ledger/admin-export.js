// The export page's "select all" toggle, bound here instead of an inline handler (strict CSP).
// onSelectToggleChange comes from django-import-export's export_selectable_fields.js (the form's media).
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("input.select-toggle").forEach(function (toggle) {
    toggle.addEventListener("change", function (event) {
      if (typeof window.onSelectToggleChange === "function") { window.onSelectToggleChange(event); }
    });
  });
});
