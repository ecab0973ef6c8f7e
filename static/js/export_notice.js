// A direct download leaves the page as it is: say on the page that the file is coming.
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (!form.matches || !form.matches("form[data-export-notice]")) return;
  var target = document.querySelector(form.dataset.exportNotice);
  if (!target) return;
  var alert = document.createElement("div");
  alert.className = "alert alert-info alert-dismissible small py-2 mb-2 export-started";
  alert.textContent = form.dataset.msgDirect;
  var close = document.createElement("button");
  close.type = "button";
  close.className = "btn-close py-2";
  close.setAttribute("data-bs-dismiss", "alert");
  close.setAttribute("aria-label", form.dataset.msgClose || "Close");
  alert.appendChild(close);
  target.replaceChildren(alert);
});
