// Print buttons on the run-of-show and the cue cards. The buttons start hidden,
// so that a browser without JavaScript shows no button that does nothing.
// Loaded with <script src defer>: the site's CSP allows no inline script.
"use strict";

document.querySelectorAll("[data-print]").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
});
