// The candidate page's countdown: every element with a data-deadline attribute (an ISO 8601
// time) shows the time left, updated each second in the browser. Display only: the server
// decides whether a submission is late.
(function () {
  function pad(n) {
    return String(n).padStart(2, "0");
  }
  function render(el) {
    var deadline = Date.parse(el.getAttribute("data-deadline"));
    if (isNaN(deadline)) return;
    var left = Math.floor((deadline - Date.now()) / 1000);
    var text;
    if (left <= 0) {
      text = "Time is up";
      el.setAttribute("data-expired", "true");
    } else {
      var hours = Math.floor(left / 3600);
      var minutes = Math.floor((left % 3600) / 60);
      text = (hours ? hours + ":" + pad(minutes) : String(minutes)) + ":" + pad(left % 60) + " left";
      el.setAttribute("data-expired", "false");
    }
    if (el.textContent !== text) el.textContent = text;
  }
  function tick() {
    document.querySelectorAll("[data-deadline]").forEach(render);
  }
  // One timer per page, however often the script tag is mounted.
  if (!window.__truelevelCountdown) window.__truelevelCountdown = setInterval(tick, 1000);
  tick();
})();
