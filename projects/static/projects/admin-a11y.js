// Accessible names for the admin's select2 widgets (autocomplete fields): select2 labels its
// combobox with the current selection, which is empty for an empty field, and its search box not
// at all. Each gets the text of the field's own <label>; re-applied whenever select2 re-renders.
(function () {
  "use strict";

  function labelText(select) {
    var label = select.id ? document.querySelector('label[for="' + select.id + '"]') : null;
    return label ? label.textContent.replace(/[:：]\s*$/, "").trim() : "";
  }

  function fix() {
    // Inline tables: the record column and the link column have empty headers.
    document.querySelectorAll(".inline-group thead th").forEach(function (th) {
      if (!th.textContent.trim() && !th.querySelector(".visually-hidden")) {
        var hidden = document.createElement("span");
        hidden.className = "visually-hidden";
        hidden.textContent = th.classList.contains("original") ? "记录" : "链接";
        th.appendChild(hidden);
      }
    });
    // Django's own filter boxes label an icon <span> without giving it a role.
    document.querySelectorAll(".selector-filter span[aria-label]:not([role])").forEach(function (icon) {
      icon.setAttribute("role", "img");
    });
    document.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      var name = labelText(select);
      var container = select.nextElementSibling;
      if (!name || !container || !container.classList.contains("select2")) { return; }
      var combobox = container.querySelector(".select2-selection");
      if (combobox && combobox.getAttribute("aria-label") !== name) {
        combobox.removeAttribute("aria-labelledby");
        combobox.setAttribute("aria-label", name);
      }
      var rendered = container.querySelector(".select2-selection__rendered");
      if (rendered && rendered.getAttribute("role") === "textbox" && !rendered.getAttribute("aria-label")) {
        rendered.setAttribute("aria-label", name);
      }
      if (rendered && rendered.tagName === "UL") {
        rendered.setAttribute("role", "none");
        Array.prototype.forEach.call(rendered.children, function (child) { child.setAttribute("role", "none"); });
      }
      container.querySelectorAll(".select2-search__field").forEach(function (field) {
        if (field.getAttribute("aria-label") !== name) { field.setAttribute("aria-label", name); }
      });
    });
  }

  var pending = false;
  function schedule() {
    if (pending) { return; }
    pending = true;
    window.setTimeout(function () { pending = false; fix(); }, 0);
  }

  document.addEventListener("DOMContentLoaded", function () {
    schedule();
    new MutationObserver(schedule).observe(document.body, { childList: true, subtree: true });
  });
})();
