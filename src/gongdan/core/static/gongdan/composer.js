// The ticket page's composer: Markdown toolbar, preview reset, pasted screenshots as
// attachments and @mention suggestions. Loaded by tickets/ticket_detail.html only; works with
// the composer re-rendered by htmx (everything is delegated from the document).
(function () {
  "use strict";

  function composerOf(node) {
    return node instanceof Element ? node.closest("form[data-gd-composer]") : null;
  }
  function bodyOf(form) {
    return form.querySelector("textarea[name=body]");
  }
  function clearPreview(form) {
    var preview = form.querySelector(".gd-preview");
    if (preview) { preview.innerHTML = ""; }
  }

  // --- Markdown toolbar -------------------------------------------------------------------
  var WRAP = {bold: ["**", "**"], italic: ["*", "*"], code: ["`", "`"], link: ["[", "](https://)"]};
  var PREFIX = {list: "- ", quote: "> "};

  function apply(box, action) {
    var start = box.selectionStart, end = box.selectionEnd, text = box.value;
    var selected = text.slice(start, end);
    var insert;
    if (WRAP[action]) {
      insert = WRAP[action][0] + selected + WRAP[action][1];
    } else {
      var lineStart = text.lastIndexOf("\n", start - 1) + 1;
      selected = text.slice(lineStart, end);
      start = lineStart;
      insert = selected.split("\n").map(function (line) { return PREFIX[action] + line; }).join("\n");
    }
    box.setRangeText(insert, start, end, "end");
    box.focus();
    box.dispatchEvent(new Event("input", {bubbles: true}));
  }

  document.addEventListener("click", function (event) {
    var button = event.target instanceof Element ? event.target.closest("[data-md]") : null;
    var form = composerOf(button);
    if (!button || !form) { return; }
    event.preventDefault();
    apply(bodyOf(form), button.getAttribute("data-md"));
  });

  // --- pasted screenshots become attachments of the reply form -----------------------------
  function stamp() {
    var d = new Date();
    function two(n) { return (n < 10 ? "0" : "") + n; }
    return d.getFullYear() + two(d.getMonth() + 1) + two(d.getDate()) + "-" +
      two(d.getHours()) + two(d.getMinutes()) + two(d.getSeconds());
  }

  document.addEventListener("paste", function (event) {
    var form = composerOf(event.target);
    var input = form ? form.querySelector("input[type=file][name=attachments]") : null;
    var data = event.clipboardData;
    if (!input || !data || !window.DataTransfer) { return; }
    var images = Array.prototype.filter.call(data.files || [], function (file) {
      return file.type.indexOf("image/") === 0;
    });
    if (!images.length) { return; }
    event.preventDefault();
    var transfer = new DataTransfer();
    Array.prototype.forEach.call(input.files || [], function (file) { transfer.items.add(file); });
    var when = stamp();
    images.forEach(function (file, i) {
      var ext = (file.type.split("/")[1] || "png").replace(/[^a-z0-9]/gi, "");
      var name = "screenshot-" + when + (images.length > 1 ? "-" + (i + 1) : "") + "." + ext;
      transfer.items.add(new File([file], name, {type: file.type}));
    });
    input.files = transfer.files;
    var note = form.querySelector("[data-gd-pasted]");
    if (note) {
      note.textContent = Array.prototype.map.call(input.files, function (f) { return f.name; }).join(", ");
    }
  });

  // --- @mentions (internal notes) -----------------------------------------------------------
  var MENTION = /(^|[^\p{L}\p{N}_@.])@([\p{L}\p{N}_.+-]{1,30})$/u;
  var timer = null;

  function isNote(form) {
    var kind = form.querySelector("input[name=kind]:checked");
    return kind && kind.value === "note";
  }
  function mentionBox(form) { return form.querySelector(".gd-mentions"); }

  function suggest(form, box) {
    var list = mentionBox(form);
    if (!list) { return; }
    var before = box.value.slice(0, box.selectionStart);
    var match = isNote(form) ? MENTION.exec(before) : null;
    if (!match) { list.innerHTML = ""; return; }
    var url = form.getAttribute("data-mentions-url") + "?q=" + encodeURIComponent(match[2]);
    fetch(url, {credentials: "same-origin", headers: {"HX-Request": "true"}})
      .then(function (response) { return response.ok ? response.text() : ""; })
      .then(function (html) { list.innerHTML = html; });
  }

  document.addEventListener("input", function (event) {
    var form = composerOf(event.target);
    if (!form || event.target !== bodyOf(form)) { return; }
    clearPreview(form);
    clearTimeout(timer);
    timer = setTimeout(function () { suggest(form, event.target); }, 200);
  });

  document.addEventListener("click", function (event) {
    var option = event.target instanceof Element ? event.target.closest("[data-mention]") : null;
    var form = composerOf(option);
    if (!option || !form) { return; }
    var box = bodyOf(form);
    var before = box.value.slice(0, box.selectionStart);
    var match = MENTION.exec(before);
    if (match) {
      var start = box.selectionStart - match[2].length;
      box.setRangeText(option.getAttribute("data-mention") + " ", start, box.selectionStart, "end");
    }
    mentionBox(form).innerHTML = "";
    box.focus();
  });
})();
