// Bulk selection on list pages (CSP: no inline scripts).
// <input type="checkbox" data-check-all="NAME"> checks or unchecks every checkbox name=NAME
// of its form; <span data-check-count="NAME"> shows how many are checked;
// <select data-autosubmit> submits its form when changed.
(function () {
  "use strict";

  function boxes(form, name) {
    return Array.from(form.querySelectorAll('input[type="checkbox"][name="' + name + '"]'));
  }

  function refresh(form, name) {
    const all = boxes(form, name);
    const checked = all.filter((box) => box.checked).length;
    form.querySelectorAll('[data-check-all="' + name + '"]').forEach((master) => {
      master.checked = all.length > 0 && checked === all.length;
      master.indeterminate = checked > 0 && checked < all.length;
    });
    form.querySelectorAll('[data-check-count="' + name + '"]').forEach((counter) => {
      counter.textContent = (counter.dataset.template || "%(n)s / %(total)s")
        .replace("%(n)s", checked)
        .replace("%(total)s", all.length);
    });
  }

  function init() {
    document.querySelectorAll("[data-check-all]").forEach((master) => {
      const form = master.form || master.closest("form");
      const name = master.dataset.checkAll;
      master.addEventListener("change", () => {
        boxes(form, name).forEach((box) => {
          box.checked = master.checked;
        });
        refresh(form, name);
      });
      form.addEventListener("change", (event) => {
        if (event.target.name === name) refresh(form, name);
      });
      refresh(form, name);
    });
    document.querySelectorAll("select[data-autosubmit]").forEach((select) => {
      select.addEventListener("change", () => {
        if (select.value) select.form.requestSubmit();
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
