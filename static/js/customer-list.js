// Customer list (CSP: no inline scripts). The bulk bar of managers: "all on this page" checks
// every row, a badge counts the checked rows, and the action buttons wait for a selection.
// Listeners sit on the document, so rows swapped in by htmx work without re-binding.
(function () {
  "use strict";

  function rowBoxes() {
    return Array.from(document.querySelectorAll('input[type="checkbox"][name="ids"][form="bulk-form"]'));
  }

  function refresh() {
    const boxes = rowBoxes();
    const checked = boxes.filter((box) => box.checked).length;
    document.querySelectorAll("[data-select-all]").forEach((master) => {
      master.checked = boxes.length > 0 && checked === boxes.length;
      master.indeterminate = checked > 0 && checked < boxes.length;
      master.disabled = boxes.length === 0;
    });
    document.querySelectorAll("[data-selected-count]").forEach((counter) => {
      counter.textContent = (counter.dataset.template || "%(n)s").replace("%(n)s", checked);
    });
    document.querySelectorAll("[data-needs-selection]").forEach((button) => {
      button.disabled = checked === 0;
    });
  }

  document.addEventListener("change", (event) => {
    const target = event.target;
    if (target.matches("[data-select-all]")) {
      rowBoxes().forEach((box) => {
        box.checked = target.checked;
      });
      refresh();
    } else if (target.matches('input[name="ids"][form="bulk-form"]')) {
      refresh();
    }
  });
  document.addEventListener("htmx:afterSettle", refresh);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", refresh);
  } else {
    refresh();
  }
})();
