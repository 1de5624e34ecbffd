// The stage timer (templates/agenda/live_timer.html): counts the current item's
// remaining time on this device, second by second, and follows live.json every
// five seconds. When the network drops it keeps counting and says so; when it
// returns, the next answer catches the timer up. No inline script: CSP stays strict.
(function () {
  "use strict";
  const body = document.body;
  const figures = document.getElementById("timer-figures");
  const phase = document.getElementById("timer-phase");
  const title = document.getElementById("timer-title");
  const people = document.getElementById("timer-people");
  const offline = document.getElementById("timer-offline");
  const warningAt = Number(body.dataset.warningAt) * 1000;
  const phrases = {
    idle: "Waiting for the next item",
    ok: "Time left",
    warning: "Two minutes or less",
    over: "Over time",
  };
  let ends = body.dataset.ends ? Date.parse(body.dataset.ends) : null;
  // The server's clock minus this device's, taken once when the page loads: the
  // device may be minutes off, and the seconds then count on the device's own clock.
  const offset = Date.parse(body.dataset.serverNow) - Date.now();
  let shown = null;

  function countdown(ms) {
    const total = Math.floor(Math.abs(ms) / 1000);
    const hours = Math.floor(total / 3600);
    const minutes = Math.floor((total % 3600) / 60);
    const seconds = total % 60;
    const two = (n) => String(n).padStart(2, "0");
    const text = hours ? `${hours}:${two(minutes)}:${two(seconds)}` : `${two(minutes)}:${two(seconds)}`;
    return (ms < 0 ? "+" : "") + text;
  }

  function tick() {
    let now = "idle";
    if (ends !== null) {
      const left = ends - (Date.now() + offset);
      figures.textContent = countdown(left);
      now = left < 0 ? "over" : left <= warningAt ? "warning" : "ok";
    } else {
      figures.textContent = "--:--";
    }
    if (now !== shown) {
      body.classList.remove("timer-idle", "timer-ok", "timer-warning", "timer-over");
      body.classList.add(`timer-${now}`);
      phase.textContent = phrases[now];
      shown = now;
    }
  }

  async function follow() {
    try {
      const response = await fetch(body.dataset.statusUrl, { cache: "no-cache" });
      offline.hidden = true; // an answer came: the network is there
      // No live.json for a draft (it follows published sessions only): count on.
      if (!response.ok) return;
      const status = await response.json();
      const current = status.current;
      ends = current && current.due_end ? Date.parse(current.due_end) : null;
      if (current) {
        title.textContent = current.title;
        people.textContent = current.people.join(", ");
      } else {
        title.textContent = status.next ? `Next: ${status.next.title}` : "Nothing is running";
        people.textContent = "";
      }
    } catch (error) {
      offline.hidden = false;
    }
    tick();
  }

  tick();
  window.setInterval(tick, 250);
  window.setInterval(follow, 5000);
})();
