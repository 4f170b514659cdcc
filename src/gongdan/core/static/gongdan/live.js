// Live updates for the workspace: one event stream per tab (polling when the server cannot hold
// one open), ticket pages and lists refreshed in place, the notification badge, presence.
// Configuration comes from #gd-live (live/_live.html); no inline script (CSP).
(function () {
  "use strict";
  var config = document.getElementById("gd-live");
  if (!config || !window.fetch) { return; }
  var data = config.dataset;
  var me = Number(data.me);
  var pollMs = Number(data.pollMs || 3000);
  var workspace = function () { return document.getElementById("ticket-workspace"); };
  var ticket = workspace() ? workspace().getAttribute("data-ticket") : "";
  var cursor = null;  // the newest event seen (null: not started)
  var source = null;
  var polling = false;
  var stopped = false;

  function csrf() {
    try { return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || ""; }
    catch (e) { return ""; }
  }

  // --- transport: EventSource, or polling the same events since a cursor ----------------------
  function withTicket(url, extra) {
    var params = new URLSearchParams(extra || {});
    if (ticket) { params.set("ticket", ticket); }
    var query = params.toString();
    return query ? url + "?" + query : url;
  }

  function connect() {
    if (!window.EventSource) { startPolling(); return; }
    source = new EventSource(withTicket(data.stream, cursor !== null ? {since: cursor} : {}));
    ["ticket", "notification", "presence", "reset"].forEach(function (kind) {
      source.addEventListener(kind, function (event) {
        if (event.lastEventId) { cursor = Math.max(cursor || 0, Number(event.lastEventId)); }
        handle(kind, event.data ? JSON.parse(event.data) : {});
      });
    });
    source.addEventListener("open", function () { config.setAttribute("data-mode", "stream"); });
    source.addEventListener("error", function () {
      // CLOSED: the server refused the stream (204 under a WSGI server, 401/403): poll instead.
      // CONNECTING: the browser reconnects by itself with Last-Event-ID.
      if (source.readyState === EventSource.CLOSED) { source.close(); startPolling(); }
    });
  }

  function startPolling() {
    if (polling || stopped) { return; }
    polling = true;
    config.setAttribute("data-mode", "poll");
    poll();
  }

  function poll() {
    if (stopped) { return; }
    fetch(withTicket(data.poll, cursor !== null ? {since: cursor} : {}), {credentials: "same-origin"})
      .then(function (response) {
        if (response.status === 401 || response.status === 403 || response.status === 404) {
          stopped = true;
          return null;
        }
        return response.ok ? response.json() : null;
      })
      .then(function (answer) {
        if (answer) {
          if (answer.reset) { handle("reset", {}); }
          answer.events.forEach(function (event) { handle(event.kind, event.data); });
          cursor = answer.cursor;
        }
        if (!stopped) { window.setTimeout(poll, answer && answer.more ? 0 : pollMs); }
      })
      .catch(function () { window.setTimeout(poll, pollMs * 2); });
  }

  function handle(kind, event) {
    if (kind === "ticket") { onTicket(event); }
    else if (kind === "notification") { onNotification(event); }
    else if (kind === "presence") { onPresence(event); }
    else if (kind === "reset") { if (workspace()) { refreshTicket(); } refreshList(); }
  }

  // --- the ticket page ------------------------------------------------------------------------
  function dirty(element) {
    if (!element) { return false; }
    var active = document.activeElement;
    if (active && active !== document.body && element.contains(active) &&
        /^(INPUT|TEXTAREA|SELECT)$/.test(active.tagName) && active.type !== "submit") { return true; }
    var fields = element.querySelectorAll("textarea, input:not([type=hidden]):not([type=submit]), select");
    for (var i = 0; i < fields.length; i++) {
      var field = fields[i];
      if (field.type === "checkbox" || field.type === "radio") {
        if (field.checked !== field.defaultChecked) { return true; }
      } else if (field.tagName === "SELECT") {
        for (var j = 0; j < field.options.length; j++) {
          if (field.options[j].selected !== field.options[j].defaultSelected) { return true; }
        }
      } else if (field.type !== "file" && field.value !== field.defaultValue) { return true; }
      else if (field.type === "file" && field.files && field.files.length) { return true; }
    }
    return false;
  }

  var ticketTimer = null;
  function onTicket(event) {
    var root = workspace();
    if (root && event.t === ticket) {
      if (Number(event.v) > Number(root.getAttribute("data-version") || 0)) {
        window.clearTimeout(ticketTimer);
        ticketTimer = window.setTimeout(refreshTicket, 150);
      }
      return;
    }
    if (document.getElementById("ticket-results")) { scheduleList(); }
  }

  function fetchHtml(url, target) {
    return fetch(url, {credentials: "same-origin", headers: {"HX-Request": "true", "HX-Target": target}})
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (html === null) { return null; }
        var template = document.createElement("template");
        template.innerHTML = html;
        return template.content;
      });
  }

  // Replace every part of the page (elements with an id) by its new version, except parts
  // holding what the agent is typing or has focused: the composer above all.
  function refreshTicket() {
    fetchHtml(window.location.pathname, "ticket-workspace").then(function (fragment) {
      var fresh = fragment && fragment.getElementById("ticket-workspace");
      var root = workspace();
      if (!fresh || !root) { return; }
      var replaced = [];
      var parts = fresh.querySelectorAll("[id]");
      for (var i = 0; i < parts.length; i++) {
        var part = parts[i];
        if (replaced.some(function (done) { return done.contains(part); })) { continue; }
        var old = document.getElementById(part.id);
        if (!old || !root.contains(old)) { continue; }
        if (old.contains(document.getElementById("ticket-composer")) && old.id !== "ticket-composer") {
          continue;  // a container of the composer: its other parts are handled one by one
        }
        if (dirty(old) || part.id === "ticket-presence") {
          // Kept as it was: its forms still speak for what the page showed when they were drawn.
          if (!old.hasAttribute("data-seen")) { old.setAttribute("data-seen", root.getAttribute("data-seen") || ""); }
          replaced.push(part);
          continue;
        }
        if (part.hasAttribute("hx-trigger") && /\bload\b/.test(part.getAttribute("hx-trigger")) &&
            old.innerHTML.trim()) { replaced.push(part); continue; }  // lazy panels keep theirs
        replaced.push(part);
        old.replaceWith(part);
        if (window.htmx) { window.htmx.process(part); }
      }
      root.setAttribute("data-version", fresh.getAttribute("data-version"));
      root.setAttribute("data-seen", fresh.getAttribute("data-seen") || "");
      var seen = root.querySelectorAll("input[name=seen]");
      for (var j = 0; j < seen.length; j++) { seen[j].value = fresh.getAttribute("data-seen") || ""; }
      root.dispatchEvent(new CustomEvent("gd:ticket-refreshed", {bubbles: true}));
    });
  }

  // Every form of the ticket page tells the server the newest history entry the page showed:
  // a refused save then lists what changed since (tickets/collisions.py).
  document.addEventListener("htmx:configRequest", function (event) {
    var root = workspace();
    var from = event.detail.elt;
    var params = event.detail.parameters;
    if (!root || !from || !root.contains(from) || !params || event.detail.verb === "get") { return; }
    var drawn = from.closest("[data-seen]") || root;
    try { if (!params.seen) { params.seen = drawn.getAttribute("data-seen") || ""; } }
    catch (e) { /* parameters not writable: the server falls back to the latest changes */ }
  });

  // Actions on the page swap the whole workspace: keep the composer's text across those swaps.
  var kept = null;
  document.addEventListener("htmx:beforeSwap", function (event) {
    var box = document.querySelector("#ticket-composer textarea[name=body]");
    var from = event.detail.requestConfig && event.detail.requestConfig.elt;
    var own = from && box && box.form && (from === box.form || box.form.contains(from));
    kept = box && box.value && !own ? box.value : null;
  });
  document.addEventListener("htmx:afterSwap", function () {
    var box = document.querySelector("#ticket-composer textarea[name=body]");
    if (kept && box && !box.value) { box.value = kept; }
    kept = null;
    var root = workspace();
    if (root) { ticket = root.getAttribute("data-ticket") || ticket; }
  });

  // --- lists ----------------------------------------------------------------------------------
  var listTimer = null;
  function scheduleList() {
    window.clearTimeout(listTimer);
    listTimer = window.setTimeout(refreshList, 800);
  }

  function refreshList() {
    var results = document.getElementById("ticket-results");
    if (!results) { return; }
    var active = document.activeElement;
    if (active && results.contains(active) && /^(INPUT|SELECT|TEXTAREA)$/.test(active.tagName) &&
        active.type !== "checkbox") { scheduleList(); return; }
    fetchHtml(window.location.pathname + window.location.search, "ticket-results").then(function (fragment) {
      var fresh = fragment && fragment.getElementById("ticket-results");
      var now = document.getElementById("ticket-results");
      if (!fresh || !now) { return; }
      var checked = {};
      now.querySelectorAll("input[type=checkbox]").forEach(function (box) {
        if (box.checked) { checked[box.name + "=" + box.value] = true; }
      });
      fresh.querySelectorAll("input[type=checkbox]").forEach(function (box) {
        if (checked[box.name + "=" + box.value]) { box.checked = true; }
      });
      now.replaceWith(fresh);
      if (window.htmx) { window.htmx.process(fresh); }
      markRows();
      fresh.dispatchEvent(new CustomEvent("gd:list-refreshed", {bubbles: true}));
    });
  }

  // --- notifications --------------------------------------------------------------------------
  function onNotification(event) {
    document.body.dispatchEvent(new CustomEvent("gd:notification", {bubbles: true}));
    if (window.Notification && window.Notification.permission === "granted" && document.hidden) {
      var body = [event.t, event.title].filter(Boolean).join(" ");
      try { new window.Notification(data.labelNotification, {body: body, tag: "gongdan-" + (event.t || "")}); }
      catch (e) { /* some browsers allow notifications only from a service worker */ }
    }
  }

  document.addEventListener("click", function (event) {
    var button = event.target instanceof Element ? event.target.closest("[data-live-desktop]") : null;
    if (!button || !window.Notification) { return; }
    event.preventDefault();
    window.Notification.requestPermission().then(function () { showDesktopButton(); });
  });

  function showDesktopButton() {
    var button = document.querySelector("[data-live-desktop]");
    if (button) { button.hidden = !window.Notification || window.Notification.permission !== "default"; }
  }

  // --- presence -------------------------------------------------------------------------------
  var people = {};  // ticket number → [{id, name, state, until}]
  var presenceTimer = null;

  function onPresence(event) {
    var until = Date.now();
    people[event.t] = (event.people || []).filter(function (person) { return person.id !== me; })
      .map(function (person) {
        return {id: person.id, name: person.name, state: person.state, until: until + person.ttl * 1000};
      });
    renderPresence();
  }

  function current(number) {
    var now = Date.now();
    return (people[number] || []).filter(function (person) { return person.until > now; });
  }

  function label(person) {
    var template = person.state === "replying" ? data.labelReplying : data.labelViewing;
    return template.replace("{name}", person.name);
  }

  function renderPresence() {
    window.clearTimeout(presenceTimer);
    var box = document.getElementById("ticket-presence");
    if (box && ticket) {
      var here = current(ticket);
      box.replaceChildren();
      here.forEach(function (person) {
        var item = document.createElement("span");
        item.className = "badge rounded-pill me-1 " + (person.state === "replying" ? "text-bg-warning" : "text-bg-info");
        item.setAttribute("data-presence", person.state);
        item.textContent = label(person);
        box.appendChild(item);
      });
      box.hidden = here.length === 0;
    }
    markRows();
    var next = Infinity;
    Object.keys(people).forEach(function (number) {
      current(number).forEach(function (person) { next = Math.min(next, person.until); });
    });
    if (next !== Infinity) { presenceTimer = window.setTimeout(renderPresence, next - Date.now() + 50); }
  }

  function markRows() {
    var results = document.getElementById("ticket-results");
    if (!results) { return; }
    results.querySelectorAll("[data-ticket]").forEach(function (row) {
      var here = current(row.getAttribute("data-ticket"));
      var marker = row.querySelector(".gd-presence-marker");
      if (!here.length) { if (marker) { marker.remove(); } return; }
      if (!marker) {
        marker = document.createElement("span");
        marker.className = "gd-presence-marker badge rounded-pill text-bg-info ms-1";
        var cell = row.querySelector("td:nth-child(2)") || row.querySelector("td") || row;
        cell.appendChild(marker);
      }
      marker.textContent = here.length > 1 ? String(here.length) : here[0].name;
      marker.title = here.map(label).join(", ");
    });
  }

  function report(state, beacon) {
    if (!ticket) { return; }
    var form = new FormData();
    form.set("ticket", ticket);
    form.set("state", state);
    form.set("csrfmiddlewaretoken", csrf());
    if (beacon && navigator.sendBeacon) { navigator.sendBeacon(data.presence, form); return; }
    fetch(data.presence, {method: "POST", body: form, credentials: "same-origin", headers: {"X-CSRFToken": csrf()}})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (answer) { if (answer) { onPresence({t: ticket, people: answer.people}); } })
      .catch(function () { /* presence is a courtesy: try again at the next renewal */ });
  }

  var myState = "viewing";
  var idleTimer = null;
  var lastReport = 0;
  function typing() {
    window.clearTimeout(idleTimer);
    idleTimer = window.setTimeout(function () { setState("viewing"); }, 10000);
    if (myState !== "replying" || Date.now() - lastReport > 15000) { setState("replying"); }
  }
  function setState(state) {
    myState = state;
    lastReport = Date.now();
    report(state);
  }

  if (ticket) {
    setState("viewing");
    window.setInterval(function () { report(myState); lastReport = Date.now(); }, Number(data.renew || 20) * 1000);
    document.addEventListener("input", function (event) {
      var composer = document.getElementById("ticket-composer");
      if (composer && event.target instanceof Element && composer.contains(event.target) &&
          event.target.tagName === "TEXTAREA") { typing(); }
    });
    window.addEventListener("pagehide", function () { stopped = true; report("left", true); });
  }
  showDesktopButton();
  connect();
})();
