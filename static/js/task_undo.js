// "Undo" after marking a task done shows for a few seconds (data-undo-seconds), then goes.
(function () {
  function arm(root) {
    if (!root || !root.querySelectorAll) return;
    var forms = root.matches && root.matches("form.task-undo") ? [root] : [];
    forms = forms.concat(Array.prototype.slice.call(root.querySelectorAll("form.task-undo")));
    forms.forEach(function (form) {
      if (form.dataset.armed) return;
      form.dataset.armed = "1";
      var seconds = Number(form.dataset.undoSeconds) || 8;
      setTimeout(function () { form.remove(); }, seconds * 1000);
    });
  }
  document.addEventListener("htmx:load", function (event) { arm(event.detail.elt); });
  document.addEventListener("DOMContentLoaded", function () { arm(document.body); });
})();
