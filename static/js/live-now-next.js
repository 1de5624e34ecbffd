// "Happening now" on the public session page (templates/agenda/partials.html#now-next):
// the page is right when it loads; this keeps the box current from live.json every
// thirty seconds while the meeting runs. No inline script: CSP stays strict.
(function () {
  "use strict";
  const box = document.querySelector(".now-next[data-status-url]");
  if (!box) return;
  const now = box.querySelector('[data-live="now"]');
  const next = box.querySelector('[data-live="next"]');
  const late = box.querySelector('[data-live="late"]');
  let clock;
  try {
    clock = new Intl.DateTimeFormat("en-GB", {
      hour: "2-digit",
      minute: "2-digit",
      timeZone: box.dataset.timeZone || undefined,
    });
  } catch (error) {
    // A zone this browser does not know: leave the box as the page wrote it.
    return;
  }

  function minutes(count) {
    const hours = Math.floor(Math.abs(count) / 60);
    const rest = Math.abs(count) % 60;
    if (!hours) return `${rest} min`;
    return rest ? `${hours} h ${String(rest).padStart(2, "0")} min` : `${hours} h`;
  }

  async function follow() {
    try {
      const response = await fetch(box.dataset.statusUrl, { cache: "no-cache" });
      if (!response.ok) return;
      const status = await response.json();
      if (status.state === "finished") {
        late.textContent = "The meeting has ended.";
        now.textContent = "nothing";
        next.textContent = "nothing more";
        return;
      }
      now.textContent = status.current ? status.current.title : "between items";
      next.textContent = status.next
        ? `${status.next.title}, expected at ${clock.format(new Date(status.next.expected_start))}`
        : "nothing more";
      const by = status.late_by_minutes;
      late.textContent =
        by >= 1
          ? `The meeting is running about ${minutes(by)} late: expected times are shown beside the agenda’s own.`
          : by <= -1
            ? `The meeting is running about ${minutes(by)} ahead of time.`
            : "The meeting is running on time.";
    } catch (error) {
      // Offline: the box keeps what it last knew.
    }
  }

  follow(); // the page may have come from the cache within the last minute
  window.setInterval(follow, 30000);
})();
