// Keyboard shortcuts for the workspace (docs/architecture.md, "Keyboard shortcuts").
//
// Any element with data-shortcut="KEY" ("r", "/", "g t"...) is clicked when KEY is pressed —
// focused instead when it is a text field or a select, or when it says
// data-shortcut-action="focus"; data-shortcut-then="SELECTOR" focuses that element afterwards.
// Nothing fires while the user types in a field or holds Ctrl, Alt or Meta. "?" opens the
// overlay (#gd-shortcuts), which lists only the shortcuts this page offers. "j"/"k" move through
// the ticket list's rows (Enter opens one) and, on a ticket opened from a list, go to the next or
// previous ticket of that list (remembered in sessionStorage). A key whose action is absent does
// nothing.
(function () {
  "use strict";
  var SEQUENCE_MS = 1500;
  var LIST_KEY = "gd-ticket-list";
  var pending = "";
  var timer = null;

  function isTextField(el) {
    if (!(el instanceof Element)) { return false; }
    if (el.isContentEditable) { return true; }
    var tag = el.tagName;
    if (tag === "TEXTAREA" || tag === "SELECT") { return true; }
    if (tag !== "INPUT") { return false; }
    var type = (el.getAttribute("type") || "text").toLowerCase();
    return ["checkbox", "radio", "button", "submit", "reset", "file", "range", "color", "image", "hidden"].indexOf(type) === -1;
  }

  function find(key) {
    var all = document.querySelectorAll("[data-shortcut]");
    for (var i = 0; i < all.length; i++) {
      if (all[i].getAttribute("data-shortcut") === key && !all[i].disabled) { return all[i]; }
    }
    return null;
  }

  function activate(el) {
    if (isTextField(el) || el.getAttribute("data-shortcut-action") === "focus") {
      el.focus();
      if (typeof el.select === "function" && el.tagName === "INPUT") { el.select(); }
    } else {
      el.click();
    }
    var then = el.getAttribute("data-shortcut-then");
    var next = then ? document.querySelector(then) : null;
    if (next) { next.focus(); }
  }

  // The ticket list: rows, the focused one, and the list remembered for the ticket page.
  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("#ticket-results tr[data-ticket]"));
  }
  function rowLink(row) { return row.querySelector("a[href]"); }

  function rememberList() {
    var links = rows().map(rowLink).filter(Boolean).map(function (a) { return a.pathname; });
    if (!links.length) { return; }
    try {
      window.sessionStorage.setItem(LIST_KEY, JSON.stringify({list: location.pathname + location.search, items: links}));
    } catch (e) { /* private mode: the ticket page's j/k simply do nothing */ }
  }

  function moveRow(step) {
    var all = rows();
    if (!all.length) { return false; }
    var current = all.findIndex(function (r) { return r.classList.contains("gd-row-focus"); });
    var index = current === -1 ? (step > 0 ? 0 : all.length - 1) : Math.min(all.length - 1, Math.max(0, current + step));
    if (current !== -1) { all[current].classList.remove("gd-row-focus"); all[current].removeAttribute("aria-selected"); }
    var row = all[index];
    row.classList.add("gd-row-focus");
    row.setAttribute("aria-selected", "true");
    row.setAttribute("tabindex", "-1");
    row.focus();
    return true;
  }

  function neighbour(step) {
    if (!document.getElementById("ticket-workspace")) { return null; }
    var stored = null;
    try { stored = JSON.parse(window.sessionStorage.getItem(LIST_KEY) || "null"); } catch (e) { return null; }
    if (!stored || !stored.items) { return null; }
    var index = stored.items.indexOf(location.pathname);
    if (index === -1) { return null; }
    return stored.items[index + step] || null;
  }

  function step(key) {
    var delta = key === "j" ? 1 : -1;
    if (moveRow(delta)) { return true; }
    var target = neighbour(delta);
    if (target) { window.location.assign(target); return true; }
    return false;
  }

  function offered(key, global) {
    if (global) { return true; }
    if (find(key)) { return true; }
    if (key === "Enter") { return rows().length > 0; }
    if (key === "j" || key === "k") { return rows().length > 0 || neighbour(key === "j" ? 1 : -1) !== null; }
    return false;
  }

  function showHelp() {
    var overlay = document.getElementById("gd-shortcuts");
    if (!overlay || !window.bootstrap) { return; }
    overlay.querySelectorAll("[data-shortcut-help]").forEach(function (row) {
      row.hidden = !offered(row.getAttribute("data-shortcut-help"), row.hasAttribute("data-shortcut-global"));
    });
    window.bootstrap.Modal.getOrCreateInstance(overlay).show();
  }

  function clearPending() { pending = ""; if (timer) { clearTimeout(timer); timer = null; } }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || event.isComposing) { return; }
    if (isTextField(event.target) || isTextField(document.activeElement)) { clearPending(); return; }
    var key = event.key;
    if (key === "Enter") {
      var row = event.target instanceof Element ? event.target.closest("#ticket-results tr[data-ticket]") : null;
      var link = row ? rowLink(row) : null;
      if (link) { event.preventDefault(); link.click(); }
      return;
    }
    if (!key || key.length !== 1) { return; }
    if (document.querySelector(".modal.show") && key !== "?") { return; }
    if (!pending && key === "g") {
      pending = "g";
      timer = setTimeout(clearPending, SEQUENCE_MS);
      return;
    }
    var combo = pending ? pending + " " + key : key;
    clearPending();
    if (combo === "?") { event.preventDefault(); showHelp(); return; }
    var el = find(combo);
    if (el) { event.preventDefault(); activate(el); return; }
    if ((combo === "j" || combo === "k") && step(combo)) { event.preventDefault(); }
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", rememberList);
  } else {
    rememberList();
  }
  document.addEventListener("htmx:afterSettle", rememberList);
})();
