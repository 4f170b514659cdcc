/* Report charts (ECharts 3.x): every element with data-chart-source="<id>" is drawn from the
   JSON of <script id="<id>" type="application/json"> (Django's json_script), so no inline script
   is needed under the CSP. A click on a bar, point, slice or cell opens its ticket list
   (spec.links: one URL per category, or per series and category). The table beside each chart
   has the same figures. */
(function () {
  "use strict";

  function linkFor(spec, params) {
    var links = spec.links || [];
    if (!links.length) { return ""; }
    if (Array.isArray(links[0])) {
      return (links[params.seriesIndex] || [])[params.dataIndex] || "";
    }
    return links[params.dataIndex] || "";
  }

  // Tooltips as text: ECharts' default markers are spans with inline styles, which the CSP
  // (style-src 'self') refuses.
  function text(value) {
    var div = document.createElement("div");
    div.textContent = value === null || value === undefined ? "—" : String(value);
    return div.innerHTML;
  }

  function axisTooltip(params) {
    var list = Array.isArray(params) ? params : [params];
    var lines = [text(list.length ? list[0].name : "")];
    list.forEach(function (p) { lines.push(text(p.seriesName) + ": " + text(p.value)); });
    return lines.join("<br>");
  }

  function axisOption(spec) {
    var stacked = spec.type === "stack";
    var kind = spec.type === "line" ? "line" : "bar";
    return {
      tooltip: { trigger: "axis", formatter: axisTooltip },
      legend: { data: spec.series.map(function (s) { return s.name; }), top: 0 },
      grid: { left: 48, right: 16, top: 36, bottom: 48, containLabel: true },
      xAxis: { type: "category", data: spec.categories, axisLabel: { interval: "auto", rotate: spec.categories.length > 8 ? 30 : 0 } },
      yAxis: { type: "value", name: spec.unit || "" },
      series: spec.series.map(function (s) {
        return { name: s.name, type: kind, stack: stacked ? "all" : null, data: s.data, cursor: "pointer" };
      })
    };
  }

  function pieOption(spec) {
    var first = spec.series[0] || { data: [] };
    return {
      tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)" },
      legend: { data: spec.categories, bottom: 0, type: "scroll" },
      series: [{
        name: first.name, type: "pie", radius: ["35%", "65%"],
        data: spec.categories.map(function (c, i) { return { name: c, value: first.data[i] }; })
      }]
    };
  }

  function heatmapOption(spec) {
    var cells = [], max = 0;
    spec.series.forEach(function (s, x) {
      s.data.forEach(function (v, y) {
        cells.push([x, y, v === null ? "-" : v]);
        if (v > max) { max = v; }
      });
    });
    return {
      tooltip: {
        position: "top",
        formatter: function (p) {
          return text(spec.categories[p.value[1]]) + " " + text(spec.series[p.value[0]].name) + ": " + text(p.value[2]);
        }
      },
      grid: { left: 64, right: 16, top: 16, bottom: 64 },
      xAxis: { type: "category", data: spec.series.map(function (s) { return s.name; }), splitArea: { show: true } },
      yAxis: { type: "category", data: spec.categories, splitArea: { show: true } },
      visualMap: { min: 0, max: max || 1, calculable: true, orient: "horizontal", left: "center", bottom: 0 },
      series: [{ type: "heatmap", data: cells }]
    };
  }

  function draw(el) {
    if (el.getAttribute("data-chart-drawn")) { return; }
    var source = document.getElementById(el.getAttribute("data-chart-source"));
    if (!source || typeof echarts === "undefined") { return; }
    var spec = JSON.parse(source.textContent);
    var chart = echarts.init(el);
    var option = spec.type === "pie" ? pieOption(spec)
      : spec.type === "heatmap" ? heatmapOption(spec) : axisOption(spec);
    chart.setOption(option);
    chart.on("click", function (params) {
      var url = spec.type === "heatmap" ? "" : linkFor(spec, params);
      if (url) { window.location.assign(url); }
    });
    el.setAttribute("data-chart-drawn", "1");
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function drawAll(root) {
    var els = (root || document).querySelectorAll("[data-chart-source]");
    for (var i = 0; i < els.length; i++) { draw(els[i]); }
  }

  // The period picker: the start and end dates are for a custom period; choosing a date
  // switches the picker to "custom".
  function periodPicker() {
    var select = document.getElementById("id_period");
    if (!select) { return; }
    var boxes = document.querySelectorAll(".gd-custom-period");
    var show = function () {
      for (var i = 0; i < boxes.length; i++) { boxes[i].hidden = select.value !== "custom"; }
    };
    ["id_start", "id_end"].forEach(function (id) {
      var input = document.getElementById(id);
      if (input) { input.addEventListener("change", function () { select.value = "custom"; show(); }); }
    });
    select.addEventListener("change", show);
    show();
  }

  document.addEventListener("DOMContentLoaded", function () { drawAll(document); periodPicker(); });
  document.addEventListener("htmx:afterSwap", function (e) { drawAll(e.target); });
}());
