// The actions menu: a button that opens a menu whose items are reached with the arrow
// keys, and an "Add Work" item that opens a sub-menu, following the WAI-ARIA menu
// button pattern. Every part also works with the mouse.
(function () {
  "use strict";

  function items(menu) {
    return Array.from(menu.querySelectorAll(":scope > li > [role=menuitem]"));
  }

  function openMenu(button, menu, focusLast) {
    menu.hidden = false;
    button.setAttribute("aria-expanded", "true");
    const list = items(menu);
    if (list.length) list[focusLast ? list.length - 1 : 0].focus();
  }

  function closeMenu(button, menu) {
    menu.hidden = true;
    button.setAttribute("aria-expanded", "false");
  }

  function moveFocus(menu, step) {
    const list = items(menu);
    const i = list.indexOf(document.activeElement);
    list[(i + step + list.length) % list.length].focus();
  }

  function wire(root) {
    const button = root.querySelector(".dots");
    const menu = root.querySelector("#" + button.getAttribute("aria-controls"));
    const subButton = menu.querySelector("[aria-haspopup=menu]");
    const sub = subButton && menu.querySelector("#" + subButton.getAttribute("aria-controls"));

    button.addEventListener("click", function () {
      if (menu.hidden) openMenu(button, menu, false); else closeMenu(button, menu);
    });
    button.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown" || e.key === "Enter" || e.key === " ") {
        e.preventDefault();
        openMenu(button, menu, false);
      } else if (e.key === "ArrowUp") {
        e.preventDefault();
        openMenu(button, menu, true);
      }
    });
    menu.addEventListener("keydown", function (e) {
      if (sub && sub.contains(e.target)) return;
      if (e.key === "ArrowDown") { e.preventDefault(); moveFocus(menu, 1); }
      else if (e.key === "ArrowUp") { e.preventDefault(); moveFocus(menu, -1); }
      else if (e.key === "Escape") { e.preventDefault(); closeMenu(button, menu); button.focus(); }
      else if (sub && e.target === subButton &&
               (e.key === "ArrowRight" || e.key === "ArrowLeft" || e.key === "Enter" || e.key === " ")) {
        e.preventDefault();
        openMenu(subButton, sub, false);
      }
    });
    if (sub) {
      subButton.addEventListener("click", function () {
        if (sub.hidden) openMenu(subButton, sub, false); else closeMenu(subButton, sub);
      });
      sub.addEventListener("keydown", function (e) {
        if (e.key === "ArrowDown") { e.preventDefault(); moveFocus(sub, 1); }
        else if (e.key === "ArrowUp") { e.preventDefault(); moveFocus(sub, -1); }
        else if (e.key === "Escape" || e.key === "ArrowLeft" || e.key === "ArrowRight") {
          e.preventDefault();
          closeMenu(subButton, sub);
          subButton.focus();
        }
      });
    }
    document.addEventListener("click", function (e) {
      if (!root.contains(e.target)) {
        if (sub) closeMenu(subButton, sub);
        closeMenu(button, menu);
      }
    });
  }

  // The request form's running total: what the total will be with the number typed.
  function wirePeriod() {
    const period = document.querySelector(".period[data-threshold]");
    const input = document.getElementById("sessions");
    if (!period || !input) return;
    const base = ["completed", "upcoming", "remaining"]
      .reduce(function (sum, k) { return sum + Number(period.dataset[k]); }, 0);
    const threshold = Number(period.dataset.threshold);
    const total = document.getElementById("period-total");
    const note = document.getElementById("review-note");
    function update() {
      const n = Number(input.value);
      if (!Number.isInteger(n) || n < 1 || input.value.trim() === "") {
        total.textContent = base + " + the sessions you request";
        return;
      }
      total.textContent = String(base + n);
      note.textContent = base + n >= threshold
        ? "This request will go to clinical review: the total reaches " + threshold + "."
        : "This request will go straight to the organisation: the total stays under " + threshold + ".";
    }
    input.addEventListener("input", update);
    update();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-menu]").forEach(wire);
    wirePeriod();
  });
})();
