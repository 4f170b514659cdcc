// The workspace shell: collapse the sidebar to icons (remembered in a cookie, so the server
// renders the same state on the next page and nothing jumps), close the drawer after a choice.
(function () {
  "use strict";
  var shell = document.getElementById("gd-shell");
  if (!shell) { return; }
  document.addEventListener("click", function (event) {
    var toggle = event.target instanceof Element ? event.target.closest("[data-gd-collapse]") : null;
    if (!toggle) { return; }
    var collapsed = shell.classList.toggle("gd-collapsed");
    toggle.setAttribute("aria-pressed", collapsed ? "true" : "false");
    document.cookie = "gd_sidebar=" + (collapsed ? "collapsed" : "open") +
      "; path=/; max-age=31536000; SameSite=Lax";
  });
})();
