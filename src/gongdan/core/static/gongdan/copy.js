// Copy buttons: <button data-copy-target="ID"> copies the value (or text) of the element #ID.
// No inline scripts (the CSP forbids them); the element stays selectable for manual copying.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy-target]");
    if (!button) return;
    var source = document.getElementById(button.getAttribute("data-copy-target"));
    if (!source) return;
    var text = "value" in source ? source.value : source.textContent;
    var done = function () {
      var label = button.getAttribute("data-copied-label");
      if (label) button.textContent = label;
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () { source.select && source.select(); });
    } else if (source.select) {
      source.select();
      document.execCommand("copy");
      done();
    }
  });
})();
