// <select data-autosubmit> submits its form when a value is chosen (CSP: no inline scripts).
(function () {
  "use strict";

  document.addEventListener("change", (event) => {
    const select = event.target;
    if (select.matches("select[data-autosubmit]") && select.value) select.form.requestSubmit();
  });
})();
