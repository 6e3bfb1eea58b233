/* Agent workspace behaviour: small progressive enhancements on top of htmx. No build step. */
(function () {
  "use strict";

  // The caller pop-up (#caller-popup) polls /phone/popup/. Until the phone app answers there,
  // a 404 is expected: drop the element so it stops polling and keeps the console quiet.
  document.addEventListener("htmx:responseError", function (evt) {
    var elt = evt.detail && evt.detail.elt;
    if (elt && elt.id === "caller-popup") {
      if (evt.detail.xhr && evt.detail.xhr.status === 404) {
        elt.remove();
      }
    }
  });
  document.addEventListener("htmx:sendError", function (evt) {
    var elt = evt.detail && evt.detail.elt;
    if (elt && elt.id === "caller-popup") {
      evt.preventDefault();
    }
  });

  // <button data-open-dialog="id"> opens <dialog id="id">; [data-close-dialog] closes its dialog.
  document.addEventListener("click", function (evt) {
    var opener = evt.target.closest("[data-open-dialog]");
    if (opener) {
      var dialog = document.getElementById(opener.getAttribute("data-open-dialog"));
      if (dialog && dialog.showModal) {
        evt.preventDefault();
        dialog.showModal();
      }
      return;
    }
    var closer = evt.target.closest("[data-close-dialog]");
    if (closer) {
      var d = closer.closest("dialog");
      if (d) {
        evt.preventDefault();
        d.close();
      }
    }
  });

  // A dialog re-rendered with errors (data-open-on-load) opens again by itself.
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("dialog[data-open-on-load]").forEach(function (dialog) {
      if (dialog.showModal && !dialog.open) {
        dialog.showModal();
      }
    });
  });

  // Close the user menu when clicking elsewhere.
  document.addEventListener("click", function (evt) {
    document.querySelectorAll("details.user-menu[open]").forEach(function (menu) {
      if (!menu.contains(evt.target)) {
        menu.removeAttribute("open");
      }
    });
  });

  // Insert a knowledge-base solution into the composer textarea.
  document.addEventListener("click", function (evt) {
    var btn = evt.target.closest("[data-insert-article]");
    if (!btn) {
      return;
    }
    evt.preventDefault();
    var form = document.getElementById("composer-form");
    if (!form) {
      return;
    }
    var body = form.querySelector("textarea[name=body]");
    var text = btn.getAttribute("data-text") || "";
    body.value = body.value ? body.value.replace(/\s*$/, "") + "\n\n" + text : text;
    form.querySelector("input[name=article]").value = btn.getAttribute("data-insert-article");
    var label = document.getElementById("composer-article-label");
    if (label) {
      label.textContent = btn.getAttribute("data-title") || "";
      label.parentElement.hidden = false;
    }
    var publicRadio = form.querySelector("input[name=kind][value=reply]");
    if (publicRadio) {
      publicRadio.checked = true;
      publicRadio.dispatchEvent(new Event("change", { bubbles: true }));
    }
    body.focus();
  });

  // Composer: mark the form when "internal note" is chosen so it looks different.
  document.addEventListener("change", function (evt) {
    if (evt.target.matches && evt.target.matches("#composer-form input[name=kind]")) {
      var form = evt.target.form;
      form.classList.toggle("composer-internal", evt.target.value === "note");
    }
  });
})();
