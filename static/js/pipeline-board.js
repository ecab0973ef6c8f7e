// The kanban (opportunities/views/board.py): drag a card to another column and the move is
// posted to the same view as the card's menu; a refused move snaps back and says why.
(function () {
  "use strict";

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"];
    } catch (error) {
      return "";
    }
  }

  function say(id, text) {
    ["board-error", "board-status"].forEach(function (other) {
      var box = document.getElementById(other);
      if (box) {
        box.classList.add("d-none");
      }
    });
    var box = document.getElementById(id);
    if (box) {
      box.textContent = text;
      box.classList.remove("d-none");
    }
  }

  function snapBack(evt) {
    evt.from.insertBefore(evt.item, evt.from.children[evt.oldIndex] || null);
  }

  function refresh() {
    if (window.htmx) {
      window.htmx.ajax("GET", window.location.href, {
        target: "#board",
        select: "#board",
        swap: "outerHTML",
      });
    } else {
      window.location.reload();
    }
  }

  function moved(board, evt) {
    if (evt.from === evt.to) {
      return;
    }
    var card = evt.item;
    var url = board.dataset.moveUrlTemplate.replace("/0/", "/" + card.dataset.id + "/");
    var body = new FormData();
    body.append("to_stage", evt.to.dataset.stage);
    card.classList.add("opacity-50");
    fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
    })
      .then(function (response) {
        return response.json().then(function (data) {
          return { ok: response.ok && data.ok, message: data.message, formUrl: data.form_url };
        });
      })
      .catch(function () {
        return { ok: false, message: board.dataset.refused };
      })
      .then(function (result) {
        card.classList.remove("opacity-50");
        if (result.ok) {
          say("board-status", result.message);
          refresh();
        } else if (result.formUrl) {
          // Lost needs a reason: the card goes back and its lose form opens.
          snapBack(evt);
          say("board-status", result.message);
          window.location.assign(result.formUrl);
        } else {
          snapBack(evt);
          say("board-error", result.message || board.dataset.refused);
        }
      });
  }

  function init() {
    var board = document.getElementById("board");
    if (!board || typeof window.Sortable === "undefined") {
      return;
    }
    board.querySelectorAll(".board-cards").forEach(function (list) {
      if (list.dataset.sortable) {
        return;
      }
      list.dataset.sortable = "on";
      window.Sortable.create(list, {
        group: "pipeline",
        draggable: ".board-card",
        filter: ".card-menu, .board-more",
        preventOnFilter: false,
        animation: 150,
        forceFallback: true,
        fallbackTolerance: 4,
        delay: 200,
        delayOnTouchOnly: true,
        onEnd: function (evt) {
          moved(board, evt);
        },
      });
    });
  }

  document.addEventListener("DOMContentLoaded", init);
  document.addEventListener("htmx:afterSettle", init);
})();
