// gongdan's own behaviour, loaded as a file so the CSP can forbid inline scripts.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target instanceof HTMLElement && target.classList.contains("js-autosubmit") && target.form) {
      target.form.requestSubmit ? target.form.requestSubmit() : target.form.submit();
    }
  });
  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target.closest("[data-confirm]") : null;
    if (target && !window.confirm(target.getAttribute("data-confirm"))) {
      event.preventDefault();
      event.stopPropagation();
    }
  }, true);
  // Knowledge panel on the ticket page: put an article's link or text into the reply box.
  document.addEventListener("click", function (event) {
    var button = event.target instanceof Element ? event.target.closest("[data-kb-insert]") : null;
    var box = document.querySelector("#ticket-composer textarea[name=body]");
    if (!button || !box) { return; }
    event.preventDefault();
    var text = button.getAttribute("data-kb-insert");
    box.value = box.value ? box.value.replace(/\s*$/, "") + "\n\n" + text : text;
    box.focus();
  });
  // Validation errors come back as 422 with the form re-rendered: htmx must swap them in too.
  if (window.htmx) {
    window.htmx.config.responseHandling = [
      {code: "204", swap: false},
      {code: "[23]..", swap: true},
      {code: "422", swap: true, error: false},
      {code: "409", swap: true, error: false},  // a conflict: the page explains (tickets/_conflict.html)
      {code: "[45]..", swap: false, error: true},
      {code: "...", swap: false}
    ];
  }
})();
