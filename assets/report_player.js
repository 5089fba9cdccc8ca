// Interview report: the recording and the speaker-labelled transcript move together.
// Any element with data-seek="<seconds>" (a transcript line, a quote under a score) seeks the
// player there and plays when clicked; while the recording plays, the transcript line being
// spoken (data-start <= t < data-end) gets the class "transcript-active" and is kept in view.
// Without a player (the recording was deleted after processing) clicks only highlight the line,
// so the transcript still shows where a quote is.
(function () {
  "use strict";

  function player() {
    return document.getElementById("interview-audio");
  }

  function lines() {
    return Array.from(document.querySelectorAll(".transcript-line[data-start]"));
  }

  let current = null;

  function highlight(time, scroll) {
    let found = null;
    for (const line of lines()) {
      const start = parseFloat(line.dataset.start);
      const end = parseFloat(line.dataset.end);
      if (time >= start && time < Math.max(end, start + 0.01)) {
        found = line;
        break;
      }
    }
    if (found === current) return found;
    if (current) {
      current.classList.remove("transcript-active");
      current.removeAttribute("aria-current");
    }
    current = found;
    if (found) {
      found.classList.add("transcript-active");
      found.setAttribute("aria-current", "true");
      if (scroll) found.scrollIntoView({ block: "nearest" });
    }
    return found;
  }

  function seek(seconds) {
    const audio = player();
    highlight(seconds + 0.001, true);
    if (!audio) return false;
    const go = () => {
      audio.currentTime = seconds;
      audio.play().catch(() => {});
    };
    // Seeking before the metadata is known is ignored by some browsers.
    if (audio.readyState >= 1) go();
    else audio.addEventListener("loadedmetadata", go, { once: true });
    return true;
  }

  document.addEventListener("click", (event) => {
    const target = event.target.closest && event.target.closest("[data-seek]");
    if (!target) return;
    const seconds = parseFloat(target.dataset.seek);
    if (!Number.isNaN(seconds)) seek(seconds);
  });

  // Media events do not bubble: listen in the capture phase for the report's player.
  document.addEventListener(
    "timeupdate",
    (event) => {
      if (event.target !== player()) return;
      highlight(event.target.currentTime, !event.target.paused);
    },
    true,
  );

  window.tlReport = { seek: seek, highlight: highlight };
})();
