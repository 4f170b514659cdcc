// The ticket list: row checkboxes, select-all, the bulk bar's parameters, forms that carry the
// list's current query string (htmx may have changed it since the page was drawn).
(function () {
  "use strict";
  function rows() { return Array.prototype.slice.call(document.querySelectorAll("#ticket-results .gd-row-check")); }
  function currentQuery() { return window.location.search.replace(/^\?/, ""); }

  function refresh() {
    var checks = rows();
    var picked = checks.filter(function (c) { return c.checked; }).length;
    var matching = document.getElementById("select-matching");
    var page = document.getElementById("select-page");
    var count = document.getElementById("bulk-count");
    if (page) {
      page.checked = checks.length > 0 && picked === checks.length;
      page.indeterminate = picked > 0 && picked < checks.length;
    }
    checks.forEach(function (c) {
      var row = c.closest("tr");
      if (row) { row.classList.toggle("table-active", c.checked); }
    });
    if (count) {
      if (matching && matching.checked) {
        count.textContent = matching.labels && matching.labels[0] ? matching.labels[0].textContent.trim() : "";
      } else {
        count.textContent = picked ? count.getAttribute("data-some").replace("{n}", String(picked)) : count.getAttribute("data-none");
      }
    }
  }

  function showParams() {
    var select = document.getElementById("bulk-action");
    var chosen = select ? select.value : "";
    document.querySelectorAll(".gd-bulk-param").forEach(function (span) {
      var on = span.getAttribute("data-for") === chosen;
      span.hidden = !on;
      span.querySelectorAll("input, select").forEach(function (el) { el.disabled = !on; });
    });
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (!(target instanceof HTMLElement)) { return; }
    if (target.id === "select-page") {
      rows().forEach(function (c) { c.checked = target.checked; });
      var matching = document.getElementById("select-matching");
      if (matching && !target.checked) { matching.checked = false; }
    } else if (target.id === "select-matching" && target.checked) {
      rows().forEach(function (c) { c.checked = true; });
    } else if (target.classList.contains("gd-row-check") && !target.checked) {
      var all = document.getElementById("select-matching");
      if (all) { all.checked = false; }
    }
    if (target.id === "bulk-action") { showParams(); }
    refresh();
  });

  // Forms outside the results carry the list's query: keep it current when they are sent.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form instanceof HTMLFormElement && form.classList.contains("gd-keep-query")) {
      var input = form.querySelector("input[name=query]");
      if (input) { input.value = currentQuery(); }
    }
  }, true);
  document.addEventListener("htmx:configRequest", function (event) {
    var elt = event.detail && event.detail.elt;
    if (elt instanceof HTMLFormElement && elt.classList.contains("gd-keep-query")) {
      event.detail.parameters.query = currentQuery();
    }
  });
  document.addEventListener("htmx:afterSwap", refresh);
  document.addEventListener("DOMContentLoaded", function () { showParams(); refresh(); });
  if (document.readyState !== "loading") { showParams(); refresh(); }
})();
