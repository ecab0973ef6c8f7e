/*
 * Quick log (快速记录): the visit check-in (外勤签到) and the customer search box.
 *
 * The check-in asks the browser for the user's location only when they tap the button,
 * fills the hidden latitude/longitude/accuracy fields and says "Location captured ±N m".
 * A refused, unavailable or slow location only shows a note: logging is never blocked.
 * Messages come translated from data-msg-* attributes of #checkin.
 */
(function () {
  "use strict";

  function setUp() {
    var box = document.getElementById("checkin");
    var form = document.getElementById("quick-log-form");
    if (!box || !form) {
      return;
    }
    var button = document.getElementById("checkin-button");
    var status = document.getElementById("checkin-status");
    var fields = {
      latitude: form.querySelector("input[name=latitude]"),
      longitude: form.querySelector("input[name=longitude]"),
      accuracy: form.querySelector("input[name=location_accuracy]"),
    };

    function say(text, tone) {
      status.textContent = text;
      status.classList.remove("text-body-secondary", "text-success", "text-warning-emphasis");
      status.classList.add(tone);
    }

    function forget() {
      fields.latitude.value = "";
      fields.longitude.value = "";
      fields.accuracy.value = "";
    }

    button.addEventListener("click", function () {
      if (!("geolocation" in navigator)) {
        say(box.dataset.msgUnsupported, "text-warning-emphasis");
        return;
      }
      button.disabled = true;
      say(box.dataset.msgLocating, "text-body-secondary");
      navigator.geolocation.getCurrentPosition(
        function (position) {
          var coords = position.coords;
          var accuracy = Math.round(coords.accuracy);
          fields.latitude.value = coords.latitude.toFixed(6);
          fields.longitude.value = coords.longitude.toFixed(6);
          fields.accuracy.value = String(accuracy);
          say(box.dataset.msgCaptured.replace("%(accuracy)s", accuracy), "text-success");
          button.disabled = false;
        },
        function (error) {
          forget();
          var message = box.dataset.msgUnavailable;
          if (error.code === error.PERMISSION_DENIED) {
            message = box.dataset.msgDenied;
          } else if (error.code === error.TIMEOUT) {
            message = box.dataset.msgTimeout;
          }
          say(message, "text-warning-emphasis");
          button.disabled = false;
        },
        { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
      );
    });

    // A check-in belongs to a visit: choosing another method drops it.
    form.addEventListener("change", function (event) {
      if (event.target.name === "method" && event.target.value !== "visit" && fields.latitude.value) {
        forget();
        say(box.dataset.msgIdle, "text-body-secondary");
      }
    });

    // Enter in the search box searches; it never sends the half-filled form.
    var search = document.getElementById("customer-search");
    if (search) {
      search.addEventListener("keydown", function (event) {
        if (event.key === "Enter") {
          event.preventDefault();
        }
      });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
