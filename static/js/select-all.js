// "Select all" for every list with checkboxes (CSP: no inline scripts). In a form:
//   <input type="checkbox" data-check-all="NAME">   checks or unchecks every box name=NAME of
//                                                    its form (rows may sit outside it, joined
//                                                    with form="ID");
//   <span data-check-count="NAME" data-template="%(n)s of %(total)s selected">
//                                                    how many are checked;
//   <button data-needs-selection="NAME">             disabled while none is checked.
// Listeners sit on the document, so rows swapped in by htmx need no re-binding.
(function () {
  "use strict";

  function boxes(form, name) {
    return Array.from(form.elements).filter(
      (element) => element.type === "checkbox" && element.name === name
    );
  }

  function refresh(form, name) {
    const all = boxes(form, name);
    const checked = all.filter((box) => box.checked).length;
    const inForm = (selector) =>
      Array.from(document.querySelectorAll(selector)).filter(
        (element) => (element.form || element.closest("form")) === form
      );
    inForm('[data-check-all="' + name + '"]').forEach((master) => {
      master.checked = all.length > 0 && checked === all.length;
      master.indeterminate = checked > 0 && checked < all.length;
      master.disabled = all.length === 0;
    });
    Array.from(form.querySelectorAll('[data-check-count="' + name + '"]')).forEach((counter) => {
      counter.textContent = (counter.dataset.template || "%(n)s / %(total)s")
        .replace("%(n)s", checked)
        .replace("%(total)s", all.length);
    });
    inForm('[data-needs-selection="' + name + '"]').forEach((button) => {
      button.disabled = checked === 0;
    });
  }

  function refreshAll() {
    document.querySelectorAll("[data-check-all]").forEach((master) => {
      const form = master.form || master.closest("form");
      if (form) refresh(form, master.dataset.checkAll);
    });
  }

  document.addEventListener("change", (event) => {
    const target = event.target;
    const form = target.form || target.closest("form");
    if (!form) return;
    if (target.matches("[data-check-all]")) {
      boxes(form, target.dataset.checkAll).forEach((box) => {
        box.checked = target.checked;
      });
      refresh(form, target.dataset.checkAll);
    } else if (target.type === "checkbox" && target.name) {
      refresh(form, target.name);
    }
  });
  document.addEventListener("htmx:afterSettle", refreshAll);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", refreshAll);
  } else {
    refreshAll();
  }
})();
