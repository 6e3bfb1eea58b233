/* Small enhancements of the portal pages; everything works without JavaScript too. */
(function () {
  "use strict";

  function updatePriority(form) {
    var out = form.querySelector("[data-priority-output]");
    if (!out) return;
    var matrix = JSON.parse(out.getAttribute("data-matrix") || "{}");
    var impact = form.querySelector("[name=impact]");
    var urgency = form.querySelector("[name=urgency]");
    if (!impact || !urgency) return;
    var p = matrix[String(impact.value) + String(urgency.value)];
    if (!p) return;
    out.textContent = "P" + p;
    out.className = "badge badge-p" + p;
  }

  function updateWarranty(form) {
    var select = form.querySelector("select[name=device]");
    var box = form.querySelector("[data-warranty-box]");
    if (!select || !box) return;
    var option = select.options[select.selectedIndex];
    var state = option ? option.getAttribute("data-warranty") : "";
    var text = option ? option.getAttribute("data-warranty-text") : "";
    box.innerHTML = "";
    if (!state) return;
    var badge = document.createElement("span");
    badge.className =
      "badge " + (state === "active" ? "badge-success" : state === "expired" ? "badge-warning" : "");
    badge.textContent = text;
    box.appendChild(badge);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-request-form]").forEach(function (form) {
      form.addEventListener("change", function () {
        updatePriority(form);
        updateWarranty(form);
      });
      updatePriority(form);
      updateWarranty(form);
    });
  });
})();
